"""Writes on the outbox. Every outgoing email goes through these functions.

Flow (see /work/shared/reference/RELIABILITY.md):
1. A business service calls `outbox_plan` / `outbox_plan_many` inside its own transaction.
2. `outbox_dispatch_due` (beat, every 30 s, or a hint right after commit) claims due rows,
   commits, then enqueues one `task_send_message(id, claim_token)` per row.
3. `outbox_send` goes on only while the row is still claimed with that token, re-checks the
   kind's preconditions, sends over SMTP outside any transaction and marks the row sent.
4. `outbox_reap_stuck` returns rows whose lease expired (a worker died) to pending.
A message is sent twice only if a worker dies between SMTP accepting it and the row update.
"""

from __future__ import annotations

import logging
import smtplib
import uuid
from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any, TypedDict

from celery import current_app
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from . import kinds
from .emails import build_email, render_message
from .enums import OutboxStatus
from .models import OutboxMessage, message_id_for

logger = logging.getLogger(__name__)

PRERENDERED_MAX_AGE = timedelta(hours=1)
LEASE = timedelta(minutes=10)
# Wait before attempt n+1 after n failed attempts; after MAX_ATTEMPTS the message has failed.
BACKOFF = [timedelta(minutes=m) for m in (1, 5, 15, 60, 120, 240, 480)]
MAX_ATTEMPTS = len(BACKOFF) + 1

SEND_SENT = "sent"
SEND_SKIPPED = "skipped"
SEND_CANCELLED = "cancelled"
SEND_RETRY = "retry"
SEND_FAILED = "failed"


class PlannedMessage(TypedDict, total=False):
    """The keyword arguments of `outbox_plan`, for `outbox_plan_many`."""

    kind: str
    dedupe_key: str
    due_at: datetime | None
    recipient: Any
    to_email: str
    cohort: Any
    subject_type: str
    subject_id: int | None
    subject_version: int
    context: dict[str, Any] | None
    payload: dict[str, Any] | None


# --- planning -------------------------------------------------------------------------------

def _build(
    *,
    kind: str,
    dedupe_key: str,
    due_at: datetime | None = None,
    recipient=None,
    to_email: str = "",
    cohort=None,
    subject_type: str = "",
    subject_id: int | None = None,
    subject_version: int = 0,
    context: dict[str, Any] | None = None,
    payload: dict[str, Any] | None = None,
) -> OutboxMessage:
    if not kinds.is_registered(kind):
        raise ValueError(f"Unknown message kind {kind!r}; register it in AppConfig.ready().")
    if not dedupe_key or len(dedupe_key) > 255:
        raise ValueError("dedupe_key must be 1 to 255 characters.")
    if recipient is None and not to_email:
        raise ValueError("A message needs a recipient or a to_email.")
    if kinds.get(kind).uses_payload and not (payload and payload.get("subject")
                                             and payload.get("text")):
        raise ValueError(f"Kind {kind!r} needs a payload with subject and text.")
    due_at = due_at or timezone.now()
    return OutboxMessage(
        kind=kind,
        dedupe_key=dedupe_key,
        recipient=recipient,
        to_email="" if recipient is not None else to_email.strip(),
        cohort=cohort,
        subject_type=subject_type,
        subject_id=subject_id,
        subject_version=subject_version,
        context=context or {},
        payload=payload or {},
        due_at=due_at,
        next_attempt_at=due_at,
        message_id=message_id_for(dedupe_key),
    )


def outbox_plan(
    *,
    kind: str,
    dedupe_key: str,
    due_at: datetime | None = None,
    recipient=None,
    to_email: str = "",
    cohort=None,
    subject_type: str = "",
    subject_id: int | None = None,
    subject_version: int = 0,
    context: dict[str, Any] | None = None,
    payload: dict[str, Any] | None = None,
) -> OutboxMessage | None:
    """Plan one message; call it inside the caller's transaction.

    Side effects: inserts an OutboxMessage row (pending) unless a row with `dedupe_key`
    exists, in which case nothing changes and None is returned. When the message is due now,
    registers an on-commit hint that dispatches soon (see `_dispatch_hint`).
    Raises ValueError for an unknown kind or a message without recipient/address.
    """
    message = _build(
        kind=kind, dedupe_key=dedupe_key, due_at=due_at, recipient=recipient,
        to_email=to_email, cohort=cohort, subject_type=subject_type, subject_id=subject_id,
        subject_version=subject_version, context=context, payload=payload,
    )
    if OutboxMessage.objects.filter(dedupe_key=dedupe_key).exists():
        return None
    try:
        with transaction.atomic():
            message.save()
    except IntegrityError:
        # Planned concurrently by another transaction with the same key.
        if OutboxMessage.objects.filter(dedupe_key=dedupe_key).exists():
            return None
        raise
    if message.due_at <= timezone.now():
        _schedule_dispatch_hint()
    return message


def outbox_plan_many(messages: Iterable[PlannedMessage]) -> int:
    """Plan many messages at once (one INSERT); call it inside the caller's transaction.

    Side effects: inserts the rows whose dedupe_key is new (`bulk_create(ignore_conflicts)`),
    registers an on-commit dispatch hint when any is due now. Returns how many were new.
    """
    built: dict[str, OutboxMessage] = {}
    for kwargs in messages:
        message = _build(**kwargs)
        built.setdefault(message.dedupe_key, message)
    if not built:
        return 0
    existing = set(
        OutboxMessage.objects.filter(dedupe_key__in=list(built)).values_list(
            "dedupe_key", flat=True)
    )
    new = [m for key, m in built.items() if key not in existing]
    OutboxMessage.objects.bulk_create(new, ignore_conflicts=True)
    now = timezone.now()
    if any(m.due_at <= now for m in new):
        _schedule_dispatch_hint()
    return len(new)


def outbox_cancel(
    *,
    subject_type: str,
    subject_id: int | None,
    kinds: Iterable[str] | None = None,
    reason: str = "",
) -> int:
    """Cancel the messages about a subject that have not gone out yet.

    Side effects: pending and held rows for (subject_type, subject_id), optionally only of
    `kinds`, become cancelled with `reason` in last_error. Rows being sent are left alone;
    their send re-checks the subject. Returns the number cancelled.
    """
    rows = OutboxMessage.objects.filter(
        subject_type=subject_type, subject_id=subject_id, status__in=OutboxStatus.open()
    )
    if kinds is not None:
        rows = rows.filter(kind__in=list(kinds))
    return outbox_cancel_rows(rows, reason=reason)


def outbox_cancel_rows(rows, *, reason: str = "") -> int:
    """Cancel the messages of a queryset that have not gone out yet; the one place that says
    what cancelling sets (also clears a pre-rendered payload). Rows being sent are left alone.
    Returns the number cancelled."""
    return rows.filter(status__in=OutboxStatus.open()).update(
        status=OutboxStatus.CANCELLED,
        last_error=(reason or "Geannuleerd.")[:300],
        claim_token=None,
        lease_until=None,
        payload={},
    )


# --- coordinator actions ----------------------------------------------------------------------

def outbox_cancel_message(*, message_id: int,
                          reason: str = "Ingetrokken door de coördinator.") -> bool:
    """Withdraw one planned or held message (a coordinator's "cancel" on the outbox page).

    Side effects: pending/held → cancelled with `reason`, pre-rendered text cleared.
    Returns False when the message was no longer open.
    """
    return bool(outbox_cancel_rows(OutboxMessage.objects.filter(pk=message_id), reason=reason))


def outbox_hold(*, message_id: int) -> bool:
    """Keep a planned message from going out. Side effects: pending → held.
    Returns False when the message was not pending."""
    return bool(OutboxMessage.objects.filter(pk=message_id, status=OutboxStatus.PENDING)
                .update(status=OutboxStatus.HELD))


def outbox_release(*, message_id: int) -> bool:
    """Let a held message go out at its planned time. Side effects: held → pending; an
    on-commit dispatch hint when it is already due. Returns False when it was not held."""
    released = bool(OutboxMessage.objects.filter(pk=message_id, status=OutboxStatus.HELD)
                    .update(status=OutboxStatus.PENDING))
    if released and OutboxMessage.objects.filter(
            pk=message_id, next_attempt_at__lte=timezone.now()).exists():
        _schedule_dispatch_hint()
    return released


def outbox_send_now(*, message_id: int) -> bool:
    """Send a pending, held or failed message as soon as possible.

    Side effects: status → pending, next_attempt_at → now (a failed message also starts a
    fresh series of attempts); an on-commit dispatch hint. Returns False for messages that
    were sent, cancelled or are being sent.
    """
    now = timezone.now()
    rows = OutboxMessage.objects.filter(pk=message_id)
    changed = rows.filter(status__in=[OutboxStatus.PENDING, OutboxStatus.HELD]).update(
        status=OutboxStatus.PENDING, next_attempt_at=now)
    changed += rows.filter(status=OutboxStatus.FAILED).update(
        status=OutboxStatus.PENDING, next_attempt_at=now, attempts=0, last_error="")
    if changed:
        _schedule_dispatch_hint()
    return bool(changed)


# --- dispatching ------------------------------------------------------------------------------

def _eager() -> bool:
    return bool(current_app.conf.task_always_eager)


def _dispatch_hint() -> None:
    """After commit: get due messages out soon. Never raises; beat dispatches anyway."""
    try:
        if _eager():
            outbox_dispatch_due()
        else:
            _publish_dispatch_hint()
    except Exception:
        logger.warning("Outbox dispatch hint failed; beat will dispatch.", exc_info=True)


def _publish_dispatch_hint() -> None:
    from .tasks import task_dispatch_due

    # The hint runs at the end of a web request: with Redis down or hanging it must give up
    # after the short socket timeouts, not after kombu's default connection retries (~6 s).
    app = current_app
    options = {**(app.conf.broker_transport_options or {}), "max_retries": 0}
    with app.connection_for_write(transport_options=options) as connection:
        task_dispatch_due.apply_async(retry=False, connection=connection)


def _schedule_dispatch_hint() -> None:
    # One hint per transaction, however many rows it planned.
    connection = transaction.get_connection()
    for entry in getattr(connection, "run_on_commit", []):
        if entry[1] is _dispatch_hint:
            return
    transaction.on_commit(_dispatch_hint, robust=True)


def outbox_dispatch_due(*, now: datetime | None = None, limit: int = 500) -> int:
    """Claim due messages and enqueue their send tasks.

    Side effects: up to `limit` rows with status pending and next_attempt_at <= now become
    sending with a fresh claim_token and a lease of 10 minutes (committed before anything is
    enqueued); then one `task_send_message` per row (in eager mode it sends right here).
    When the broker is down the remaining rows stay claimed until the reaper returns them.
    Returns the number claimed.
    """
    now = now or timezone.now()
    with transaction.atomic():
        rows = list(
            OutboxMessage.objects.select_for_update(skip_locked=True)
            .filter(status=OutboxStatus.PENDING, next_attempt_at__lte=now)
            .order_by("next_attempt_at", "id")
            .only("id")[:limit]
        )
        for row in rows:
            row.status = OutboxStatus.SENDING
            row.claim_token = uuid.uuid4()
            row.lease_until = now + LEASE
        OutboxMessage.objects.bulk_update(rows, ["status", "claim_token", "lease_until"])
    _enqueue_sends([(row.pk, str(row.claim_token)) for row in rows])
    return len(rows)


def _enqueue_sends(claims: list[tuple[int, str]]) -> None:
    from kombu.exceptions import OperationalError

    from .tasks import task_send_message

    for message_id, token in claims:
        try:
            task_send_message.apply_async((message_id, token), retry=False)
        except (OperationalError, OSError):
            logger.warning("Broker unavailable; %d claimed messages wait for the reaper.",
                           len(claims), exc_info=True)
            return
        except Exception:
            # Eager mode runs the task here; one broken message must not stop the others.
            logger.exception("Sending outbox message %s failed.", message_id)


def outbox_reap_stuck(*, now: datetime | None = None) -> int:
    """Return messages whose lease expired (the worker died or the task was lost).

    Side effects: sending rows with lease_until < now become pending and unclaimed; their
    next_attempt_at (already past when they were claimed) is kept, so they are due at once.
    Returns the number returned.
    """
    now = now or timezone.now()
    return OutboxMessage.objects.filter(
        status=OutboxStatus.SENDING, lease_until__lt=now
    ).update(status=OutboxStatus.PENDING, claim_token=None, lease_until=None)


# --- sending ------------------------------------------------------------------------------------

class _SendError(Exception):
    def __init__(self, reason: str, *, permanent: bool):
        super().__init__(reason)
        self.reason = reason
        self.permanent = permanent


def _classify(exc: BaseException) -> _SendError:
    """Temporary or permanent, with a short Dutch reason that holds no address."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _msg in exc.recipients.values()]
        code = max(codes) if codes else 0
        return _SendError(f"De mailserver weigerde het adres (code {code}).",
                          permanent=bool(codes) and all(c >= 500 for c in codes))
    if isinstance(exc, smtplib.SMTPServerDisconnected):
        return _SendError("De verbinding met de mailserver werd verbroken.", permanent=False)
    if isinstance(exc, smtplib.SMTPConnectError):
        return _SendError("De mailserver was niet bereikbaar.", permanent=False)
    if isinstance(exc, smtplib.SMTPAuthenticationError):
        # A configuration problem, not this message's: keep retrying until it is fixed.
        return _SendError("Aanmelden bij de mailserver mislukte.", permanent=False)
    if isinstance(exc, smtplib.SMTPResponseException):
        code = exc.smtp_code
        if 500 <= code < 600:
            return _SendError(f"De mailserver weigerde het bericht (code {code}).",
                              permanent=True)
        return _SendError(f"De mailserver kon het bericht nu niet aannemen (code {code}).",
                          permanent=False)
    if isinstance(exc, TimeoutError):  # socket.timeout is TimeoutError
        return _SendError("De mailserver reageerde niet op tijd.", permanent=False)
    if isinstance(exc, (ConnectionError, OSError)):
        return _SendError("De mailserver was niet bereikbaar.", permanent=False)
    if isinstance(exc, ValueError):
        # Django raises ValueError for an address it cannot encode or parse.
        return _SendError("Ongeldig e-mailadres.", permanent=True)
    return _SendError("Versturen mislukte door een onverwachte fout.", permanent=False)


def _claimed(message_id: int, claim_token: str):
    return OutboxMessage.objects.filter(
        pk=message_id, claim_token=claim_token, status=OutboxStatus.SENDING
    )


def _finish(message_id: int, claim_token: str, *, status: str, reason: str) -> bool:
    # A message that will not go out no longer needs its pre-rendered text (login codes).
    return bool(_claimed(message_id, claim_token).update(
        status=status, last_error=reason[:300], claim_token=None, lease_until=None,
        payload={},
    ))


def _retry_or_fail(message: OutboxMessage, claim_token: str, error: _SendError) -> str:
    attempts = message.attempts + 1
    now = timezone.now()
    if error.permanent or attempts >= MAX_ATTEMPTS:
        _claimed(message.pk, claim_token).update(
            status=OutboxStatus.FAILED, attempts=attempts, last_error=error.reason[:300],
            claim_token=None, lease_until=None, payload={},
        )
        return SEND_FAILED
    _claimed(message.pk, claim_token).update(
        status=OutboxStatus.PENDING, attempts=attempts, last_error=error.reason[:300],
        next_attempt_at=now + BACKOFF[attempts - 1], claim_token=None, lease_until=None,
    )
    return SEND_RETRY


def outbox_send(*, message_id: int, claim_token: str | uuid.UUID) -> str:
    """Send one claimed message. Call it outside any transaction (it talks to SMTP).

    Returns "skipped" unless the row is still sending with `claim_token` (a stale or
    duplicate task). Otherwise re-checks the kind's get_context: None → the row becomes
    cancelled with a reason ("cancelled"). Renders in the recipient's language, sends one
    email, then marks the row sent (conditional on the token), clears a pre-rendered payload
    and returns "sent". A temporary SMTP error → pending with a backoff and attempts + 1
    ("retry", or "failed" after the last attempt); a permanent one → failed with a readable
    reason ("failed").
    """
    claim_token = str(claim_token)
    message = (
        _claimed(message_id, claim_token).select_related("recipient", "cohort").first()
    )
    if message is None:
        return SEND_SKIPPED
    try:
        kind = kinds.get(message.kind)
    except KeyError:
        _finish(message.pk, claim_token, status=OutboxStatus.FAILED,
                reason="Onbekende soort bericht.")
        return SEND_FAILED

    try:
        context = kind.get_context(message)
    except Exception:
        logger.exception("Checking outbox message %s (%s) failed.", message.pk, message.kind)
        return _retry_or_fail(message, claim_token, _SendError(
            "Controleren vóór het versturen mislukte.", permanent=False))
    if context is None:
        _finish(message.pk, claim_token, status=OutboxStatus.CANCELLED,
                reason="Niet verstuurd: het onderwerp is ingetrokken of gewijzigd.")
        return SEND_CANCELLED
    if kind.uses_payload and timezone.now() - message.created_at > PRERENDERED_MAX_AGE:
        # Login codes and reset links expire; sending them hours late only confuses.
        _finish(message.pk, claim_token, status=OutboxStatus.CANCELLED,
                reason="Niet verstuurd: het bericht was verlopen.")
        return SEND_CANCELLED

    if message.recipient is not None and not message.recipient.is_active:
        # Deleted or anonymised accounts get nothing, whatever was planned for them.
        _finish(message.pk, claim_token, status=OutboxStatus.CANCELLED,
                reason="Niet verstuurd: het account van de ontvanger is niet meer actief.")
        return SEND_CANCELLED
    address = message.address
    if not address:
        _finish(message.pk, claim_token, status=OutboxStatus.FAILED,
                reason="Geen e-mailadres bekend.")
        return SEND_FAILED
    try:
        email = build_email(message, render_message(message, kind, context), to=address)
        for filename, content, mimetype in (kind.attachments(message) if kind.attachments
                                            else []):
            email.attach(filename, content, mimetype)
    except Exception:
        logger.exception("Rendering outbox message %s (%s) failed.", message.pk, message.kind)
        _finish(message.pk, claim_token, status=OutboxStatus.FAILED,
                reason="Het bericht kon niet worden opgemaakt.")
        return SEND_FAILED

    try:
        email.send()
    except Exception as exc:
        error = _classify(exc)
        logger.warning("Sending outbox message %s failed: %s (%s)", message.pk, error.reason,
                       type(exc).__name__)
        return _retry_or_fail(message, claim_token, error)

    updates: dict[str, Any] = {
        "status": OutboxStatus.SENT, "sent_at": timezone.now(), "attempts": F("attempts") + 1,
        "last_error": "", "claim_token": None, "lease_until": None,
    }
    if kind.uses_payload:
        updates["payload"] = {}
    if not _claimed(message.pk, claim_token).update(**updates):
        # The lease ran out while sending and the row was returned; it may go out twice.
        logger.warning("Outbox message %s was sent after its claim expired.", message.pk)
    return SEND_SENT
