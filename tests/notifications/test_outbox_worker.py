"""The outbox against real Redis, PostgreSQL and a real Celery worker process."""

import time
from datetime import timedelta

import pytest
from django.db import transaction
from django.utils import timezone

from notifications.enums import OutboxStatus
from notifications.models import OutboxMessage
from notifications.services import (
    LEASE,
    outbox_dispatch_due,
    outbox_plan_many,
    outbox_reap_stuck,
)


@pytest.mark.celery_worker
def test_worker_sends_each_dispatched_message_once(running_celery_worker):
    due_at = timezone.now() + timedelta(seconds=1)  # not due yet: no hint races the dispatch
    with transaction.atomic():
        planned = outbox_plan_many([
            {"kind": "prerendered", "dedupe_key": f"worker-test:{n}",
             "to_email": f"deelnemer{n}@example.nl", "due_at": due_at,
             "payload": {"subject": f"Bericht {n}", "text": f"Tekst {n}"}}
            for n in range(20)
        ])
    assert planned == 20

    assert outbox_dispatch_due(now=due_at) == 20

    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if OutboxMessage.objects.filter(status=OutboxStatus.SENT).count() == 20:
            break
        time.sleep(0.25)
    statuses = sorted(OutboxMessage.objects.values_list("status", flat=True))
    assert statuses == [OutboxStatus.SENT] * 20, running_celery_worker.log()[-3000:]
    sent = running_celery_worker.sent_message_ids()
    expected = set(OutboxMessage.objects.values_list("message_id", flat=True))
    assert set(sent) == expected
    assert set(sent.values()) == {1}
    assert not OutboxMessage.objects.exclude(payload={}).exists()


def wait_until_sent(count: int, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if OutboxMessage.objects.filter(status=OutboxStatus.SENT).count() >= count:
            return
        time.sleep(0.25)


@pytest.mark.celery_worker
def test_worker_killed_while_sending_loses_nothing(start_celery_worker):
    due_at = timezone.now() + timedelta(seconds=1)
    outbox_plan_many([
        {"kind": "prerendered", "dedupe_key": f"kill-test:{n}", "to_email": f"p{n}@example.nl",
         "due_at": due_at, "payload": {"subject": f"Bericht {n}", "text": "Tekst"}}
        for n in range(10)
    ])
    hanging = start_celery_worker(
        concurrency=2,
        extra_env={"EMAIL_BACKEND": "tests.notifications.failing_mail.SlowBackend"})
    assert outbox_dispatch_due(now=due_at) == 10
    deadline = time.monotonic() + 30
    while hanging.log().count("] received") < 2 and time.monotonic() < deadline:
        time.sleep(0.2)

    hanging.kill()  # SIGKILL, main process and pool, in the middle of sending

    assert OutboxMessage.objects.filter(status=OutboxStatus.SENDING).count() == 10
    assert outbox_reap_stuck() == 0  # leases still running
    after_lease = timezone.now() + LEASE + timedelta(seconds=1)
    assert outbox_reap_stuck(now=after_lease) == 10
    fresh = start_celery_worker()
    assert outbox_dispatch_due() == 10

    wait_until_sent(10)
    assert OutboxMessage.objects.filter(status=OutboxStatus.SENT).count() == 10, \
        fresh.log()[-3000:]
    sent = fresh.sent_message_ids()
    assert set(sent) == set(OutboxMessage.objects.values_list("message_id", flat=True))
    assert set(sent.values()) == {1}
