"""Fixtures for the outbox tests, and a real Celery worker for integration and fault tests."""

from __future__ import annotations

import copy
import os
import re
import signal
import subprocess
import sys
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.utils.dateparse import parse_datetime

from notifications import kinds
from wisselstage.celery import app as celery_app

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent
TEST_KIND = "test_note"


def note_context(message) -> dict | None:
    """The test kind: about a user account; withdrawn when the account was deactivated."""
    from accounts.models import User

    user = User.objects.filter(pk=message.subject_id, is_active=True).first()
    if user is None:
        return None
    return {
        "title": message.context.get("title", ""),
        "starts_at": parse_datetime(message.context["starts_at"]),
    }


kinds.register(kinds.MessageKind(
    name=TEST_KIND, template="notifications_test/note", get_context=note_context))
kinds.register(kinds.MessageKind(
    name="test_no_template", template="notifications_test/missing", get_context=note_context))


@pytest.fixture(autouse=True)
def _outbox_test_setup(request, settings):
    """Test templates on the template path; Celery eager (in-process) except for tests that
    run against a real worker."""
    templates = copy.deepcopy(settings.TEMPLATES)
    templates[0]["DIRS"] = [*templates[0]["DIRS"], HERE / "templates"]
    settings.TEMPLATES = templates
    eager = celery_app.conf.task_always_eager
    if not request.node.get_closest_marker("celery_worker"):
        celery_app.conf.task_always_eager = True
    yield
    celery_app.conf.task_always_eager = eager


@pytest.fixture
def make_user(db):
    from tests.factories import UserFactory

    def make(email: str = "", **extra):
        return UserFactory(email=email, **extra) if email else UserFactory(**extra)

    return make


@pytest.fixture
def alice(make_user):
    return make_user("alice@gemeente.example.nl", name="Alice de Vries")


@pytest.fixture
def make_cohort(db):
    from tests.factories import CohortFactory

    return CohortFactory


@pytest.fixture
def failing_smtp(settings):
    """Every send raises the exception assigned to `failing_smtp.error`."""
    from .failing_mail import FailingBackend

    settings.EMAIL_BACKEND = "tests.notifications.failing_mail.FailingBackend"
    FailingBackend.error = None
    yield FailingBackend
    FailingBackend.error = None


def note_kwargs(user, *, key: str = "", due_at: datetime | None = None, **extra) -> dict:
    """outbox_plan arguments for a test_note about `user`'s account."""
    values = {
        "kind": TEST_KIND,
        "dedupe_key": key or f"note:{user.pk}:v1:{uuid.uuid4().hex[:6]}",
        "recipient": user,
        "subject_type": "account",
        "subject_id": user.pk,
        "context": {"title": "Groepsbijeenkomst", "starts_at": "2026-03-02T13:30:00+00:00"},
        "due_at": due_at,
    }
    values.update(extra)
    return values


# --- a real Celery worker -----------------------------------------------------------------


def worker_needs() -> str:
    """Why a real worker cannot run here ('' when it can). Starts with 'needs '."""
    if settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
        return ("needs PostgreSQL (DATABASE_URL=postgres://...): the worker process must see "
                "the test database")
    if not settings.REDIS_URL:
        return "needs Redis (REDIS_URL=redis://127.0.0.1:6379/9) for a real Celery worker"
    try:
        import redis

        redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=1,
                             socket_timeout=1).ping()
    except Exception as exc:
        return f"needs Redis reachable at REDIS_URL ({type(exc).__name__}: {exc})"
    return ""


def _test_database_url() -> str:
    db = connection.settings_dict
    auth = db["USER"] or "postgres"
    if db.get("PASSWORD"):
        auth += f":{db['PASSWORD']}"
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


@dataclass
class CeleryWorker:
    """A `celery -A wisselstage worker` subprocess on the test database and Redis."""

    process: subprocess.Popen
    mail_dir: Path
    log_path: Path
    name: str
    env: dict[str, str] = field(repr=False, default_factory=dict)

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def sent_message_ids(self) -> Counter:
        """How often each Message-ID was written by the file email backend."""
        ids: Counter = Counter()
        for path in self.mail_dir.glob("*.log"):
            ids.update(re.findall(r"^Message-ID: (\S+)\s*$", path.read_text(), re.MULTILINE))
        return ids

    def wait_ready(self, timeout: float = 30) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if " ready." in self.log():
                return
            if self.process.poll() is not None:
                break
            time.sleep(0.2)
        raise RuntimeError(f"Celery worker did not start:\n{self.log()[-4000:]}")

    def stop(self, timeout: float = 20) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout)
            except subprocess.TimeoutExpired:
                self.kill()

    def kill(self) -> None:
        """SIGKILL the worker's whole process group (main process and pool children)."""
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(10)


@pytest.fixture
def start_celery_worker(transactional_db, tmp_path):
    """A function that starts a real worker (skips with 'needs ...' when it cannot); every
    worker started is stopped at the end of the test. Use with transactional_db so the rows
    the test writes are committed and visible to the worker."""
    reason = worker_needs()
    if reason:
        pytest.skip(reason)
    workers: list[CeleryWorker] = []

    def start(*, concurrency: int = 4, extra_env: dict[str, str] | None = None) -> CeleryWorker:
        number = len(workers) + 1
        mail_dir = tmp_path / f"mail-{number}"
        mail_dir.mkdir()
        log_path = tmp_path / f"worker-{number}.log"
        name = f"outboxtest-{uuid.uuid4().hex[:8]}@%h"
        env = {
            **os.environ,
            "DEBUG": "true",
            "WISSELSTAGE_TESTING": "true",
            "DATABASE_URL": _test_database_url(),
            "REDIS_URL": settings.REDIS_URL,
            "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
            "EMAIL_FILE_PATH": str(mail_dir),
            "DJANGO_SETTINGS_MODULE": "wisselstage.settings",
            "PYTHONPATH": str(REPO),
            "PYTHONUNBUFFERED": "1",
            **(extra_env or {}),
        }
        with log_path.open("wb") as log:
            process = subprocess.Popen(  # noqa: S603  fixed argv, no shell
                [sys.executable, "-m", "celery", "-A", "wisselstage", "worker",
                 "--loglevel=INFO", f"--concurrency={concurrency}", "--pool=prefork",
                 "-n", name, "--without-gossip", "--without-mingle", "--without-heartbeat"],
                cwd=REPO, env=env, stdout=log, stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        worker = CeleryWorker(process=process, mail_dir=mail_dir, log_path=log_path,
                              name=name, env=env)
        workers.append(worker)
        worker.wait_ready()
        return worker

    yield start
    for worker in workers:
        worker.stop()


@pytest.fixture
def running_celery_worker(start_celery_worker) -> CeleryWorker:
    """One real worker, ready to consume."""
    return start_celery_worker()
