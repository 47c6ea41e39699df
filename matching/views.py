"""Request in, service call, response out. Cohorts come from `Cohort.objects.managed_by`
(coordinators, admins) or the participant's own row, so everyone else gets a 404."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from cohorts.models import Cohort
from cohorts.shortcuts import managed_cohort, own_participation
from wisselstage.confirm import confirmation_page, is_confirmed

from . import engine, selectors, services
from .forms import PairForm, PreferenceForm, RunForm, WhyNotForm
from .models import MatchRun


def _run(request, pk: int, run_pk: int) -> MatchRun:
    cohort = managed_cohort(request, pk)
    return get_object_or_404(MatchRun.objects.select_related("cohort"), cohort=cohort,
                             pk=run_pk)



def _pair_form(cohort: Cohort, data):
    people = cohort.participants.active().select_related("user").order_by("user__name")
    return PairForm(data, participants=people)


# --- participant ----------------------------------------------------------------------------

@login_required
def preferences(request, pk: int):
    participant = own_participation(request, pk)
    cohort = participant.cohort
    is_open = selectors.preference_open(cohort)
    instance = getattr(participant, "preference", None)
    form = PreferenceForm(request.POST or None, instance=instance, participant=participant)
    if request.method == "POST" and is_open and form.is_valid():
        try:
            services.preference_save(participant=participant, **form.service_kwargs())
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Uw voorkeuren zijn opgeslagen."))
            return redirect("cohorts:detail", pk=cohort.pk)
    return render(request, "matching/preferences_form.html", {
        "form": form, "cohort": cohort, "participant": participant, "is_open": is_open,
    })


@login_required
def my_exchange(request, pk: int):
    participant = own_participation(request, pk)
    exchange = selectors.exchange_for(participant)
    partners = [m.participant for m in exchange.members.all()
                if m.participant_id != participant.pk] if exchange else []
    why_not_form = WhyNotForm(
        candidates=selectors.what_if_candidates(participant, exchange)) if exchange else None
    return render(request, "matching/my_exchange.html", {
        "cohort": participant.cohort, "exchange": exchange, "partners": partners,
        "why_not_form": why_not_form,
    })


@login_required
def my_what_if(request, pk: int):
    """"Waarom niet met ...?" for a participant whose exchange is published: the form, or
    the answer for the person chosen in ?met=."""
    participant = own_participation(request, pk)
    exchange = selectors.exchange_for(participant)
    if exchange is None:
        raise Http404
    form = WhyNotForm(request.GET if "met" in request.GET else None,
                      candidates=selectors.what_if_candidates(participant, exchange))
    answer = None
    if form.is_valid():
        try:
            answer = selectors.participant_what_if(
                participant=participant, other=form.cleaned_data["met"], exchange=exchange)
        except engine.MatchingInputError:
            form.add_error(None, _("Dit kunnen we nu niet uitrekenen. Neem contact op met de "
                                   "coördinator."))
    return render(request, "matching/my_what_if.html", {
        "cohort": participant.cohort, "form": form, "answer": answer,
    })


# --- coordinator ----------------------------------------------------------------------------

@login_required
def matching_home(request, pk: int):
    cohort = managed_cohort(request, pk)
    form = RunForm(request.POST or None, initial={"triads": cohort.allow_triads})
    if request.method == "POST" and form.is_valid():
        run = services.match_run_create(cohort=cohort, by=request.user, **form.cleaned_data)
        return redirect("matching:run", pk=cohort.pk, run_pk=run.pk)
    pins, forbids = selectors.pins_and_forbids(cohort)
    return render(request, "matching/matching_home.html", {
        "cohort": cohort, "form": form,
        "runs": MatchRun.objects.filter(cohort=cohort).select_related("created_by"),
        "missing": selectors.participants_without_preferences(cohort),
        "pins": pins, "forbids": forbids,
        "exchanges": selectors.published_exchanges(cohort),
        "unplaced": selectors.unplaced_after_publish(cohort),
        "pair_form": _pair_form(cohort, None),
    })


@login_required
def remind(request, pk: int):
    cohort = managed_cohort(request, pk)
    if not is_confirmed(request):
        recipients, already = selectors.preference_reminder_recipients(cohort)
        back = reverse("matching:home", args=[cohort.pk])
        if not recipients:
            if cohort.exchanges.exists():
                messages.info(request, _("De koppeling is al gepubliceerd; een herinnering om "
                                         "voorkeuren op te geven is niet meer nodig."))
            elif already:
                messages.info(request, _("Wie nog geen voorkeuren heeft, kreeg vandaag al een "
                                         "herinnering. Morgen kunt u weer herinneren."))
            else:
                messages.info(request, _("Iedereen heeft voorkeuren opgegeven."))
            return redirect(back)
        lines = [ngettext(
            "Deze herinnering gaat naar %(count)d deelnemer die nog geen voorkeuren heeft "
            "opgegeven.",
            "Deze herinnering gaat naar %(count)d deelnemers die nog geen voorkeuren "
            "hebben opgegeven.", len(recipients)) % {"count": len(recipients)}]
        if already:
            lines.append(ngettext(
                "%(count)d deelnemer kreeg vandaag al een herinnering en krijgt geen tweede.",
                "%(count)d deelnemers kregen vandaag al een herinnering en krijgen geen "
                "tweede.", already) % {"count": already})
        return confirmation_page(
            request, title=_("Herinnering sturen"), back_url=back, danger=False, lines=lines,
            submit_label=ngettext("Ja, stuur %(count)d herinnering",
                                  "Ja, stuur %(count)d herinneringen",
                                  len(recipients)) % {"count": len(recipients)},
            people=[selectors.participant_name(p) for p in recipients],
            people_label=_("Wie de herinnering krijgt"))
    count = services.preferences_remind(cohort=cohort, by=request.user)
    messages.success(request, ngettext("%(count)d herinnering ingepland.",
                                       "%(count)d herinneringen ingepland.", count)
                     % {"count": count})
    return redirect("matching:home", pk=cohort.pk)


@login_required
@require_POST
def pair_rule(request, pk: int):
    cohort = managed_cohort(request, pk)
    form = _pair_form(cohort, request.POST)
    action = request.POST.get("action")
    if action not in ("pin", "forbid") or not form.is_valid():
        messages.error(request, _("Kies twee verschillende deelnemers."))
    else:
        a = cohort.participants.get(pk=form.cleaned_data["a"])
        b = cohort.participants.get(pk=form.cleaned_data["b"])
        create = services.pin_create if action == "pin" else services.forbid_create
        try:
            create(cohort=cohort, a=a, b=b, by=request.user)
        except ValidationError as error:
            for text in error.messages:
                messages.error(request, text)
        else:
            messages.success(request, _("Vastgezet.") if action == "pin" else
                             _("Uitgesloten: deze twee worden nooit gekoppeld."))
    return redirect("matching:home", pk=cohort.pk)


@login_required
@require_POST
def pair_rule_delete(request, pk: int, kind: str, rule_pk: int):
    cohort = managed_cohort(request, pk)
    if not services.pair_rule_delete(cohort=cohort, kind=kind, rule_pk=rule_pk):
        raise Http404
    messages.success(request, _("Verwijderd."))
    return redirect("matching:home", pk=cohort.pk)


@login_required
def run_detail(request, pk: int, run_pk: int):
    run = _run(request, pk, run_pk)
    other_runs = MatchRun.objects.filter(cohort=run.cohort).exclude(pk=run.pk)
    return render(request, "matching/run_detail.html", {
        "cohort": run.cohort, "run": run, "rows": selectors.run_rows(run),
        "pair_form": _pair_form(run.cohort, None), "other_runs": other_runs,
        "already_published": run.cohort.exchanges.exists(),
    })


@login_required
def swap(request, pk: int, run_pk: int):
    run = _run(request, pk, run_pk)
    form = _pair_form(run.cohort, request.POST if request.method == "POST" else request.GET)
    if not form.is_valid():
        messages.error(request, _("Kies twee verschillende deelnemers."))
        return redirect("matching:run", pk=pk, run_pk=run.pk)
    a, b = form.cleaned_data["a"], form.cleaned_data["b"]
    if request.method == "POST":
        try:
            new = services.match_run_swap(run=run, a=a, b=b, by=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect("matching:run", pk=pk, run_pk=run.pk)
        messages.success(request, _("De wissel is opgeslagen als nieuw voorstel."))
        return redirect("matching:run", pk=pk, run_pk=new.pk)
    return render(request, "matching/swap_preview.html", {
        "cohort": run.cohort, "run": run, "preview": selectors.swap_preview(run=run, a=a, b=b),
    })


@login_required
def what_if(request, pk: int, run_pk: int):
    run = _run(request, pk, run_pk)
    form = _pair_form(run.cohort, request.GET)
    if not form.is_valid():
        messages.error(request, _("Kies twee verschillende deelnemers."))
        return redirect("matching:run", pk=pk, run_pk=run.pk)
    try:
        result, names, broken = selectors.what_if_for(run=run, a=form.cleaned_data["a"],
                                                      b=form.cleaned_data["b"])
    except engine.MatchingInputError as error:
        messages.error(request, str(error))
        return redirect("matching:run", pk=pk, run_pk=run.pk)
    changes = [(names.get(c.id, c.id), [names.get(x, x) for x in c.before],
                [names.get(x, x) for x in c.after]) for c in result.changes]
    return render(request, "matching/what_if.html", {
        "cohort": run.cohort, "run": run, "result": result, "changes": changes,
        "a": names.get(result.pin[0]), "b": names.get(result.pin[1]),
        "newly_unmatched": [names.get(x, x) for x in result.newly_unmatched],
        "broken": broken,
    })


@login_required
def compare(request, pk: int):
    cohort = managed_cohort(request, pk)
    runs = MatchRun.objects.filter(cohort=cohort)
    ids = [request.GET.get("links", ""), request.GET.get("rechts", "")]
    if not all(x.isdigit() for x in ids):
        messages.error(request, _("Kies twee rondes om te vergelijken."))
        return redirect("matching:home", pk=cohort.pk)
    left = get_object_or_404(runs, pk=ids[0])
    right = get_object_or_404(runs, pk=ids[1])
    return render(request, "matching/compare.html", {
        "cohort": cohort, "comparison": selectors.runs_compare(left, right),
    })


@login_required
def publish(request, pk: int, run_pk: int):
    run = _run(request, pk, run_pk)
    if not is_confirmed(request):
        back = reverse("matching:run", args=[pk, run.pk])
        if run.cohort.exchanges.exists():
            messages.error(request, _("Dit cohort heeft al gepubliceerde uitwisselingen."))
            return redirect(back)
        exchanges = selectors.run_groups(run)
        people = sum(map(len, exchanges))
        lines = [ngettext("%(count)d uitwisseling wordt gepubliceerd.",
                          "%(count)d uitwisselingen worden gepubliceerd.",
                          len(exchanges)) % {"count": len(exchanges)},
                 ngettext("%(count)d deelnemer krijgt een e-mail en ziet daarna het "
                          "profiel van de partner.",
                          "%(count)d deelnemers krijgen een e-mail en zien daarna het "
                          "profiel van hun partner.", people) % {"count": people},
                 _("Daarna is dit de koppeling van het cohort: een andere ronde publiceren "
                   "kan niet meer; wie zich terugtrekt, krijgt een herstelvoorstel.")]
        missing = selectors.participants_without_preferences(run.cohort).count()
        if missing and selectors.preference_open(run.cohort):
            lines.append(ngettext(
                "Let op: %(count)d deelnemer heeft nog geen voorkeuren opgegeven en dat kan "
                "nog tot en met %(date)s.",
                "Let op: %(count)d deelnemers hebben nog geen voorkeuren opgegeven en dat kan "
                "nog tot en met %(date)s.", missing) % {
                    "count": missing,
                    "date": date_format(run.cohort.preference_deadline, "j F Y")})
        return confirmation_page(
            request, title=_("Dit voorstel publiceren"), danger=False, back_url=back,
            lines=lines,
            submit_label=_("Ja, publiceren en e-mails sturen"))
    try:
        created = services.exchanges_publish(run=run, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("matching:run", pk=pk, run_pk=run.pk)
    messages.success(request, ngettext(
        "%(count)d uitwisseling gepubliceerd. De deelnemers krijgen een e-mail.",
        "%(count)d uitwisselingen gepubliceerd. De deelnemers krijgen een e-mail.",
        len(created)) % {"count": len(created)})
    return redirect("matching:home", pk=pk)


@login_required
def repair(request, pk: int, participant_pk: int):
    cohort = managed_cohort(request, pk)
    participant = get_object_or_404(cohort.participants.select_related("user"),
                                    pk=participant_pk)
    if is_confirmed(request):  # the page below is the confirmation step
        try:
            services.exchange_repair_apply(cohort=cohort, withdrawn_participant=participant,
                                           by=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("Het herstel is doorgevoerd."))
        return redirect("matching:home", pk=cohort.pk)
    proposal = services.exchange_repair_proposal(cohort=cohort,
                                                 withdrawn_participant=participant)
    return render(request, "matching/repair.html", {
        "cohort": cohort, "participant": participant, "proposal": proposal,
    })
