"""Message kinds of the cohort domain: one function and one template triplet per email."""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse

from notifications.kinds import MessageKind, register

from .enums import InvitationStatus
from .models import Invitation


def invitation_context(message) -> dict | None:
    """The invitation email's context, or None when the invitation was withdrawn, accepted or
    resent since this message was planned (then this message must not go out)."""
    invitation = (
        Invitation.objects.select_related("cohort").filter(pk=message.subject_id).first()
    )
    if (
        invitation is None
        or invitation.status != InvitationStatus.PENDING
        or invitation.send_count != message.subject_version
        or invitation.is_expired
    ):
        return None
    return {
        "invitation": invitation,
        "cohort": invitation.cohort,
        "accept_url": settings.SITE_URL + reverse("cohorts:invitation", args=[invitation.token]),
    }


register(MessageKind(name="invitation", template="cohorts/email/invitation",
                     get_context=invitation_context))
