"""Benchmark: dispatch many due meeting reminders with one worker to a local SMTP sink.

Run: ``python -m bench.bench_reminders [--count 10000] [--concurrency 1]``. With Redis it uses
Redis db 14 (or BENCH_REDIS_URL) so it never touches the queue of other workers.

With DATABASE_URL (PostgreSQL) and REDIS_URL set it uses a separate database
``<name>_bench`` (created and migrated, emptied on every run) and starts one real
``celery worker`` (``--concurrency``, default 1) that sends over SMTP to a sink in this
process; without them it uses a temporary SQLite file and sends in-process (eager).
It plans `count` reminders (participants x 5 meetings x 2 offsets), claims them as beat does
and reports wall time from the first claim to the last row marked sent, the rate, the peak
memory (this process, and the worker's processes), and how many were lost (planned but never
received by the sink) or duplicated (received more than once).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import resource
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

REPO = Path(__file__).resolve().parent.parent
MESSAGE_ID = re.compile(rb"^Message-ID:\s*(\S+)", re.MULTILINE | re.IGNORECASE)


class SmtpSink:
    """A minimal SMTP server that accepts everything and counts Message-IDs."""

    def __init__(self) -> None:
        self.received: Counter = Counter()
        self.port = 0
        self._ready = threading.Event()
        self._loop: asyncio.AbstractEventLoop | None = None

    async def _session(self, reader, writer) -> None:
        writer.write(b"220 sink ESMTP\r\n")
        try:
            while line := await reader.readline():
                command = line[:4].upper()
                if command in (b"EHLO", b"HELO"):
                    writer.write(b"250-sink\r\n250 8BITMIME\r\n")
                elif command == b"DATA":
                    writer.write(b"354 go on\r\n")
                    await writer.drain()
                    data = await reader.readuntil(b"\r\n.\r\n")
                    match = MESSAGE_ID.search(data)
                    self.received[match.group(1).decode() if match else "?"] += 1
                    writer.write(b"250 ok\r\n")
                elif command == b"QUIT":
                    writer.write(b"221 bye\r\n")
                    await writer.drain()
                    break
                else:  # MAIL, RCPT, RSET, NOOP
                    writer.write(b"250 ok\r\n")
                await writer.drain()
        finally:
            writer.close()

    def start(self) -> SmtpSink:
        def run() -> None:
            self._loop = asyncio.new_event_loop()
            server = self._loop.run_until_complete(
                asyncio.start_server(self._session, "127.0.0.1", 0, limit=2**22))
            self.port = server.sockets[0].getsockname()[1]
            self._ready.set()
            self._loop.run_forever()

        threading.Thread(target=run, daemon=True).start()
        self._ready.wait(10)
        return self


def _bench_database_url(url: str) -> str:
    parts = urlsplit(url)
    name = parts.path.lstrip("/") or "wisselstage"
    return urlunsplit(parts._replace(path=f"/{name}_bench"))


def _ensure_database(url: str) -> None:
    import psycopg2

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    conn = psycopg2.connect(urlunsplit(parts._replace(path="/postgres")))
    conn.autocommit = True
    try:
        with conn.cursor() as cursor:
            cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
            if not cursor.fetchone():
                cursor.execute(f'CREATE DATABASE "{name}"')
    finally:
        conn.close()


def _peak_kib(pid: int) -> int:
    """VmHWM of a process and its children (KiB); 0 when gone."""
    total = 0
    pids = [pid]
    try:
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
        pids += [int(c) for c in children]
    except OSError:
        pass
    for p in pids:
        try:
            status = Path(f"/proc/{p}/status").read_text()
            total += int(re.search(r"VmHWM:\s+(\d+)", status).group(1))
        except (OSError, AttributeError):
            pass
    return total


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=10_000)
    parser.add_argument("--concurrency", type=int, default=1)
    args = parser.parse_args()
    per_participant = 10  # 5 meetings x 2 offsets
    participants = max(1, args.count // per_participant)
    count = participants * per_participant

    sink = SmtpSink().start()
    real_worker = bool(os.environ.get("DATABASE_URL") and os.environ.get("REDIS_URL"))
    tmp = tempfile.mkdtemp(prefix="bench-reminders-")
    env = {
        "DEBUG": os.environ.get("DEBUG", "true"),
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": "127.0.0.1", "EMAIL_PORT": str(sink.port), "EMAIL_USE_TLS": "false",
        "DJANGO_SETTINGS_MODULE": "wisselstage.settings",
    }
    if real_worker:
        # Its own database and Redis db: the bench worker must not eat (or purge) the tasks
        # of anyone else's worker on the shared Redis.
        env["DATABASE_URL"] = _bench_database_url(os.environ["DATABASE_URL"])
        env["REDIS_URL"] = os.environ.get("BENCH_REDIS_URL") or urlunsplit(
            urlsplit(os.environ["REDIS_URL"])._replace(path="/14"))
        _ensure_database(env["DATABASE_URL"])
    else:
        env["DATABASE_URL"] = f"sqlite:///{tmp}/bench.sqlite3"
        os.environ.pop("REDIS_URL", None)
    os.environ.update(env)

    import django

    django.setup()
    from datetime import timedelta

    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    call_command("flush", interactive=False, verbosity=0)

    from accounts.models import User
    from cohorts.models import Cohort, Participant
    from meetings.models import Meeting
    from meetings.services import meeting_plan_reminders
    from notifications.enums import OutboxStatus
    from notifications.models import OutboxMessage
    from notifications.services import outbox_dispatch_due
    from tests.factories import CohortFactory
    from tests.meetings.conftest import in_days
    from wisselstage.celery import app as celery_app

    print(f"planning {count} reminders ({participants} participants x 5 meetings x 2) ...",
          flush=True)
    cohort: Cohort = CohortFactory(name="Bench")
    users = User.objects.bulk_create([
        User(email=f"bench{n}@deelnemers.example", name=f"Deelnemer {n}",
             password="!")  # noqa: S106 - unusable
        for n in range(participants)], batch_size=1000)
    Participant.objects.bulk_create([Participant(cohort=cohort, user=u) for u in users],
                                    batch_size=1000)
    for n in range(5):
        meeting = Meeting.objects.create(
            cohort=cohort, title=f"Bijeenkomst {n + 1}", starts_at=in_days(20 + n),
            ends_at=in_days(20 + n) + timedelta(hours=1), online_url="https://meet.example/b")
        meeting_plan_reminders(meeting=meeting)
    planned = OutboxMessage.objects.count()
    due = OutboxMessage.objects.order_by("-due_at")[0].due_at + timedelta(seconds=1)

    worker = None
    if real_worker:
        celery_app.conf.task_always_eager = False
        celery_app.control.purge()  # no stale tasks from an earlier run
        log = (Path(tmp) / "worker.log").open("wb")
        worker = subprocess.Popen(  # noqa: S603  fixed argv
            [sys.executable, "-m", "celery", "-A", "wisselstage", "worker", "--loglevel=WARNING",
             f"--concurrency={args.concurrency}", "--pool=prefork", "-n", "bench@%h",
             "--without-gossip", "--without-mingle", "--without-heartbeat"],
            cwd=REPO, env={**os.environ, **env}, stdout=subprocess.DEVNULL,
            stderr=log, start_new_session=True)
        time.sleep(3)
    else:
        celery_app.conf.task_always_eager = True

    started = time.perf_counter()
    claimed = 0
    while batch := outbox_dispatch_due(now=due, limit=500):
        claimed += batch
    deadline = time.monotonic() + 3600
    while OutboxMessage.objects.filter(status=OutboxStatus.SENT).count() < planned:
        if time.monotonic() > deadline or (worker and worker.poll() is not None):
            break
        time.sleep(0.2)
    elapsed = time.perf_counter() - started
    worker_peak = _peak_kib(worker.pid) if worker else 0
    if worker:
        os.killpg(worker.pid, signal.SIGTERM)
        worker.wait(30)

    expected = set(OutboxMessage.objects.values_list("message_id", flat=True))
    received = sink.received
    lost = len(expected - set(received))
    duplicated = sum(received.values()) - len(set(received))
    statuses = Counter(OutboxMessage.objects.values_list("status", flat=True))
    own_peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(f"mode           : {'celery worker x' + str(args.concurrency) if worker else 'eager'}"
          f" / {'PostgreSQL' if real_worker else 'SQLite'}")
    print(f"planned        : {planned} (claimed {claimed})")
    print(f"time           : {elapsed:.1f} s")
    print(f"rate           : {planned / elapsed:.0f} messages/s")
    print(f"peak memory    : bench process {own_peak / 1024:.0f} MiB"
          + (f", worker {worker_peak / 1024:.0f} MiB" if worker else ""))
    print(f"statuses       : {dict(statuses)}")
    print(f"lost           : {lost}")
    print(f"duplicated     : {duplicated}")


if __name__ == "__main__":
    main()
