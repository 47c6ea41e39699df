"""Meeting services: planning reminders, moving, cancelling, rules, attendance, DST."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import timezone

from cohorts.enums import ParticipantStatus
from meetings.enums import MeetingKind, MeetingStatus
from meetings.models import Attendance, ReminderRule
from meetings.services import (
    KIND_CANCELLED,
    KIND_CHANGED,
    KIND_REMINDER,
    attendance_record,
    meeting_cancel,
    meeting_plan_reminders,
    meeting_propose_standard,
    meeting_reschedule,
    meeting_update,
    reminder_due_at,
    reminder_rules_set,
    reminders_plan,
)
from notifications.enums import OutboxStatus
from notifications.models import OutboxMessage
from notifications.services import outbox_dispatch_due
from tests.factories import ParticipantFactory
from tests.meetings.conftest import in_days, local

pytestmark = pytest.mark.django_db


def reminders(meeting, **filters):
    return OutboxMessage.objects.filter(kind=KIND_REMINDER, subject_type="meeting",
                                        subject_id=meeting.pk, **filters)


def test_meeting_create_plans_two_reminders_per_active_participant(
        make_meeting, participant, second_participant):
    meeting = make_meeting(days=14)
    rows = reminders(meeting).order_by("recipient_id", "due_at")
    assert rows.count() == 4
    assert {r.recipient_id for r in rows} == {participant.user_id, second_participant.user_id}
    first = rows.filter(recipient=participant.user).order_by("due_at")
    assert [r.context["days_before"] for r in first] == [7, 1]
    assert first[0].due_at == meeting.starts_at - timedelta(days=7)
    assert first[1].dedupe_key == (
        f"meeting_reminder:meeting:{meeting.pk}:v0:u{participant.user_id}:d1")
    assert all(r.subject_version == 0 and r.status == OutboxStatus.PENDING for r in rows)
    assert all(r.cohort_id == meeting.cohort_id for r in rows)


def test_meeting_plan_reminders_skips_moments_in_the_past(make_meeting, participant):
    meeting = make_meeting(days=3)
    assert list(reminders(meeting).values_list("context__days_before", flat=True)) == [1]


def test_meeting_plan_reminders_twice_plans_nothing_new(meeting):
    assert meeting_plan_reminders(meeting=meeting) == 0
    assert reminders(meeting).count() == 2


def test_meeting_plan_reminders_skips_inactive_participants(make_meeting, participant, cohort):
    inactive = [s for s in ParticipantStatus.values if s not in ParticipantStatus.active()]
    if not inactive:
        pytest.skip("every participant status counts as active")
    ParticipantFactory(cohort=cohort, status=inactive[0])
    meeting = make_meeting()
    assert set(reminders(meeting).values_list("recipient_id", flat=True)) == {
        participant.user_id}


def test_meeting_reschedule_cancels_old_reminders_and_plans_new(meeting, participant):
    new_start = meeting.starts_at + timedelta(days=2, hours=1)
    moved = meeting_reschedule(meeting=meeting, starts_at=new_start,
                               ends_at=new_start + timedelta(hours=1))
    assert moved.sequence == 1
    old = reminders(meeting, subject_version=0)
    assert set(old.values_list("status", flat=True)) == {OutboxStatus.CANCELLED}
    assert "gewijzigd" in old.first().last_error
    new = reminders(meeting, subject_version=1).order_by("due_at")
    assert [r.due_at for r in new] == [new_start - timedelta(days=7),
                                      new_start - timedelta(days=1)]
    assert set(new.values_list("status", flat=True)) == {OutboxStatus.PENDING}
    changed = OutboxMessage.objects.get(kind=KIND_CHANGED, subject_id=meeting.pk)
    assert changed.recipient == participant.user and changed.subject_version == 1


def test_meeting_update_description_only_bumps_sequence_without_change_mail(meeting):
    updated = meeting_update(meeting=meeting, description="Neem een casus mee.")
    assert updated.sequence == 1
    assert not OutboxMessage.objects.filter(kind=KIND_CHANGED).exists()
    assert reminders(meeting, subject_version=1, status=OutboxStatus.PENDING).count() == 2


def test_meeting_update_without_changes_keeps_sequence(meeting):
    assert meeting_update(meeting=meeting, title=meeting.title).sequence == 0


def test_meeting_update_rejects_end_before_start(meeting):
    with pytest.raises(ValueError):
        meeting_update(meeting=meeting, ends_at=meeting.starts_at - timedelta(hours=1))
    meeting.refresh_from_db()
    assert meeting.sequence == 0


def test_meeting_cancel_withdraws_reminders_and_plans_cancellation(
        meeting, participant, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        cancelled = meeting_cancel(meeting=meeting)
    assert cancelled.status == MeetingStatus.CANCELLED and cancelled.sequence == 1
    assert set(reminders(meeting).values_list("status", flat=True)) == {
        OutboxStatus.CANCELLED}
    notice = OutboxMessage.objects.get(kind=KIND_CANCELLED, subject_id=meeting.pk)
    assert notice.recipient == participant.user and notice.status == OutboxStatus.SENT
    assert len(mail.outbox) == 1
    assert mail.outbox[0].subject == f"Gaat niet door: {meeting.title}"
    assert meeting_cancel(meeting=cancelled).sequence == 1  # twice: nothing more
    assert OutboxMessage.objects.filter(kind=KIND_CANCELLED).count() == 1


def test_meeting_update_of_cancelled_meeting_is_refused(meeting):
    meeting_cancel(meeting=meeting)
    with pytest.raises(ValueError):
        meeting_update(meeting=meeting, title="Toch wel")


def test_meeting_propose_standard_uses_stage_weeks_and_is_idempotent(cohort, participant):
    created = meeting_propose_standard(cohort=cohort)
    assert [m.kind for m in created] == [MeetingKind.VOORBEREIDING, MeetingKind.TUSSENTIJDS,
                                         MeetingKind.TERUGKIJKEN]
    prep, interim, lookback = created
    assert prep.starts_at.astimezone(local(2026, 1, 1).tzinfo).date() == (
        cohort.week_a_start - timedelta(days=7))
    assert cohort.week_a_start < interim.starts_at.date() < cohort.week_b_start
    assert lookback.starts_at.date() > cohort.week_b_start
    assert all(m.starts_at.astimezone(prep.starts_at.tzinfo).hour == 15 for m in created)
    assert meeting_propose_standard(cohort=cohort) == []
    assert cohort.meetings.count() == 3


def test_reminder_due_at_keeps_wall_clock_across_dst_end():
    # Monday 26 October 2026 10:00 (winter time since Sunday 03:00) with 1 day: Sunday 10:00.
    moment = local(2026, 10, 26, 10)
    assert reminder_due_at(moment=moment, days_before=1) == datetime(2026, 10, 25, 9,
                                                                      tzinfo=UTC)
    # 7 days before lands in summer time: 10:00 local is 08:00 UTC, not 09:00 (11:00 local).
    assert reminder_due_at(moment=moment, days_before=7) == datetime(2026, 10, 19, 8,
                                                                      tzinfo=UTC)
    # Sunday 25 October 10:00 (winter) with 1 day: Saturday 10:00 summer time = 08:00 UTC.
    assert reminder_due_at(moment=local(2026, 10, 25, 10), days_before=1) == datetime(
        2026, 10, 24, 8, tzinfo=UTC)


def test_reminder_due_at_keeps_wall_clock_across_dst_start():
    # Monday 30 March 2026 10:00 summer time; Sunday 29 March 10:00 is also summer time,
    # Saturday 28 March 10:00 is winter time (09:00 UTC).
    assert reminder_due_at(moment=local(2026, 3, 30, 10), days_before=2) == datetime(
        2026, 3, 28, 9, tzinfo=UTC)


def test_meeting_on_dst_monday_gets_reminder_at_local_ten(cohort, participant, make_meeting):
    now = datetime(2026, 10, 1, 12, tzinfo=UTC)
    meeting = make_meeting(starts_at=local(2026, 10, 26, 10))
    reminders(meeting).delete()
    meeting_plan_reminders(meeting=meeting, now=now)
    due = {r.context["days_before"]: r.due_at for r in reminders(meeting)}
    assert due[1] == datetime(2026, 10, 25, 9, tzinfo=UTC)
    assert timezone.localtime(due[1]).hour == 10
    assert timezone.localtime(due[7]).hour == 10


def test_reminders_plan_generic_for_other_subjects(cohort, participant):
    moment = in_days(10, hour=17)
    planned = reminders_plan(cohort=cohort, subject_type="deadline", subject_id=42, version=3,
                             moment=moment, recipients=[participant.user], kind=KIND_REMINDER,
                             offsets=[2])
    assert planned == 1
    row = OutboxMessage.objects.get(subject_type="deadline")
    assert row.dedupe_key == f"meeting_reminder:deadline:42:v3:u{participant.user_id}:d2"
    assert row.subject_version == 3 and row.due_at == moment - timedelta(days=2)


def test_reminder_rules_set_replaces_offsets_and_replans(meeting, participant, cohort):
    assert reminder_rules_set(cohort=cohort, days=[3, 1, 3]) == [3, 1]
    assert sorted(ReminderRule.objects.filter(cohort=cohort)
                  .values_list("days_before", flat=True)) == [1, 3]
    open_rows = reminders(meeting, status=OutboxStatus.PENDING)
    assert sorted(r.context["days_before"] for r in open_rows) == [1, 3]
    assert reminders(meeting, status=OutboxStatus.CANCELLED).get().context == {
        "days_before": 7}
    with pytest.raises(ValueError):
        reminder_rules_set(cohort=cohort, days=[0])


def test_attendance_record_refused_before_the_meeting(meeting, participant, coordinator):
    with pytest.raises(ValidationError):
        attendance_record(meeting=meeting, recorded_by=coordinator,
                          participant_ids=[participant.pk])
    assert not Attendance.objects.exists()


def test_attendance_record_sets_exactly_the_ticked_participants(
        started_meeting, participant, second_participant, coordinator, other_participant):
    meeting = started_meeting
    assert attendance_record(meeting=meeting, recorded_by=coordinator,
                             participant_ids=[participant.pk, other_participant.pk]) == 1
    assert list(Attendance.objects.values_list("participant_id", flat=True)) == [
        participant.pk]
    attendance_record(meeting=meeting, recorded_by=coordinator,
                      participant_ids=[second_participant.pk])
    assert list(Attendance.objects.values_list("participant_id", flat=True)) == [
        second_participant.pk]


def test_due_reminder_is_sent_with_meeting_details(meeting, participant):
    row = reminders(meeting).get(context__days_before=1)
    assert outbox_dispatch_due(now=row.due_at + timedelta(seconds=1)) == 2
    assert len(mail.outbox) == 2
    message = mail.outbox[0]
    assert message.to == [participant.user.email]
    assert message.subject.startswith(f"Herinnering: {meeting.title}")
    local_start = timezone.localtime(meeting.starts_at).strftime("%H:%M")
    assert local_start in message.body and "Nederlandse tijd" in message.body
    assert f"/cohorten/{meeting.cohort_id}/bijeenkomsten/{meeting.pk}/" in message.body
    html = message.alternatives[0][0]
    assert meeting.online_url in html


def test_reminder_not_sent_when_recipient_left_cohort(meeting, participant):
    inactive = [s for s in ParticipantStatus.values if s not in ParticipantStatus.active()]
    participant.status = inactive[0]
    participant.save()
    row = reminders(meeting).get(context__days_before=1)
    outbox_dispatch_due(now=row.due_at + timedelta(seconds=1))
    assert mail.outbox == []
    assert set(reminders(meeting).values_list("status", flat=True)) == {
        OutboxStatus.CANCELLED}


def test_stale_reminder_of_old_version_is_cancelled_at_send_time(meeting, participant):
    # A row of version 0 still pending (e.g. planned by a concurrent request) after a move.
    meeting_reschedule(meeting=meeting, starts_at=meeting.starts_at + timedelta(hours=2),
                       ends_at=meeting.ends_at + timedelta(hours=2))
    mail.outbox.clear()
    stale = reminders(meeting, subject_version=0).first()
    OutboxMessage.objects.filter(pk=stale.pk).update(status=OutboxStatus.PENDING,
                                                     next_attempt_at=timezone.now())
    outbox_dispatch_due()
    stale.refresh_from_db()
    assert stale.status == OutboxStatus.CANCELLED
    assert not [m for m in mail.outbox if m.subject.startswith("Herinnering")]
