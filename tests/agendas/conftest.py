"""Fixtures for the agendas tests: exchanges made directly as rows (no matching services).

Personas: `coordinator` (owns the cohort), `host`/`guest` (the pair), `outsider` (a logged-in
stranger), `other_participant` (same cohort, another exchange), `other_coordinator`."""

from __future__ import annotations

import pytest

from agendas import services
from tests.factories import CohortFactory, ParticipantFactory, UserFactory, make_exchange


@pytest.fixture
def host(cohort):
    return ParticipantFactory(cohort=cohort, user__email="hanna@gemeente.example",
                              user__name="Hanna Host")


@pytest.fixture
def guest(cohort):
    return ParticipantFactory(cohort=cohort, user__email="gert@zorg.example",
                              user__name="Gert Gast")


@pytest.fixture
def exchange(cohort, host, guest):
    return make_exchange(cohort, [host, guest])


@pytest.fixture
def visits(exchange):
    return services.visits_ensure(exchange=exchange)


@pytest.fixture
def visit_a(visits):
    return visits[0]


@pytest.fixture
def other_participant(cohort):
    me = ParticipantFactory(cohort=cohort, user__email="olga@elders.example")
    make_exchange(cohort, [me, ParticipantFactory(cohort=cohort)])
    return me


@pytest.fixture
def other_coordinator(db):
    user = UserFactory(email="otto@andere-regio.example")
    CohortFactory().coordinators.add(user)
    return user
