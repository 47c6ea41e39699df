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
    build_demo_life(cohort, stage=stage, rng=rng)
    cohort.stage = stage
    cohort.save(update_fields=["stage"])
    _withhold_demo_mail(cohort)
    return cohort


def _withhold_demo_mail(cohort: Cohort) -> None:
    """Fictional people get no mail for what happened while building the demo (match
    published, agenda digests); reminders for the demo's future meetings stay planned, so
    the coordinator's message page shows them."""
    from notifications.enums import OutboxStatus
    from notifications.models import OutboxMessage

    OutboxMessage.objects.filter(
        cohort=cohort, status=OutboxStatus.PENDING,
        due_at__lte=timezone.now() + timedelta(hours=1),
    ).update(status=OutboxStatus.CANCELLED, last_error="Demo: niet verstuurd.")


def demo_logins() -> list[tuple[str, str]]:
    return [
        ("beheerder (admin)", ADMIN_EMAIL),
        ("coördinator", COORDINATOR_EMAIL),
        ("deelnemer", demo_participant_email(0)),
        ("haar stagepartner", demo_participant_email(1)),
    ]


# --- later stages: each builds on the previous one, through the apps' own services ---------

STAGE_INDEX = {stage: index for index, stage in enumerate(STAGE_ORDER)}


def _at_least(stage: str, minimum: str) -> bool:
    return STAGE_INDEX[stage] >= STAGE_INDEX[minimum]


def build_demo_life(cohort: Cohort, *, stage: str, rng: random.Random) -> None:
    """Fill the demo cohort as far as `stage`: meetings always; preferences from matching on;
    a published matching with planned stage days from planning on; reflections from
    reflectie on. Participants 1 and 2 are pinned as partners, so the two printed
    participant logins see each other."""
    from meetings.services import meeting_propose_standard

    meeting_propose_standard(cohort=cohort)
    if _at_least(stage, CohortStage.MATCHING):
        _demo_preferences(cohort, rng)
    if _at_least(stage, CohortStage.PLANNING):
        _demo_matching(cohort)
        _demo_agendas(cohort, rng)
    if _at_least(stage, CohortStage.REFLECTIE):
        _demo_reflections(cohort, rng)


def _demo_preferences(cohort: Cohort, rng: random.Random) -> None:
    from matching.enums import Topic, Weekday
    from matching.services import preference_save

    kinds = [OrganisationKind.ZORGAANBIEDER, OrganisationKind.GEMEENTE,
             OrganisationKind.CLIENTORGANISATIE]
    for participant in cohort.participants.active().filter(profile_completed_at__isnull=False):
        rng.shuffle(kinds)
        preference_save(
            participant=participant, wanted_kinds=list(kinds),
            interest_domains=rng.sample([d.value for d in Domain], k=2),
            topics=rng.sample([t.value for t in Topic], k=2),
            regions=[participant.region] if participant.region else [],
            days_a=rng.sample([w.value for w in Weekday], k=4),
            days_b=rng.sample([w.value for w in Weekday], k=4),
        )


def _demo_matching(cohort: Cohort) -> None:
    from matching.enums import Objective
    from matching.services import exchanges_publish, match_run_create, pin_create

    coordinator = cohort.coordinators.first()
    first, second = (Participant.objects.get(cohort=cohort, user__email=demo_participant_email(i))
                     for i in (0, 1))
    pin_create(cohort=cohort, a=first, b=second, by=coordinator)
    run = match_run_create(cohort=cohort, by=coordinator, objective=Objective.MAX_TOTAL,
                           triads=cohort.allow_triads)
    exchanges_publish(run=run, by=coordinator)


def _demo_agendas(cohort: Cohort, rng: random.Random) -> None:
    from datetime import time

    from agendas.enums import ItemKind
    from agendas.services import (
        agenda_item_accept,
        agenda_item_create,
        visit_agree,
        visit_update,
        visits_ensure,
    )

    suggestions = [
        ("Kennismaking en rondleiding", time(9, 0), time(10, 0), ItemKind.KENNISMAKING),
        ("Meelopen met het wijkteam", time(10, 30), time(12, 30), ItemKind.MEELOPEN),
        ("Gesprek over contractmanagement", time(13, 30), time(15, 0), ItemKind.GESPREK),
    ]
    for index, exchange in enumerate(cohort.exchanges.order_by("pk")):
        if index % 3 == 2:
            continue  # a third of the pairs has not started planning: the board shows it
        for visit in visits_ensure(exchange=exchange):
            week = cohort.week_a_days if visit.week == "A" else cohort.week_b_days
            preference = getattr(visit.guest, "preference", None)
            codes = (preference.days_a if visit.week == "A" else preference.days_b) \
                if preference else []
            # Weekday codes "ma".."vr", as the preference form stores them.
            free = [day for day in week if not codes or WEEKDAYS[day.weekday()] in codes]
            days = sorted(rng.sample(free, k=min(cohort.days_per_visit, len(free))))
            visit_update(visit=visit, actor=visit.host.user, days=days, mode="op_locatie",
                         address=visit.host.organisation.place if visit.host.organisation
                         else "")
            items = [agenda_item_create(visit=visit, actor=visit.host.user, day=days[0],
                                        start=start, end=end, title=title, kind=kind)
                     for title, start, end, kind in suggestions]
            if index % 3 == 0:  # a third agreed everything: the guest accepted the items
                for item in items:
                    agenda_item_accept(item=item, actor=visit.guest.user)
                visit.refresh_from_db()
                visit_agree(visit=visit, participant=visit.host)
                visit_agree(visit=visit, participant=visit.guest)


def _demo_reflections(cohort: Cohort, rng: random.Random) -> None:
    from datetime import timedelta as delta

    from reflections.enums import QuestionKind
    from reflections.services import assignments_create_standard, response_save

    participants = list(cohort.participants.active())
    for assignment in assignments_create_standard(cohort=cohort):
        moment = assignment.opens_at + delta(minutes=1)
        for participant in participants[: int(len(participants) * 0.8)]:
            values = {}
            for question in assignment.questions.all():
                if question.kind == QuestionKind.OPEN:
                    values[question.pk] = (rng.choice(DEMO_ANSWERS), None)
                elif question.kind == QuestionKind.SCALE:
                    values[question.pk] = ("", rng.randint(2, 5))
                elif question.kind == QuestionKind.SCORE:
                    values[question.pk] = ("", rng.choice([6, 7, 8, 8, 9, 9, 10]))
                elif question.kind == QuestionKind.YESNO:
                    values[question.pk] = ("", rng.choice([0, 1, 1]))
                elif question.options:
                    values[question.pk] = (rng.choice(question.options), None)
            response_save(assignment=assignment, participant=participant, values=values,
                          submit=True, now=moment)


WEEKDAYS = ["ma", "di", "wo", "do", "vr"]

DEMO_ANSWERS = [
    "Hoeveel tijd een aanbieder kwijt is aan verantwoording per gemeente.",
    "Dat de toegang en de inkoop elkaar bijna nooit spreken.",
    "Ik ga onze declaratie-eisen samen met twee aanbieders vereenvoudigen.",
    "Het keukentafelgesprek liet zien wat een beschikking voor een gezin betekent.",
    "Ik bel voortaan eerst, in plaats van een formulier terug te sturen.",
]
