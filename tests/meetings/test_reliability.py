"""Reminders that never get lost and never arrive twice: fault tests against real
PostgreSQL, Redis and a Celery worker where the machine has them."""

from __future__ import annotations

import smtplib
import threading
import time
from datetime import timedelta

import pytest
from django.conf import settings
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from meetings.models import Meeting
from meetings.services import KIND_CHANGED, KIND_REMINDER, meeting_reschedule
from notifications.enums import OutboxStatus
from notifications.models import OutboxMessage
from notifications.services import (
    BACKOFF,
    LEASE,
    outbox_dispatch_due,
    outbox_reap_stuck,
    outbox_send,
)
from tests.meetings.conftest import bulk_participants, in_days
from wisselstage.celery import app as celery_app

CLOSED_BROKER = "redis://127.0.0.1:6399/0"


def needs_postgres() -> None:
    if settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
        pytest.skip("needs PostgreSQL (DATABASE_URL=postgres://...) for row locks")


def wait_for(predicate, timeout: float = 90) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.25)
    return predicate()


def sent_count() -> int:
    return OutboxMessage.objects.filter(status=OutboxStatus.SENT).count()


@pytest.fixture
def broker_down():
    """Point the Celery broker at a closed port, not eager (as in production)."""
    old_url, old_eager = celery_app.conf.broker_url, celery_app.conf.task_always_eager
    celery_app.conf.broker_url = CLOSED_BROKER
    celery_app.conf.task_always_eager = False

    def restore():
        celery_app.conf.broker_url = old_url

    yield restore
    celery_app.conf.broker_url = old_url
    celery_app.conf.task_always_eager = old_eager


@pytest.mark.celery_worker
def test_meeting_saved_while_redis_down_and_sent_after(start_celery_worker, client, coordinator,
                                                        cohort, participant, broker_down,
                                                        caplog):
    client.force_login(coordinator)
    start = timezone.localdate() + timedelta(days=20)
    form = {"kind": "tussentijds", "title": "Halverwege", "starts_at": f"{start}T14:00",
            "ends_at": f"{start}T15:30", "online_url": "https://meet.example/x", "address": "",
            "description": "", "materials_text": ""}
    began = time.monotonic()
    response = client.post(reverse("meetings:create", args=[cohort.pk]), form)
    assert response.status_code == 302
    meeting = Meeting.objects.get(title="Halverwege")
    # Moving it plans "changed" mails that are due now: the after-commit hint hits the
    # closed broker and must be swallowed.
    form["starts_at"], form["ends_at"] = f"{start}T15:00", f"{start}T16:30"
    response = client.post(reverse("meetings:edit", args=[cohort.pk, meeting.pk]), form)
    assert response.status_code == 302
    assert time.monotonic() - began < 10
    assert "Outbox dispatch hint failed" in caplog.text
    meeting.refresh_from_db()
    assert meeting.sequence == 1
    rows = OutboxMessage.objects.filter(subject_id=meeting.pk)
    assert rows.filter(kind=KIND_REMINDER, subject_version=1,
                       status=OutboxStatus.PENDING).count() == 2
    changed = rows.get(kind=KIND_CHANGED)
    assert changed.status == OutboxStatus.PENDING

    broker_down()  # Redis is back
    worker = start_celery_worker()
    last_due = rows.filter(status=OutboxStatus.PENDING).order_by("-due_at")[0].due_at
    assert outbox_dispatch_due(now=last_due + timedelta(seconds=1)) == 3
    assert wait_for(lambda: sent_count() == 3), worker.log()[-3000:]
    assert sum(worker.sent_message_ids().values()) == 3


@pytest.mark.celery_worker
def test_worker_killed_mid_batch_of_500_loses_none(start_celery_worker, cohort):
    bulk_participants(cohort, 50)
    meetings = [Meeting.objects.create(
        cohort=cohort, title=f"Bijeenkomst {n}", starts_at=in_days(20 + n),
        ends_at=in_days(20 + n) + timedelta(hours=1), online_url="https://meet.example/x")
        for n in range(5)]
    from meetings.services import meeting_plan_reminders

    for meeting in meetings:
        meeting_plan_reminders(meeting=meeting)
    assert OutboxMessage.objects.count() == 500
    due = OutboxMessage.objects.order_by("-due_at")[0].due_at + timedelta(seconds=1)

    first = start_celery_worker(concurrency=4)
    assert outbox_dispatch_due(now=due, limit=500) == 500
    assert wait_for(lambda: sent_count() >= 60, 120), first.log()[-3000:]
    first.kill()  # SIGKILL the whole worker in the middle of the batch
    sent_before = sent_count()
    assert sent_before < 500, "the batch finished before the kill; nothing was tested"

    # (The lease runs from the `now` the batch was claimed with.)
    returned = outbox_reap_stuck(now=due + LEASE + timedelta(seconds=1))
    assert returned == 500 - sent_before
    second = start_celery_worker(concurrency=4)
    assert outbox_dispatch_due(now=due, limit=500) == returned
    assert wait_for(lambda: sent_count() == 500, 180), second.log()[-3000:]

    expected = set(OutboxMessage.objects.values_list("message_id", flat=True))
    delivered = first.sent_message_ids() + second.sent_message_ids()
    assert set(delivered) == expected  # none lost
    duplicates = sum(delivered.values()) - len(expected)
    # At most the messages in flight when the worker died (accepted, not yet marked sent).
    assert duplicates <= 4


@pytest.mark.django_db(transaction=True)
def test_two_dispatchers_at_once_send_no_reminder_twice(cohort, mailoutbox):
    needs_postgres()
    bulk_participants(cohort, 20)
    for n in range(3):
        Meeting.objects.create(cohort=cohort, title=f"B{n}", starts_at=in_days(20 + n),
                               ends_at=in_days(20 + n) + timedelta(hours=1),
                               online_url="https://meet.example/x")
    from meetings.services import meeting_plan_reminders

    for meeting in Meeting.objects.all():
        meeting_plan_reminders(meeting=meeting)
    total = OutboxMessage.objects.count()
    assert total == 120
    due = OutboxMessage.objects.order_by("-due_at")[0].due_at + timedelta(seconds=1)
    barrier = threading.Barrier(2)
    errors: list[BaseException] = []

    def beat():
        try:
            barrier.wait()
            while outbox_dispatch_due(now=due, limit=9):
                pass
        except BaseException as exc:  # surfaced below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=beat) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    assert not errors
    ids = [m.extra_headers["Message-ID"] for m in mailoutbox]
    assert len(ids) == total and len(set(ids)) == total
    assert sent_count() == total


@pytest.mark.django_db
def test_smtp_temporary_error_retries_then_permanent_fails_visibly(
        meeting, participant, coordinator, client, settings):
    from tests.notifications.failing_mail import FailingBackend

    settings.EMAIL_BACKEND = "tests.notifications.failing_mail.FailingBackend"
    row = OutboxMessage.objects.filter(kind=KIND_REMINDER).order_by("due_at").last()
    OutboxMessage.objects.exclude(pk=row.pk).delete()
    OutboxMessage.objects.filter(pk=row.pk).update(next_attempt_at=timezone.now())
    try:
        FailingBackend.error = smtplib.SMTPResponseException(451, b"Try again later")
        now = timezone.now() + timedelta(seconds=1)
        outbox_dispatch_due(now=now)
        row.refresh_from_db()
        assert row.status == OutboxStatus.PENDING and row.attempts == 1
        assert row.next_attempt_at >= timezone.now() + BACKOFF[0] - timedelta(seconds=5)
        assert "kon het bericht nu niet aannemen (code 451)" in row.last_error
        assert outbox_dispatch_due(now=now) == 0  # waits for the backoff

        FailingBackend.error = smtplib.SMTPResponseException(550, b"No such user")
        outbox_dispatch_due(now=row.next_attempt_at + timedelta(seconds=1))
        row.refresh_from_db()
        assert row.status == OutboxStatus.FAILED and row.attempts == 2
    finally:
        FailingBackend.error = None

    client.force_login(coordinator)
    page = client.get(reverse("meetings:outbox", args=[meeting.cohort_id]),
                      {"status": "failed"}).content.decode()
    assert "Mislukt" in page
    assert "De mailserver weigerde het bericht (code 550)." in page
    assert "Opnieuw proberen" in page


@pytest.mark.django_db
def test_meeting_moved_after_claim_stale_reminder_not_sent(meeting, participant, mailoutbox):
    # Claim the rows as beat does, with the broker taking the tasks but no worker yet.
    old_eager = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = False
    try:
        due = OutboxMessage.objects.order_by("-due_at")[0].due_at + timedelta(seconds=1)
        try:
            claimed = outbox_dispatch_due(now=due)
        finally:
            celery_app.conf.task_always_eager = old_eager
    finally:
        celery_app.conf.task_always_eager = old_eager
    assert claimed == 2
    rows = list(OutboxMessage.objects.filter(kind=KIND_REMINDER))
    assert {r.status for r in rows} == {OutboxStatus.SENDING}

    meeting_reschedule(meeting=meeting, starts_at=meeting.starts_at + timedelta(days=1),
                       ends_at=meeting.ends_at + timedelta(days=1))

    # The worker now runs the tasks it was given.
    results = [outbox_send(message_id=r.pk, claim_token=r.claim_token) for r in rows]
    assert results == ["cancelled", "cancelled"]
    assert not [m for m in mailoutbox if m.subject.startswith("Herinnering")]
    for row in rows:
        row.refresh_from_db()
        assert row.status == OutboxStatus.CANCELLED
        assert "ingetrokken of gewijzigd" in row.last_error
    assert OutboxMessage.objects.filter(kind=KIND_REMINDER, subject_version=1,
                                        status=OutboxStatus.PENDING).count() == 2
