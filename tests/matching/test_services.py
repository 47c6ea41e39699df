"""Services of the matching app: input building, runs, pins, publish, repair."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q

from cohorts.enums import OrganisationKind, ParticipantStatus
from cohorts.models import Participant
from cohorts.services import participant_withdraw
from matching import selectors, services
from matching.enums import RepairKind, RunStatus
from matching.models import Exchange, ExchangeMember, Forbid, Pin
from notifications.models import OutboxMessage
from tests.factories import CohortFactory, ParticipantFactory
from tests.matching.conftest import _move_to_the_past

pytestmark = pytest.mark.django_db


def _groups(run):
    return {frozenset(g) for g in selectors.run_groups(run)}


def _pair(*people):
    return frozenset(str(p.pk) for p in people)


def test_matching_input_scores_only_acceptable_pairs_with_reasons(four):
    mi = selectors.matching_input(cohort=four["bob"].cohort)
    assert set(mi.profiles) == {str(p.pk) for p in four.values()}
    # gemeente–gemeente and zorg–zorg are not allowed in this cohort
    assert set(mi.scores) == {_pair(four["bob"], four["gemma"]), _pair(four["bob"], four["gijs"]),
                              _pair(four["zoe"], four["gemma"]), _pair(four["zoe"], four["gijs"])}
    reasons = [r.text for r in mi.scores[_pair(four["bob"], four["gemma"])].reasons]
    assert any("verlanglijst van Gemma Gemeente, nr. 1" in r for r in reasons)
    assert "niet toegestaan" in mi.unacceptable[_pair(four["gemma"], four["gijs"])].reason
    assert len(mi.instance.pairs) == 4


def test_matching_input_applies_forbids_and_avoided(four, coordinator):
    services.forbid_create(cohort=four["bob"].cohort, a=four["bob"], b=four["gemma"],
                           by=coordinator)
    services.preference_save(participant=four["zoe"], avoided=[four["gijs"].organisation])
    mi = selectors.matching_input(cohort=four["bob"].cohort)
    assert _pair(four["bob"], four["gemma"]) not in mi.scores
    assert "uitgesloten" in mi.unacceptable[_pair(four["bob"], four["gemma"])].reason
    assert "wil niet naar" in mi.unacceptable[_pair(four["zoe"], four["gijs"])].reason


def test_match_run_create_small_cohort_runs_inline_with_reasons(four, coordinator):
    run = services.match_run_create(cohort=four["bob"].cohort, by=coordinator,
                                    objective="max_total", triads=False)
    assert run.status == RunStatus.DONE and run.progress == 100
    assert _groups(run) == {_pair(four["bob"], four["gemma"]), _pair(four["zoe"], four["gijs"])}
    assert run.stats["placed"] == 4
    assert run.stats["wished"] == 1
    bob_gemma = next(e for e in run.result["exchanges"]
                     if set(e["members"]) == _pair(four["bob"], four["gemma"]))
    assert any("verlanglijst" in r for r in bob_gemma["reasons"])


def test_match_run_keeps_pins(four, coordinator):
    cohort = four["bob"].cohort
    services.pin_create(cohort=cohort, a=four["bob"], b=four["gijs"], by=coordinator)
    run = services.match_run_create(cohort=cohort, by=coordinator, objective="max_total",
                                    triads=False)
    assert _pair(four["bob"], four["gijs"]) in _groups(run)
    assert Pin.objects.count() == 1


def test_pin_create_refuses_pair_against_the_rules(four, coordinator):
    with pytest.raises(ValidationError, match="niet toegestaan"):
        services.pin_create(cohort=four["bob"].cohort, a=four["gemma"], b=four["gijs"],
                            by=coordinator)
    assert not Pin.objects.exists()


def test_forbid_replaces_pin(four, coordinator):
    cohort = four["bob"].cohort
    services.pin_create(cohort=cohort, a=four["bob"], b=four["gijs"], by=coordinator)
    services.forbid_create(cohort=cohort, a=four["gijs"], b=four["bob"], by=coordinator)
    assert not Pin.objects.exists()
    forbid = Forbid.objects.get()
    assert forbid.a_id < forbid.b_id


def test_pair_rule_delete_only_in_its_own_cohort(four, coordinator):
    cohort = four["bob"].cohort
    pin = services.pin_create(cohort=cohort, a=four["bob"], b=four["gijs"], by=coordinator)
    other = CohortFactory()
    assert not services.pair_rule_delete(cohort=other, kind="pin", rule_pk=pin.pk)
    assert Pin.objects.filter(pk=pin.pk).exists()
    assert services.pair_rule_delete(cohort=cohort, kind="pin", rule_pk=pin.pk)
    assert not Pin.objects.exists()


def test_large_cohort_run_is_queued_for_the_worker(four, coordinator, monkeypatch,
                                                   django_capture_on_commit_callbacks):
    monkeypatch.setattr(services, "LARGE_COHORT", 3)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        run = services.match_run_create(cohort=four["bob"].cohort, by=coordinator,
                                        objective="max_min", triads=False)
        assert run.status == RunStatus.QUEUED
    assert len(callbacks) == 1
    run.refresh_from_db()
    assert run.status == RunStatus.DONE and run.stats["placed"] == 4


def test_swap_preview_shows_broken_rules_and_score_change(four, coordinator):
    run = services.match_run_create(cohort=four["bob"].cohort, by=coordinator,
                                    objective="max_total", triads=False)
    preview = selectors.swap_preview(run=run, a=str(four["bob"].pk), b=str(four["gijs"].pk))
    assert any("niet toegestaan" in text for text in preview.broken)
    assert preview.total_after < preview.total_before
    fine = selectors.swap_preview(run=run, a=str(four["gemma"].pk), b=str(four["gijs"].pk))
    assert fine.broken == []
    new = services.match_run_swap(run=run, a=str(four["gemma"].pk), b=str(four["gijs"].pk),
                                  by=coordinator)
    assert _groups(new) == {_pair(four["bob"], four["gijs"]), _pair(four["zoe"], four["gemma"])}
    assert new.based_on == run and _groups(run) != _groups(new)
    comparison = selectors.runs_compare(run, new)
    assert len(comparison.only_left) == 2 and comparison.same == 0


def test_what_if_reports_cost_for_others(four, coordinator):
    run = services.match_run_create(cohort=four["bob"].cohort, by=coordinator,
                                    objective="max_total", triads=False)
    result, names, broken = selectors.what_if_for(run=run, a=str(four["bob"].pk),
                                                  b=str(four["gijs"].pk))
    assert result.possible and broken == []
    assert {names[c.id] for c in result.changes} == {"Gemma Gemeente", "Zoë Zorg"}


def test_what_if_names_the_rule_an_impossible_pair_breaks(four, coordinator):
    run = services.match_run_create(cohort=four["bob"].cohort, by=coordinator,
                                    objective="max_total", triads=False)
    # Bob and Zoë both work at a care provider: the cohort only pairs gemeente–aanbieder.
    result, _names, broken = selectors.what_if_for(run=run, a=str(four["bob"].pk),
                                                   b=str(four["zoe"].pk))
    assert not result.possible
    assert broken and all("lijst" not in rule for rule in broken), broken
    assert any("soort" in rule or "koppeling" in rule.lower() for rule in broken), broken


def test_exchanges_publish_creates_exchanges_and_outbox_rows(four, coordinator):
    cohort = four["bob"].cohort
    run = services.match_run_create(cohort=cohort, by=coordinator, objective="max_total",
                                    triads=False)
    created = services.exchanges_publish(run=run, by=coordinator)
    assert len(created) == 2
    assert ExchangeMember.objects.filter(cohort=cohort).count() == 4
    assert all(e.published_at for e in created)
    rows = OutboxMessage.objects.filter(kind="match_published")
    assert sorted(rows.values_list("recipient__email", flat=True)) == sorted(
        p.user.email for p in four.values())
    cohort.refresh_from_db()
    assert cohort.stage == "aanmelding"  # publishing moves nothing else
    with pytest.raises(ValidationError, match="al gepubliceerde"):
        services.exchanges_publish(run=run, by=coordinator)
    assert Exchange.objects.count() == 2


def test_publish_refuses_a_run_that_now_pairs_colleagues(four, coordinator):
    # The organisations were merged after the run: two partners now work at the same one.
    cohort = four["bob"].cohort
    run = services.match_run_create(cohort=cohort, by=coordinator, objective="max_total",
                                    triads=False)
    a, b = (Participant.objects.get(pk=int(x)) for x in run.result["exchanges"][0]["members"])
    b.organisation = a.organisation
    b.save(update_fields=["organisation"])
    with pytest.raises(ValidationError, match="werken nu bij dezelfde organisatie"):
        services.exchanges_publish(run=run, by=coordinator)
    assert not Exchange.objects.exists()
    assert not OutboxMessage.objects.filter(kind="match_published").exists()


def test_one_exchange_per_participant_is_a_database_constraint(four):
    cohort = four["bob"].cohort
    first = Exchange.objects.create(cohort=cohort)
    second = Exchange.objects.create(cohort=cohort)
    ExchangeMember.objects.create(exchange=first, cohort=cohort, participant=four["bob"],
                                  position=0)
    with pytest.raises(IntegrityError), transaction.atomic():
        ExchangeMember.objects.create(exchange=second, cohort=cohort, participant=four["bob"],
                                      position=0)


def test_preferences_remind_only_those_without_preferences(four, coordinator):
    count = services.preferences_remind(cohort=four["bob"].cohort, by=coordinator)
    assert count == 1
    assert list(OutboxMessage.objects.filter(kind="preferences_reminder")
                .values_list("recipient__email", flat=True)) == [four["bob"].user.email]
    assert services.preferences_remind(cohort=four["bob"].cohort, by=coordinator) == 0


def test_preference_save_refused_after_deadline(four):
    cohort = four["bob"].cohort
    _move_to_the_past(cohort)
    with pytest.raises(ValidationError):
        services.preference_save(participant=four["bob"], topics=["inkoop"])


def _published(four, coordinator):
    cohort = four["bob"].cohort
    run = services.match_run_create(cohort=cohort, by=coordinator, objective="max_total",
                                    triads=False)
    services.exchanges_publish(run=run, by=coordinator)
    return cohort


def _members(cohort):
    return {frozenset(e.members.values_list("participant_id", flat=True))
            for e in Exchange.objects.filter(cohort=cohort)}


def _assert_reciprocal(cohort):
    for exchange in Exchange.objects.filter(cohort=cohort):
        positions = sorted(exchange.members.values_list("position", flat=True))
        assert positions in ([0, 1], [0, 1, 2])


def _plan_visits(cohort) -> None:
    """Open every exchange's planning, as the partners would, so visits exist beforehand."""
    from agendas.services import visits_ensure

    for exchange in Exchange.objects.filter(cohort=cohort):
        visits_ensure(exchange=exchange)


def _assert_visits_follow_members(cohort, gone) -> None:
    """Every visit is a host → guest edge among the exchange's current members."""
    from agendas.models import Visit

    for exchange in Exchange.objects.filter(cohort=cohort).prefetch_related("members"):
        members = [m.participant_id for m in sorted(exchange.members.all(),
                                                    key=lambda m: m.position)]
        edges = {(members[i], members[(i + 1) % len(members)]) for i in range(len(members))}
        if len(members) == 2:
            edges = {(members[0], members[1]), (members[1], members[0])}
        visits = {(v.host_id, v.guest_id) for v in exchange.visits.all()}
        assert visits == edges, (visits, edges)
    assert not Visit.objects.filter(Q(host=gone) | Q(guest=gone)).exists()


def test_repair_substitutes_from_unmatched_and_keeps_others(four, coordinator, make_person):
    cohort = _published(four, coordinator)
    late = make_person("Lotte Laat", OrganisationKind.ZORGAANBIEDER)
    proposal = services.exchange_repair_proposal(cohort=cohort,
                                                 withdrawn_participant=four["bob"])
    assert proposal.kind == RepairKind.SUBSTITUTE and proposal.newcomer == late
    _plan_visits(cohort)
    services.exchange_repair_apply(cohort=cohort, withdrawn_participant=four["bob"],
                                   by=coordinator)
    _assert_visits_follow_members(cohort, four["bob"])
    assert _members(cohort) == {frozenset({four["gemma"].pk, late.pk}),
                                frozenset({four["zoe"].pk, four["gijs"].pk})}
    four["bob"].refresh_from_db()
    assert four["bob"].status == ParticipantStatus.WITHDRAWN
    _assert_reciprocal(cohort)
    assert OutboxMessage.objects.filter(kind="match_published",
                                        recipient=late.user).exists()


def test_repair_leaves_partner_alone_when_nothing_fits(four, coordinator, make_person):
    cohort = four["bob"].cohort
    extra_zorg = make_person("Zeno Zorg", OrganisationKind.ZORGAANBIEDER)
    extra_gem = make_person("Gert Gemeente")
    cohort = _published(four, coordinator)
    assert len(_members(cohort)) == 3
    proposal = services.exchange_repair_proposal(cohort=cohort,
                                                 withdrawn_participant=extra_zorg)
    # Gert (gemeente) is left alone; the only acceptable partners are zorg people in pairs
    # with gemeenten, so no triad is possible without breaking a rule.
    assert proposal.kind == RepairKind.NONE
    before = _members(cohort) - {frozenset({extra_zorg.pk, extra_gem.pk})}
    services.exchange_repair_apply(cohort=cohort, withdrawn_participant=extra_zorg,
                                   by=coordinator)
    assert _members(cohort) == before
    _assert_reciprocal(cohort)


def test_repair_triad_with_existing_pair(coordinator, cohort, make_person):
    cohort.allowed_pairings = ["client-any"]
    cohort.save()
    a = make_person("Anna Client", OrganisationKind.CLIENTORGANISATIE)
    b = make_person("Bram Client", OrganisationKind.CLIENTORGANISATIE)
    c = make_person("Cas Client", OrganisationKind.CLIENTORGANISATIE)
    d = make_person("Dirk Client", OrganisationKind.CLIENTORGANISATIE)
    run = services.match_run_create(cohort=cohort, by=coordinator, objective="max_total",
                                    triads=False)
    services.exchanges_publish(run=run, by=coordinator)
    partner = next(m.participant for m in ExchangeMember.objects.filter(
        exchange__members__participant=a).exclude(participant=a))
    others = _members(cohort) - {frozenset({a.pk, partner.pk})}
    proposal = services.exchange_repair_proposal(cohort=cohort, withdrawn_participant=a)
    assert proposal.kind == RepairKind.TRIAD
    _plan_visits(cohort)
    services.exchange_repair_apply(cohort=cohort, withdrawn_participant=a, by=coordinator)
    _assert_visits_follow_members(cohort, a)
    (triad,) = _members(cohort)
    assert triad == next(iter(others)) | {partner.pk}
    assert {b.pk, c.pk, d.pk} == triad
    _assert_reciprocal(cohort)


def test_repair_pairs_the_two_left_alone_by_two_withdrawals_in_turn(four, coordinator):
    """Bob withdraws: Gemma is left alone, nobody fits. Gijs withdraws later: Zoë is left
    alone too, and gets Gemma, so the two form a new pair."""
    cohort = _published(four, coordinator)
    first = services.exchange_repair_proposal(cohort=cohort, withdrawn_participant=four["bob"])
    assert first.kind == RepairKind.NONE and first.left == [four["gemma"]]
    services.exchange_repair_apply(cohort=cohort, withdrawn_participant=four["bob"],
                                   by=coordinator)
    assert _members(cohort) == {frozenset({four["zoe"].pk, four["gijs"].pk})}

    second = services.exchange_repair_proposal(cohort=cohort,
                                               withdrawn_participant=four["gijs"])
    assert second.kind == RepairKind.SUBSTITUTE
    assert second.left == [four["zoe"]] and second.newcomer == four["gemma"]
    services.exchange_repair_apply(cohort=cohort, withdrawn_participant=four["gijs"],
                                   by=coordinator)
    assert _members(cohort) == {frozenset({four["gemma"].pk, four["zoe"].pk})}
    _assert_reciprocal(cohort)
    for person in ("gemma", "zoe"):
        assert OutboxMessage.objects.filter(
            kind="match_published", recipient=four[person].user,
            dedupe_key__endswith="-".join(sorted([str(four["gemma"].pk),
                                                  str(four["zoe"].pk)]))).exists()


def test_repair_pairs_the_two_left_alone_when_both_withdrew_before_the_repair(
        four, coordinator, make_person):
    """Bob and Gijs both left (e.g. deleted their accounts) before the coordinator repairs:
    Gemma and Zoë become a pair, even though an unmatched newcomer would score higher."""
    cohort = _published(four, coordinator)
    make_person("Lotte Laat", OrganisationKind.ZORGAANBIEDER,
                prefs={"wish_1": four["gemma"].organisation, "topics": ["inkoop"]})
    participant_withdraw(participant=four["bob"])
    participant_withdraw(participant=four["gijs"])
    broken = Exchange.objects.get(members__participant=four["gijs"])

    proposal = services.exchange_repair_proposal(cohort=cohort,
                                                 withdrawn_participant=four["bob"])
    assert proposal.kind == RepairKind.PAIR_UP
    assert proposal.left == [four["gemma"]] and proposal.newcomer == four["zoe"]
    assert proposal.dissolved == broken
    assert "Zoë Zorg" in proposal.explanation
    services.exchange_repair_apply(cohort=cohort, withdrawn_participant=four["bob"],
                                   by=coordinator)
    assert _members(cohort) == {frozenset({four["gemma"].pk, four["zoe"].pk})}
    assert not Exchange.objects.filter(pk=broken.pk).exists()
    _assert_reciprocal(cohort)
    assert OutboxMessage.objects.filter(kind="match_published",
                                        recipient=four["zoe"].user).count() == 2
    # Gijs's withdrawal is repaired with it.
    after = services.exchange_repair_proposal(cohort=cohort, withdrawn_participant=four["gijs"])
    assert after.exchange is None


def test_repair_skips_exchanges_broken_by_another_withdrawal(four, coordinator):
    # Zoë left before the repair: Gijs cannot be paired with Gemma (both gemeente) and the
    # pair Zoë–Gijs is no triad candidate, so nothing fits (this used to raise a KeyError).
    cohort = _published(four, coordinator)
    participant_withdraw(participant=four["zoe"])
    proposal = services.exchange_repair_proposal(cohort=cohort,
                                                 withdrawn_participant=four["bob"])
    assert proposal.kind == RepairKind.NONE and proposal.left == [four["gemma"]]
    services.exchange_repair_apply(cohort=cohort, withdrawn_participant=four["bob"],
                                   by=coordinator)
    assert _members(cohort) == {frozenset({four["zoe"].pk, four["gijs"].pk})}


def test_repair_when_both_partners_withdrew_removes_the_exchange(four, coordinator):
    cohort = _published(four, coordinator)
    participant_withdraw(participant=four["gemma"])
    proposal = services.exchange_repair_proposal(cohort=cohort,
                                                 withdrawn_participant=four["bob"])
    assert proposal.kind == RepairKind.NONE and proposal.left == []
    assert "vervalt" in proposal.explanation
    services.exchange_repair_apply(cohort=cohort, withdrawn_participant=four["bob"],
                                   by=coordinator)
    assert _members(cohort) == {frozenset({four["zoe"].pk, four["gijs"].pk})}


def test_repair_of_triad_shrinks_to_pair(coordinator, cohort, make_person):
    cohort.allowed_pairings = ["client-any"]
    cohort.save()
    people = [make_person(f"P{i} Client", OrganisationKind.CLIENTORGANISATIE)
              for i in range(3)]
    run = services.match_run_create(cohort=cohort, by=coordinator, objective="max_total",
                                    triads=True)
    assert run.stats["triads"] == 1
    services.exchanges_publish(run=run, by=coordinator)
    proposal = services.exchange_repair_proposal(cohort=cohort,
                                                 withdrawn_participant=people[0])
    assert proposal.kind == RepairKind.SHRINK
    _plan_visits(cohort)
    services.exchange_repair_apply(cohort=cohort, withdrawn_participant=people[0],
                                   by=coordinator)
    _assert_visits_follow_members(cohort, people[0])
    assert _members(cohort) == {frozenset({people[1].pk, people[2].pk})}
    _assert_reciprocal(cohort)


def test_match_published_context_cancels_for_removed_member(four, coordinator):
    from matching.emails import match_published_context

    cohort = _published(four, coordinator)
    message = OutboxMessage.objects.filter(kind="match_published",
                                           recipient=four["gemma"].user).get()
    assert "Bob Jansen" in match_published_context(message)["partners"]
    ExchangeMember.objects.filter(participant=four["gemma"]).delete()
    assert match_published_context(message) is None
    assert cohort.pk


def test_other_cohort_participant_cannot_be_pinned(four, coordinator):
    stranger = ParticipantFactory(cohort=CohortFactory())
    with pytest.raises(ValidationError):
        services.pin_create(cohort=four["bob"].cohort, a=four["bob"], b=stranger,
                            by=coordinator)


def test_run_fails_with_engine_message_when_a_pin_no_longer_fits(four, coordinator):
    cohort = four["bob"].cohort
    services.pin_create(cohort=cohort, a=four["bob"], b=four["gijs"], by=coordinator)
    cohort.allowed_pairings = ["gemeente-gemeente"]
    cohort.save()
    run = services.match_run_create(cohort=cohort, by=coordinator, objective="max_total",
                                    triads=False)
    assert run.status == RunStatus.FAILED
    assert "pin" in run.error
    with pytest.raises(ValidationError, match="niet klaar"):
        services.exchanges_publish(run=run, by=coordinator)


def test_profile_uses_province_names_for_reasons(participant):
    participant.region = "noord-brabant"
    participant.save()
    assert selectors.profile_for(participant).region == "Noord-Brabant"
