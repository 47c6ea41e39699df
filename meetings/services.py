"""Writes on meetings. Every service owns its side effects: rows, outbox messages, sequence.

Reminders are rows first: planning writes outbox rows (kind "meeting_reminder") with a
dedupe key per (meeting, sequence, recipient, offset); a change bumps the meeting's sequence,
cancels the old version's pending rows and plans new ones. A row that was already claimed
when the meeting changed is stopped at send time by the kind's get_context (see emails.py).
"""

from __future__ import annotations

import zoneinfo
from collections.abc import Iterable, Sequence
from datetime import date, datetime, time, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cohorts.models import Cohort, Participant
from notifications.enums import OutboxStatus
from notifications.models import OutboxMessage
from notifications.services import outbox_cancel, outbox_cancel_rows, outbox_plan_many

from .enums import MeetingKind, MeetingStatus
from .models import DEFAULT_REMINDER_DAYS, Attendance, Meeting, MeetingMaterial, ReminderRule

AMSTERDAM = zoneinfo.ZoneInfo("Europe/Amsterdam")
SUBJECT_MEETING = "meeting"
KIND_REMINDER = "meeting_reminder"
KIND_CHANGED = "meeting_changed"
KIND_CANCELLED = "meeting_cancelled"
MEETING_KINDS = (KIND_REMINDER, KIND_CHANGED, KIND_CANCELLED)
# Fields whose change participants must hear about (time and place).
NOTIFY_FIELDS = ("starts_at", "ends_at", "online_url", "address")
EDITABLE_FIELDS = ("kind", "title", "starts_at", "ends_at", "online_url", "address",
                   "description", "materials_text")


# --- reminders (generic) ----------------------------------------------------------------

def reminder_due_at(*, moment: datetime, days_before: int) -> datetime:
    """The moment to remind: the same Europe/Amsterdam wall-clock time, `days_before` days
    earlier (so across a daylight-saving switch it is not shifted by an hour)."""
    local = moment.astimezone(AMSTERDAM)
    day: date = local.date() - timedelta(days=days_before)
    wall: time = local.time().replace(tzinfo=None)
    return datetime.combine(day, wall, tzinfo=AMSTERDAM)


def reminder_offsets(*, cohort: Cohort) -> list[int]:
    """The cohort's reminder offsets in days, largest first (default 7 and 1)."""
    days = list(cohort.reminder_rules.values_list("days_before", flat=True))
    return sorted(days or DEFAULT_REMINDER_DAYS, reverse=True)


def reminders_plan(
    *,
    cohort: Cohort,
    subject_type: str,
    subject_id: int,
    version: int,
    moment: datetime,
    recipients: Iterable[Any],
    kind: str,
    offsets: Sequence[int] | None = None,
    now: datetime | None = None,
) -> int:
    """Plan reminders about a subject (a meeting now, deadlines later) for every recipient
    and offset whose reminder moment is still in the future. Call inside a transaction.

    Side effects: inserts outbox rows of `kind` with dedupe key
    `<kind>:<subject_type>:<subject_id>:v<version>:u<user id>:d<days>`, subject_version =
    `version` and context {"days_before": days}. Existing keys are left alone. Returns the
    number of new rows.
    """
    now = now or timezone.now()
    offsets = reminder_offsets(cohort=cohort) if offsets is None else offsets
    moments = {days: reminder_due_at(moment=moment, days_before=days) for days in offsets}
    return outbox_plan_many(
        {
            "kind": kind,
            "dedupe_key": f"{kind}:{subject_type}:{subject_id}:v{version}:u{user.pk}:d{days}",
            "due_at": due_at,
            "recipient": user,
            "cohort": cohort,
            "subject_type": subject_type,
            "subject_id": subject_id,
            "subject_version": version,
            "context": {"days_before": days},
        }
        for user in recipients
        for days, due_at in moments.items()
        if due_at > now
    )


def _recipients(cohort: Cohort) -> list:
    return [p.user for p in Participant.objects.active().filter(cohort=cohort)
            .select_related("user").order_by("pk")]


def meeting_plan_reminders(*, meeting: Meeting, now: datetime | None = None) -> int:
    """Plan the reminders of the meeting's current sequence for every active participant.

    Side effects: outbox rows (kind meeting_reminder, subject "meeting", version = sequence)
    for each offset whose moment is still in the future; none for a cancelled meeting.
    Returns the number of new rows.
    """
    if meeting.is_cancelled:
        return 0
    return reminders_plan(
        cohort=meeting.cohort, subject_type=SUBJECT_MEETING, subject_id=meeting.pk,
        version=meeting.sequence, moment=meeting.starts_at, recipients=_recipients(meeting.cohort),
        kind=KIND_REMINDER, now=now,
    )


def _plan_to_participants(*, meeting: Meeting, kind: str) -> int:
    return outbox_plan_many(
        {
            "kind": kind,
            "dedupe_key": f"{kind}:meeting:{meeting.pk}:v{meeting.sequence}:u{user.pk}",
            "recipient": user,
            "cohort": meeting.cohort,
            "subject_type": SUBJECT_MEETING,
            "subject_id": meeting.pk,
            "subject_version": meeting.sequence,
        }
        for user in _recipients(meeting.cohort)
    )


# --- meetings -----------------------------------------------------------------------------

@transaction.atomic
def meeting_create(*, cohort: Cohort, title: str, starts_at: datetime, ends_at: datetime,
                   kind: str = MeetingKind.ANDERS, online_url: str = "", address: str = "",
                   description: str = "", materials_text: str = "") -> Meeting:
    """Add a group meeting to a cohort.

    Side effects: a Meeting row (sequence 0, planned); its reminders in the outbox.
    Raises ValueError when the meeting does not end after it starts.
    """
    if ends_at <= starts_at:
        raise ValueError("A meeting must end after it starts.")
    meeting = Meeting.objects.create(
        cohort=cohort, kind=kind, title=title, starts_at=starts_at, ends_at=ends_at,
        online_url=online_url, address=address, description=description,
        materials_text=materials_text,
    )
    meeting_plan_reminders(meeting=meeting)
    return meeting


def _standard_moment(day: date, hour: int = 15) -> datetime:
    return datetime.combine(day, time(hour, 0), tzinfo=AMSTERDAM)


@transaction.atomic
def meeting_propose_standard(*, cohort: Cohort) -> list[Meeting]:
    """Create the three standard online meetings from the cohort's stage weeks: a preparation
    the Monday a week before week A, an interim one the Monday after week A (or the Friday of
    week A when week B follows straight on), a look-back the Monday after week B; all
    15:00–16:30 Amsterdam time. Kinds the cohort already has (planned) are skipped.

    Side effects: up to three Meeting rows and their reminders. Returns the new meetings.
    """
    from django.utils.translation import gettext as _

    existing = set(cohort.meetings.planned().values_list("kind", flat=True))
    week_a, week_b = cohort.week_a_start, cohort.week_b_start
    between = week_a + timedelta(days=7)
    if between >= week_b:
        between = week_a + timedelta(days=4)
    plan = [
        (MeetingKind.VOORBEREIDING, _("Voorbereidende bijeenkomst"), week_a - timedelta(days=7)),
        (MeetingKind.TUSSENTIJDS, _("Tussentijdse bijeenkomst"), between),
        (MeetingKind.TERUGKIJKEN, _("Terugkijkbijeenkomst"), week_b + timedelta(days=7)),
    ]
    created = []
    for kind, title, day in plan:
        if kind in existing:
            continue
        starts_at = _standard_moment(day)
        created.append(meeting_create(
            cohort=cohort, kind=kind, title=title, starts_at=starts_at,
            ends_at=starts_at + timedelta(minutes=90),
        ))
    return created


@transaction.atomic
def meeting_update(*, meeting: Meeting, **changes: Any) -> Meeting:
    """Change a planned meeting (any of EDITABLE_FIELDS).

    Side effects when anything changed: sequence + 1; the old version's pending and held
    reminders cancelled; reminders for the new version planned; when the time or the place
    changed, a "meeting_changed" email (with .ics) planned for every active participant.
    Raises ValueError for a cancelled meeting, an unknown field or an end before the start.
    """
    unknown = set(changes) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValueError(f"Cannot change {sorted(unknown)}.")
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    if meeting.is_cancelled:
        raise ValueError("A cancelled meeting cannot be changed.")
    changed = {name for name, value in changes.items() if getattr(meeting, name) != value}
    if not changed:
        return meeting
    for name in changed:
        setattr(meeting, name, changes[name])
    if meeting.ends_at <= meeting.starts_at:
        raise ValueError("A meeting must end after it starts.")
    meeting.sequence += 1
    meeting.save()
    outbox_cancel(subject_type=SUBJECT_MEETING, subject_id=meeting.pk, kinds=[KIND_REMINDER],
                  reason="Vervangen: de bijeenkomst is gewijzigd.")
    # An earlier change mail that has not gone out yet is replaced by this one.
    outbox_cancel(subject_type=SUBJECT_MEETING, subject_id=meeting.pk, kinds=[KIND_CHANGED],
                  reason="Vervangen door een nieuwere wijziging.")
    meeting_plan_reminders(meeting=meeting)
    if changed & set(NOTIFY_FIELDS):
        _plan_to_participants(meeting=meeting, kind=KIND_CHANGED)
    return meeting


def meeting_reschedule(*, meeting: Meeting, starts_at: datetime, ends_at: datetime) -> Meeting:
    """Move a meeting. Side effects as `meeting_update`: sequence + 1, old reminders cancelled,
    new ones planned, a "meeting_changed" email to every active participant."""
    return meeting_update(meeting=meeting, starts_at=starts_at, ends_at=ends_at)


@transaction.atomic
def meeting_cancel(*, meeting: Meeting) -> Meeting:
    """Cancel a meeting.

    Side effects: status cancelled, sequence + 1; every pending or held message about the
    meeting (reminders, change mails) cancelled; a "meeting_cancelled" email (with a
    METHOD:CANCEL .ics) planned for every active participant. Cancelling twice does nothing.
    """
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    if meeting.is_cancelled:
        return meeting
    meeting.status = MeetingStatus.CANCELLED
    meeting.sequence += 1
    meeting.save()
    outbox_cancel(subject_type=SUBJECT_MEETING, subject_id=meeting.pk,
                  kinds=[KIND_REMINDER, KIND_CHANGED], reason="De bijeenkomst is afgelast.")
    _plan_to_participants(meeting=meeting, kind=KIND_CANCELLED)
    return meeting


# --- reminder rules -----------------------------------------------------------------------

@transaction.atomic
def reminder_rules_set(*, cohort: Cohort, days: Iterable[int]) -> list[int]:
    """Replace the cohort's reminder offsets.

    Side effects: ReminderRule rows replaced; pending reminders of planned meetings for
    offsets no longer wanted are cancelled; reminders for new offsets planned.
    Returns the new offsets, largest first.
    """
    wanted = sorted({int(d) for d in days}, reverse=True)
    if not wanted or any(d < 1 or d > 60 for d in wanted):
        raise ValueError("Offsets must be 1 to 60 days.")
    cohort.reminder_rules.exclude(days_before__in=wanted).delete()
    ReminderRule.objects.bulk_create(
        [ReminderRule(cohort=cohort, days_before=d) for d in wanted], ignore_conflicts=True)
    meetings = list(cohort.meetings.planned().filter(starts_at__gt=timezone.now()))
    dropped = (
        OutboxMessage.objects.filter(
            kind=KIND_REMINDER, subject_type=SUBJECT_MEETING,
            subject_id__in=[m.pk for m in meetings], status__in=OutboxStatus.open())
        .exclude(context__days_before__in=wanted)
    )
    outbox_cancel_rows(dropped, reason="Deze herinnering staat niet meer in de regels.")
    for meeting in meetings:
        meeting_plan_reminders(meeting=meeting)
    return wanted


# --- attendance and materials --------------------------------------------------------------

@transaction.atomic
def attendance_record(*, meeting: Meeting, participant_ids: Iterable[int], recorded_by) -> int:
    """Record who attended: exactly the given participants (of the meeting's cohort).

    Side effects: Attendance rows added for new ones, removed for those no longer ticked.
    Ids of people outside the cohort are ignored. Returns the number present.
    Raises ValidationError before the meeting has started.
    """
    if meeting.starts_at > timezone.now():
        raise ValidationError(_("Aanwezigheid kunt u noteren zodra de bijeenkomst begonnen is."))
    ids = set(Participant.objects.filter(cohort=meeting.cohort, pk__in=list(participant_ids))
              .values_list("pk", flat=True))
    meeting.attendances.exclude(participant_id__in=ids).delete()
    Attendance.objects.bulk_create(
        [Attendance(meeting=meeting, participant_id=pk, recorded_by=recorded_by) for pk in ids],
        ignore_conflicts=True,
    )
    return len(ids)


def material_add(*, meeting: Meeting, file, uploaded_by) -> MeetingMaterial:
    """Attach an (already validated) uploaded file to a meeting.
    Side effects: the file stored under MEDIA_ROOT, a MeetingMaterial row."""
    return MeetingMaterial.objects.create(
        meeting=meeting, file=file, name=file.name[:200], size=file.size,
        uploaded_by=uploaded_by,
    )


def material_remove(*, material: MeetingMaterial) -> None:
    """Side effects: the MeetingMaterial row and its stored file are deleted."""
    material.file.delete(save=False)
    material.delete()
