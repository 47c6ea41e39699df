"""Message kinds of the matching domain: one context function and one template triplet each.
Each context re-checks at send time that the message still makes sense."""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse

from cohorts.enums import ParticipantStatus
from cohorts.models import Participant
from notifications.kinds import MessageKind, register

from .models import Exchange
from .selectors import participant_name, preference_open


def preferences_reminder_context(message) -> dict | None:
    """None when the person has filled in preferences since, left, or the deadline passed."""
    participant = (Participant.objects.select_related("cohort", "user")
                   .filter(pk=message.subject_id).first())
    if (participant is None or participant.status == ParticipantStatus.WITHDRAWN
            or hasattr(participant, "preference") or not preference_open(participant.cohort)):
        return None
    return {
        "participant": participant,
        "cohort": participant.cohort,
        "url": settings.SITE_URL + reverse("matching:preferences", args=[participant.cohort_id]),
    }


def match_published_context(message) -> dict | None:
    """None when the exchange is gone or the recipient is no longer in it."""
    exchange = Exchange.objects.select_related("cohort").filter(pk=message.subject_id).first()
    if exchange is None:
        return None
    members = list(exchange.members.select_related("participant__user"))
    if not any(m.participant.user_id == message.recipient_id for m in members):
        return None
    partners = [participant_name(m.participant) for m in members
                if m.participant.user_id != message.recipient_id]
    return {
        "cohort": exchange.cohort,
        "partners": partners,
        "url": settings.SITE_URL + reverse("matching:my_exchange", args=[exchange.cohort_id]),
    }


register(MessageKind(name="preferences_reminder", template="matching/email/preferences_reminder",
                     get_context=preferences_reminder_context))
register(MessageKind(name="match_published", template="matching/email/match_published",
                     get_context=match_published_context))
