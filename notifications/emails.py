"""Rendering an outbox row into an email: language, time zone, From header, Message-ID."""

from __future__ import annotations

import re
import zoneinfo
from dataclasses import dataclass
from email.utils import formataddr, parseaddr
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template import Context, TemplateDoesNotExist
from django.template.loader import get_template
from django.utils import timezone, translation

from .kinds import MessageKind
from .models import OutboxMessage


@dataclass(frozen=True)
class RenderedEmail:
    subject: str
    text: str
    html: str


def message_language(message: OutboxMessage) -> str:
    """The recipient's language if we know and support it, else Dutch."""
    supported = {code for code, _ in settings.LANGUAGES}
    candidates = []
    if message.recipient_id is not None:
        candidates.append(getattr(message.recipient, "language", ""))
    candidates.append((message.context or {}).get("language", ""))
    for code in candidates:
        if code in supported:
            return code
    return settings.LANGUAGE_CODE


def _render(name: str, context: dict[str, Any], *, autoescape: bool) -> str:
    # Plain-text parts must not be HTML-escaped ("Zorg & Welzijn" stays as it is).
    template = get_template(name)
    return template.template.render(Context(context, autoescape=autoescape))


def render_templates(*, template: str, context: dict[str, Any], language: str) -> RenderedEmail:
    """Render `<template>.subject.txt`, `.txt` and (if present) `.html` in `language`, with
    times shown in Europe/Amsterdam."""
    with translation.override(language), timezone.override(zoneinfo.ZoneInfo(settings.TIME_ZONE)):
        subject = _render(f"{template}.subject.txt", context, autoescape=False)
        text = _render(f"{template}.txt", context, autoescape=False)
        try:
            html = _render(f"{template}.html", context, autoescape=True)
        except TemplateDoesNotExist:
            html = ""
    return RenderedEmail(subject=" ".join(subject.split()), text=_tidy(text), html=html.strip())


def _tidy(text: str) -> str:
    # Template tags leave runs of blank lines; keep at most one.
    return re.sub(r"\n{3,}", "\n\n", text.strip()) + "\n"


def render_message(
    message: OutboxMessage, kind: MessageKind, context: dict[str, Any]
) -> RenderedEmail:
    if kind.uses_payload:
        payload = message.payload
        return RenderedEmail(
            subject=" ".join(str(payload["subject"]).split()),
            text=str(payload["text"]),
            html=str(payload.get("html") or ""),
        )
    full_context = {
        "site_url": settings.SITE_URL,
        "recipient": message.recipient,
        "cohort": message.cohort,
        **context,
    }
    return render_templates(
        template=kind.template, context=full_context, language=message_language(message)
    )


def from_address(message: OutboxMessage) -> str:
    """DEFAULT_FROM_EMAIL, or '<sender name> via Wisselstage <address>' for a cohort with a
    sender name."""
    sender_name = message.cohort.sender_name if message.cohort_id is not None else ""
    sender_name = " ".join(sender_name.split())
    if not sender_name:
        return settings.DEFAULT_FROM_EMAIL
    address = parseaddr(settings.DEFAULT_FROM_EMAIL)[1]
    return formataddr((f"{sender_name} via Wisselstage", address))


def build_email(
    message: OutboxMessage, rendered: RenderedEmail, *, to: str
) -> EmailMultiAlternatives:
    email = EmailMultiAlternatives(
        subject=rendered.subject,
        body=rendered.text,
        from_email=from_address(message),
        to=[to],
        headers={
            "Message-ID": message.message_id,
            # Tells auto-responders (out-of-office) not to reply to reminders.
            "Auto-Submitted": "auto-generated",
        },
    )
    if rendered.html:
        email.attach_alternative(rendered.html, "text/html")
    return email
