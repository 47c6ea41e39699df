"""Writes of the agendas domain. Every change to a visit or its agenda goes through here.

Rules kept here:
- Days of a visit lie inside its stage week (leg 0: week A, leg 1: week B; the third leg of a
  triad may use either week, because its host and guest are each busy in one week only).
  At most `cohort.days_per_visit` days; fewer is allowed (a partner may only have one day) and
  shows a warning on the planning page (see selectors.visit_warnings).
- Any change to a visit or its items after an agreement "reopens" it: both agreements are
  cleared, and the other partner(s) get one digest email per 15-minute window.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from notifications.enums import OutboxStatus
from notifications.models import OutboxMessage
from notifications.services import outbox_plan

from .enums import ItemKind, ItemStatus, VisitMode, Week
from .models import AgendaChange, AgendaItem, CalendarFeed, Visit

DIGEST_KIND = "agenda_digest"
NUDGE_KIND = "agenda_nudge"
DIGEST_DELAY = timedelta(minutes=15)
SUBJECT_VISIT = "agendas.visit"
SUBJECT_EXCHANGE = "matching.exchange"

ITEM_FIELDS = ("day", "start", "end", "title", "description", "place", "meets", "kind",
               "involves_clients", "consent_arranged")


class StaleEdit(Exception):  # noqa: N818 - the name the views and tests speak
    """The item changed since the editor opened it; `current` is the item as it is now."""

    def __init__(self, current: AgendaItem):
        super().__init__("stale edit")
        self.current = current


@dataclass(frozen=True)
class Suggestion:
    key: str
    title: str
    kind: str
    start: time
    end: time
    involves_clients: bool = False


def suggestions() -> list[Suggestion]:
    """Typical stage activities; one click adds one as a proposed item."""
    return [
        Suggestion("teamoverleg", _("Teamoverleg bijwonen"), ItemKind.OVERLEG,
                   time(9, 0), time(10, 30)),
        Suggestion("wijkcoach", _("Meelopen met een wijkcoach"), ItemKind.MEELOPEN,
                   time(10, 30), time(12, 30)),
        Suggestion("contractmanagement", _("Gesprek over contractmanagement"),
                   ItemKind.GESPREK, time(13, 30), time(14, 30)),
        Suggestion("keukentafel", _("Keukentafelgesprek (met toestemming)"), ItemKind.GESPREK,
                   time(14, 30), time(15, 30), involves_clients=True),
        Suggestion("balie", _("Dag aan de balie"), ItemKind.MEELOPEN, time(9, 0), time(16, 0)),
        Suggestion("wethouder", _("Staf-overleg met de wethouder"), ItemKind.OVERLEG,
                   time(15, 30), time(16, 30)),
    ]


# --- visits ---------------------------------------------------------------------------------

def visit_allowed_days(visit: Visit) -> list[date]:
    cohort = visit.exchange.cohort
    if visit.week == Week.A:
        return list(cohort.week_a_days)
    if visit.week == Week.B:
        return list(cohort.week_b_days)
    return list(cohort.week_a_days) + list(cohort.week_b_days)


def visits_ensure(*, exchange) -> list[Visit]:
    """The visits of an exchange, matching its current members (idempotent).

    Side effects: inserts one Visit per host → guest edge that does not exist yet; after a
    repair changed the members, a leg whose host or guest changed gets the new people (its
    agreement lapses, its calendar sequence rises) and a leg the exchange no longer has (a
    triad that became a pair) is deleted with its agenda.
    Pair: leg 0 = position 0 hosts 1 in week A, leg 1 = 1 hosts 0 in week B.
    Triad: leg 0 = 0 hosts 1 (A), leg 1 = 1 hosts 2 (B), leg 2 = 2 hosts 0 (A or B).
    """
    members = sorted(exchange.members.all(), key=lambda m: m.position)
    if len(members) < 2:
        return []
    if len(members) == 2:
        edges = [(0, members[0], members[1], Week.A), (1, members[1], members[0], Week.B)]
    else:
        edges = [(0, members[0], members[1], Week.A), (1, members[1], members[2], Week.B),
                 (2, members[2], members[0], Week.AB)]
    with transaction.atomic():
        exchange.visits.exclude(leg__in=[edge[0] for edge in edges]).delete()
        for leg, host, guest, week in edges:
            visit, created = Visit.objects.get_or_create(
                exchange=exchange, leg=leg,
                defaults={"host_id": host.participant_id, "guest_id": guest.participant_id,
                          "week": week},
            )
            people = (host.participant_id, guest.participant_id)
            if not created and (visit.host_id, visit.guest_id) != people:
                visit.host_id, visit.guest_id = people
                visit.week = week
                visit.agreed_by_host_at = visit.agreed_by_guest_at = None
                visit.sequence += 1
                visit.save()
    return list(exchange.visits.select_related("host__user", "guest__user").order_by("leg"))


def visit_update(*, visit: Visit, actor, days: list[date], mode: str, address: str = "",
                 meeting_link: str = "") -> Visit:
    """Set the days and the form of a visit.

    Side effects: saves the visit with a higher sequence, reopens it (clears both agreements),
    records an AgendaChange and plans a digest to the other partner(s).
    Raises ValidationError (keyed by field) for days outside the stage week, too many days,
    or a mode without its address/link.
    """
    allowed = set(visit_allowed_days(visit))
    days = sorted(set(days))
    limit = visit.exchange.cohort.days_per_visit
    errors: dict[str, list[str]] = {}
    if any(day not in allowed for day in days):
        errors["days"] = [_("Kies alleen dagen in de stageweek van dit bezoek.")]
    elif len(days) > limit:
        errors["days"] = [_("Kies hoogstens %(n)s dagen.") % {"n": limit}]
    if mode not in VisitMode.values:
        errors["mode"] = [_("Kies op locatie of online.")]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        visit.days = [day.isoformat() for day in days]
        visit.mode = mode
        visit.address = address.strip()
        visit.meeting_link = meeting_link.strip()
        visit.sequence += 1
        visit.save()
        _record_change(visit=visit, actor=actor,
                       summary=_("Dagen of vorm aangepast: %(days)s, %(mode)s") % {
                           "days": ", ".join(d.strftime("%d-%m") for d in days) or "-",
                           "mode": visit.get_mode_display()})
    return visit


def visit_agree(*, visit: Visit, participant) -> Visit:
    """Record that the host or the guest agrees with the visit's days and agenda.

    Agreeing with the agenda means accepting it: the other partner's items that are still
    proposed become accepted (without reopening the visit).
    Side effects: sets agreed_by_host_at or agreed_by_guest_at, accepts those items. Raises
    ValidationError when the participant is not the host or guest, or when no days are
    chosen yet.
    """
    if not visit.days:
        raise ValidationError(_("Kies eerst de dagen van het bezoek."))
    if participant.pk not in (visit.host_id, visit.guest_id):
        raise ValidationError(_("Alleen de gastheer/-vrouw en de gast kunnen akkoord geven."))
    now = timezone.now()
    (visit.items.filter(status=ItemStatus.PROPOSED, cancelled=False)
     .exclude(proposed_by_id=participant.user_id)
     .update(status=ItemStatus.ACCEPTED, version=F("version") + 1))
    if participant.pk == visit.host_id:
        visit.agreed_by_host_at = now
        visit.save(update_fields=["agreed_by_host_at", "updated_at"])
    elif participant.pk == visit.guest_id:
        visit.agreed_by_guest_at = now
        visit.save(update_fields=["agreed_by_guest_at", "updated_at"])
    return visit


def visit_mark_held(*, visit: Visit, held: bool, today: date | None = None) -> Visit:
    """The coordinator records whether the visit took place. Side effects: saves `held`.
    Raises ValidationError for a visit whose first day has not come yet."""
    today = today or timezone.localdate()
    if held and (not visit.day_dates or min(visit.day_dates) > today):
        raise ValidationError(_("Een bezoek kan pas als gehouden worden gemarkeerd vanaf de "
                                "eerste stagedag."))
    visit.held = held
    visit.save(update_fields=["held", "updated_at"])
    return visit


# --- agenda items ---------------------------------------------------------------------------

def _validate_item(*, visit: Visit, day: date, start: time, end: time) -> None:
    errors: dict[str, list[str]] = {}
    if day not in visit_allowed_days(visit):
        errors["day"] = [_("Deze dag valt buiten de stageweek van dit bezoek.")]
    if end <= start:
        errors["end"] = [_("De eindtijd moet na de begintijd liggen.")]
    if errors:
        raise ValidationError(errors)


def agenda_item_create(*, visit: Visit, actor, day: date, start: time, end: time, title: str,
                       description: str = "", place: str = "", meets: str = "",
                       kind: str = ItemKind.ANDERS, involves_clients: bool = False,
                       consent_arranged: bool = False) -> AgendaItem:
    """Propose an agenda item.

    Side effects: inserts the item (status proposed), reopens the visit, records an
    AgendaChange and plans a digest. Raises ValidationError for a day outside the stage week
    or an end before the start.
    """
    _validate_item(visit=visit, day=day, start=start, end=end)
    with transaction.atomic():
        item = AgendaItem.objects.create(
            visit=visit, day=day, start=start, end=end, title=title.strip(),
            description=description, place=place, meets=meets, kind=kind,
            involves_clients=involves_clients, consent_arranged=consent_arranged,
            proposed_by=actor,
        )
        _record_change(visit=visit, actor=actor, summary=_("Nieuw: %(title)s (%(when)s)") % {
            "title": item.title, "when": _when(item)})
    return item


def agenda_item_suggest(*, visit: Visit, actor, key: str, day: date | None = None
                        ) -> AgendaItem:
    """Add one of `suggestions()` as a proposed item on the visit's first day (or `day`).
    Side effects: as agenda_item_create. Raises ValidationError for an unknown key."""
    found = {s.key: s for s in suggestions()}.get(key)
    if found is None:
        raise ValidationError(_("Onbekende suggestie."))
    if day is None:
        day = (visit.day_dates or visit_allowed_days(visit))[0]
    return agenda_item_create(visit=visit, actor=actor, day=day, start=found.start,
                              end=found.end, title=found.title, kind=found.kind,
                              involves_clients=found.involves_clients)


def agenda_item_update(*, item: AgendaItem, expected_version: int, actor, **fields: Any
                       ) -> AgendaItem:
    """Change an item the editor opened at `expected_version`.

    Side effects: saves the item with version and sequence + 1 and status back to proposed,
    reopens the visit, records an AgendaChange and plans a digest.
    Raises StaleEdit (carrying the current item) when someone else saved in between: an edit
    never silently overwrites another. Raises ValidationError as agenda_item_create.
    """
    unknown = set(fields) - set(ITEM_FIELDS)
    if unknown:
        raise TypeError(f"Unknown fields: {sorted(unknown)}")
    with transaction.atomic():
        current = AgendaItem.objects.select_for_update().select_related("visit").get(
            pk=item.pk)
        if current.version != expected_version or current.cancelled:
            raise StaleEdit(current)
        values = {name: getattr(current, name) for name in ITEM_FIELDS} | fields
        _validate_item(visit=current.visit, day=values["day"], start=values["start"],
                       end=values["end"])
        for name, value in fields.items():
            setattr(current, name, value)
        current.status = ItemStatus.PROPOSED
        current.proposed_by = actor
        current.version += 1
        current.sequence += 1
        current.save()
        _record_change(visit=current.visit, actor=actor,
                       summary=_("Gewijzigd: %(title)s (%(when)s)") % {
                           "title": current.title, "when": _when(current)})
    return current


def agenda_item_accept(*, item: AgendaItem, actor) -> AgendaItem:
    """Accept a proposed item. Side effects: status accepted, version + 1, reopens the visit
    and plans a digest. Raises ValidationError when the actor proposed it themselves."""
    if item.proposed_by_id == actor.pk:
        raise ValidationError(_("Uw eigen voorstel accepteert de ander."))
    with transaction.atomic():
        item.status = ItemStatus.ACCEPTED
        item.version += 1
        item.save(update_fields=["status", "version", "updated_at"])
        _record_change(visit=item.visit, actor=actor,
                       summary=_("Geaccepteerd: %(title)s") % {"title": item.title})
    return item


def agenda_item_comment(*, item: AgendaItem, actor, comment: str) -> AgendaItem:
    """Set the item's comment. Side effects: version + 1, reopens the visit, digest."""
    with transaction.atomic():
        item.comment = comment.strip()
        item.version += 1
        item.save(update_fields=["comment", "version", "updated_at"])
        _record_change(visit=item.visit, actor=actor,
                       summary=_("Opmerking bij %(title)s: %(comment)s") % {
                           "title": item.title, "comment": item.comment[:120]})
    return item


def agenda_item_cancel(*, item: AgendaItem, actor) -> AgendaItem:
    """Strike an item. Side effects: cancelled, version and sequence + 1 (calendars get
    STATUS:CANCELLED), reopens the visit, digest."""
    with transaction.atomic():
        item.cancelled = True
        item.version += 1
        item.sequence += 1
        item.save(update_fields=["cancelled", "version", "sequence", "updated_at"])
        _record_change(visit=item.visit, actor=actor,
                       summary=_("Geschrapt: %(title)s") % {"title": item.title})
    return item


# --- reopening and the digest ---------------------------------------------------------------

def _when(item: AgendaItem) -> str:
    return f"{item.day.strftime('%d-%m')} {item.start.strftime('%H:%M')}"


def _record_change(*, visit: Visit, actor, summary: str) -> AgendaChange:
    """Reopen the visit, keep a change record and plan one digest per other partner."""
    if visit.agreed_by_host_at or visit.agreed_by_guest_at:
        visit.agreed_by_host_at = visit.agreed_by_guest_at = None
        visit.save(update_fields=["agreed_by_host_at", "agreed_by_guest_at", "updated_at"])
        summary = f"{summary} — " + _("het akkoord is vervallen")
    change = AgendaChange.objects.create(visit=visit, actor=actor, summary=summary[:300])
    users = {visit.host.user, visit.guest.user}
    for user in users:
        if actor is not None and user.pk == actor.pk:
            continue
        _plan_digest(visit=visit, recipient=user, since=change.created_at)
    return change


def _plan_digest(*, visit: Visit, recipient, since: datetime) -> None:
    """One open digest per (visit, recipient): edits inside its window join it."""
    if OutboxMessage.objects.filter(
        kind=DIGEST_KIND, subject_type=SUBJECT_VISIT, subject_id=visit.pk,
        recipient=recipient, status__in=OutboxStatus.open(),
    ).exists():
        return
    bucket = int(since.timestamp() // DIGEST_DELAY.total_seconds())
    outbox_plan(
        kind=DIGEST_KIND, dedupe_key=f"agenda-digest:{visit.pk}:{recipient.pk}:{bucket}",
        due_at=since + DIGEST_DELAY, recipient=recipient, cohort=visit.exchange.cohort,
        subject_type=SUBJECT_VISIT, subject_id=visit.pk,
        context={"since": since.isoformat()},
    )


def exchange_nudge(*, exchange, actor) -> int:
    """Remind the partners of an exchange to finish their planning.

    Side effects: plans one "agenda_nudge" message per member, at most one per member per
    day (the dedupe key holds the date). Returns how many were planned.
    """
    today = timezone.localdate().isoformat()
    planned = 0
    for member in exchange.members.select_related("participant__user"):
        user = member.participant.user
        if outbox_plan(kind=NUDGE_KIND, dedupe_key=f"agenda-nudge:{exchange.pk}:{user.pk}:{today}",
                       recipient=user, cohort=exchange.cohort, subject_type=SUBJECT_EXCHANGE,
                       subject_id=exchange.pk):
            planned += 1
    return planned


def calendar_feed_for(*, user) -> CalendarFeed:
    """The user's feed secret. Side effects: creates it on first use."""
    feed, _created = CalendarFeed.objects.get_or_create(user=user)
    return feed


def calendar_feed_renew(*, user) -> CalendarFeed:
    """A new secret; the old feed URL stops working. Side effects: saves the new token."""
    from .models import new_feed_token

    feed = calendar_feed_for(user=user)
    feed.token = new_feed_token()
    feed.save(update_fields=["token", "created_at"])
    return feed
