"""Writes on reflections. Views, admin and commands call these; nothing else writes."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cohorts.models import Cohort, Participant
from notifications.services import outbox_plan_many

from . import selectors
from .enums import (
    QUOTE_OPTIONS,
    ROLE_OPTIONS,
    Phase,
    QuestionKey,
    QuestionKind,
    ResponseStatus,
)
from .models import Answer, Assignment, Question, Response, SparringOptIn

NUDGE_KIND = "reflection_nudge"


def _end_of(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(23, 59)))


def _start_of(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(0, 0)))


def _visit_questions(visit: str) -> list[dict[str, Any]]:
    return [
        {"key": QuestionKey.ROLE, "kind": QuestionKind.CHOICE, "options": ROLE_OPTIONS,
         "text": f"In bezoek {visit} was ik"},
        {"key": QuestionKey.SURPRISED, "text": "Wat verraste mij?"},
        {"key": QuestionKey.LEARNED, "text": "Wat heb ik geleerd?"},
        {"key": QuestionKey.ACTION,
         "text": "Wat ga ik toepassen in mijn eigen werk? Noem één concrete actie."},
    ]


def standard_set(cohort: Cohort) -> list[dict[str, Any]]:
    """The standard assignments with their questions and dates, derived from the cohort."""
    a, b = cohort.week_a_start, cohort.week_b_start
    today = timezone.localdate()
    first_open = min(today, a - dt.timedelta(days=1))
    picture = {"key": QuestionKey.PICTURE_OTHER_SIDE, "kind": QuestionKind.SCALE,
               "text": "Hoe goed weet ik hoe de andere kant werkt?",
               "help_text": "1 = helemaal niet, 5 = heel goed"}
    return [
        {"phase": Phase.VOOR, "title": "Voor de stage: mijn leerdoelen",
         "instructions": "Schrijf op wat u wilt leren en hoe goed u de andere kant nu kent.",
         "opens_at": _start_of(first_open), "due_at": _end_of(a - dt.timedelta(days=1)),
         "questions": [{"key": QuestionKey.LEARNING_GOALS,
                        "text": "Wat wilt u leren tijdens de wisselstage?"}, picture]},
        {"phase": Phase.NA_A, "title": "Na bezoek A",
         "instructions": "Beantwoord de vragen vanuit uw rol in dit bezoek: gast of gastheer.",
         "opens_at": _start_of(a), "due_at": _end_of(b - dt.timedelta(days=1)),
         "questions": _visit_questions("A")},
        {"phase": Phase.NA_B, "title": "Na bezoek B",
         "instructions": "Beantwoord de vragen vanuit uw rol in dit bezoek: gast of gastheer.",
         "opens_at": _start_of(b), "due_at": _end_of(b + dt.timedelta(days=18)),
         "questions": _visit_questions("B")},
        {"phase": Phase.NA_AFLOOP, "title": "Na afloop",
         "instructions": "Kijk terug op de hele wisselstage.",
         "opens_at": _start_of(b + dt.timedelta(days=4)),
         "due_at": _end_of(b + dt.timedelta(days=32)),
         "questions": [
             picture,
             {"key": QuestionKey.RECOMMEND, "kind": QuestionKind.SCORE,
              "text": "Zou u dit een collega aanraden?",
              "help_text": "0 = zeker niet, 10 = zeker wel"},
             {"key": QuestionKey.QUOTE, "required": False,
              "text": "Wat zou u een collega over de wisselstage vertellen?"},
             {"key": QuestionKey.QUOTE_CONSENT, "kind": QuestionKind.CHOICE,
              "options": QUOTE_OPTIONS,
              "text": "Mogen we uw antwoord hierboven citeren in verslagen?"},
         ]},
        {"phase": Phase.FOLLOW_UP, "title": "Follow-up: uw actie",
         "instructions": "Een paar maanden later: hoe staat het met uw actie?",
         "opens_at": _start_of(b + dt.timedelta(days=90)),
         "due_at": _end_of(b + dt.timedelta(days=120)),
         "questions": [
             {"key": QuestionKey.ACTION_DONE, "kind": QuestionKind.YESNO,
              "text": "Heeft u uw actie uitgevoerd?"},
             {"key": QuestionKey.ACTION_EXPLANATION, "text": "Licht uw antwoord toe."},
         ]},
    ]


@transaction.atomic
def assignments_create_standard(*, cohort: Cohort) -> list[Assignment]:
    """Add the standard assignments to a cohort.

    Side effects: creates one Assignment with its Questions per phase that the cohort does
    not have yet (running it twice adds nothing). Returns the new assignments.
    """
    existing = set(cohort.assignments.values_list("phase", flat=True))
    created = []
    for order, spec in enumerate(standard_set(cohort)):
        if spec["phase"] in existing:
            continue
        questions = spec.pop("questions")
        assignment = Assignment.objects.create(cohort=cohort, order=order, **spec)
        Question.objects.bulk_create([
            Question(assignment=assignment, order=index, kind=q.get("kind", QuestionKind.OPEN),
                     text=q["text"], help_text=q.get("help_text", ""),
                     options=q.get("options", []), required=q.get("required", True),
                     key=q["key"])
            for index, q in enumerate(questions)
        ])
        created.append(assignment)
    return created


def _store_answers(response: Response, values: dict[int, tuple[str, int | None]]) -> None:
    existing = {a.question_id: a for a in response.answers.all()}
    new, changed = [], []
    for question_id, (text, number) in values.items():
        answer = existing.get(question_id)
        if answer is None:
            new.append(Answer(response=response, question_id=question_id,
                              value_text=text, value_number=number))
        elif (answer.value_text, answer.value_number) != (text, number):
            answer.value_text, answer.value_number = text, number
            changed.append(answer)
    Answer.objects.bulk_create(new)
    Answer.objects.bulk_update(changed, ["value_text", "value_number"])


def _check_open(assignment: Assignment, now: dt.datetime) -> None:
    if now > assignment.due_at:
        raise ValidationError(_(
            "De inleverdatum (%(date)s) is voorbij. U kunt deze reflectie niet meer "
            "wijzigen of inleveren.") % {"date": timezone.localtime(assignment.due_at)
                                         .strftime("%d-%m-%Y %H:%M")})
    if now < assignment.opens_at:
        raise ValidationError(_("Deze opdracht is nog niet open."))


@transaction.atomic
def response_save(
    *, assignment: Assignment, participant: Participant,
    values: dict[int, tuple[str, int | None]], shared_with_partner: bool | None = None,
    submit: bool = False, now: dt.datetime | None = None,
) -> Response:
    """Save a participant's answers, as a draft or (submit=True) handed in.

    `values` maps question id → (text, number), already validated by the form.
    Side effects: creates or updates the Response and its Answers; on submit sets status
    submitted and submitted_at. Saving a draft of a handed-in response keeps it handed in.
    Raises ValidationError after the due date or before the assignment opens.
    """
    now = now or timezone.now()
    _check_open(assignment, now)
    response, _created = Response.objects.select_for_update().get_or_create(
        assignment=assignment, participant=participant)
    _store_answers(response, values)
    if shared_with_partner is not None:
        response.shared_with_partner = shared_with_partner
    if submit:
        response.status = ResponseStatus.SUBMITTED
        response.submitted_at = now
    response.save()
    return response


def reflection_nudge(*, assignment: Assignment) -> int:
    """Remind the active participants who have not handed in this assignment.

    Side effects: plans one outbox message (kind "reflection_nudge") per such participant,
    at most one per participant per assignment per day. Returns how many were planned.
    Raises ValidationError before the assignment opens or after its due date: a reminder
    then only confuses.
    """
    problem = selectors.nudge_problem(assignment)
    if problem:
        raise ValidationError(problem)
    today = timezone.localdate()
    with transaction.atomic():
        return outbox_plan_many([
            {"kind": NUDGE_KIND, "dedupe_key": selectors.nudge_key(assignment, p, today),
             "recipient": p.user, "cohort": assignment.cohort,
             "subject_type": "reflections.assignment", "subject_id": assignment.pk,
             "context": {"participant_id": p.pk}}
            for p in selectors.nudge_plan(assignment).recipients
        ])


def sparring_set(*, participant: Participant, opt_in: bool, note: str = "") -> None:
    """Side effects: creates, updates or deletes the participant's SparringOptIn."""
    if opt_in:
        SparringOptIn.objects.update_or_create(participant=participant,
                                               defaults={"note": note})
    else:
        SparringOptIn.objects.filter(participant=participant).delete()
