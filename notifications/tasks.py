"""Celery entry points: ids in, a service call, nothing else. The outbox does its own
retrying (rows with a backoff), so these tasks never retry through the broker."""

from celery import shared_task

from .services import outbox_dispatch_due, outbox_reap_stuck, outbox_send


@shared_task(name="notifications.tasks.task_dispatch_due")
def task_dispatch_due() -> int:
    return outbox_dispatch_due()


@shared_task(name="notifications.tasks.task_send_message")
def task_send_message(message_id: int, claim_token: str) -> str:
    return outbox_send(message_id=message_id, claim_token=claim_token)


@shared_task(name="notifications.tasks.task_reap_stuck")
def task_reap_stuck() -> int:
    return outbox_reap_stuck()
