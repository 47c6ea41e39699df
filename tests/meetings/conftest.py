"""Fixtures for the meeting tests: a meeting two weeks ahead in the `cohort` fixture, a second
cohort with its own coordinator and participant (the "other side" in permission tests)."""

from __future__ import annotations

import zoneinfo
from datetime import datetime, timedelta

import pytest
from django.utils import timezone

from tests.factories import CohortFactory, ParticipantFactory, UserFactory

AMS = zoneinfo.ZoneInfo("Europe/Amsterdam")


def local(year, month, day, hour=10, minute=0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=AMS)


def in_days(days: int, hour: int = 15) -> datetime:
    day = timezone.localdate() + timedelta(days=days)
    return datetime(day.year, day.month, day.day, hour, 0, tzinfo=AMS)


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.SITE_URL = "https://wisselstage.test"


@pytest.fixture
def make_meeting(cohort):
    from meetings.services import meeting_create

    def make(*, days: int = 14, cohort=cohort, **extra):
        starts_at = extra.pop("starts_at", in_days(days))
        values = {"title": "Voorbereidende bijeenkomst", "starts_at": starts_at,
                  "ends_at": starts_at + timedelta(minutes=90),
                  "online_url": "https://meet.example/wissel", "kind": "voorbereiding"}
        values.update(extra)
        return meeting_create(cohort=cohort, **values)

    return make


@pytest.fixture
def meeting(make_meeting, participant):
    return make_meeting()


@pytest.fixture
def started_meeting(make_meeting, participant):
    """A meeting that began an hour ago: attendance can be recorded."""
    return make_meeting(days=0, starts_at=timezone.now() - timedelta(hours=1))


@pytest.fixture
def second_participant(cohort):
    return ParticipantFactory(cohort=cohort, user__email="dewi@gemeente.example",
                              user__name="Dewi Smit")


@pytest.fixture
def other_coordinator(db):
    return UserFactory(email="olga@andere-gemeente.example", name="Olga Anders")


@pytest.fixture
def other_cohort(other_coordinator):
    cohort = CohortFactory(name="Ander cohort")
    cohort.coordinators.add(other_coordinator)
    return cohort


@pytest.fixture
def other_participant(other_cohort):
    return ParticipantFactory(cohort=other_cohort, user__email="piet@elders.example",
                              user__name="Piet Elders")


# The real Celery worker of the outbox tests (skips with "needs ..." without PG and Redis).
from tests.notifications.conftest import start_celery_worker, worker_needs  # noqa: E402, F401


def bulk_participants(cohort, count: int, prefix: str = "lid") -> list:
    """Many active participants fast (no password hashing)."""
    from accounts.models import User
    from cohorts.models import Participant

    users = User.objects.bulk_create([
        User(email=f"{prefix}{n}@deelnemers.example", name=f"Deelnemer {n}", password="!")
        for n in range(count)])
    Participant.objects.bulk_create([Participant(cohort=cohort, user=u) for u in users])
    return users
