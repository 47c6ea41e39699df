"""Builders shared by the reflections and reports tests."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from reflections import services
from reflections.enums import Phase, QuestionKind
from reflections.models import Assignment, Question, Response
from tests.factories import ParticipantFactory


def open_assignment(cohort, *, due_in=timedelta(days=7), phase=Phase.NA_A, title="Na bezoek A"):
    """An assignment open now with one question of each kind."""
    now = timezone.now()
    assignment = Assignment.objects.create(
        cohort=cohort, phase=phase, title=title, opens_at=now - timedelta(days=1),
        due_at=now + due_in)
    for order, (kind, text, key, options) in enumerate([
        (QuestionKind.OPEN, "Wat heb ik geleerd?", "learned", []),
        (QuestionKind.SCALE, "Hoe goed weet ik hoe de andere kant werkt?",
         "picture_other_side", []),
        (QuestionKind.SCORE, "Zou u dit een collega aanraden?", "recommend", []),
        (QuestionKind.YESNO, "Heeft u uw actie uitgevoerd?", "action_done", []),
        (QuestionKind.CHOICE, "Citeren?", "quote_consent", ["Ja, met mijn naam", "Nee"]),
    ]):
        Question.objects.create(assignment=assignment, order=order, kind=kind, text=text,
                                key=key, options=options, required=kind != QuestionKind.CHOICE)
    return assignment


def fields(assignment) -> dict[str, str]:
    """Form field name per question key."""
    return {q.key: f"vraag_{q.pk}" for q in assignment.questions.all()}


def answer(participant, assignment, submit: bool = True, shared: bool = False,
           **values) -> Response:
    """Save answers by question key through the service, at a moment the assignment is open."""
    questions = {q.key: q for q in assignment.questions.all()}
    stored = {}
    for key, value in values.items():
        question = questions[key]
        stored[question.pk] = ("", value) if isinstance(value, int) else (value, None)
    return services.response_save(
        assignment=assignment, participant=participant, values=stored, submit=submit,
        shared_with_partner=shared, now=assignment.opens_at + timedelta(minutes=1))


def participants(cohort, count: int, **kwargs):
    return [ParticipantFactory(cohort=cohort, **kwargs) for _ in range(count)]
