"""Message kinds of the agendas domain. Each context re-checks at send time that the message
still makes sense, or returns None to cancel it."""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.urls import reverse

from notifications.kinds import MessageKind, register

from .models import Visit
from .services import DIGEST_KIND, NUDGE_KIND


def agenda_digest_context(message) -> dict | None:
    """The changes since the digest was planned, by others than the recipient; None when the
    visit is gone, the recipient no longer takes part, or nothing is left to report."""
    visit = (Visit.objects.select_related("exchange__cohort", "host__user", "guest__user")
             .filter(pk=message.subject_id).first())
    if visit is None or message.recipient_id not in (visit.host.user_id, visit.guest.user_id):
        return None
    since = datetime.fromisoformat(message.context["since"])
    changes = list(visit.changes.filter(created_at__gte=since)
                   .exclude(actor_id=message.recipient_id).select_related("actor"))
    if not changes:
        return None
    return {
        "visit": visit, "cohort": visit.exchange.cohort, "changes": changes,
        "url": settings.SITE_URL + reverse("agendas:planning", args=[visit.exchange_id]),
    }


def agenda_nudge_context(message) -> dict | None:
    """None when the exchange is gone, the recipient left it, or every visit is agreed."""
    from matching.models import Exchange

    exchange = Exchange.objects.select_related("cohort").filter(pk=message.subject_id).first()
    if exchange is None or not exchange.members.filter(
            participant__user_id=message.recipient_id).exists():
        return None
    visits = list(exchange.visits.all())
    if visits and all(v.agreed for v in visits):
        return None
    return {
        "exchange": exchange, "cohort": exchange.cohort,
        "url": settings.SITE_URL + reverse("agendas:planning", args=[exchange.pk]),
    }


register(MessageKind(name=DIGEST_KIND, template="agendas/email/agenda_digest",
                     get_context=agenda_digest_context))
register(MessageKind(name=NUDGE_KIND, template="agendas/email/agenda_nudge",
                     get_context=agenda_nudge_context))
