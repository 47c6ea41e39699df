from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from notifications.models import OutboxMessage
from reflections import services
from reflections.emails import nudge_context
from reflections.enums import Phase, QuestionKey, ResponseStatus
from reflections.exchanges import exchanges_for_cohorts, partner_participant_ids
from reflections.models import Assignment, Question, SparringOptIn
from tests.factories import ParticipantFactory, make_exchange
from tests.reflections.helpers import answer, open_assignment, participants

pytestmark = pytest.mark.django_db


def test_assignments_create_standard_adds_every_phase_once(cohort):
    created = services.assignments_create_standard(cohort=cohort)
    assert [a.phase for a in created] == [Phase.VOOR, Phase.NA_A, Phase.NA_B, Phase.NA_AFLOOP,
                                          Phase.FOLLOW_UP]
    assert services.assignments_create_standard(cohort=cohort) == []
    assert Assignment.objects.filter(cohort=cohort).count() == 5
    keys = set(Question.objects.filter(assignment__cohort=cohort).values_list("key", flat=True))
    assert {QuestionKey.LEARNING_GOALS, QuestionKey.PICTURE_OTHER_SIDE, QuestionKey.ACTION,
            QuestionKey.RECOMMEND, QuestionKey.QUOTE_CONSENT,
            QuestionKey.ACTION_DONE} <= keys
    picture = Question.objects.filter(assignment__cohort=cohort,
                                      key=QuestionKey.PICTURE_OTHER_SIDE)
    assert sorted(q.assignment.phase for q in picture) == [Phase.NA_AFLOOP, Phase.VOOR]
    for assignment in created:
        assert assignment.due_at > assignment.opens_at


def test_response_save_after_due_date_refused(cohort, participant):
    assignment = open_assignment(cohort)
    with pytest.raises(ValidationError, match="inleverdatum"):
        services.response_save(assignment=assignment, participant=participant, values={},
                               submit=True, now=assignment.due_at + timedelta(seconds=1))
    assert not assignment.responses.exists()


def test_response_save_draft_then_submit_keeps_one_response(cohort, participant):
    assignment = open_assignment(cohort)
    answer(participant, assignment, submit=False, learned="eerste versie")
    response = answer(participant, assignment, learned="tweede versie", picture_other_side=4)
    assert response.status == ResponseStatus.SUBMITTED and response.submitted_at
    assert assignment.responses.count() == 1
    assert sorted(response.answers.values_list("value_text", "value_number")) == [
        ("", 4), ("tweede versie", None)]


def test_reflection_nudge_only_to_those_without_submitted_response(cohort, participant):
    assignment = open_assignment(cohort)
    drafter, silent = participants(cohort, 2)
    answer(participant, assignment, learned="klaar")
    answer(drafter, assignment, submit=False, learned="half")
    assert services.reflection_nudge(assignment=assignment) == 2
    rows = OutboxMessage.objects.filter(kind="reflection_nudge")
    assert sorted(rows.values_list("recipient_id", flat=True)) == sorted(
        [drafter.user_id, silent.user_id])
    # Nudging twice the same day plans nothing new.
    assert services.reflection_nudge(assignment=assignment) == 0


def test_nudge_context_none_once_submitted(cohort, participant):
    assignment = open_assignment(cohort)
    services.reflection_nudge(assignment=assignment)
    message = OutboxMessage.objects.get(kind="reflection_nudge")
    context = nudge_context(message)
    assert context["assignment"] == assignment
    assert f"/reflecties/{assignment.pk}/invullen/" in context["answer_url"]
    answer(participant, assignment, learned="klaar")
    assert nudge_context(message) is None


def test_nudge_context_none_once_the_participant_withdrew(cohort, participant):
    from cohorts.services import participant_withdraw

    assignment = open_assignment(cohort)
    services.reflection_nudge(assignment=assignment)
    message = OutboxMessage.objects.get(kind="reflection_nudge")
    assert nudge_context(message) is not None
    participant_withdraw(participant=participant)
    assert nudge_context(message) is None


def test_exchanges_selector_reads_published_exchanges_only(cohort, participant):
    assert exchanges_for_cohorts([cohort.pk]) == []
    partner = ParticipantFactory(cohort=cohort)
    draft = make_exchange(cohort, [participant, partner], published=False)
    assert partner_participant_ids(participant.user) == []
    draft.published_at = timezone.now()
    draft.save()
    rows = exchanges_for_cohorts([cohort.pk])
    assert [(row.pk, row.member_ids) for row in rows] == [(draft.pk, (participant.pk,
                                                                      partner.pk))]
    assert partner_participant_ids(participant.user) == [partner.pk]
    assert partner_participant_ids(partner.user) == [participant.pk]


def test_sparring_set_opt_in_and_out(cohort, participant):
    services.sparring_set(participant=participant, opt_in=True, note="inkoop jeugdzorg")
    assert participant.sparring_opt_in.note == "inkoop jeugdzorg"
    services.sparring_set(participant=participant, opt_in=False)
    assert not SparringOptIn.objects.filter(participant=participant).exists()


def test_assignment_is_open_window(cohort):
    assignment = open_assignment(cohort)
    now = timezone.now()
    assert assignment.is_open(now)
    assert assignment.is_past_due(assignment.due_at + timedelta(seconds=1))


def test_reflection_nudge_mail_goes_out(cohort, participant, mailoutbox,
                                        django_capture_on_commit_callbacks):
    assignment = open_assignment(cohort, title="Na bezoek A")
    with django_capture_on_commit_callbacks(execute=True):
        services.reflection_nudge(assignment=assignment)
    assert [m.to for m in mailoutbox] == [[participant.user.email]]
    assert 'Herinnering: reflectie "Na bezoek A"' in mailoutbox[0].subject
    assert f"/reflecties/{assignment.pk}/invullen/" in mailoutbox[0].body


def test_reflection_nudge_refused_before_the_assignment_opens(cohort, participant):
    assignment = open_assignment(cohort)
    assignment.opens_at = timezone.now() + timedelta(days=30)
    assignment.due_at = timezone.now() + timedelta(days=40)
    assignment.save()
    with pytest.raises(ValidationError):
        services.reflection_nudge(assignment=assignment)
    assert not OutboxMessage.objects.filter(kind="reflection_nudge").exists()
