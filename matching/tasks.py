"""Celery entry points: ids in, a service call, nothing else."""

from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded

from .enums import RunStatus
from .models import MatchRun


# Large cohorts score ~n²/2 pairs before solving: allow more than the project default (60 s).
@shared_task(name="matching.tasks.task_run_matching", soft_time_limit=600, time_limit=660)
def task_run_matching(run_id: int) -> str:
    run = MatchRun.objects.filter(pk=run_id).select_related("cohort").first()
    if run is None:
        return "missing"
    from .services import match_run_execute

    try:
        return match_run_execute(run=run).status
    except SoftTimeLimitExceeded:
        MatchRun.objects.filter(pk=run_id).update(
            status=RunStatus.FAILED, error="De matching duurde te lang en is afgebroken.")
        return RunStatus.FAILED
