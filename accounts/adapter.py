"""allauth glue: signup only by invitation or join link, mail through the outbox."""

from __future__ import annotations

import uuid
from types import SimpleNamespace
from urllib.parse import urlsplit

from allauth.account.adapter import DefaultAccountAdapter
from django.conf import settings
from django.urls import reverse

from cohorts.selectors import pending_join_for_session
from notifications.services import outbox_plan


class AccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request) -> bool:
        """Nobody signs up uninvited: the session must carry an invitation or join link."""
        return pending_join_for_session(request.session) is not None

    def send_mail(self, template_prefix: str, email: str, context: dict) -> None:
        """Render allauth's email now (it holds a one-time key or code) and queue it in the
        outbox, which sends it within seconds and clears the stored text afterwards."""
        site = SimpleNamespace(name="Wisselstage", domain=urlsplit(settings.SITE_URL).netloc)
        message = self.render_mail(
            template_prefix, email, {"email": email, "current_site": site, **context})
        html = next((body for body, mime in getattr(message, "alternatives", [])
                     if mime == "text/html"), "")
        outbox_plan(
            kind="prerendered",
            dedupe_key=f"account:{template_prefix.rsplit('/', 1)[-1]}:{uuid.uuid4()}",
            to_email=email,
            payload={"subject": message.subject, "text": message.body, "html": html},
        )

    def get_login_redirect_url(self, request) -> str:
        """After logging in, an unfinished profile is the first thing to do."""
        participation = (
            request.user.participations.active()
            .filter(profile_completed_at__isnull=True).order_by("-joined_at").first()
        )
        if participation:
            return reverse("cohorts:profile", args=[participation.cohort_id])
        return super().get_login_redirect_url(request)
