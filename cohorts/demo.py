"""A realistic demo cohort: fictional people, real municipality names, fictional providers.

Used by `manage.py seed_demo` and by tests that need a whole cohort.
"""

from __future__ import annotations

import random
from datetime import timedelta

from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from .enums import CohortFormat, CohortStage, Domain, OrganisationKind, Pairing
from .models import Cohort, Invitation, Organisation, Participant
from .rules import coordinator_group
from .services import STAGE_ORDER

DEMO_PASSWORD = "wisselstage-demo"  # noqa: S105 - demo accounts only, printed on purpose
DEMO_DOMAIN = "demo.wisselstage.nl"
ADMIN_EMAIL = f"beheer@{DEMO_DOMAIN}"
COORDINATOR_EMAIL = f"coordinator@{DEMO_DOMAIN}"
COHORT_NAME = "Wisselstage Zuid-Oost 2027"

ORGANISATIONS = [
    ("Gemeente Helmond", OrganisationKind.GEMEENTE, "noord-brabant", "Helmond"),
    ("Gemeente Apeldoorn", OrganisationKind.GEMEENTE, "gelderland", "Apeldoorn"),
    ("Gemeente Eindhoven", OrganisationKind.GEMEENTE, "noord-brabant", "Eindhoven"),
    ("Gemeente Tilburg", OrganisationKind.GEMEENTE, "noord-brabant", "Tilburg"),
    ("Gemeente Nijmegen", OrganisationKind.GEMEENTE, "gelderland", "Nijmegen"),
    ("Gemeente Deventer", OrganisationKind.GEMEENTE, "overijssel", "Deventer"),
    ("Gemeente Utrecht", OrganisationKind.GEMEENTE, "utrecht", "Utrecht"),
    ("Zorggroep De Linde", OrganisationKind.ZORGAANBIEDER, "noord-brabant", "Helmond"),
    ("Jeugdhulp Kempenland", OrganisationKind.ZORGAANBIEDER, "noord-brabant", "Veldhoven"),
    ("Stichting Thuis in de Wijk", OrganisationKind.ZORGAANBIEDER, "gelderland", "Apeldoorn"),
    ("Begeleid Wonen Oost", OrganisationKind.ZORGAANBIEDER, "overijssel", "Deventer"),
    ("Werkbedrijf Rivierenland", OrganisationKind.ZORGAANBIEDER, "gelderland", "Tiel"),
    ("Opvang De Overloop", OrganisationKind.ZORGAANBIEDER, "utrecht", "Utrecht"),
    ("Cliëntenraad Sociaal Domein Brabant", OrganisationKind.CLIENTORGANISATIE,
     "noord-brabant", "Eindhoven"),
    ("Ervaringsdeskundigen Gelderland", OrganisationKind.CLIENTORGANISATIE, "gelderland",
     "Arnhem"),
]

FIRST = ["Sanne", "Joost", "Fatima", "Pieter", "Ayşe", "Ruud", "Lotte", "Mohamed", "Ingrid",
         "Bas", "Noor", "Henk", "Yvonne", "Kees", "Esra", "Marloes", "Daan", "Wendy", "Tim",
         "Hanneke", "Sjoerd", "Linda", "Youssef", "Anouk", "Gerrit", "Maaike", "Koen", "Petra",
         "Rachid", "Els"]
LAST = ["de Jong", "Jansen", "el Amrani", "Bakker", "Yılmaz", "Visser", "Smit", "Bouzid",
        "Meijer", "de Boer", "Mulder", "de Groot", "Bos", "Vos", "Kaya", "Peters", "Hendriks",
        "van Dijk", "Dekker", "Brouwer", "van der Meer", "Willems", "Haddou", "Verhoeven",
        "Kok", "Jacobs", "van Leeuwen", "Schouten", "Benali", "Kuipers"]
JOBS = ["Contractmanager", "Beleidsadviseur Wmo", "Inkoopadviseur jeugd", "Wijkcoach",
        "Teamleider toegang", "Casemanager", "Kwaliteitsmedewerker", "Regiebehandelaar",
        "Consulent Participatiewet", "Ervaringsdeskundige", "Accountmanager gemeenten",
        "Financieel controller zorg"]
PARTICIPANT_COUNT = 28


def _monday(weeks_ahead: int):
    today = timezone.localdate()
    return today - timedelta(days=today.weekday()) + timedelta(weeks=weeks_ahead)


def _user(email: str, name: str, **extra):
    user, _created = get_user_model().objects.get_or_create(
        email=email, defaults={"name": name, **extra}
    )
    user.set_password(DEMO_PASSWORD)
    user.save()
    EmailAddress.objects.update_or_create(
        user=user, email=email, defaults={"verified": True, "primary": True}
    )
    return user


def demo_participant_email(index: int) -> str:
    return f"deelnemer{index + 1:02d}@{DEMO_DOMAIN}"


@transaction.atomic
def build_demo(*, stage: str = CohortStage.AANMELDING, seed: int = 2020) -> Cohort:
    """Build the demo cohort at `stage`: an admin, a coordinator and 28 participants, most
    with a complete profile, plus a few invitations still open."""
    rng = random.Random(seed)
    _user(ADMIN_EMAIL, "Programmabureau", is_staff=True, is_superuser=True)
    coordinator = _user(COORDINATOR_EMAIL, "Marieke Coördinator")
    coordinator.groups.add(coordinator_group())

    organisations = []
    for name, kind, region, place in ORGANISATIONS:
        domains = rng.sample([d.value for d in Domain], k=rng.randint(1, 3))
        organisation, _created = Organisation.objects.get_or_create(
            name=name,
            defaults={"kind": kind, "region": region, "place": place, "domains": domains,
                      "confirmed": True},
        )
        organisations.append(organisation)

    cohort = Cohort.objects.create(
        name=COHORT_NAME,
        description=("Medewerkers van gemeenten, zorgaanbieders en cliëntorganisaties kijken "
                     "bij elkaar in de keuken. Drie online bijeenkomsten begeleiden de stage."),
        format=CohortFormat.HYBRIDE, days_per_visit=2,
        week_a_start=_monday(9), week_b_start=_monday(12),
        registration_deadline=_monday(4) + timedelta(days=4),
        preference_deadline=_monday(6) + timedelta(days=4),
        allowed_pairings=[Pairing.GEMEENTE_AANBIEDER, Pairing.GEMEENTE_GEMEENTE,
                          Pairing.CLIENT_ANY],
        max_size=40, sender_name="Wisselstage Zuid-Oost",
        stage=stage if stage in STAGE_ORDER else CohortStage.AANMELDING,
    )
    cohort.coordinators.add(coordinator)

    for index in range(PARTICIPANT_COUNT):
        name = f"{FIRST[index]} {LAST[index]}"
        user = _user(demo_participant_email(index), name)
        organisation = organisations[index % len(organisations)]
        complete = index < PARTICIPANT_COUNT - 3
        Participant.objects.create(
            cohort=cohort, user=user, organisation=organisation,
            job_title=rng.choice(JOBS) if complete else "",
            region=organisation.region,
            domains=rng.sample([d.value for d in Domain], k=rng.randint(1, 3)),
            bio=f"{name} werkt bij {organisation.name}." if complete else "",
            learning_goals="Begrijpen hoe de andere kant werkt." if complete else "",
            can_show="Een teamoverleg en een keukentafelgesprek." if complete else "",
            status="profile_done" if complete else "registered",
            profile_completed_at=timezone.now() if complete else None,
        )
    for index in range(3):
        Invitation.objects.create(
            cohort=cohort, email=f"nog-niet-aangemeld{index + 1}@{DEMO_DOMAIN}",
            name=f"{FIRST[-1 - index]} {LAST[-1 - index]}",
            expires_at=timezone.now() + timedelta(days=30),
        )
    return cohort


def demo_logins() -> list[tuple[str, str]]:
    return [
        ("beheerder (admin)", ADMIN_EMAIL),
        ("coördinator", COORDINATOR_EMAIL),
        ("deelnemer", demo_participant_email(0)),
        ("deelnemer", demo_participant_email(1)),
    ]
