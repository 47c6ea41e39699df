"""How reflections and reports read exchanges (published pairs or triads) from matching."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from matching.models import ExchangeMember


@dataclass(frozen=True)
class ExchangeRow:
    pk: int
    cohort_id: int
    member_ids: tuple[int, ...]


def exchanges_for_cohorts(cohort_ids) -> list[ExchangeRow]:
    """The published exchanges of these cohorts with their members' participant ids, in one
    query."""
    members: dict[tuple[int, int], list[int]] = {}
    rows = (
        ExchangeMember.objects.filter(cohort_id__in=list(cohort_ids),
                                      exchange__published_at__isnull=False)
        .order_by("exchange_id", "position")
        .values_list("exchange_id", "cohort_id", "participant_id")
    )
    for exchange_id, cohort_id, participant_id in rows:
        members.setdefault((exchange_id, cohort_id), []).append(participant_id)
    return [ExchangeRow(pk, cohort_id, tuple(ids)) for (pk, cohort_id), ids in members.items()]


def partner_participant_ids(user) -> list[int]:
    """Participant ids of the people the user shares a published exchange with."""
    if not user.is_authenticated:
        return []
    return sorted(
        ExchangeMember.objects.filter(
            exchange__members__participant__user=user,
            exchange__published_at__isnull=False,
        ).exclude(participant__user=user).values_list("participant_id", flat=True).distinct()
    )


def pairing_label(kinds: list[str]) -> str:
    """'Gemeente – Zorgaanbieder' from the organisation kinds of an exchange's members."""
    from cohorts.enums import OrganisationKind

    labels = dict(OrganisationKind.choices)
    return " – ".join(str(labels.get(kind, kind or "?")) for kind in sorted(kinds))


def exchanges_by_pairing(cohort_ids, organisation_kind_of: dict[int, str]) -> Counter:
    """Per (cohort id, kind of pairing, "exchanges" | "people"): how many exchanges there are
    and how many people are in them."""
    counter: Counter = Counter()
    for row in exchanges_for_cohorts(cohort_ids):
        label = pairing_label([organisation_kind_of.get(pk, "") for pk in row.member_ids])
        counter[(row.cohort_id, label, "exchanges")] += 1
        counter[(row.cohort_id, label, "people")] += len(row.member_ids)
    return counter
