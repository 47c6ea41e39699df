"""Celery entry points: ids in (here: nothing), a service call, nothing else."""

from celery import shared_task

from .services import cohorts_anonymise_expired


@shared_task(name="privacy.tasks.task_anonymise_expired_cohorts")
def task_anonymise_expired_cohorts() -> int:
    return cohorts_anonymise_expired()
