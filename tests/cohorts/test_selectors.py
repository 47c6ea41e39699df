"""What the dashboards tell people to do next, at each point of a cohort's life."""

from __future__ import annotations

import pytest
from django.urls import reverse

from cohorts.enums import CohortStage
from cohorts.selectors import coordinator_next_step, participant_next_step
from tests.factories import ParticipantFactory, make_exchange

pytestmark = pytest.mark.django_db


def test_next_step_profile_then_preferences_then_wait(cohort, participant):
    from matching.models import Preference

    participant.profile_completed_at = None
    participant.save()
    assert participant_next_step(participant).url == reverse("cohorts:profile",
                                                             args=[cohort.pk])
    participant.refresh_from_db()
    from django.utils import timezone

    participant.profile_completed_at = timezone.now()
    participant.save()
    assert participant_next_step(participant).url == reverse("matching:preferences",
                                                             args=[cohort.pk])
    Preference.objects.create(participant=participant)
    step = participant_next_step(participant)
    assert step.url == "" and "stagepartner" in step.text


def test_next_step_published_exchange_leads_to_planning(cohort, participant):
    from django.utils import timezone

    participant.profile_completed_at = timezone.now()
    participant.save()
    exchange = make_exchange(cohort, [participant, ParticipantFactory(cohort=cohort)])
    cohort.stage = CohortStage.PLANNING
    cohort.save()
    assert participant_next_step(participant).url == reverse("agendas:planning",
                                                             args=[exchange.pk])
    cohort.stage = CohortStage.REFLECTIE
    cohort.save()
    assert participant_next_step(participant).url == reverse("reflections:overview",
                                                             args=[cohort.pk])


@pytest.mark.parametrize("stage, url_name", [
    (CohortStage.MATCHING, "matching:home"),
    (CohortStage.PLANNING, "agendas:board"),
    (CohortStage.REFLECTIE, "reflections:overview"),
])
def test_coordinator_next_step_per_stage(cohort, stage, url_name):
    cohort.stage = stage
    assert coordinator_next_step(cohort).url == reverse(url_name, args=[cohort.pk])


def test_next_step_asks_for_agreement_when_partner_agreed(cohort, participant):
    from django.utils import timezone

    from agendas.services import visit_agree, visit_update, visits_ensure

    participant.profile_completed_at = timezone.now()
    participant.save()
    partner = ParticipantFactory(cohort=cohort)
    exchange = make_exchange(cohort, [participant, partner])
    cohort.stage = CohortStage.PLANNING
    cohort.save()
    visit = visits_ensure(exchange=exchange)[0]
    visit_update(visit=visit, actor=participant.user, days=[cohort.week_a_start],
                 mode="op_locatie")
    assert "Plan de stagedagen" in participant_next_step(participant).text
    visit.refresh_from_db()
    visit_agree(visit=visit, participant=partner)
    assert "akkoord" in participant_next_step(participant).text
    visit.refresh_from_db()
    visit_agree(visit=visit, participant=participant)
    assert "Plan de stagedagen" in participant_next_step(participant).text
