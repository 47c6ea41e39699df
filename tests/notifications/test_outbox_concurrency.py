"""Two dispatchers at once (two beats, or beat and a hint) claim each row once."""

import threading
from datetime import timedelta

import pytest
from django.conf import settings
from django.db import connection
from django.utils import timezone

from notifications.enums import OutboxStatus
from notifications.models import OutboxMessage
from notifications.services import outbox_dispatch_due, outbox_plan_many


@pytest.mark.django_db(transaction=True)
def test_dispatch_concurrent_dispatchers_send_each_row_once(mailoutbox):
    if settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
        pytest.skip("needs PostgreSQL (DATABASE_URL=postgres://...) for row locks")
    due_at = timezone.now() + timedelta(seconds=1)
    outbox_plan_many([
        {"kind": "prerendered", "dedupe_key": f"concurrent:{n}", "to_email": f"p{n}@example.nl",
         "due_at": due_at, "payload": {"subject": f"Bericht {n}", "text": "Tekst"}}
        for n in range(60)
    ])
    start = threading.Barrier(4)
    claimed: list[int] = []

    def dispatcher():
        try:
            start.wait()
            while count := outbox_dispatch_due(now=due_at, limit=7):
                claimed.append(count)
        finally:
            connection.close()

    threads = [threading.Thread(target=dispatcher) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)

    assert sum(claimed) == 60
    assert len(mailoutbox) == 60
    assert len({m.extra_headers["Message-ID"] for m in mailoutbox}) == 60
    assert OutboxMessage.objects.filter(status=OutboxStatus.SENT).count() == 60
