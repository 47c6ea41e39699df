"""Every URL pattern of the project, requested as every persona.

A URL without an entry in MATRIX fails `test_every_url_has_a_matrix_entry`, so a new page
cannot ship without someone deciding who may see it. Outsiders get 404 (or the login page
when anonymous), never data.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from cohorts.rules import coordinator_group
from tests.factories import CohortFactory, InvitationFactory, ParticipantFactory, UserFactory

pytestmark = pytest.mark.django_db

PERSONAS = ["anonymous", "participant", "other_participant", "foreign_participant",
            "coordinator", "foreign_coordinator", "admin"]

# Namespaces and prefixes owned by third-party apps with their own tests and access rules.
IGNORED_PREFIXES = ("admin:", "account_", "mfa_", "set_language", "socialaccount_")


@dataclass
class World:
    cohort: object
    invitation: object
    users: dict


@pytest.fixture
def world(db) -> World:
    group = coordinator_group()
    coordinator = UserFactory(email="coordinator@a.example")
    coordinator.groups.add(group)
    foreign_coordinator = UserFactory(email="coordinator@b.example")
    foreign_coordinator.groups.add(group)
    cohort = CohortFactory()
    cohort.coordinators.add(coordinator)
    other_cohort = CohortFactory()
    other_cohort.coordinators.add(foreign_coordinator)
    participant = ParticipantFactory(cohort=cohort, user__email="p1@a.example")
    other = ParticipantFactory(cohort=cohort, user__email="p2@a.example")
    foreign = ParticipantFactory(cohort=other_cohort, user__email="p9@b.example")
    return World(
        cohort=cohort, invitation=InvitationFactory(cohort=cohort),
        users={
            "anonymous": None, "participant": participant.user, "other_participant": other.user,
            "foreign_participant": foreign.user, "coordinator": coordinator,
            "foreign_coordinator": foreign_coordinator,
            "admin": UserFactory(email="admin@x.example", is_staff=True, is_superuser=True),
        },
    )


# Expected result per persona: "ok" (the page), "404", "login" (sent to the login page),
# "405" (GET on a POST-only action; the POST is checked in the app's own tests).
OK, NF, LOGIN, POST_ONLY = "ok", "404", "login", "405"


def _row(anonymous, participant, other_participant, foreign_participant, coordinator,
         foreign_coordinator, admin):
    return dict(zip(PERSONAS, [anonymous, participant, other_participant, foreign_participant,
                               coordinator, foreign_coordinator, admin], strict=True))


COORDINATOR_ONLY = _row(LOGIN, NF, NF, NF, OK, NF, OK)
MEMBERS = _row(LOGIN, OK, OK, NF, OK, NF, OK)
COORDINATOR_POST = _row(LOGIN, POST_ONLY, POST_ONLY, POST_ONLY, POST_ONLY, POST_ONLY,
                        POST_ONLY)


def _cohort(world):
    return {"pk": world.cohort.pk}


MATRIX = {
    "home": (lambda w: {}, _row(OK, OK, OK, OK, OK, OK, OK)),
    "healthz": (lambda w: {}, _row(OK, OK, OK, OK, OK, OK, OK)),
    "cohorts:list": (lambda w: {}, _row(LOGIN, NF, NF, NF, OK, OK, OK)),
    "cohorts:create": (lambda w: {}, _row(LOGIN, NF, NF, NF, OK, OK, OK)),
    "cohorts:organisations": (lambda w: {}, _row(LOGIN, NF, NF, NF, OK, OK, OK)),
    "cohorts:detail": (_cohort, MEMBERS),
    "cohorts:edit": (_cohort, COORDINATOR_ONLY),
    "cohorts:invitations": (_cohort, COORDINATOR_ONLY),
    "cohorts:profile": (_cohort, _row(LOGIN, OK, OK, NF, NF, NF, NF)),
    "cohorts:stage": (_cohort, COORDINATOR_POST),
    "cohorts:copy": (_cohort, COORDINATOR_POST),
    "cohorts:join_link": (_cohort, COORDINATOR_POST),
    "cohorts:invitation_action": (
        lambda w: {"pk": w.cohort.pk, "invitation_pk": w.invitation.pk}, COORDINATOR_POST),
    # Public by design: the token is the secret. An unknown token is a 404.
    "cohorts:invitation": (lambda w: {"token": w.invitation.token},
                           _row(OK, OK, OK, OK, OK, OK, OK)),
    "cohorts:join": (lambda w: {"token": "geen-geldige-link"}, _row(NF, NF, NF, NF, NF, NF, NF)),
}


def _url_names(resolver=None, namespace="") -> set[str]:
    names = set()
    for pattern in (resolver or get_resolver()).url_patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            names |= _url_names(pattern, inner)
        elif isinstance(pattern, URLPattern) and pattern.name:
            names.add(f"{namespace}{pattern.name}")
    return names


def test_every_url_has_a_matrix_entry():
    names = {n for n in _url_names() if not n.startswith(IGNORED_PREFIXES)}
    missing = sorted(names - set(MATRIX))
    assert not missing, f"add these URLs to MATRIX in {__file__}: {missing}"


@pytest.mark.parametrize("name", sorted(MATRIX))
def test_url_as_every_persona(client, world, name):
    kwargs_for, expected = MATRIX[name]
    url = reverse(name, kwargs=kwargs_for(world))
    for persona in PERSONAS:
        client.logout()
        user = world.users[persona]
        if user is not None:
            client.force_login(user)
        response = client.get(url)
        outcome = expected[persona]
        where = f"{name} as {persona}: {response.status_code}"
        if outcome == OK:
            assert response.status_code in (200, 302), where
            if response.status_code == 302:
                assert "/accounts/login/" not in response["Location"], where
        elif outcome == NF:
            assert response.status_code == 404, where
        elif outcome == LOGIN:
            assert response.status_code == 302, where
            assert response["Location"].startswith(reverse("account_login")), where
        else:
            assert response.status_code == 405, where
