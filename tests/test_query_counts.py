"""List and dashboard pages: the number of queries does not grow with the cohort's size.

Each page is requested at two sizes (3 and 30 participants, with exchanges, meetings and
reflections to match); the larger cohort may not need more queries than the smaller one.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tests.factories import CohortFactory, ParticipantFactory, make_exchange

pytestmark = pytest.mark.django_db

COORDINATOR_PAGES = ["cohorts:detail", "cohorts:invitations", "matching:home", "agendas:board",
                     "meetings:list", "meetings:outbox", "reflections:overview",
                     "reports:cohort", "privacy:retention"]
PARTICIPANT_PAGES = ["cohorts:detail", "meetings:list", "reflections:overview"]


def _cohort_of(size: int, coordinator):
    from agendas.services import visits_ensure
    from meetings.services import meeting_propose_standard
    from reflections.services import assignments_create_standard

    cohort = CohortFactory(max_size=100)
    cohort.coordinators.add(coordinator)
    people = ParticipantFactory.create_batch(size, cohort=cohort)
    for first, second in zip(people[::2], people[1::2], strict=False):
        visits_ensure(exchange=make_exchange(cohort, [first, second]))
    meeting_propose_standard(cohort=cohort)
    for assignment in assignments_create_standard(cohort=cohort):
        assignment.opens_at = timezone.now() - timedelta(days=1)
        assignment.save()
    return cohort, people[0]


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(queries)


@pytest.mark.parametrize("name", COORDINATOR_PAGES)
def test_coordinator_page_queries_do_not_grow(client, coordinator, name):
    counts = []
    for size in (3, 30):
        cohort, _first = _cohort_of(size, coordinator)
        client.force_login(coordinator)
        counts.append(_queries(client, reverse(name, args=[cohort.pk])))
    assert counts[1] <= counts[0], f"{name}: {counts[0]} queries at 3, {counts[1]} at 30"


@pytest.mark.parametrize("name", PARTICIPANT_PAGES)
def test_participant_page_queries_do_not_grow(client, coordinator, name):
    counts = []
    for size in (3, 30):
        cohort, first = _cohort_of(size, coordinator)
        client.force_login(first.user)
        counts.append(_queries(client, reverse(name, args=[cohort.pk])))
    assert counts[1] <= counts[0], f"{name}: {counts[0]} queries at 3, {counts[1]} at 30"


def test_home_and_cohort_list_queries_do_not_grow(client, coordinator):
    counts = []
    for size in (2, 12):
        while coordinator.coordinated_cohorts.count() < size:
            _cohort_of(2, coordinator)
        client.force_login(coordinator)
        counts.append(_queries(client, reverse("home")) + _queries(client,
                                                                   reverse("cohorts:list")))
    assert counts[1] <= counts[0], counts


def test_admin_cross_cohort_report_queries_do_not_grow(client, admin_user, coordinator):
    counts = []
    for size in (2, 8):
        while coordinator.coordinated_cohorts.count() < size:
            _cohort_of(4, coordinator)
        client.force_login(admin_user)
        counts.append(_queries(client, reverse("reports:cross")))
    assert counts[1] <= counts[0], counts


def test_run_and_assignment_pages_queries_do_not_grow(client, coordinator):
    from matching.services import match_run_create

    counts = {"run": [], "assignment": []}
    for size in (4, 30):
        cohort, _first = _cohort_of(size, coordinator)
        run = match_run_create(cohort=cohort, by=coordinator, objective="max_total",
                               triads=False)
        assignment = cohort.assignments.first()
        client.force_login(coordinator)
        counts["run"].append(_queries(client, reverse("matching:run", args=[cohort.pk, run.pk])))
        counts["assignment"].append(_queries(
            client, reverse("reflections:assignment", args=[cohort.pk, assignment.pk])))
    for page, (small, large) in counts.items():
        assert large <= small, f"{page}: {small} queries at 4, {large} at 30"


def test_admin_lists_queries_do_not_grow(client, admin_user, coordinator):
    from cohorts.enums import CohortStage
    from reflections.services import sparring_set
    from reports.services import export_log_create

    counts = []
    for size in (3, 30):
        cohort, _first = _cohort_of(size, coordinator)
        cohort.stage = CohortStage.AFGEROND
        cohort.save()
        for participant in cohort.participants.all():
            sparring_set(participant=participant, opt_in=True)
        for _ in range(size):
            export_log_create(user=admin_user, cohort=cohort, format="csv",
                              subject="deelnemers")
        client.force_login(admin_user)
        counts.append(sum(_queries(client, reverse(name)) for name in
                          ("reflections:alumni", "reports:export_log",
                           "cohorts:organisations")))
    assert counts[1] <= counts[0], counts
