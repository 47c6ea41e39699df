"""The registry of message kinds.

A kind names its templates and a `get_context(message)` that re-checks, at send time, that the
message still makes sense (meeting not cancelled or moved, invitation still open) and returns
the template context, or None to cancel the message. Apps register their kinds in
AppConfig.ready():

    from notifications import kinds
    kinds.register(kinds.MessageKind(
        name="invitation", template="cohorts/email/invitation", get_context=invitation_context))

The templates are `<template>.subject.txt`, `<template>.txt` and (optional) `<template>.html`,
extending `notifications/email/base.txt` and `notifications/email/base.html`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ImproperlyConfigured

if TYPE_CHECKING:
    from .models import OutboxMessage

PRERENDERED = "prerendered"


@dataclass(frozen=True)
class MessageKind:
    name: str
    template: str
    get_context: Callable[[OutboxMessage], dict[str, Any] | None]
    # True for kinds whose subject/text/html were rendered up front into `payload`.
    uses_payload: bool = False
    # Optional files to attach, built at send time: (filename, content, mimetype) tuples,
    # e.g. an .ics invitation. Called only after get_context returned a context.
    attachments: Callable[[OutboxMessage], list[tuple[str, bytes | str, str]]] | None = None


_registry: dict[str, MessageKind] = {}


def register(kind: MessageKind) -> MessageKind:
    """Add a kind. Registering the same kind again is harmless; a different one under a
    taken name is a programming error."""
    existing = _registry.get(kind.name)
    if existing is not None and existing != kind:
        raise ImproperlyConfigured(f"Message kind {kind.name!r} is already registered.")
    _registry[kind.name] = kind
    return kind


def get(name: str) -> MessageKind:
    """The registered kind; KeyError when unknown."""
    return _registry[name]


def is_registered(name: str) -> bool:
    return name in _registry


def _prerendered_context(message: OutboxMessage) -> dict[str, Any] | None:
    payload = message.payload or {}
    if not payload.get("subject") or not payload.get("text"):
        return None
    return {}


def register_builtin_kinds() -> None:
    register(MessageKind(
        name=PRERENDERED, template="", get_context=_prerendered_context, uses_payload=True,
    ))
