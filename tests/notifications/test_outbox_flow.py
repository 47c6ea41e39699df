"""Planning, dispatching, sending, retrying and reaping outbox messages."""

import smtplib
import uuid
from datetime import timedelta

import pytest
from django.utils import timezone

from notifications.enums import OutboxStatus
from notifications.models import OutboxMessage
from notifications.services import (
    BACKOFF,
    MAX_ATTEMPTS,
    outbox_cancel,
    outbox_dispatch_due,
    outbox_hold,
    outbox_plan,
    outbox_plan_many,
    outbox_reap_stuck,
    outbox_release,
    outbox_send,
    outbox_send_now,
)

from .conftest import note_kwargs

pytestmark = pytest.mark.django_db


def claim(message: OutboxMessage) -> str:
    """Put a row in the state dispatch leaves it in, without sending (test set-up)."""
    token = str(uuid.uuid4())
    OutboxMessage.objects.filter(pk=message.pk).update(
        status=OutboxStatus.SENDING, claim_token=token,
        lease_until=timezone.now() + timedelta(minutes=10))
    return token


def test_dispatch_due_row_is_sent_once(alice, mailoutbox):
    message = outbox_plan(**note_kwargs(alice))

    assert outbox_dispatch_due() == 1
    assert outbox_dispatch_due() == 0

    assert len(mailoutbox) == 1
    email = mailoutbox[0]
    assert email.to == ["alice@gemeente.example.nl"]
    assert email.subject == "Herinnering: Groepsbijeenkomst"
    assert email.extra_headers["Message-ID"] == message.message_id
    message.refresh_from_db()
    assert message.status == OutboxStatus.SENT
    assert message.sent_at is not None
    assert message.attempts == 1
    assert message.claim_token is None


def test_dispatch_not_yet_due_row_is_not_sent(alice, mailoutbox):
    message = outbox_plan(**note_kwargs(alice, due_at=timezone.now() + timedelta(hours=2)))

    assert outbox_dispatch_due() == 0

    assert mailoutbox == []
    message.refresh_from_db()
    assert message.status == OutboxStatus.PENDING
    assert outbox_dispatch_due(now=timezone.now() + timedelta(hours=3)) == 1
    assert len(mailoutbox) == 1


def test_plan_same_dedupe_key_is_idempotent(alice, mailoutbox):
    first = outbox_plan(**note_kwargs(alice, key="note:1:v1"))
    second = outbox_plan(**note_kwargs(alice, key="note:1:v1", context={"title": "Anders"}))

    assert first is not None
    assert second is None
    assert OutboxMessage.objects.filter(dedupe_key="note:1:v1").count() == 1
    outbox_dispatch_due()
    outbox_dispatch_due()
    assert len(mailoutbox) == 1


def test_plan_many_skips_existing_and_repeated_keys(alice, make_user):
    bob = make_user("bob@zorg.example.nl")
    outbox_plan(**note_kwargs(alice, key="note:a"))

    created = outbox_plan_many([
        note_kwargs(alice, key="note:a"),
        note_kwargs(bob, key="note:b"),
        note_kwargs(bob, key="note:b"),
        note_kwargs(bob, key="note:c"),
    ])

    assert created == 2
    assert sorted(OutboxMessage.objects.values_list("dedupe_key", flat=True)) == [
        "note:a", "note:b", "note:c"]
    assert OutboxMessage.objects.get(dedupe_key="note:b").message_id.startswith("<outbox.")


def test_plan_without_address_or_unknown_kind_is_refused(alice):
    with pytest.raises(ValueError):
        outbox_plan(kind="test_note", dedupe_key="x")
    with pytest.raises(ValueError):
        outbox_plan(kind="no_such_kind", dedupe_key="y", recipient=alice)
    assert not OutboxMessage.objects.exists()


def test_plan_due_now_sends_after_commit_in_eager_mode(
        alice, mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        outbox_plan_many([note_kwargs(alice), note_kwargs(alice)])
        outbox_plan(**note_kwargs(alice))

    assert len(callbacks) == 1  # one hint per transaction, however many rows
    assert len(mailoutbox) == 3
    assert set(OutboxMessage.objects.values_list("status", flat=True)) == {OutboxStatus.SENT}


def test_plan_later_schedules_no_hint(alice, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks:
        outbox_plan(**note_kwargs(alice, due_at=timezone.now() + timedelta(days=1)))

    assert callbacks == []


def test_send_withdrawn_subject_is_cancelled_with_reason(alice, mailoutbox):
    message = outbox_plan(**note_kwargs(alice))
    alice.is_active = False
    alice.save()

    outbox_dispatch_due()

    assert mailoutbox == []
    message.refresh_from_db()
    assert message.status == OutboxStatus.CANCELLED
    assert "ingetrokken" in message.last_error
    assert message.sent_at is None


def test_send_temporary_smtp_error_retries_later(alice, failing_smtp):
    message = outbox_plan(**note_kwargs(alice))
    failing_smtp.error = smtplib.SMTPServerDisconnected("Connection unexpectedly closed")
    before = timezone.now()

    outbox_dispatch_due()

    message.refresh_from_db()
    assert message.status == OutboxStatus.PENDING
    assert message.attempts == 1
    assert message.next_attempt_at >= before + BACKOFF[0]
    assert message.last_error == "De verbinding met de mailserver werd verbroken."
    assert message.claim_token is None
    # Not due again until the backoff has passed.
    assert outbox_dispatch_due() == 0


@pytest.mark.parametrize("error", [
    smtplib.SMTPResponseException(451, b"4.3.0 try again later"),
    smtplib.SMTPConnectError(421, b"busy"),
    smtplib.SMTPRecipientsRefused({"alice@gemeente.example.nl": (450, b"mailbox busy")}),
    TimeoutError("timed out"),
    ConnectionRefusedError(111, "Connection refused"),
])
def test_send_transient_errors_are_retried(alice, failing_smtp, error):
    message = outbox_plan(**note_kwargs(alice))
    failing_smtp.error = error

    outbox_dispatch_due()

    message.refresh_from_db()
    assert message.status == OutboxStatus.PENDING
    assert message.attempts == 1
    assert message.next_attempt_at > timezone.now()


def test_send_backoff_grows_and_ends_in_failed(alice, failing_smtp, mailoutbox):
    message = outbox_plan(**note_kwargs(alice))
    failing_smtp.error = smtplib.SMTPServerDisconnected("gone")
    waits = []
    for _attempt in range(MAX_ATTEMPTS):
        now = timezone.now()
        assert outbox_dispatch_due(now=now + timedelta(days=2)) == 1
        message.refresh_from_db()
        if message.status == OutboxStatus.PENDING:
            waits.append(message.next_attempt_at - now)

    assert message.status == OutboxStatus.FAILED
    assert message.attempts == MAX_ATTEMPTS
    assert [round(w.total_seconds() / 60) for w in waits] == [1, 5, 15, 60, 120, 240, 480]
    assert outbox_dispatch_due(now=timezone.now() + timedelta(days=2)) == 0


@pytest.mark.parametrize(("error", "reason"), [
    (smtplib.SMTPRecipientsRefused({"alice@gemeente.example.nl": (550, b"no such user")}),
     "De mailserver weigerde het adres (code 550)."),
    (smtplib.SMTPDataError(554, b"5.7.1 rejected as spam"),
     "De mailserver weigerde het bericht (code 554)."),
    (smtplib.SMTPSenderRefused(553, b"sender not allowed", "noreply@wisselstage.localhost"),
     "De mailserver weigerde het bericht (code 553)."),
])
def test_send_permanent_smtp_error_fails_with_reason(alice, failing_smtp, error, reason):
    message = outbox_plan(**note_kwargs(alice))
    failing_smtp.error = error

    outbox_dispatch_due()

    message.refresh_from_db()
    assert message.status == OutboxStatus.FAILED
    assert message.attempts == 1
    assert message.last_error == reason
    assert "alice" not in message.last_error  # no personal data in the reason
    assert outbox_dispatch_due(now=timezone.now() + timedelta(days=1)) == 0


def test_send_stale_claim_token_does_not_send(alice, mailoutbox):
    message = outbox_plan(**note_kwargs(alice))
    stale = claim(message)
    fresh = claim(message)  # re-claimed, e.g. after the reaper returned it

    assert outbox_send(message_id=message.pk, claim_token=stale) == "skipped"
    assert mailoutbox == []
    message.refresh_from_db()
    assert message.status == OutboxStatus.SENDING
    assert str(message.claim_token) == fresh

    assert outbox_send(message_id=message.pk, claim_token=fresh) == "sent"
    assert outbox_send(message_id=message.pk, claim_token=fresh) == "skipped"
    assert len(mailoutbox) == 1


def test_send_cancelled_row_is_skipped(alice, mailoutbox):
    message = outbox_plan(**note_kwargs(alice))
    token = claim(message)
    OutboxMessage.objects.filter(pk=message.pk).update(status=OutboxStatus.CANCELLED)

    assert outbox_send(message_id=message.pk, claim_token=token) == "skipped"
    assert mailoutbox == []


def test_reap_stuck_returns_expired_sending_rows(alice, mailoutbox):
    expired = outbox_plan(**note_kwargs(alice))
    leased = outbox_plan(**note_kwargs(alice))
    claim(expired)
    claim(leased)
    OutboxMessage.objects.filter(pk=expired.pk).update(
        lease_until=timezone.now() - timedelta(seconds=1))

    assert outbox_reap_stuck() == 1

    expired.refresh_from_db()
    leased.refresh_from_db()
    assert expired.status == OutboxStatus.PENDING
    assert expired.claim_token is None
    assert leased.status == OutboxStatus.SENDING
    assert outbox_dispatch_due() == 1
    assert len(mailoutbox) == 1
    assert mailoutbox[0].extra_headers["Message-ID"] == expired.message_id


def test_cancel_subject_cancels_only_open_rows(alice, make_user, mailoutbox):
    bob = make_user()
    sent = outbox_plan(**note_kwargs(alice, key="a-sent"))
    outbox_dispatch_due()
    pending = outbox_plan(**note_kwargs(alice, key="a-later",
                                        due_at=timezone.now() + timedelta(days=1)))
    held = outbox_plan(**note_kwargs(alice, key="a-held",
                                     due_at=timezone.now() + timedelta(days=1)))
    outbox_hold(message_id=held.pk)
    other = outbox_plan(**note_kwargs(bob, key="b-later",
                                      due_at=timezone.now() + timedelta(days=1)))

    count = outbox_cancel(subject_type="account", subject_id=alice.pk,
                          reason="Bijeenkomst verplaatst")

    assert count == 2
    statuses = dict(OutboxMessage.objects.values_list("dedupe_key", "status"))
    assert statuses == {"a-sent": OutboxStatus.SENT, "a-later": OutboxStatus.CANCELLED,
                        "a-held": OutboxStatus.CANCELLED, "b-later": OutboxStatus.PENDING}
    pending.refresh_from_db()
    assert pending.last_error == "Bijeenkomst verplaatst"
    assert sent and other


def test_cancel_limited_to_kinds(alice):
    outbox_plan(**note_kwargs(alice, key="note", due_at=timezone.now() + timedelta(days=1)))

    assert outbox_cancel(subject_type="account", subject_id=alice.pk, kinds=["other"]) == 0
    assert OutboxMessage.objects.get().status == OutboxStatus.PENDING


def test_hold_keeps_message_until_released(alice, mailoutbox):
    message = outbox_plan(**note_kwargs(alice))

    assert outbox_hold(message_id=message.pk) is True
    assert outbox_dispatch_due() == 0
    assert mailoutbox == []
    assert outbox_hold(message_id=message.pk) is False

    assert outbox_release(message_id=message.pk) is True
    assert outbox_release(message_id=message.pk) is False
    assert outbox_dispatch_due() == 1
    assert len(mailoutbox) == 1


def test_send_now_moves_planned_and_failed_messages_forward(alice, failing_smtp):
    later = outbox_plan(**note_kwargs(alice, due_at=timezone.now() + timedelta(days=3)))
    failing_smtp.error = smtplib.SMTPDataError(554, b"rejected")
    failed = outbox_plan(**note_kwargs(alice))
    outbox_dispatch_due()
    failed.refresh_from_db()
    assert failed.status == OutboxStatus.FAILED
    failing_smtp.error = None

    assert outbox_send_now(message_id=later.pk) is True
    assert outbox_send_now(message_id=failed.pk) is True
    assert outbox_dispatch_due() == 2

    assert set(OutboxMessage.objects.values_list("status", flat=True)) == {OutboxStatus.SENT}
    assert outbox_send_now(message_id=later.pk) is False  # already sent


def test_send_unknown_kind_fails_with_reason(alice, mailoutbox):
    message = outbox_plan(**note_kwargs(alice))
    OutboxMessage.objects.filter(pk=message.pk).update(kind="removed_kind")

    outbox_dispatch_due()

    message.refresh_from_db()
    assert mailoutbox == []
    assert message.status == OutboxStatus.FAILED
    assert message.last_error == "Onbekende soort bericht."


def test_send_failing_check_is_retried_later(alice, mailoutbox):
    message = outbox_plan(**note_kwargs(alice, context={"title": "zonder tijdstip"}))

    outbox_dispatch_due()

    message.refresh_from_db()
    assert mailoutbox == []
    assert message.status == OutboxStatus.PENDING
    assert message.attempts == 1
    assert message.last_error == "Controleren vóór het versturen mislukte."


def test_send_missing_template_fails_without_sending(alice, mailoutbox):
    message = outbox_plan(**note_kwargs(alice, kind="test_no_template"))

    outbox_dispatch_due()

    message.refresh_from_db()
    assert mailoutbox == []
    assert message.status == OutboxStatus.FAILED
    assert message.last_error == "Het bericht kon niet worden opgemaakt."
