"""Match runs whose worker died: the reaper fails them, a late worker cannot undo that, and the
coordinator sees why and can start again."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.conf import settings
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone, translation

from matching import engine, services
from matching.enums import RunStatus
from matching.models import MatchRun
from matching.tasks import task_reap_stuck_runs, task_run_matching
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

TIMEOUT = timedelta(seconds=settings.MATCH_RUN_TIMEOUT_SECONDS)


def _running_since(cohort, coordinator, started_ago: timedelta | None) -> MatchRun:
    """A run a worker claimed `started_ago` (None: a row from before started_at existed,
    created that long ago)."""
    now = timezone.now()
    run = MatchRun.objects.create(cohort=cohort, created_by=coordinator,
                                  status=RunStatus.RUNNING, progress=50,
                                  started_at=now - started_ago if started_ago else None)
    MatchRun.objects.filter(pk=run.pk).update(created_at=now - (started_ago or TIMEOUT * 2))
    return run


def test_reap_fails_run_running_longer_than_the_timeout(cohort, coordinator):
    run = _running_since(cohort, coordinator, TIMEOUT + timedelta(minutes=1))
    assert services.match_runs_reap_stuck() == 1
    run.refresh_from_db()
    assert run.status == RunStatus.FAILED and run.progress == 100
    assert run.error == ("De berekening is onderbroken (de server is herstart of had te weinig "
                         "geheugen). Start de koppeling opnieuw.")


def test_reap_measures_old_rows_without_start_time_from_creation(cohort, coordinator):
    run = _running_since(cohort, coordinator, None)
    assert services.match_runs_reap_stuck() == 1
    run.refresh_from_db()
    assert run.status == RunStatus.FAILED


def test_reap_leaves_a_younger_run_running(cohort, coordinator):
    run = _running_since(cohort, coordinator, TIMEOUT - timedelta(minutes=1))
    assert services.match_runs_reap_stuck() == 0
    run.refresh_from_db()
    assert run.status == RunStatus.RUNNING and run.progress == 50 and run.error == ""


def test_reap_counts_from_the_start_not_from_the_wait_in_the_queue(cohort, coordinator):
    run = _running_since(cohort, coordinator, timedelta(minutes=1))
    MatchRun.objects.filter(pk=run.pk).update(created_at=timezone.now() - TIMEOUT * 3)
    assert services.match_runs_reap_stuck() == 0
    run.refresh_from_db()
    assert run.status == RunStatus.RUNNING


def test_reap_leaves_finished_runs_alone_and_fails_runs_queued_too_long(four, coordinator):
    cohort = four["bob"].cohort
    done = services.match_run_create(cohort=cohort, by=coordinator, objective="max_total",
                                     triads=False)
    failed = MatchRun.objects.create(cohort=cohort, status=RunStatus.FAILED,
                                     error="Een vastgezet paar past niet meer.")
    queued = MatchRun.objects.create(cohort=cohort, status=RunStatus.QUEUED)
    long_ago = timezone.now() - TIMEOUT * 2
    MatchRun.objects.update(created_at=long_ago, started_at=long_ago)
    just_queued = MatchRun.objects.create(cohort=cohort, status=RunStatus.QUEUED)
    result = done.result
    assert services.match_runs_reap_stuck() == 1
    done.refresh_from_db()
    failed.refresh_from_db()
    queued.refresh_from_db()
    assert done.status == RunStatus.DONE and done.result == result and done.error == ""
    assert failed.error == "Een vastgezet paar past niet meer."
    # queued for longer than the timeout: its task never reached a worker
    assert queued.status == RunStatus.FAILED and queued.error == services.RUN_NOT_STARTED
    just_queued.refresh_from_db()
    assert just_queued.status == RunStatus.QUEUED


def test_unexpected_engine_error_fails_the_run_at_once(four, coordinator, monkeypatch, caplog):
    # Simulates a bug in the engine (anything but its own input error): the coordinator sees a
    # failed run with a plain reason right away, and the traceback is in the log.
    def broken(instance):
        raise RuntimeError("bug")

    monkeypatch.setattr(engine, "solve", broken)
    run = services.match_run_create(cohort=four["bob"].cohort, by=coordinator,
                                    objective="max_total", triads=False)
    assert run.status == RunStatus.FAILED and run.error == services.RUN_BROKEN
    assert "RuntimeError: bug" in caplog.text


def test_worker_finishing_after_the_reaper_keeps_the_run_failed(four, coordinator, monkeypatch):
    solve = engine.solve

    # The real solver runs; the reaper runs first, as if this worker took longer than the
    # timeout. This is the only way to interleave the two in one process.
    def solve_after_being_reaped(instance):
        later = timezone.now() + TIMEOUT + timedelta(seconds=1)
        assert services.match_runs_reap_stuck(now=later) == 1
        return solve(instance)

    monkeypatch.setattr(engine, "solve", solve_after_being_reaped)
    run = services.match_run_create(cohort=four["bob"].cohort, by=coordinator,
                                    objective="max_total", triads=False)
    assert run.status == RunStatus.FAILED and run.error == services.RUN_INTERRUPTED
    assert run.progress == 100 and run.result == {} and run.stats == {}


def test_redelivered_task_does_not_restart_a_running_or_reaped_run(cohort, coordinator):
    # acks_late redelivers the task of a killed worker; it must not compute the run again
    # (an out-of-memory run would kill the next worker too), so only the reaper ends it.
    run = _running_since(cohort, coordinator, TIMEOUT + timedelta(minutes=1))
    assert task_run_matching.delay(run.pk).get() == RunStatus.RUNNING
    services.match_runs_reap_stuck()
    assert task_run_matching.delay(run.pk).get() == RunStatus.FAILED
    run.refresh_from_db()
    assert run.error == services.RUN_INTERRUPTED and run.result == {}


def test_time_limit_failure_does_not_overwrite_a_finished_run(four, coordinator):
    run = services.match_run_create(cohort=four["bob"].cohort, by=coordinator,
                                    objective="max_total", triads=False)
    assert not services.match_run_fail(run_id=run.pk, reason=services.RUN_TOO_LONG)
    run.refresh_from_db()
    assert run.status == RunStatus.DONE and run.error == ""


def test_claimed_run_records_its_start(four, coordinator):
    before = timezone.now()
    run = services.match_run_create(cohort=four["bob"].cohort, by=coordinator,
                                    objective="max_total", triads=False)
    assert run.started_at is not None and run.started_at >= before


def test_reap_task_fails_stuck_runs(cohort, coordinator):
    run = _running_since(cohort, coordinator, TIMEOUT + timedelta(minutes=1))
    assert task_reap_stuck_runs.delay().get() == 1
    run.refresh_from_db()
    assert run.status == RunStatus.FAILED


def test_beat_schedule_runs_the_reaper_often_enough():
    from wisselstage.celery import app

    entries = [e for e in settings.CELERY_BEAT_SCHEDULE.values()
               if e["task"] == "matching.tasks.task_reap_stuck_runs"]
    assert len(entries) == 1
    assert entries[0]["schedule"] <= 300
    assert "matching.tasks.task_reap_stuck_runs" in app.tasks


def test_timeout_outlasts_the_worker_time_limit():
    # A live worker is done or killed by its time limit before the reaper calls it dead.
    assert task_run_matching.time_limit < settings.MATCH_RUN_TIMEOUT_SECONDS


def test_outbox_loop_fails_stuck_runs_without_beat(cohort, coordinator, capsys):
    run = _running_since(cohort, coordinator, TIMEOUT + timedelta(minutes=1))
    call_command("outbox_loop", "--once")
    run.refresh_from_db()
    assert run.status == RunStatus.FAILED
    assert "matching: 1 vastgelopen" in capsys.readouterr().out


def test_coordinator_sees_the_reason_and_starts_again(client, four, coordinator):
    cohort = four["bob"].cohort
    run = _running_since(cohort, coordinator, TIMEOUT + timedelta(minutes=1))
    MatchRun.objects.filter(pk=run.pk).update(objective="max_min")
    services.match_runs_reap_stuck()
    assert client.login(email=coordinator.email, password=PASSWORD)

    page = client.get(reverse("matching:run", args=[cohort.pk, run.pk])).content.decode()
    assert "De matching is mislukt: De berekening is onderbroken (de server is herstart" in page
    assert "Opnieuw starten" in page and "Dit voorstel publiceren" not in page
    home = client.get(reverse("matching:home", args=[cohort.pk])).content.decode()
    assert "Mislukt<br><small data-run-error>De berekening is onderbroken" in home

    response = client.post(reverse("matching:home", args=[cohort.pk]), {"objective": "max_min"})
    again = MatchRun.objects.exclude(pk=run.pk).get()
    assert response.url == reverse("matching:run", args=[cohort.pk, again.pk])
    assert again.status == RunStatus.DONE and again.objective == "max_min"
    assert again.stats["placed"] == 4


def test_reason_is_shown_in_english(client, cohort, coordinator):
    run = _running_since(cohort, coordinator, TIMEOUT + timedelta(minutes=1))
    services.match_runs_reap_stuck()
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert client.login(email=coordinator.email, password=PASSWORD)
    # The request leaves English active in this thread; later tests expect Dutch.
    with translation.override(translation.get_language()):
        page = client.get(reverse("matching:run", args=[cohort.pk, run.pk])).content.decode()
    assert "The calculation was interrupted" in page and "Start again" in page


def test_time_limit_during_the_solve_is_reported_as_too_long(four, coordinator, monkeypatch):
    # Celery raises SoftTimeLimitExceeded inside the solve; it is not "a bug in Wisselstage".
    from celery.exceptions import SoftTimeLimitExceeded

    def slow(instance):
        raise SoftTimeLimitExceeded()

    monkeypatch.setattr(engine, "solve", slow)
    run = MatchRun.objects.create(cohort=four["bob"].cohort, created_by=coordinator)
    assert task_run_matching(run.pk) == RunStatus.FAILED
    run.refresh_from_db()
    assert run.status == RunStatus.FAILED and run.error == services.RUN_TOO_LONG
