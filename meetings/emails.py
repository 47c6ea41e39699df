"""Message kinds of group meetings: reminder, change and cancellation, each with an .ics.

get_context re-checks at send time that the message still makes sense; None cancels it.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.urls import reverse

from cohorts.models import Participant
from notifications.kinds import MessageKind, register

from .ics import METHOD_CANCEL, METHOD_REQUEST, ics_attachment
from .models import Meeting
from .services import KIND_CANCELLED, KIND_CHANGED, KIND_REMINDER

Attachment = tuple[str, bytes, str]


def _meeting(message) -> Meeting | None:
    return (Meeting.objects.select_related("cohort").filter(pk=message.subject_id).first()
            if message.subject_id is not None else None)


def _is_active_participant(message, meeting: Meeting) -> bool:
    return message.recipient_id is not None and Participant.objects.active().filter(
        cohort_id=meeting.cohort_id, user_id=message.recipient_id).exists()


def _base_context(meeting: Meeting) -> dict[str, Any]:
    return {
        "meeting": meeting,
        "cohort": meeting.cohort,
        "meeting_url": settings.SITE_URL + reverse(
            "meetings:detail", args=[meeting.cohort_id, meeting.pk]),
    }


def reminder_context(message) -> dict | None:
    """None when the meeting is gone, cancelled, changed since this reminder was planned
    (subject_version != sequence) or the recipient no longer takes part."""
    meeting = _meeting(message)
    if (meeting is None or meeting.is_cancelled
            or meeting.sequence != message.subject_version
            or not _is_active_participant(message, meeting)):
        return None
    return {**_base_context(meeting), "days_before": (message.context or {}).get("days_before")}


def changed_context(message) -> dict | None:
    """None when the meeting is gone or cancelled, a newer change followed, or the recipient
    no longer takes part."""
    return reminder_context(message)


def cancelled_context(message) -> dict | None:
    """None when the meeting is gone or not cancelled, or the recipient no longer takes
    part."""
    meeting = _meeting(message)
    if meeting is None or not meeting.is_cancelled or not _is_active_participant(
            message, meeting):
        return None
    return _base_context(meeting)


def request_attachments(message) -> list[Attachment]:
    meeting = _meeting(message)
    return [ics_attachment(meeting=meeting, method=METHOD_REQUEST)] if meeting else []


def cancel_attachments(message) -> list[Attachment]:
    meeting = _meeting(message)
    return [ics_attachment(meeting=meeting, method=METHOD_CANCEL)] if meeting else []


def register_kinds() -> None:
    register(MessageKind(name=KIND_REMINDER, template="meetings/email/reminder",
                         get_context=reminder_context, attachments=request_attachments))
    register(MessageKind(name=KIND_CHANGED, template="meetings/email/changed",
                         get_context=changed_context, attachments=request_attachments))
    register(MessageKind(name=KIND_CANCELLED, template="meetings/email/cancelled",
                         get_context=cancelled_context, attachments=cancel_attachments))
