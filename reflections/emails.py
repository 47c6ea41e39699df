"""Message kinds of the reflection domain."""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse

from cohorts.models import Participant
from notifications.kinds import MessageKind, register

from .models import Assignment, Response


def nudge_context(message) -> dict | None:
    """None (do not send) when the participant handed in or withdrew since the nudge was
    planned, or the assignment is gone or past its due date."""
    assignment = Assignment.objects.select_related("cohort").filter(
        pk=message.subject_id).first()
    participant_id = (message.context or {}).get("participant_id")
    if assignment is None or assignment.is_past_due():
        return None
    if not Participant.objects.active().filter(pk=participant_id,
                                               user_id=message.recipient_id).exists():
        return None
    if Response.objects.submitted().filter(assignment=assignment,
                                           participant_id=participant_id).exists():
        return None
    return {
        "assignment": assignment,
        "answer_url": settings.SITE_URL + reverse(
            "reflections:answer", args=[assignment.cohort_id, assignment.pk]),
    }


register(MessageKind(name="reflection_nudge", template="reflections/email/nudge",
                     get_context=nudge_context))
