"""factory_boy factories for the project's models, mirroring the app tree."""

from __future__ import annotations

from datetime import timedelta

import factory
from django.utils import timezone

from cohorts.enums import CohortStage, OrganisationKind, Pairing

PASSWORD = "geheim-wachtwoord-123"  # noqa: S105 - test accounts only


def _monday(weeks_ahead: int):
    today = timezone.localdate()
    return today - timedelta(days=today.weekday()) + timedelta(weeks=weeks_ahead)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "accounts.User"
        django_get_or_create = ("email",)
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"persoon{n}@voorbeeld.example")
    name = factory.Sequence(lambda n: f"Persoon {n}")
    password = factory.django.Password(PASSWORD)

    @factory.post_generation
    def verified(obj, create, extracted, **kwargs):  # noqa: N805 - factory_boy signature
        """Users made by tests have a verified address, as allauth requires for login."""
        if create and extracted is not False:
            from allauth.account.models import EmailAddress

            EmailAddress.objects.get_or_create(
                user=obj, email=obj.email, defaults={"verified": True, "primary": True})


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "cohorts.Organisation"

    name = factory.Sequence(lambda n: f"Organisatie {n}")
    kind = OrganisationKind.ZORGAANBIEDER
    region = "utrecht"
    confirmed = True


class CohortFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "cohorts.Cohort"

    name = factory.Sequence(lambda n: f"Wisselstage ronde {n}")
    week_a_start = factory.LazyFunction(lambda: _monday(8))
    week_b_start = factory.LazyFunction(lambda: _monday(11))
    registration_deadline = factory.LazyFunction(lambda: _monday(3))
    preference_deadline = factory.LazyFunction(lambda: _monday(5))
    allowed_pairings = factory.LazyFunction(
        lambda: [Pairing.GEMEENTE_AANBIEDER, Pairing.CLIENT_ANY]
    )
    stage = CohortStage.AANMELDING
    max_size = 30


class ParticipantFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "cohorts.Participant"

    cohort = factory.SubFactory(CohortFactory)
    user = factory.SubFactory(UserFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    job_title = "Contractmanager"


class InvitationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "cohorts.Invitation"

    cohort = factory.SubFactory(CohortFactory)
    email = factory.Sequence(lambda n: f"genodigde{n}@voorbeeld.example")
    expires_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=30))


def make_exchange(cohort, participants, *, published=True):
    """An exchange made directly as rows: position 0 hosts 1 in week A, 1 hosts 0 in week B
    (a triad: 0 hosts 1, 1 hosts 2, 2 hosts 0)."""
    from matching.models import Exchange, ExchangeMember

    exchange = Exchange.objects.create(
        cohort=cohort, published_at=timezone.now() if published else None)
    for position, participant in enumerate(participants):
        ExchangeMember.objects.create(exchange=exchange, cohort=cohort,
                                      participant=participant, position=position)
    return exchange
