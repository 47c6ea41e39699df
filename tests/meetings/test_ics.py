"""Calendar files: parsed back with icalendar; attached to every meeting email."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from icalendar import Calendar

from meetings.ics import meeting_calendar
from meetings.services import KIND_REMINDER, meeting_cancel, meeting_reschedule
from notifications import kinds
from notifications.models import OutboxMessage
from notifications.services import outbox_dispatch_due, outbox_plan

pytestmark = pytest.mark.django_db


def event_of(data: bytes):
    calendar = Calendar.from_ical(data)
    events = calendar.walk("VEVENT")
    assert len(events) == 1
    return calendar, events[0]


def ics_attachments(message) -> list[bytes]:
    return [content if isinstance(content, bytes) else content.encode()
            for name, content, mimetype in message.attachments
            if mimetype.startswith("text/calendar")]


def test_meeting_calendar_request_has_stable_uid_and_amsterdam_timezone(meeting):
    calendar, event = event_of(meeting_calendar(meeting=meeting))
    assert str(calendar["METHOD"]) == "REQUEST"
    assert str(event["UID"]) == f"meeting-{meeting.pk}@wisselstage"
    assert int(event["SEQUENCE"]) == 0
    assert str(event["STATUS"]) == "CONFIRMED"
    assert event.decoded("DTSTART") == meeting.starts_at
    assert event["DTSTART"].params["TZID"] == "Europe/Amsterdam"
    assert [str(tz["TZID"]) for tz in calendar.walk("VTIMEZONE")] == ["Europe/Amsterdam"]
    assert str(event["LOCATION"]) == meeting.online_url


def test_meeting_calendar_sequence_rises_and_cancel_uses_method_cancel(meeting):
    moved = meeting_reschedule(meeting=meeting, starts_at=meeting.starts_at + timedelta(days=1),
                               ends_at=meeting.ends_at + timedelta(days=1))
    _, event = event_of(meeting_calendar(meeting=moved))
    assert int(event["SEQUENCE"]) == 1
    assert str(event["UID"]) == f"meeting-{meeting.pk}@wisselstage"
    cancelled = meeting_cancel(meeting=moved)
    calendar, event = event_of(meeting_calendar(meeting=cancelled))
    assert str(calendar["METHOD"]) == "CANCEL"
    assert str(event["STATUS"]) == "CANCELLED"
    assert int(event["SEQUENCE"]) == 2
    assert str(event["UID"]) == f"meeting-{meeting.pk}@wisselstage"


def test_every_meeting_email_carries_its_ics(meeting, participant,
                                             django_capture_on_commit_callbacks):
    reminder = OutboxMessage.objects.filter(kind=KIND_REMINDER).order_by("due_at").last()
    outbox_dispatch_due(now=reminder.due_at + timedelta(seconds=1))
    with django_capture_on_commit_callbacks(execute=True):
        moved = meeting_reschedule(meeting=meeting,
                                   starts_at=meeting.starts_at + timedelta(hours=1),
                                   ends_at=meeting.ends_at + timedelta(hours=1))
    meeting_cancel(meeting=moved)
    # (Inside one test transaction the on-commit hint is registered once; dispatch as beat.)
    outbox_dispatch_due()

    subjects = [m.subject for m in mail.outbox]
    assert [s.split(":")[0] for s in subjects] == ["Herinnering", "Herinnering", "Gewijzigd",
                                                   "Gaat niet door"]
    found = []
    for message in mail.outbox:
        attachments = ics_attachments(message)
        assert len(attachments) == 1, message.subject
        calendar, event = event_of(attachments[0])
        found.append((str(calendar["METHOD"]), int(event["SEQUENCE"]), str(event["UID"])))
    uid = f"meeting-{meeting.pk}@wisselstage"
    assert found == [("REQUEST", 0, uid), ("REQUEST", 0, uid), ("REQUEST", 1, uid),
                     ("CANCEL", 2, uid)]


def _test_context(message):
    return {"title": "x", "starts_at": None}


def test_outbox_send_attaches_what_the_kind_returns(participant, settings, tmp_path):
    """The notifications hook on its own: a kind with `attachments` gets them attached."""
    (tmp_path / "t").mkdir()
    for suffix, body in [("subject.txt", "Bijlage-test"), ("txt", "Tekst")]:
        (tmp_path / "t" / f"bijlage.{suffix}").write_text(body)
    templates = [{**settings.TEMPLATES[0], "DIRS": [*settings.TEMPLATES[0]["DIRS"], tmp_path]}]
    settings.TEMPLATES = templates
    kinds.register(kinds.MessageKind(
        name="test_attachment", template="t/bijlage", get_context=_test_context,
        attachments=lambda message: [("a.txt", "inhoud", "text/plain")]))
    outbox_plan(kind="test_attachment", dedupe_key="bijlage:1", recipient=participant.user)
    outbox_dispatch_due()
    assert mail.outbox[-1].attachments == [("a.txt", "inhoud", "text/plain")]
