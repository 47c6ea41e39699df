"""Celery entry points: ids in, a service call, nothing else."""

from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded

from .enums import RunStatus
from .models import MatchRun


# Large cohorts score ~n²/2 pairs before solving: allow more than the project default (60 s).
# settings.MATCH_RUN_TIMEOUT_SECONDS must stay above time_limit (the reaper below).
@shared_task(name="matching.tasks.task_run_matching", soft_time_limit=600, time_limit=660)
def task_run_matching(run_id: int) -> str:
    run = MatchRun.objects.filter(pk=run_id).select_related("cohort").first()
    if run is None:
        return "missing"
    from .services import RUN_TOO_LONG, match_run_execute, match_run_fail

    try:
        return match_run_execute(run=run).status
    except SoftTimeLimitExceeded:
        match_run_fail(run_id=run_id, reason=RUN_TOO_LONG)
        return RunStatus.FAILED


@shared_task(name="matching.tasks.task_reap_stuck_runs")
def task_reap_stuck_runs() -> int:
    from .services import match_runs_reap_stuck

    return match_runs_reap_stuck()
