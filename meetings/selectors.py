"""Reads on meetings and on a cohort's outbox, scoped to the user asking."""

from __future__ import annotations

from django.db.models import Case, Count, F, QuerySet, Value, When
from django.utils import timezone

from cohorts.models import Cohort
from notifications.enums import OutboxStatus
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
    """The cohort's messages the user may see, optionally one status: what still has to go
    out first (soonest due on top), then the rest, newest first."""
    still_open = Case(When(status__in=OutboxStatus.open(), then=Value(0)), default=Value(1))
    rows = (outbox_visible_to(user).filter(cohort=cohort).select_related("recipient")
            .annotate(closed=still_open)
            .order_by("closed", Case(When(closed=0, then=F("due_at"))), "-due_at", "-id"))
    if status:
        rows = rows.filter(status=status)
    return rows


def cohort_outbox_counts(*, user, cohort: Cohort) -> dict[str, int]:
    """How many of the cohort's messages have each status, in one query."""
    rows = (outbox_visible_to(user).filter(cohort=cohort).values("status")
            .annotate(n=Count("id")).values_list("status", "n"))
    return dict(rows)


def outbox_subjects(rows) -> dict[int, str]:
    """What each message is about (the meeting's title), for the rows of one page."""
    meeting_ids = {row.subject_id for row in rows if row.subject_type == "meeting"}
    titles = dict(Meeting.objects.filter(pk__in=meeting_ids).values_list("pk", "title"))
    return {row.pk: titles[row.subject_id] for row in rows
            if row.subject_type == "meeting" and row.subject_id in titles}
