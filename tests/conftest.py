"""Project-wide pytest fixtures. App-specific fixtures live in tests/<app>/conftest.py.

Personas, as in every permission test: `coordinator` (owns the cohort), `participant`
(member), `outsider` (a logged-in stranger), `admin` (programme office staff).
"""

from __future__ import annotations

import os

import pytest

from tests.factories import CohortFactory, ParticipantFactory, UserFactory

IN_CI = os.environ.get("CI", "").lower() == "true"


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """A test skipped because the machine lacks a service ("needs Redis", "needs chromium")
    is fine on a laptop, but in CI every such test must run: there the skip is a failure."""
    outcome = yield
    report = outcome.get_result()
    if IN_CI and report.skipped and isinstance(report.longrepr, tuple):
        reason = str(report.longrepr[2])
        if reason.removeprefix("Skipped: ").startswith("needs "):
            report.outcome = "failed"
            report.longrepr = f"CI must run this test, but it was skipped: {reason}"


@pytest.fixture(autouse=True)
def _celery_in_process(request):
    """Tasks run in-process unless a test runs against a real worker (marker celery_worker),
    so a test never depends on a broker it did not start."""
    from wisselstage.celery import app

    eager = app.conf.task_always_eager
    if not request.node.get_closest_marker("celery_worker"):
        app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = eager


@pytest.fixture
def coordinator(db):
    from cohorts.rules import coordinator_group

    user = UserFactory(email="alice@gemeente-utrecht.example", name="Alice de Vries")
    user.groups.add(coordinator_group())
    return user


@pytest.fixture
def admin_user(db):
    return UserFactory(email="admin@wisselstage.example", name="Beheer", is_staff=True,
                       is_superuser=True)


@pytest.fixture
def outsider(db):
    return UserFactory(email="charlie@elders.example", name="Charlie Buiten")


@pytest.fixture
def cohort(coordinator):
    cohort = CohortFactory()
    cohort.coordinators.add(coordinator)
    return cohort


@pytest.fixture
def participant(cohort):
    return ParticipantFactory(cohort=cohort, user__email="bob@zorg.example",
                              user__name="Bob Jansen")
