"""Request in, service call, response out. Objects come from querysets scoped to the user,
so outsiders (and other participants) get a 404."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import time_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST

from cohorts.rules import can_manage_cohort
from cohorts.shortcuts import managed_cohort, own_participation, visible_cohort
from wisselstage.confirm import confirmation_page, is_confirmed

from . import selectors, services
from .forms import AssignmentForm, QuestionForm, ResponseForm, SparringForm
from .models import Assignment, Response, SparringOptIn


@login_required
def overview(request, pk: int):
    cohort = visible_cohort(request, pk)
    if can_manage_cohort(request.user, cohort):
        return render(request, "reflections/coordinator_overview.html", {
            "cohort": cohort, "assignments": selectors.assignments_with_counts(cohort),
            "participant_count": cohort.participants.active().count(),
        })
    participant = own_participation(request, pk)
    opt_in = SparringOptIn.objects.filter(participant=participant).first()
    return render(request, "reflections/participant_overview.html", {
        "cohort": cohort, "participant": participant,
        "rows": selectors.assignments_for_participant(participant),
        "now": timezone.now(), "opt_in": opt_in,
        "sparring_open": cohort.stage in selectors.ALUMNI_STAGES,
        "sparring_form": SparringForm(instance=opt_in),
        "shared": selectors.shared_by_partners(participant),
    })


@login_required
@require_POST
def standard_add(request, pk: int):
    cohort = managed_cohort(request, pk)
    created = services.assignments_create_standard(cohort=cohort)
    if created:
        messages.success(request, ngettext("%(count)d standaardopdracht toegevoegd.",
                                           "%(count)d standaardopdrachten toegevoegd.",
                                           len(created)) % {"count": len(created)})
    else:
        messages.info(request, _("Dit cohort heeft de standaardopdrachten al."))
    return redirect("reflections:overview", pk=cohort.pk)


@login_required
def assignment_edit(request, pk: int, apk: int | None = None):
    cohort = managed_cohort(request, pk)
    assignment = get_object_or_404(cohort.assignments, pk=apk) if apk else None
    form = AssignmentForm(request.POST or None, instance=assignment)
    if request.method == "POST" and form.is_valid():
        form.instance.cohort = cohort
        saved = form.save()
        messages.success(request, _("De opdracht is opgeslagen."))
        return redirect("reflections:assignment", pk=cohort.pk, apk=saved.pk)
    return render(request, "reflections/assignment_form.html", {
        "cohort": cohort, "assignment": assignment, "form": form})


@login_required
def question_edit(request, pk: int, apk: int, qpk: int | None = None):
    cohort = managed_cohort(request, pk)
    assignment = get_object_or_404(cohort.assignments, pk=apk)
    question = get_object_or_404(assignment.questions, pk=qpk) if qpk else None
    form = QuestionForm(request.POST or None, instance=question)
    if request.method == "POST" and form.is_valid():
        form.instance.assignment = assignment
        form.save()
        messages.success(request, _("De vraag is opgeslagen."))
        return redirect("reflections:assignment", pk=cohort.pk, apk=assignment.pk)
    return render(request, "reflections/question_form.html", {
        "cohort": cohort, "assignment": assignment, "question": question, "form": form})


@login_required
def assignment_detail(request, pk: int, apk: int):
    cohort = visible_cohort(request, pk)
    if not can_manage_cohort(request.user, cohort):
        own_participation(request, pk)
        return redirect("reflections:answer", pk=pk, apk=apk)
    assignment = get_object_or_404(cohort.assignments, pk=apk)
    rows = selectors.assignment_statuses(assignment)
    return render(request, "reflections/assignment_detail.html", {
        "cohort": cohort, "assignment": assignment, "rows": rows,
        "questions": assignment.questions.all(),
        "missing": sum(1 for _p, r in rows if r is None or not r.is_submitted),
    })


@login_required
@require_http_methods(["GET", "POST"])
def nudge(request, pk: int, apk: int):
    cohort = managed_cohort(request, pk)
    assignment = get_object_or_404(cohort.assignments, pk=apk)
    back = reverse("reflections:assignment", args=[cohort.pk, assignment.pk])
    problem = selectors.nudge_problem(assignment)
    if problem:
        messages.error(request, problem)
        return redirect(back)
    if not is_confirmed(request):
        return _nudge_confirmation(request, assignment, back)
    try:
        count = services.reflection_nudge(assignment=assignment)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, ngettext(
            "%(count)d herinnering ingepland.", "%(count)d herinneringen ingepland.", count)
            % {"count": count})
    return redirect("reflections:assignment", pk=cohort.pk, apk=assignment.pk)


def _nudge_confirmation(request, assignment: Assignment, back: str):
    plan = selectors.nudge_plan(assignment)
    if not plan.recipients:
        if plan.reminded_today:
            messages.info(request, _("Wie nog niet heeft ingeleverd, kreeg vandaag al een "
                                     "herinnering. Morgen kunt u weer herinneren."))
        else:
            messages.info(request, _("Iedereen heeft deze opdracht al ingeleverd."))
        return redirect(back)
    count = len(plan.recipients)
    lines = [ngettext(
        "Deze herinnering gaat naar %(count)d deelnemer die ‘%(title)s’ nog niet heeft "
        "ingeleverd.",
        "Deze herinnering gaat naar %(count)d deelnemers die ‘%(title)s’ nog niet hebben "
        "ingeleverd.", count) % {"count": count, "title": assignment.title}]
    if plan.reminded_today:
        lines.append(ngettext(
            "%(count)d andere deelnemer kreeg vandaag al een herinnering en krijgt er geen "
            "tweede.",
            "%(count)d andere deelnemers kregen vandaag al een herinnering en krijgen er geen "
            "tweede.", plan.reminded_today) % {"count": plan.reminded_today})
    lines.append(_("De e-mail gaat binnen een paar minuten weg. Wie intussen inlevert, krijgt "
                   "hem niet meer."))
    return confirmation_page(
        request, title=_("Herinnering sturen"), lines=lines, back_url=back, danger=False,
        submit_label=ngettext("Ja, stuur %(count)d herinnering",
                              "Ja, stuur %(count)d herinneringen", count) % {"count": count},
        people=[p.user.name or p.user.email for p in plan.recipients],
        people_label=_("Wie de herinnering krijgt"))


def _answer_context(request, pk: int, apk: int):
    participant = own_participation(request, pk)
    assignment = get_object_or_404(Assignment.objects.filter(cohort_id=pk), pk=apk)
    questions = list(assignment.questions.all())
    return participant, assignment, questions, selectors.response_for(participant, assignment)


@login_required
def answer(request, pk: int, apk: int):
    participant, assignment, questions, response = _answer_context(request, pk, apk)
    if request.method == "POST":
        submit = "inleveren" in request.POST or bool(response and response.is_submitted)
        form = ResponseForm(request.POST, questions=questions, submit=submit)
        if form.is_valid():
            try:
                services.response_save(
                    assignment=assignment, participant=participant, values=form.values(),
                    shared_with_partner=form.cleaned_data["shared_with_partner"],
                    submit=submit)
            except ValidationError as error:
                for text in error.messages:
                    form.add_error(None, text)
            else:
                if submit:
                    messages.success(request, _("Uw reflectie is ingeleverd. U kunt hem nog "
                                                "aanpassen tot de inleverdatum."))
                    return redirect("reflections:overview", pk=pk)
                messages.success(request, _("Uw concept is opgeslagen."))
                return redirect("reflections:answer", pk=pk, apk=apk)
    else:
        form = ResponseForm(initial=ResponseForm.initial_for(response, questions),
                            questions=questions)
    now = timezone.now()
    return render(request, "reflections/answer_form.html", {
        "cohort": participant.cohort, "assignment": assignment, "form": form,
        "response": response, "is_open": assignment.is_open(now),
        "past_due": assignment.is_past_due(now),
    })


@login_required
@require_POST
def autosave(request, pk: int, apk: int):
    participant, assignment, questions, response = _answer_context(request, pk, apk)
    if response is not None and response.is_submitted:
        return JsonResponse({"saved": False, "message": _(
            "Al ingeleverd: klik op 'Opnieuw inleveren' om wijzigingen te bewaren.")})
    form = ResponseForm(request.POST, questions=questions, submit=False)
    form.is_valid()  # keep the valid answers even when another field has an error
    try:
        services.response_save(
            assignment=assignment, participant=participant, values=form.values(),
            shared_with_partner=form.cleaned_data.get("shared_with_partner", False))
    except ValidationError as error:
        return JsonResponse({"saved": False, "message": " ".join(error.messages)}, status=409)
    return JsonResponse({
        "saved": True,
        "message": _("Concept automatisch opgeslagen om %(time)s.")
        % {"time": time_format(timezone.localtime(), "H:i")},
        "errors": {name: [str(e) for e in errors] for name, errors in form.errors.items()},
    })


@login_required
def response_detail(request, pk: int, rpk: int):
    response = get_object_or_404(
        Response.objects.visible_to(request.user).select_related(
            "assignment__cohort", "participant__user"),
        pk=rpk, assignment__cohort_id=pk)
    return render(request, "reflections/response_detail.html", {
        "cohort": response.assignment.cohort, "response": response,
        "rows": selectors.response_with_answers(response),
    })


@login_required
@require_POST
def sparring(request, pk: int):
    participant = own_participation(request, pk)
    if participant.cohort.stage not in selectors.ALUMNI_STAGES:
        raise Http404
    opt_in = request.POST.get("action") != "stop"
    form = SparringForm(request.POST)
    note = form.cleaned_data.get("note", "") if form.is_valid() else ""
    services.sparring_set(participant=participant, opt_in=opt_in, note=note)
    messages.success(request, _("U staat op de alumnilijst voor sparren.") if opt_in
                     else _("U staat niet meer op de alumnilijst."))
    return redirect("reflections:overview", pk=pk)


@login_required
def alumni(request):
    if not selectors.may_see_alumni(request.user):
        raise Http404
    return render(request, "reflections/alumni.html", {"alumni": selectors.alumni()})
