"""Reads of the agendas domain: warnings shown on the planning page and the coordinator's
planning board."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import AgendaItem, Visit
from .services import visit_allowed_days

WEEKDAY_CODES = ["ma", "di", "wo", "do", "vr", "za", "zo"]
STALLED_BEFORE_STAGE = timedelta(days=21)
STALLED_AFTER_PUBLISH = timedelta(days=14)


def guest_unavailable_days(visit: Visit) -> set[date]:
    """Days of the visit's weeks the guest said they cannot come. No preference, or no days
    ticked, means fully available."""
    preference = getattr(visit.guest, "preference", None)
    if preference is None:
        return set()
    cohort = visit.exchange.cohort
    unavailable = set()
    for days, codes in ((cohort.week_a_days, preference.days_a),
                        (cohort.week_b_days, preference.days_b)):
        if not codes:
            continue
        unavailable |= {d for d in days if WEEKDAY_CODES[d.weekday()] not in codes}
    return unavailable


def visit_warnings(*, visit: Visit, items: list[AgendaItem], today: date | None = None
                   ) -> list[str]:
    """Dutch warnings about a visit; they inform, they never block saving."""
    today = today or timezone.localdate()
    warnings: list[str] = []
    days = visit.day_dates
    wanted = visit.exchange.cohort.days_per_visit
    if days and len(days) < wanted:
        warnings.append(_("U hebt %(n)s van de %(m)s dagen gekozen.") % {
            "n": len(days), "m": wanted})
    active = sorted((i for i in items if not i.cancelled), key=lambda i: (i.day, i.start))
    for item in active:
        if item.day not in days:
            warnings.append(_("‘%(title)s’ valt op %(day)s, geen gekozen dag van dit bezoek.")
                            % {"title": item.title, "day": item.day.strftime("%d-%m-%Y")})
    for before, after in zip(active, active[1:], strict=False):
        if before.day == after.day and after.start < before.end:
            warnings.append(_("‘%(a)s’ en ‘%(b)s’ overlappen op %(day)s.") % {
                "a": before.title, "b": after.title, "day": after.day.strftime("%d-%m-%Y")})
    for day in sorted(set(days) & guest_unavailable_days(visit)):
        warnings.append(_("De gast heeft aangegeven op %(day)s niet te kunnen.") % {
            "day": day.strftime("%d-%m-%Y")})
    if days and not active and today <= min(days) <= today + timedelta(days=7):
        warnings.append(_("Het bezoek begint binnen een week en heeft nog geen agenda."))
    return warnings


def visit_items(visit: Visit) -> list[AgendaItem]:
    return list(visit.items.select_related("proposed_by"))


@dataclass
class BoardRow:
    exchange: object
    names: list[str]
    visits: list[Visit]
    days_chosen: bool = False
    agreed: bool = False
    held: bool = False
    stalled: bool = False
    notes: list[str] = field(default_factory=list)


def planning_board(*, cohort, today: date | None = None) -> list[BoardRow]:
    """One row per published exchange of the cohort; a fixed number of queries."""
    from matching.models import Exchange, ExchangeMember

    today = today or timezone.localdate()
    exchanges = (
        Exchange.objects.filter(cohort=cohort, published_at__isnull=False)
        .prefetch_related(
            Prefetch("members", queryset=ExchangeMember.objects.select_related(
                "participant__user").order_by("position")),
            Prefetch("visits", queryset=Visit.objects.select_related(
                "host__user", "guest__user").order_by("leg")),
        )
    )
    rows = []
    stage_soon = cohort.week_a_start - today <= STALLED_BEFORE_STAGE
    for exchange in exchanges:
        members = list(exchange.members.all())
        visits = list(exchange.visits.all())
        expected = 2 if len(members) <= 2 else 3
        complete = len(visits) == expected
        row = BoardRow(
            exchange=exchange,
            names=[str(m.participant) for m in members],
            visits=visits,
            days_chosen=complete and all(v.days for v in visits),
            agreed=complete and all(v.agreed for v in visits),
            held=complete and all(v.held for v in visits),
        )
        old = exchange.published_at and timezone.now() - exchange.published_at > (
            STALLED_AFTER_PUBLISH)
        row.stalled = not row.agreed and bool(stage_soon or old)
        rows.append(row)
    return rows


def feed_visits(user):
    """Visits where the user is host or guest, with their items, for the calendar feed."""
    from django.db.models import Q

    return (
        Visit.objects.filter(Q(host__user=user) | Q(guest__user=user))
        .select_related("host__user", "guest__user", "exchange__cohort")
        .prefetch_related("items")
    )


__all__ = ["visit_allowed_days", "visit_warnings", "planning_board", "feed_visits",
           "visit_items", "guest_unavailable_days"]
