"""Every URL pattern of the project, requested as every persona.

A URL without an entry in MATRIX fails `test_every_url_has_a_matrix_entry`, so a new page
cannot ship without someone deciding who may see it. Outsiders get 404 (or the login page
when anonymous), never data.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import time, timedelta

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from cohorts.rules import coordinator_group
from tests.factories import (
    CohortFactory,
    InvitationFactory,
    ParticipantFactory,
    UserFactory,
    make_exchange,
)

pytestmark = pytest.mark.django_db

PERSONAS = ["anonymous", "participant", "partner", "other_participant", "foreign_participant",
            "coordinator", "foreign_coordinator", "admin"]

# Namespaces and prefixes owned by third-party apps with their own tests and access rules.
IGNORED_PREFIXES = ("admin:", "account_", "mfa_", "set_language", "socialaccount_")


@dataclass
class World:
    """One cohort with a published pair (participant hosts partner), a third participant
    outside that pair, and everything each app hangs on a cohort; plus a foreign cohort."""

    cohort: object
    invitation: object
    exchange: object
    visit: object
    item: object
    meeting: object
    material: object
    run: object
    assignment: object
    response: object
    users: dict


@pytest.fixture
def world(db, tmp_path, settings) -> World:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from agendas import services as agenda_services
    from matching.models import MatchRun
    from meetings import services as meeting_services
    from reflections import services as reflection_services

    settings.MEDIA_ROOT = tmp_path
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
    partner = ParticipantFactory(cohort=cohort, user__email="p2@a.example")
    other = ParticipantFactory(cohort=cohort, user__email="p3@a.example")
    foreign = ParticipantFactory(cohort=other_cohort, user__email="p9@b.example")
    exchange = make_exchange(cohort, [participant, partner])
    visit = agenda_services.visits_ensure(exchange=exchange)[0]
    item = agenda_services.agenda_item_create(
        visit=visit, actor=None, day=cohort.week_a_start, start=time(9), end=time(10),
        title="Teamoverleg")
    starts = timezone.now() + timedelta(days=20)
    meeting = meeting_services.meeting_create(cohort=cohort, title="Voorbereiding",
                                              starts_at=starts,
                                              ends_at=starts + timedelta(hours=1))
    material = meeting_services.material_add(
        meeting=meeting, file=SimpleUploadedFile("programma.txt", b"Programma"),
        uploaded_by=coordinator)
    assignment = reflection_services.assignments_create_standard(cohort=cohort)[0]
    assignment.opens_at = timezone.now() - timedelta(days=1)
    assignment.save()
    response = reflection_services.response_save(
        assignment=assignment, participant=participant, values={})
    return World(
        cohort=cohort, invitation=InvitationFactory(cohort=cohort), exchange=exchange,
        visit=visit, item=item, meeting=meeting, material=material,
        run=MatchRun.objects.create(cohort=cohort), assignment=assignment, response=response,
        users={
            "anonymous": None, "participant": participant.user, "partner": partner.user,
            "other_participant": other.user, "foreign_participant": foreign.user,
            "coordinator": coordinator, "foreign_coordinator": foreign_coordinator,
            "admin": UserFactory(email="admin@x.example", is_staff=True, is_superuser=True),
        },
    )


# Expected result per persona: "ok" (the page), "404", "login" (sent to the login page),
# "405" (GET on a POST-only action; the POST itself is tested in the app's own tests).
OK, NF, LOGIN, POST_ONLY = "ok", "404", "login", "405"


def _row(anonymous, participant, partner, other_participant, foreign_participant, coordinator,
         foreign_coordinator, admin):
    return dict(zip(PERSONAS, [anonymous, participant, partner, other_participant,
                               foreign_participant, coordinator, foreign_coordinator, admin],
                    strict=True))


EVERYONE = _row(OK, OK, OK, OK, OK, OK, OK, OK)
LOGGED_IN = _row(LOGIN, OK, OK, OK, OK, OK, OK, OK)
COORDINATOR_ONLY = _row(LOGIN, NF, NF, NF, NF, OK, NF, OK)
MEMBERS = _row(LOGIN, OK, OK, OK, NF, OK, NF, OK)
PARTICIPANTS = _row(LOGIN, OK, OK, OK, NF, NF, NF, NF)
PAIR = _row(LOGIN, OK, OK, NF, NF, OK, NF, OK)
ADMIN_ONLY = _row(LOGIN, NF, NF, NF, NF, NF, NF, OK)
PAIR_ONLY = _row(LOGIN, OK, OK, NF, NF, NF, NF, NF)
POST = _row(LOGIN, POST_ONLY, POST_ONLY, POST_ONLY, POST_ONLY, POST_ONLY, POST_ONLY,
            POST_ONLY)


def _cohort(w):
    return {"pk": w.cohort.pk}


def _meeting(w):
    return {"pk": w.cohort.pk, "meeting_pk": w.meeting.pk}


def _material(w):
    return {**_meeting(w), "material_pk": w.material.pk}


def _run(w):
    return {"pk": w.cohort.pk, "run_pk": w.run.pk}


def _exchange(w):
    return {"exchange_pk": w.exchange.pk}


def _visit(w):
    return {"exchange_pk": w.exchange.pk, "visit_pk": w.visit.pk}


def _item(w):
    return {"exchange_pk": w.exchange.pk, "item_pk": w.item.pk}


def _assignment(w):
    return {"pk": w.cohort.pk, "apk": w.assignment.pk}


def _message(w):
    from notifications.models import OutboxMessage

    message = OutboxMessage.objects.filter(cohort=w.cohort).first()
    return {"pk": w.cohort.pk, "message_pk": message.pk}


MATRIX = {
    "home": (lambda w: {}, EVERYONE),
    "healthz": (lambda w: {}, EVERYONE),
    # cohorts
    "cohorts:list": (lambda w: {}, _row(LOGIN, NF, NF, NF, NF, OK, OK, OK)),
    "cohorts:create": (lambda w: {}, _row(LOGIN, NF, NF, NF, NF, OK, OK, OK)),
    "cohorts:organisations": (lambda w: {}, _row(LOGIN, NF, NF, NF, NF, OK, OK, OK)),
    # Each coordinator sees the organisations of their own cohorts (tested in
    # tests/cohorts/test_organisations.py); the participant's organisation is only theirs.
    "cohorts:organisation_list": (lambda w: {}, _row(LOGIN, NF, NF, NF, NF, OK, OK, OK)),
    "cohorts:organisation_edit": (
        lambda w: {"pk": w.users["participant"].participations.get().organisation_id},
        COORDINATOR_ONLY),
    "cohorts:organisation_merge": (
        lambda w: {"pk": w.users["participant"].participations.get().organisation_id},
        COORDINATOR_ONLY),
    "cohorts:detail": (_cohort, MEMBERS),
    "cohorts:edit": (_cohort, COORDINATOR_ONLY),
    "cohorts:invitations": (_cohort, COORDINATOR_ONLY),
    "cohorts:profile": (_cohort, PARTICIPANTS),
    "cohorts:stage": (_cohort, POST),
    "cohorts:copy": (_cohort, POST),
    # Confirmation pages (wisselstage/confirm.py): GET only asks; the POST with confirm=1
    # that acts is tested in the app's own tests.
    "cohorts:join_link": (_cohort, COORDINATOR_ONLY),
    "cohorts:invitation_action": (
        lambda w: {"pk": w.cohort.pk, "invitation_pk": w.invitation.pk}, POST),
    "cohorts:invitation_withdraw": (
        lambda w: {"pk": w.cohort.pk, "invitation_pk": w.invitation.pk}, COORDINATOR_ONLY),
    # Public by design: the token is the secret. An unknown token is a 404.
    "cohorts:invitation": (lambda w: {"token": w.invitation.token}, EVERYONE),
    "cohorts:join": (lambda w: {"token": "geen-geldige-link"}, _row(*[NF] * 8)),
    # matching
    "matching:preferences": (_cohort, PARTICIPANTS),
    "matching:my_exchange": (_cohort, PARTICIPANTS),
    # Only members of a published exchange; without ?met= it is the form (answers and their
    # privacy are tested in tests/matching/test_participant_what_if.py).
    "matching:my_what_if": (_cohort, PAIR_ONLY),
    "matching:home": (_cohort, COORDINATOR_ONLY),
    "matching:remind": (_cohort, COORDINATOR_ONLY),
    "matching:pair_rule": (_cohort, POST),
    "matching:pair_rule_delete": (
        lambda w: {"pk": w.cohort.pk, "kind": "pin", "rule_pk": 1}, POST),
    "matching:compare": (_cohort, COORDINATOR_ONLY),
    "matching:run": (_run, COORDINATOR_ONLY),
    "matching:swap": (_run, COORDINATOR_ONLY),
    "matching:what_if": (_run, COORDINATOR_ONLY),
    "matching:publish": (_run, COORDINATOR_ONLY),
    "matching:repair": (
        lambda w: {"pk": w.cohort.pk, "participant_pk": w.exchange.members.first().participant_id},
        COORDINATOR_ONLY),
    # agendas
    "agendas:planning": (_exchange, PAIR),
    "agendas:visit_edit": (_visit, PAIR),
    "agendas:item_create": (_visit, PAIR),
    "agendas:visit_print": (_visit, PAIR),
    "agendas:visit_ics": (_visit, PAIR),
    "agendas:suggest": (_visit, POST),
    "agendas:agree": (_visit, POST),
    "agendas:mark_held": (_visit, POST),
    "agendas:item_edit": (_item, PAIR),
    # Striking an item asks first (GET); accepting and commenting are POST only.
    "agendas:item_action": (lambda w: {**_item(w), "action": "schrappen"}, PAIR),
    "agendas:board": (_cohort, COORDINATOR_ONLY),
    "agendas:nudge": (lambda w: {"pk": w.cohort.pk, "exchange_pk": w.exchange.pk}, POST),
    "agendas:feed_settings": (lambda w: {}, LOGGED_IN),
    "agendas:feed_renew": (lambda w: {}, LOGGED_IN),
    "agendas:feed": (lambda w: {"token": "onbekend"}, _row(*[NF] * 8)),
    # meetings
    "meetings:list": (_cohort, MEMBERS),
    "meetings:detail": (_meeting, MEMBERS),
    "meetings:ics": (_meeting, MEMBERS),
    "meetings:material_download": (_material, MEMBERS),
    "meetings:create": (_cohort, COORDINATOR_ONLY),
    "meetings:propose": (_cohort, POST),
    "meetings:reminder_rules": (_cohort, COORDINATOR_ONLY),
    "meetings:edit": (_meeting, COORDINATOR_ONLY),
    "meetings:cancel": (_meeting, COORDINATOR_ONLY),
    "meetings:attendance": (_meeting, COORDINATOR_ONLY),
    "meetings:material_upload": (_meeting, POST),
    "meetings:material_delete": (_material, COORDINATOR_ONLY),
    "meetings:outbox": (_cohort, COORDINATOR_ONLY),
    "meetings:outbox_preview": (_message, COORDINATOR_ONLY),
    "meetings:outbox_action": (lambda w: {**_message(w), "action": "aanhouden"}, POST),
    # reflections
    "reflections:overview": (_cohort, MEMBERS),
    "reflections:standard": (_cohort, POST),
    "reflections:assignment_create": (_cohort, COORDINATOR_ONLY),
    # Participants are sent on to their own answer form.
    "reflections:assignment": (_assignment, MEMBERS),
    "reflections:assignment_edit": (_assignment, COORDINATOR_ONLY),
    "reflections:question_create": (_assignment, COORDINATOR_ONLY),
    "reflections:question_edit": (
        lambda w: {**_assignment(w), "qpk": w.assignment.questions.first().pk},
        COORDINATOR_ONLY),
    "reflections:answer": (_assignment, PARTICIPANTS),
    "reflections:autosave": (_assignment, POST),
    "reflections:nudge": (_assignment, COORDINATOR_ONLY),
    "reflections:sparring": (_cohort, POST),
    # A draft is its author's alone; once submitted the coordinators read it too, and the
    # partner when it is shared (tested in tests/reflections).
    "reflections:response": (lambda w: {"pk": w.cohort.pk, "rpk": w.response.pk},
                             _row(LOGIN, OK, NF, NF, NF, NF, NF, NF)),
    # Alumni of finished cohorts, coordinators and admins; this world's cohort is running.
    "reflections:alumni": (lambda w: {}, _row(LOGIN, NF, NF, NF, NF, OK, OK, OK)),
    # reports
    "reports:cohort": (_cohort, COORDINATOR_ONLY),
    "reports:export_csv": (_cohort, COORDINATOR_ONLY),
    "reports:export_xlsx": (_cohort, COORDINATOR_ONLY),
    "reports:cross": (lambda w: {}, ADMIN_ONLY),
    "reports:cross_export_csv": (lambda w: {}, ADMIN_ONLY),
    "reports:cross_export_xlsx": (lambda w: {}, ADMIN_ONLY),
    "reports:export_log": (lambda w: {}, ADMIN_ONLY),
    # privacy
    "privacy:my_data": (lambda w: {}, LOGGED_IN),
    "privacy:my_data_download": (lambda w: {}, LOGGED_IN),
    # GET shows the confirmation form; the POST is tested in tests/privacy.
    "privacy:account_delete": (lambda w: {}, LOGGED_IN),
    "privacy:retention": (_cohort, COORDINATOR_ONLY),
    "privacy:statement": (lambda w: {}, EVERYONE),
    "privacy:accessibility": (lambda w: {}, EVERYONE),
    "privacy:register_csv": (lambda w: {}, ADMIN_ONLY),
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


@pytest.mark.parametrize("name", sorted(n for n, (_kw, row) in MATRIX.items()
                                        if row["coordinator"] == POST_ONLY))
def test_post_only_actions_refuse_other_cohorts(client, world, name):
    """A POST from someone of another cohort is a 404, whatever the action."""
    kwargs_for, _expected = MATRIX[name]
    url = reverse(name, kwargs=kwargs_for(world))
    for persona in ("foreign_participant", "foreign_coordinator"):
        client.force_login(world.users[persona])
        response = client.post(url, {"action": "withdraw", "to_stage": "concept"})
        assert response.status_code == 404, f"{name} as {persona}: {response.status_code}"
