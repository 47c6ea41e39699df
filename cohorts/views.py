"""Request in, service call, response out. Every object comes from a queryset scoped to the
user, so an outsider gets a 404 and never learns that the object exists."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST

from wisselstage.confirm import confirmation_page, is_confirmed

from . import selectors, services
from .enums import InvitationStatus
from .forms import (
    CohortForm,
    InvitationPasteForm,
    InvitationUploadForm,
    OrganisationForm,
    OrganisationMergeForm,
    ProfileForm,
)
from .importing import parse_invitation_file, parse_pasted_addresses
from .models import Cohort, Invitation, Organisation
from .rules import (
    can_confirm_organisations,
    can_create_cohorts,
    can_manage_cohort,
    can_manage_organisations,
)
from .shortcuts import managed_cohort, own_participation, visible_cohort


def home(request):
    if not request.user.is_authenticated:
        return render(request, "cohorts/landing.html")
    participations = list(selectors.participations_for(request.user))
    coordinated = selectors.cohorts_with_counts(
        Cohort.objects.managed_by(request.user).filter(coordinators=request.user)
    )
    return render(request, "cohorts/home.html", {
        "participations": [(p, selectors.participant_next_step(p)) for p in participations],
        "coordinated": coordinated,
        "can_create": can_create_cohorts(request.user),
    })


@login_required
def cohort_list(request):
    if not (can_create_cohorts(request.user) or request.user.coordinated_cohorts.exists()):
        raise Http404
    cohorts = selectors.cohorts_with_counts(Cohort.objects.managed_by(request.user))
    return render(request, "cohorts/cohort_list.html", {
        "cohorts": cohorts, "can_create": can_create_cohorts(request.user),
    })


@login_required
def cohort_create(request):
    if not can_create_cohorts(request.user):
        raise Http404
    form = CohortForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            cohort = services.cohort_create(created_by=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Het cohort is aangemaakt."))
            return redirect("cohorts:detail", pk=cohort.pk)
    return render(request, "cohorts/cohort_form.html", {"form": form, "cohort": None})


@login_required
def cohort_edit(request, pk: int):
    cohort = managed_cohort(request, pk)
    form = CohortForm(request.POST or None, instance=cohort)
    if request.method == "POST" and form.is_valid():
        try:
            services.cohort_update(cohort=cohort, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("De wijzigingen zijn opgeslagen."))
            return redirect("cohorts:detail", pk=cohort.pk)
    return render(request, "cohorts/cohort_form.html", {"form": form, "cohort": cohort})


@login_required
def cohort_detail(request, pk: int):
    cohort = visible_cohort(request, pk)
    if can_manage_cohort(request.user, cohort):
        return _coordinator_dashboard(request, cohort)
    participant = own_participation(request, cohort.pk)
    from matching.selectors import exchange_for
    from meetings.selectors import meetings_for_cohort

    upcoming, _past = meetings_for_cohort(cohort=cohort)
    return render(request, "cohorts/participant_dashboard.html", {
        "cohort": cohort, "participant": participant,
        "next_step": selectors.participant_next_step(participant),
        "steps": selectors.stage_steps(cohort),
        "exchange": exchange_for(participant),
        "upcoming_meetings": upcoming[:3],
    })


def _coordinator_dashboard(request, cohort: Cohort):
    participants = (
        cohort.participants.active()
        .select_related("user", "organisation").order_by("user__name", "user__email")
    )
    upcoming = services.next_stage(cohort.stage)
    return render(request, "cohorts/cohort_detail.html", {
        "cohort": cohort,
        "figures": selectors.cohort_figures(cohort),
        "participants": participants,
        "steps": selectors.stage_steps(cohort),
        "next_step": selectors.coordinator_next_step(cohort),
        "upcoming_stage": upcoming,
        "upcoming_problems": services.cohort_transition_problems(cohort=cohort,
                                                                 to_stage=upcoming)
        if upcoming else [],
        "previous_stage": services.previous_stage(cohort.stage),
        "join_url": request.build_absolute_uri(reverse("cohorts:join", args=[cohort.join_token]))
        if cohort.join_token else "",
    })


@login_required
@require_POST
def cohort_stage(request, pk: int):
    cohort = managed_cohort(request, pk)
    try:
        services.cohort_advance(cohort=cohort, to_stage=request.POST.get("to_stage", ""))
    except ValidationError as error:
        for text in error.messages:
            messages.error(request, text)
    else:
        messages.success(request, _("Het cohort staat nu in de fase: %(stage)s.")
                         % {"stage": cohort.get_stage_display()})
    return redirect("cohorts:detail", pk=cohort.pk)


@login_required
@require_POST
def cohort_copy(request, pk: int):
    cohort = managed_cohort(request, pk)
    if not can_create_cohorts(request.user):
        raise Http404
    copy = services.cohort_copy(cohort=cohort, created_by=request.user)
    messages.success(request, _("Kopie gemaakt. Controleer de data van de nieuwe ronde."))
    return redirect("cohorts:edit", pk=copy.pk)


@login_required
@require_http_methods(["GET", "POST"])
def cohort_join_link(request, pk: int):
    """GET asks for confirmation; so does a POST without it, unless there is no link yet
    (making the first one loses nothing)."""
    cohort = managed_cohort(request, pk)
    enabled = (request.POST if request.method == "POST" else request.GET).get(
        "action") != "disable"
    had_link = bool(cohort.join_token)
    if not enabled and not had_link:
        messages.info(request, _("Er is geen aanmeldlink om uit te zetten."))
        return redirect("cohorts:detail", pk=cohort.pk)
    if not is_confirmed(request) and (had_link or request.method == "GET"):
        return _join_link_confirmation(request, cohort, enabled=enabled)
    services.cohort_rotate_join_link(cohort=cohort, enabled=enabled)
    if not enabled:
        messages.success(request, _("De aanmeldlink is uitgezet."))
    elif had_link:
        messages.success(request, _("Er is een nieuwe aanmeldlink gemaakt; de oude werkt niet "
                                    "meer."))
    else:
        messages.success(request, _("De aanmeldlink is gemaakt."))
    return redirect("cohorts:detail", pk=cohort.pk)


def _join_link_confirmation(request, cohort: Cohort, *, enabled: bool):
    back = reverse("cohorts:detail", args=[cohort.pk]) + "#aanmeldlink"
    if not enabled:
        return confirmation_page(
            request, title=_("Aanmeldlink uitzetten"), back_url=back,
            submit_label=_("Ja, link uitzetten"), hidden={"action": "disable"},
            lines=[_("De aanmeldlink van %(cohort)s gaat uit. Wie de link heeft gekregen, "
                     "kan zich er niet meer mee aanmelden.") % {"cohort": cohort.name},
                   _("Mensen met een eigen uitnodiging kunnen zich nog wel aanmelden. U kunt "
                     "later een nieuwe link maken, maar de huidige link werkt nooit meer."),
                   _("Dit kunt u niet ongedaan maken.")])
    if cohort.join_token:
        return confirmation_page(
            request, title=_("Nieuwe aanmeldlink maken"), back_url=back,
            submit_label=_("Ja, nieuwe link maken"),
            lines=[_("%(cohort)s krijgt een nieuwe aanmeldlink. De huidige link werkt dan "
                     "niet meer: wie die al heeft gekregen, kan zich er niet meer mee "
                     "aanmelden.") % {"cohort": cohort.name},
                   _("Stuur de nieuwe link daarna zelf rond. Dit kunt u niet ongedaan "
                     "maken.")])
    return confirmation_page(
        request, title=_("Aanmeldlink maken"), back_url=back, danger=False,
        submit_label=_("Ja, link maken"),
        lines=[_("%(cohort)s krijgt een aanmeldlink. Iedereen met die link kan zich "
                 "aanmelden zolang de aanmelding open is.") % {"cohort": cohort.name}])


@login_required
def invitations(request, pk: int):
    cohort = managed_cohort(request, pk)
    paste_form = InvitationPasteForm(prefix="paste")
    upload_form = InvitationUploadForm(prefix="upload")
    result = None
    if request.method == "POST":
        if "paste-addresses" in request.POST:
            paste_form = InvitationPasteForm(request.POST, prefix="paste")
            if paste_form.is_valid():
                result = parse_pasted_addresses(text=paste_form.cleaned_data["addresses"])
        else:
            upload_form = InvitationUploadForm(request.POST, request.FILES, prefix="upload")
            if upload_form.is_valid():
                upload = upload_form.cleaned_data["file"]
                result = parse_invitation_file(data=upload.read(), filename=upload.name)
        if result is not None:
            batch = services.invitations_create(cohort=cohort, rows=result.rows,
                                                created_by=request.user)
            _report_batch(request, batch)
            if not result.errors:
                return redirect("cohorts:invitations", pk=cohort.pk)
            if "paste-addresses" in request.POST:
                # The valid addresses are invited; leave only the lines to correct.
                paste_form = InvitationPasteForm(
                    initial={"addresses": "\n".join(error.raw for error in result.errors)},
                    prefix="paste",
                )
    invitation_list = cohort.invitations.select_related("accepted_by").order_by("email")
    return render(request, "cohorts/invitations.html", {
        "cohort": cohort, "paste_form": paste_form, "upload_form": upload_form,
        "result": result, "invitations": invitation_list,
    })


def _report_batch(request, batch) -> None:
    if batch.created:
        messages.success(request, ngettext(
            "%(count)d uitnodiging verstuurd.", "%(count)d uitnodigingen verstuurd.",
            len(batch.created)) % {"count": len(batch.created)})
    if batch.already_invited:
        messages.info(request, _("Al eerder uitgenodigd (niet opnieuw verstuurd): %(list)s")
                      % {"list": ", ".join(batch.already_invited)})
    if batch.already_participant:
        messages.info(request, _("Doet al mee: %(list)s")
                      % {"list": ", ".join(batch.already_participant)})
    if batch.over_capacity:
        messages.warning(request, _("Het cohort is vol; niet uitgenodigd: %(list)s. Verhoog het "
                                    "maximum in de instellingen als dat de bedoeling is.")
                         % {"list": ", ".join(batch.over_capacity)})


@login_required
@require_POST
def invitation_action(request, pk: int, invitation_pk: int):
    cohort = managed_cohort(request, pk)
    invitation = get_object_or_404(cohort.invitations, pk=invitation_pk)
    action = request.POST.get("action")
    try:
        if action == "resend":
            services.invitation_resend(invitation=invitation)
            messages.success(request, _("Uitnodiging opnieuw verstuurd naar %(email)s.")
                             % {"email": invitation.email})
        elif action == "withdraw":
            # Forms from before the confirmation step: ask first, never act directly.
            return invitation_withdraw(request, pk, invitation_pk)
        else:
            raise Http404
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect("cohorts:invitations", pk=cohort.pk)


@login_required
@require_http_methods(["GET", "POST"])
def invitation_withdraw(request, pk: int, invitation_pk: int):
    cohort = managed_cohort(request, pk)
    invitation = get_object_or_404(cohort.invitations, pk=invitation_pk)
    back = reverse("cohorts:invitations", args=[cohort.pk])
    if invitation.status != InvitationStatus.PENDING:
        messages.error(request, _("Deze uitnodiging staat niet meer open."))
        return redirect(back)
    if not is_confirmed(request):
        who = (f"{invitation.name} ({invitation.email})" if invitation.name
               else invitation.email)
        return confirmation_page(
            request, title=_("Uitnodiging intrekken"), back_url=back,
            action_url=reverse("cohorts:invitation_withdraw", args=[cohort.pk, invitation.pk]),
            submit_label=_("Ja, uitnodiging intrekken"),
            lines=[_("De uitnodiging aan %(email)s wordt ingetrokken. De link in de "
                     "uitnodigingsmail werkt dan niet meer, en herinneringen die nog niet "
                     "zijn verstuurd, gaan niet meer uit.") % {"email": who},
                   _("%(email)s krijgt hierover geen bericht. Dit kunt u niet ongedaan "
                     "maken; wel kunt u later een nieuwe uitnodiging sturen.")
                   % {"email": invitation.name or invitation.email}])
    try:
        services.invitation_withdraw(invitation=invitation)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Uitnodiging voor %(email)s ingetrokken.")
                         % {"email": invitation.email})
    return redirect(back)


def invitation_landing(request, token: str):
    """Where the link in the invitation email leads. Public, but shows nothing without a
    valid token."""
    invitation = Invitation.objects.select_related("cohort").filter(token=token).first()
    problem = services.invitation_problem(invitation)
    if invitation and invitation.status == InvitationStatus.ACCEPTED and \
            request.user.is_authenticated and invitation.accepted_by_id == request.user.pk:
        return redirect("cohorts:detail", pk=invitation.cohort_id)
    if problem:
        return render(request, "cohorts/join_problem.html", {"problem": problem}, status=410
                      if invitation else 404)
    if request.method == "POST" and request.user.is_authenticated:
        services.invitation_accept(invitation=invitation, user=request.user)
        selectors.forget_join(request.session)
        messages.success(request, _("Welkom bij %(cohort)s!") % {"cohort": invitation.cohort})
        return redirect("cohorts:profile", pk=invitation.cohort_id)
    selectors.remember_join(request.session, kind="invitation", token=token)
    return render(request, "cohorts/join.html", {
        "cohort": invitation.cohort, "invitation": invitation,
        "signup_url": reverse("account_signup") + "?" + urlencode({"email": invitation.email}),
    })


def join_link(request, token: str):
    """The cohort's secret join link: anyone with it may join while registration is open."""
    cohort = Cohort.objects.filter(join_token=token).exclude(join_token="").first()
    if cohort is None:
        raise Http404
    if not cohort.registration_open:
        return render(request, "cohorts/join_problem.html", {
            "problem": _("Aanmelden voor dit cohort is gesloten.")}, status=410)
    if request.method == "POST" and request.user.is_authenticated:
        try:
            services.participant_join(cohort=cohort, user=request.user)
        except ValidationError as error:
            return render(request, "cohorts/join_problem.html",
                          {"problem": " ".join(error.messages)}, status=409)
        selectors.forget_join(request.session)
        messages.success(request, _("Welkom bij %(cohort)s!") % {"cohort": cohort})
        return redirect("cohorts:profile", pk=cohort.pk)
    selectors.remember_join(request.session, kind="link", token=token)
    return render(request, "cohorts/join.html", {
        "cohort": cohort, "invitation": None, "signup_url": reverse("account_signup"),
    })


@login_required
def profile(request, pk: int):
    participant = own_participation(request, pk)
    form = ProfileForm(request.POST or None, instance=participant, user=request.user)
    if request.method == "POST" and form.is_valid():
        services.participant_profile_update(participant=participant, **form.cleaned_data)
        messages.success(request, _("Uw profiel is opgeslagen."))
        return redirect("cohorts:detail", pk=participant.cohort_id)
    return render(request, "cohorts/profile_form.html", {
        "form": form, "participant": participant, "cohort": participant.cohort,
    })


@login_required
def organisations(request):
    if not can_confirm_organisations(request.user):
        raise Http404
    if request.method == "POST":
        organisation = get_object_or_404(Organisation, pk=request.POST.get("organisation"),
                                         confirmed=False)
        services.organisation_confirm(organisation=organisation)
        messages.success(request, _("%(name)s is bevestigd.") % {"name": organisation.name})
        return redirect("cohorts:organisations")
    pending = selectors.with_can_change(
        Organisation.objects.filter(confirmed=False).select_related("proposed_by"), request.user)
    confirmed = Organisation.objects.confirmed()
    return render(request, "cohorts/organisations.html", {
        "pending": pending, "confirmed": confirmed,
    })


@login_required
def organisation_list(request):
    if not can_manage_organisations(request.user):
        raise Http404
    return render(request, "cohorts/organisation_list.html", {
        "organisations": selectors.organisations_for(request.user),
        "can_confirm": can_confirm_organisations(request.user),
    })


def _changeable_organisation(request, pk: int) -> Organisation:
    return get_object_or_404(Organisation.objects.changeable_by(request.user), pk=pk)


@login_required
def organisation_edit(request, pk: int):
    organisation = _changeable_organisation(request, pk)
    form = OrganisationForm(request.POST or None, organisation=organisation)
    if request.method == "POST" and form.is_valid():
        try:
            services.organisation_update(organisation=organisation, by=request.user,
                                         **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("%(name)s is opgeslagen.") % {"name": organisation.name})
            return redirect("cohorts:organisation_list")
    return render(request, "cohorts/organisation_form.html", {
        "form": form, "organisation": organisation,
    })


@login_required
def organisation_merge(request, pk: int):
    """Choose the organisation to keep (GET); see plainly what will happen (GET with ?into=,
    or any POST without confirmation); merge (the confirmation page's POST)."""
    duplicate = _changeable_organisation(request, pk)
    data = None
    if request.method == "POST":
        data = request.POST
    elif "into" in request.GET:
        data = request.GET
    form = OrganisationMergeForm(data, duplicate=duplicate, user=request.user)
    if data is not None and form.is_valid():
        into = form.cleaned_data["into"]
        if not is_confirmed(request):
            return _merge_confirmation(request, duplicate, into)
        try:
            moved = services.organisation_merge(duplicate=duplicate, into=into, by=request.user)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, " ".join(_merge_lines(moved, duplicate, into, done=True)))
            return redirect("cohorts:organisation_list")
    return render(request, "cohorts/organisation_merge.html", {
        "duplicate": duplicate, "form": form,
    })


def _merge_confirmation(request, duplicate: Organisation, into: Organisation):
    url = reverse("cohorts:organisation_merge", args=[duplicate.pk])
    return confirmation_page(
        request, title=_("%(name)s samenvoegen") % {"name": duplicate.name},
        lines=_merge_lines(selectors.organisation_merge_preview(duplicate), duplicate, into),
        submit_label=_("Ja, samenvoegen met %(into)s") % {"into": into.name},
        back_url=url, action_url=url, hidden={"into": str(into.pk)},
    )


def _merge_lines(moved, duplicate: Organisation, into: Organisation, *, done=False) -> list[str]:
    names = {"duplicate": duplicate.name, "into": into.name}
    counts = {
        "people": ngettext("%(count)d deelnemer", "%(count)d deelnemers",
                           moved.participants) % {"count": moved.participants},
        "preferences": ngettext("%(count)d voorkeur", "%(count)d voorkeuren",
                                moved.preferences) % {"count": moved.preferences},
    }
    if done:
        lines = [_("%(duplicate)s is samengevoegd met %(into)s: %(people)s en %(preferences)s "
                   "verwijzen nu naar %(into)s.") % {**names, **counts}]
    else:
        lines = [_("%(people)s en %(preferences)s verwijzen dan naar %(into)s.")
                 % {**names, **counts}]
    if moved.invitations:
        lines.append(ngettext(
            "%(count)d openstaande uitnodiging krijgt de organisatienaam %(into)s.",
            "%(count)d openstaande uitnodigingen krijgen de organisatienaam %(into)s.",
            moved.invitations) % {**names, "count": moved.invitations})
    if not done:
        if duplicate.kind != into.kind:
            lines.append(_("Let op: de deelnemers van %(duplicate)s horen daarna bij een %(kind)s "
                           "in plaats van een %(old_kind)s; dat bepaalt met wie zij gekoppeld "
                           "mogen worden.") % {**names, "kind": into.get_kind_display().lower(),
                                               "old_kind": duplicate.get_kind_display().lower()})
        colleagues = selectors.organisation_merge_colleagues(duplicate, into)
        if colleagues:
            lines.append(ngettext(
                "Let op: %(count)d gepubliceerde uitwisseling bestaat daarna uit collega's van "
                "één organisatie: %(pairs)s. Stel daarna voor die deelnemers een andere "
                "koppeling voor.",
                "Let op: %(count)d gepubliceerde uitwisselingen bestaan daarna uit collega's "
                "van één organisatie: %(pairs)s. Stel daarna voor die deelnemers een andere "
                "koppeling voor.", len(colleagues)) % {
                    "count": len(colleagues),
                    "pairs": "; ".join(_("%(a)s en %(b)s") % {"a": a, "b": b}
                                       for a, b in colleagues)})
        lines.append(_("Daarna wordt %(duplicate)s verwijderd. Dit kunt u niet ongedaan maken.")
                     % names)
    return lines
