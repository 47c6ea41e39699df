"""Services of the cohort domain: the rows and outbox messages each change leaves behind."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.utils import timezone

from cohorts import services
from cohorts.enums import CohortStage, InvitationStatus, OrganisationKind, ParticipantStatus
from cohorts.importing import InvitationRow
from cohorts.models import Cohort, Invitation, Organisation, Participant
from notifications.models import OutboxMessage
from tests.factories import CohortFactory, ParticipantFactory, UserFactory, _monday

pytestmark = pytest.mark.django_db


def _row(email, line=2, name="", organisation="", kind=""):
    return InvitationRow(line=line, email=email, name=name, organisation=organisation, kind=kind)


def test_organisation_propose_returns_existing_ignoring_case_and_spacing(coordinator):
    first, created = services.organisation_propose(
        name="Gemeente  Helmond", kind=OrganisationKind.GEMEENTE, proposed_by=coordinator)
    again, created_again = services.organisation_propose(
        name=" gemeente helmond ", kind=OrganisationKind.GEMEENTE, proposed_by=coordinator)
    assert created and not created_again
    assert again == first
    assert first.name == "Gemeente Helmond"
    assert Organisation.objects.count() == 1


def test_organisation_duplicate_name_refused_by_database(db):
    Organisation.objects.create(name="Zorggroep De Linde", kind=OrganisationKind.ZORGAANBIEDER)
    with pytest.raises(IntegrityError):
        Organisation.objects.create(name="ZORGGROEP de linde", kind=OrganisationKind.OVERIG)


def test_organisation_merge_moves_participants(participant, admin_user):
    duplicate = Organisation.objects.create(name="De Linde (dubbel)", kind="zorgaanbieder")
    participant.organisation, keep = duplicate, Organisation.objects.create(
        name="De Linde", kind="zorgaanbieder")
    participant.save()
    services.organisation_merge(duplicate=duplicate, into=keep, by=admin_user)
    participant.refresh_from_db()
    assert participant.organisation == keep
    assert not Organisation.objects.filter(pk=duplicate.pk).exists()


def test_cohort_create_makes_creator_coordinator_in_concept(coordinator):
    cohort = services.cohort_create(
        created_by=coordinator, name="Ronde 3", week_a_start=_monday(8),
        week_b_start=_monday(10), registration_deadline=_monday(3),
        preference_deadline=_monday(5), allowed_pairings=["gemeente-aanbieder"],
    )
    assert cohort.stage == CohortStage.CONCEPT
    assert list(cohort.coordinators.all()) == [coordinator]


def test_cohort_days_per_visit_constraint_in_database(cohort):
    Cohort.objects.filter(pk=cohort.pk)
    with pytest.raises(IntegrityError):
        Cohort.objects.filter(pk=cohort.pk).update(days_per_visit=5)


def test_cohort_advance_moves_one_stage_and_checks(coordinator):
    cohort = CohortFactory(stage=CohortStage.CONCEPT, allowed_pairings=[])
    with pytest.raises(ValidationError) as error:
        services.cohort_advance(cohort=cohort, to_stage=CohortStage.AANMELDING)
    assert "koppeld" in " ".join(error.value.messages)
    cohort.allowed_pairings = ["gemeente-aanbieder"]
    cohort.save()
    services.cohort_advance(cohort=cohort, to_stage=CohortStage.AANMELDING)
    assert Cohort.objects.get(pk=cohort.pk).stage == CohortStage.AANMELDING
    with pytest.raises(ValidationError):
        services.cohort_advance(cohort=cohort, to_stage=CohortStage.STAGE)
    with pytest.raises(ValidationError) as error:
        services.cohort_advance(cohort=cohort, to_stage=CohortStage.MATCHING)
    assert "twee" in " ".join(error.value.messages)
    services.cohort_advance(cohort=cohort, to_stage=CohortStage.CONCEPT)
    assert Cohort.objects.get(pk=cohort.pk).stage == CohortStage.CONCEPT


def test_cohort_copy_keeps_settings_shifts_dates_without_people(cohort, participant, coordinator):
    copy = services.cohort_copy(cohort=cohort, created_by=coordinator)
    assert copy.stage == CohortStage.CONCEPT
    assert copy.week_a_start == cohort.week_a_start + timedelta(weeks=52)
    assert copy.week_a_start.weekday() == 0
    assert copy.allowed_pairings == cohort.allowed_pairings
    assert copy.copied_from == cohort
    assert copy.participants.count() == 0
    assert list(copy.coordinators.all()) == [coordinator]


def test_invitations_create_plans_one_email_each_and_reports_duplicates(cohort, coordinator,
                                                                        participant):
    batch = services.invitations_create(cohort=cohort, created_by=coordinator, rows=[
        _row("sanne@zorg.example", name="Sanne"),
        _row("joost@helmond.example"),
        _row("bob@zorg.example"),  # already a participant
    ])
    assert [inv.email for inv in batch.created] == ["sanne@zorg.example",
                                                    "joost@helmond.example"]
    assert batch.already_participant == ["bob@zorg.example"]
    again = services.invitations_create(cohort=cohort, created_by=coordinator,
                                        rows=[_row("sanne@zorg.example")])
    assert again.already_invited == ["sanne@zorg.example"] and not again.created
    messages = OutboxMessage.objects.filter(kind="invitation")
    assert sorted(messages.values_list("to_email", flat=True)) == [
        "joost@helmond.example", "sanne@zorg.example"]


def test_invitations_create_sends_mail_with_link(cohort, coordinator, mailoutbox,
                                                 django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        services.invitations_create(cohort=cohort, created_by=coordinator,
                                    rows=[_row("sanne@zorg.example", name="Sanne de Jong")])
    invitation = Invitation.objects.get(email="sanne@zorg.example")
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == ["sanne@zorg.example"]
    assert f"/uitnodiging/{invitation.token}/" in mailoutbox[0].body
    assert "Sanne de Jong" in mailoutbox[0].body


def test_invitations_create_respects_max_size(coordinator):
    cohort = CohortFactory(max_size=2)
    cohort.coordinators.add(coordinator)
    batch = services.invitations_create(cohort=cohort, created_by=coordinator, rows=[
        _row(f"p{i}@x.example") for i in range(3)])
    assert len(batch.created) == 2
    assert batch.over_capacity == ["p2@x.example"]


def test_invitation_withdraw_cancels_unsent_mail(cohort, coordinator,
                                                django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):
        batch = services.invitations_create(cohort=cohort, created_by=coordinator,
                                            rows=[_row("sanne@zorg.example")])
    invitation = batch.created[0]
    services.invitation_withdraw(invitation=invitation)
    message = OutboxMessage.objects.get(kind="invitation", subject_id=invitation.pk)
    assert message.status == "cancelled"
    assert services.invitation_problem(Invitation.objects.get(pk=invitation.pk))


@pytest.mark.django_db(transaction=True)
def test_invitation_resend_plans_second_email_and_extends(cohort, coordinator, mailoutbox):
    invitation = services.invitations_create(
        cohort=cohort, created_by=coordinator, rows=[_row("sanne@zorg.example")]).created[0]
    Invitation.objects.filter(pk=invitation.pk).update(
        expires_at=timezone.now() + timedelta(days=1))
    invitation.refresh_from_db()
    services.invitation_resend(invitation=invitation)
    assert len(mailoutbox) == 2
    assert invitation.expires_at > timezone.now() + timedelta(days=20)


def test_invitation_accept_creates_participant_once(cohort, coordinator):
    invitation = services.invitations_create(
        cohort=cohort, created_by=coordinator,
        rows=[_row("sanne@zorg.example", name="Sanne de Jong")]).created[0]
    user = UserFactory(email="sanne.privé@example.nl", name="")
    participant = services.invitation_accept(invitation=invitation, user=user)
    again = services.invitation_accept(invitation=invitation, user=user)
    assert participant == again
    invitation.refresh_from_db()
    assert invitation.status == InvitationStatus.ACCEPTED and invitation.accepted_by == user
    assert user.name == "Sanne de Jong"
    other = UserFactory()
    with pytest.raises(ValidationError):
        services.invitation_accept(invitation=invitation, user=other)


def test_invitation_expired_cannot_be_accepted(cohort):
    invitation = Invitation.objects.create(
        cohort=cohort, email="laat@x.example", expires_at=timezone.now() - timedelta(minutes=1))
    with pytest.raises(ValidationError) as error:
        services.invitation_accept(invitation=invitation, user=UserFactory())
    assert "verlopen" in error.value.messages[0]


def test_participant_join_by_link_needs_open_registration(cohort):
    user = UserFactory()
    cohort.stage = CohortStage.CONCEPT
    cohort.save()
    with pytest.raises(ValidationError):
        services.participant_join(cohort=cohort, user=user)
    cohort.stage = CohortStage.AANMELDING
    cohort.save()
    participant = services.participant_join(cohort=cohort, user=user)
    assert participant.status == ParticipantStatus.REGISTERED


def test_participant_join_full_cohort_refused(db):
    cohort = CohortFactory(max_size=2)
    ParticipantFactory.create_batch(2, cohort=cohort)
    with pytest.raises(ValidationError) as error:
        services.participant_join(cohort=cohort, user=UserFactory())
    assert "vol" in error.value.messages[0]


def test_participant_unique_per_cohort_in_database(participant):
    with pytest.raises(IntegrityError):
        Participant.objects.create(cohort=participant.cohort, user=participant.user)


def test_profile_update_marks_complete(cohort):
    participant = ParticipantFactory(cohort=cohort, job_title="", organisation=None)
    organisation = Organisation.objects.create(name="Gemeente Apeldoorn", kind="gemeente",
                                               confirmed=True)
    services.participant_profile_update(participant=participant, name="Ingrid Meijer",
                                        organisation=organisation, job_title="Wijkcoach",
                                        domains=["wmo"])
    participant.refresh_from_db()
    assert participant.profile_complete
    assert participant.status == ParticipantStatus.PROFILE_DONE
    assert participant.user.name == "Ingrid Meijer"
