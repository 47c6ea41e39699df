"""Reads on reflections, with a fixed number of queries per page."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from django.db.models import Count, Prefetch, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from cohorts.enums import CohortStage
from cohorts.models import Cohort, Participant, domains_display
from notifications.models import OutboxMessage

from .enums import ResponseStatus
from .models import Assignment, Response, SparringOptIn

ALUMNI_STAGES = [CohortStage.REFLECTIE, CohortStage.AFGEROND]


def assignments_with_counts(cohort: Cohort):
    return cohort.assignments.annotate(
        submitted=Count("responses", filter=Q(responses__status=ResponseStatus.SUBMITTED)),
        drafts=Count("responses", filter=Q(responses__status=ResponseStatus.DRAFT)),
        question_count=Count("questions", distinct=True),
    ).order_by("order", "opens_at", "pk")


def assignments_for_participant(participant: Participant) -> list[tuple[Assignment, Response]]:
    responses = {r.assignment_id: r for r in
                 Response.objects.filter(participant=participant)}
    return [(a, responses.get(a.pk)) for a in
            participant.cohort.assignments.order_by("order", "opens_at", "pk")]


def assignment_statuses(assignment: Assignment) -> list[tuple[Participant, Response | None]]:
    """Every active participant of the cohort with their response to this assignment."""
    responses = {r.participant_id: r for r in assignment.responses.all()}
    people = (assignment.cohort.participants.active().select_related("user", "organisation")
              .order_by("user__name", "user__email"))
    return [(p, responses.get(p.pk)) for p in people]


def nudge_problem(assignment: Assignment, now: datetime | None = None) -> str:
    """Why a reminder cannot go out now ('' when it can): only while the assignment is open,
    before that or afterwards it only confuses."""
    now = now or timezone.now()
    if assignment.opens_at <= now <= assignment.due_at:
        return ""
    return _("Herinneren kan alleen terwijl de opdracht openstaat (van %(opens)s tot "
             "%(due)s).") % {
        "opens": timezone.localtime(assignment.opens_at).strftime("%d-%m-%Y"),
        "due": timezone.localtime(assignment.due_at).strftime("%d-%m-%Y")}


def nudge_key(assignment: Assignment, participant: Participant, day: date) -> str:
    """The outbox dedupe key: one reminder per participant per assignment per day."""
    return f"reflection_nudge:{assignment.pk}:{participant.pk}:{day.isoformat()}"


@dataclass(frozen=True)
class NudgePlan:
    recipients: list[Participant]  # not handed in, and not yet reminded today
    reminded_today: int  # not handed in, but already reminded today: no second one


def nudge_plan(assignment: Assignment) -> NudgePlan:
    """Who a reminder sent now would reach (two queries)."""
    submitted = Response.objects.submitted().filter(assignment=assignment).values(
        "participant_id")
    people = (assignment.cohort.participants.active().exclude(pk__in=submitted)
              .select_related("user").order_by("user__name", "user__email"))
    today = timezone.localdate()
    keys = {nudge_key(assignment, p, today): p for p in people}
    reminded = set(OutboxMessage.objects.filter(dedupe_key__in=list(keys))
                   .values_list("dedupe_key", flat=True))
    return NudgePlan(recipients=[p for key, p in keys.items() if key not in reminded],
                     reminded_today=len(reminded))


def response_with_answers(response: Response) -> list:
    """(question, answer or None) in question order."""
    answers = {a.question_id: a for a in response.answers.all()}
    return [(q, answers.get(q.pk)) for q in response.assignment.questions.all()]


def may_see_alumni(user) -> bool:
    if not user.is_authenticated:
        return False
    if user.is_staff or user.coordinated_cohorts.exists():
        return True
    return Participant.objects.active().filter(
        user=user, cohort__stage=CohortStage.AFGEROND).exists()


def alumni() -> list[tuple[SparringOptIn, str]]:
    """Opted-in alumni with their domains in words (the participant's, else the
    organisation's)."""
    rows = (SparringOptIn.objects.select_related(
        "participant__user", "participant__organisation", "participant__cohort")
        .order_by("participant__user__name", "participant__user__email"))
    result = []
    for row in rows:
        participant = row.participant
        codes = participant.domains or (
            participant.organisation.domains if participant.organisation else [])
        result.append((row, domains_display(codes)))
    return result


def response_for(participant: Participant, assignment: Assignment) -> Response | None:
    return (Response.objects.filter(participant=participant, assignment=assignment)
            .prefetch_related(Prefetch("answers")).first())


def shared_by_partners(participant: Participant):
    """Handed-in reflections that the participant's exchange partners shared with them."""
    from .exchanges import partner_participant_ids

    partner_ids = partner_participant_ids(participant.user)
    if not partner_ids:
        return Response.objects.none()
    return (Response.objects.submitted()
            .filter(shared_with_partner=True, participant_id__in=partner_ids,
                    assignment__cohort_id=participant.cohort_id)
            .select_related("assignment", "participant__user"))
