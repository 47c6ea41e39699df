"""Fixtures of the privacy tests. `reported_cohort` (six participants with hand-picked
answers: NPS 17, paired shift n=5 +1.0) is shared with the reports tests."""

from __future__ import annotations

from datetime import time, timedelta

import pytest
from django.utils import timezone

from tests.reports.conftest import reported_cohort  # noqa: F401  shared fixture


@pytest.fixture
def rich_participant(participant, cohort):
    """Bob with a filled-in profile, preferences, a published exchange with Petra, an agenda
    item he proposed, one attended meeting, a handed-in reflection, a sparring opt-in and an
    email sent to him."""
    from agendas import services as agenda_services
    from matching.models import Preference
    from meetings.models import Attendance, Meeting
    from notifications.enums import OutboxStatus
    from notifications.models import OutboxMessage
    from reflections.models import SparringOptIn
    from tests.factories import ParticipantFactory, make_exchange
    from tests.reflections.helpers import answer, open_assignment

    participant.bio = "Ik werk twintig jaar in de jeugdzorg."
    participant.learning_goals = "Begrijpen hoe de gemeente inkoopt."
    participant.save()
    Preference.objects.create(participant=participant, topics=["inkoop"], days_a=["ma"])
    partner = ParticipantFactory(cohort=cohort, user__email="petra@gemeente.example",
                                 user__name="Petra Partner", bio="Petra's geheime bio")
    exchange = make_exchange(cohort, [participant, partner])
    visit = agenda_services.visits_ensure(exchange=exchange)[0]
    agenda_services.agenda_item_create(
        visit=visit, actor=participant.user, day=cohort.week_a_start, start=time(9),
        end=time(10), title="Rondleiding wijkteam")
    starts = timezone.now() - timedelta(days=3)
    meeting = Meeting.objects.create(cohort=cohort, title="Startbijeenkomst", starts_at=starts,
                                     ends_at=starts + timedelta(hours=1))
    Attendance.objects.create(meeting=meeting, participant=participant)
    assignment = open_assignment(cohort)
    answer(participant, assignment, learned="Bob leerde veel over Wmo-inkoop", recommend=9,
           picture_other_side=4, action_done=1)
    answer(partner, assignment, learned="Petra's eigen reflectie", recommend=7,
           picture_other_side=3, action_done=0)
    SparringOptIn.objects.create(participant=participant, note="Inkoop jeugdhulp")
    OutboxMessage.objects.create(kind="meeting_reminder", dedupe_key="test-sent-1",
                                 recipient=participant.user, cohort=cohort,
                                 subject_type="meeting", subject_id=meeting.pk,
                                 status=OutboxStatus.SENT, sent_at=timezone.now())
    OutboxMessage.objects.create(kind="meeting_reminder", dedupe_key="test-partner-1",
                                 recipient=partner.user, cohort=cohort,
                                 subject_type="meeting", subject_id=meeting.pk)
    participant.partner = partner
    participant.exchange = exchange
    return participant
