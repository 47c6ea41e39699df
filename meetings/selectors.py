"""Reads on meetings and on a cohort's outbox, scoped to the user asking."""

from __future__ import annotations

from django.db.models import QuerySet
from django.utils import timezone

from cohorts.models import Cohort
from notifications.models import OutboxMessage
from notifications.selectors import outbox_visible_to

from .models import Meeting


def meetings_for_cohort(*, cohort: Cohort) -> tuple[list[Meeting], list[Meeting]]:
    """(upcoming, past) meetings of a cohort; upcoming soonest first, past latest first."""
    now = timezone.now()
    meetings = list(cohort.meetings.prefetch_related("materials"))
    upcoming = [m for m in meetings if m.ends_at >= now]
    past = sorted((m for m in meetings if m.ends_at < now), key=lambda m: m.starts_at,
                  reverse=True)
    return upcoming, past


def cohort_outbox(*, user, cohort: Cohort, status: str = "") -> QuerySet[OutboxMessage]:
    """The cohort's messages the user may see, newest due first, optionally one status."""
    rows = (outbox_visible_to(user).filter(cohort=cohort)
            .select_related("recipient").order_by("-due_at", "-id"))
    if status:
        rows = rows.filter(status=status)
    return rows
