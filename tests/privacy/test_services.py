from __future__ import annotations

from datetime import timedelta

import pytest
from allauth.account.models import EmailAddress
from django.utils import timezone

from cohorts.enums import CohortStage, ParticipantStatus
from matching.models import Preference
from notifications.enums import OutboxStatus
from notifications.models import OutboxMessage
from privacy import services
from privacy.enums import AnonymisationReason
from privacy.models import AnonymisedParticipant, CohortClosure
from reflections.models import Answer, SparringOptIn
from reports.selectors import cohort_report
from tests.factories import CohortFactory, ParticipantFactory, UserFactory

pytestmark = pytest.mark.django_db


def _figures(cohort):
    report = cohort_report(cohort)
    return (report.registered, report.nps.n, report.nps.score, report.shift.n,
            report.shift.mean_before, report.shift.mean_after, report.shift.mean_difference)


def test_account_delete_keeps_report_figures(reported_cohort):
    reported_cohort.stage = CohortStage.AFGEROND
    reported_cohort.save()
    before = _figures(reported_cohort)
    person = reported_cohort.participants.get(user__name="Deelnemer 0")

    services.account_delete(user=person.user)

    assert _figures(reported_cohort) == before
    assert before[2] == 17  # NPS from the fixture, so the check above is not vacuous


def test_account_delete_removes_free_text_and_profile(reported_cohort):
    reported_cohort.stage = CohortStage.REFLECTIE
    reported_cohort.save()
    person = reported_cohort.participants.get(user__name="Deelnemer 0")
    person.bio = "Mijn verhaal"
    person.save()
    SparringOptIn.objects.create(participant=person, note="Jeugdhulp")
    Preference.objects.create(participant=person, topics=["inkoop"])
    user = person.user

    services.account_delete(user=user)

    person.refresh_from_db()
    texts = set(Answer.objects.filter(response__participant=person)
                .values_list("value_text", flat=True))
    assert "Actie 0" not in texts and "Citaat 0" not in texts and "leren" not in texts
    assert Answer.objects.filter(response__participant=person,
                                 value_number__isnull=False).exists()
    assert person.bio == "" and person.job_title == ""
    assert person.user.name == services.PLACEHOLDER_NAME and person.user != user
    assert person.status == ParticipantStatus.REGISTERED  # still counted in the figures
    assert not SparringOptIn.objects.filter(participant=person).exists()
    assert not Preference.objects.filter(participant=person).exists()
    assert AnonymisedParticipant.objects.get(participant=person).reason == \
        AnonymisationReason.ACCOUNT_DELETED
    # The quote is gone from the report (consent named it with "Deelnemer 0").
    assert "Citaat 0" not in [q.text for q in cohort_report(reported_cohort).quotes]


def test_account_delete_scrubs_the_user(participant):
    user = participant.user
    OutboxMessage.objects.create(kind="meeting_reminder", dedupe_key="k-pending",
                                 recipient=user, cohort=participant.cohort)

    services.account_delete(user=user)

    user.refresh_from_db()
    assert user.email == f"verwijderd-{user.pk}@invalid"
    assert user.name == ""
    assert not user.is_active
    assert not user.has_usable_password()
    assert not EmailAddress.objects.filter(user=user).exists()
    assert OutboxMessage.objects.get(dedupe_key="k-pending").status == OutboxStatus.CANCELLED


def test_account_delete_in_running_cohort_withdraws_participant(participant):
    services.account_delete(user=participant.user)

    participant.refresh_from_db()
    assert participant.status == ParticipantStatus.WITHDRAWN
    assert participant.user.name == services.PLACEHOLDER_NAME


def test_account_delete_exchange_shows_placeholder(rich_participant):
    services.account_delete(user=rich_participant.user)

    exchange = rich_participant.exchange
    exchange.refresh_from_db()
    names = [m.participant.user.name for m in exchange.members.select_related(
        "participant__user")]
    assert names == [services.PLACEHOLDER_NAME, "Petra Partner"]
    # Petra's own pending message is not touched.
    assert OutboxMessage.objects.get(dedupe_key="test-partner-1").status == \
        OutboxStatus.PENDING


def _closed_cohort(*, closed_months_ago: int, people: int = 2):
    cohort = CohortFactory(stage=CohortStage.AFGEROND)
    participants = [ParticipantFactory(cohort=cohort, bio="Tekst") for _ in range(people)]
    if closed_months_ago is not None:
        CohortClosure.objects.create(
            cohort=cohort, closed_at=timezone.now() - timedelta(days=31 * closed_months_ago))
    return cohort, participants


def test_cohorts_anonymise_expired_only_expired_closed_cohorts(settings):
    settings.RETENTION_MONTHS = 12
    expired, expired_people = _closed_cohort(closed_months_ago=13, people=3)
    recent, recent_people = _closed_cohort(closed_months_ago=2)
    running = CohortFactory(stage=CohortStage.REFLECTIE)
    running_person = ParticipantFactory(cohort=running, bio="Tekst")

    assert services.cohorts_anonymise_expired() == 3

    for person in expired_people:
        person.refresh_from_db()
        assert person.user.name == services.PLACEHOLDER_NAME and person.bio == ""
    for person in [*recent_people, running_person]:
        person.refresh_from_db()
        assert person.user.name != services.PLACEHOLDER_NAME and person.bio == "Tekst"
    assert CohortClosure.objects.get(cohort=expired).anonymised_at is not None
    assert not CohortClosure.objects.filter(cohort=running).exists()


def test_cohorts_anonymise_expired_is_idempotent(settings):
    settings.RETENTION_MONTHS = 12
    expired, _people = _closed_cohort(closed_months_ago=13, people=3)

    assert services.cohorts_anonymise_expired() == 3
    users_after_first = set(expired.participants.values_list("user_id", flat=True))
    assert services.cohorts_anonymise_expired() == 0
    assert set(expired.participants.values_list("user_id", flat=True)) == users_after_first
    assert AnonymisedParticipant.objects.count() == 3


def test_cohorts_anonymise_expired_starts_clock_for_newly_closed_cohort(settings):
    settings.RETENTION_MONTHS = 12
    cohort = CohortFactory(stage=CohortStage.AFGEROND)
    ParticipantFactory(cohort=cohort)
    now = timezone.now()

    assert services.cohorts_anonymise_expired(now=now) == 0
    assert CohortClosure.objects.get(cohort=cohort).closed_at == now
    assert services.cohorts_anonymise_expired(now=now + timedelta(days=366)) == 1


def test_cohorts_anonymise_expired_keeps_account_with_other_cohort(settings):
    settings.RETENTION_MONTHS = 12
    expired, (stays, goes) = _closed_cohort(closed_months_ago=13)
    ParticipantFactory(cohort=CohortFactory(), user=stays.user)
    stays_user, goes_user = stays.user, goes.user

    services.cohorts_anonymise_expired()

    stays_user.refresh_from_db()
    goes_user.refresh_from_db()
    assert stays_user.is_active and stays_user.email.endswith(".example")
    assert stays_user.participations.count() == 1
    assert not goes_user.is_active and goes_user.email == f"verwijderd-{goes_user.pk}@invalid"


def test_cohorts_anonymise_expired_keeps_coordinator_account(settings, coordinator):
    settings.RETENTION_MONTHS = 12
    expired, (person, _other) = _closed_cohort(closed_months_ago=13)
    expired.coordinators.add(coordinator)

    services.cohorts_anonymise_expired()

    coordinator.refresh_from_db()
    assert coordinator.is_active and coordinator.email == "alice@gemeente-utrecht.example"


def test_reopened_cohort_closure_is_removed(settings):
    settings.RETENTION_MONTHS = 12
    cohort, _people = _closed_cohort(closed_months_ago=2)
    cohort.stage = CohortStage.REFLECTIE
    cohort.save()

    services.cohorts_anonymise_expired()

    assert not CohortClosure.objects.filter(cohort=cohort).exists()


def test_task_anonymise_expired_cohorts_runs_the_service(settings):
    from privacy.tasks import task_anonymise_expired_cohorts

    settings.RETENTION_MONTHS = 12
    _closed_cohort(closed_months_ago=13, people=2)

    assert task_anonymise_expired_cohorts.delay().get() == 2
    assert task_anonymise_expired_cohorts.delay().get() == 0


def test_account_delete_user_without_participations(outsider):
    services.account_delete(user=outsider)

    outsider.refresh_from_db()
    assert not outsider.is_active
    assert UserFactory._meta.model.objects.filter(email="charlie@elders.example").count() == 0
