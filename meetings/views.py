"""Request in, service call, response out. Meetings and messages are fetched through
querysets scoped to the user, so an outsider gets a 404."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format, time_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_http_methods, require_POST

from cohorts.models import Participant
from cohorts.rules import can_manage_cohort
from cohorts.shortcuts import managed_cohort, visible_cohort
from notifications import kinds
from notifications.emails import render_message
from notifications.enums import OutboxStatus
from notifications.services import (
    outbox_cancel_message,
    outbox_hold,
    outbox_release,
    outbox_send_now,
)
from wisselstage.confirm import confirmation_page, is_confirmed

from . import selectors, services
from .forms import AttendanceForm, MaterialForm, MeetingForm, ReminderRulesForm
from .ics import meeting_calendar
from .models import Meeting, MeetingMaterial


def _managed_meeting(request, pk: int, meeting_pk: int) -> Meeting:
    return get_object_or_404(
        Meeting.objects.managed_by(request.user).select_related("cohort"),
        cohort_id=pk, pk=meeting_pk)


def _visible_meeting(request, pk: int, meeting_pk: int) -> Meeting:
    return get_object_or_404(
        Meeting.objects.visible_to(request.user).select_related("cohort"),
        cohort_id=pk, pk=meeting_pk)


@login_required
def meeting_list(request, pk: int):
    cohort = visible_cohort(request, pk)
    upcoming, past = selectors.meetings_for_cohort(cohort=cohort)
    manages = can_manage_cohort(request.user, cohort)
    return render(request, "meetings/meeting_list.html", {
        "cohort": cohort, "upcoming": upcoming, "past": past, "manages": manages,
        "offsets": services.reminder_offsets(cohort=cohort) if manages else [],
    })


@login_required
def meeting_create(request, pk: int):
    cohort = managed_cohort(request, pk)
    form = MeetingForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        meeting = services.meeting_create(cohort=cohort, **form.cleaned_data)
        messages.success(request, _("De bijeenkomst is toegevoegd. De herinneringen staan "
                                    "klaar."))
        return redirect("meetings:detail", pk=cohort.pk, meeting_pk=meeting.pk)
    return render(request, "meetings/meeting_form.html",
                  {"cohort": cohort, "form": form, "meeting": None})


@login_required
@require_POST
def meeting_propose(request, pk: int):
    cohort = managed_cohort(request, pk)
    created = services.meeting_propose_standard(cohort=cohort)
    if created:
        messages.success(request, ngettext(
            "%(count)d standaardbijeenkomst toegevoegd.",
            "%(count)d standaardbijeenkomsten toegevoegd.", len(created)) % {
                "count": len(created)})
    else:
        messages.info(request, _("De standaardbijeenkomsten stonden er al."))
    return redirect("meetings:list", pk=cohort.pk)


@login_required
def meeting_detail(request, pk: int, meeting_pk: int):
    meeting = _visible_meeting(request, pk, meeting_pk)
    manages = can_manage_cohort(request.user, meeting.cohort)
    return render(request, "meetings/meeting_detail.html", {
        "cohort": meeting.cohort, "meeting": meeting, "manages": manages,
        "materials": list(meeting.materials.all()),
        "material_form": MaterialForm() if manages else None,
    })


@login_required
def meeting_edit(request, pk: int, meeting_pk: int):
    meeting = _managed_meeting(request, pk, meeting_pk)
    if meeting.is_cancelled:
        raise Http404
    form = MeetingForm(request.POST or None, instance=Meeting.objects.get(pk=meeting.pk))
    if request.method == "POST" and form.is_valid():
        services.meeting_update(meeting=meeting, **form.cleaned_data)
        messages.success(request, _("De wijzigingen zijn opgeslagen. Deelnemers krijgen "
                                    "bericht als tijd of plaats is veranderd."))
        return redirect("meetings:detail", pk=meeting.cohort_id, meeting_pk=meeting.pk)
    return render(request, "meetings/meeting_form.html",
                  {"cohort": meeting.cohort, "form": form, "meeting": meeting})


@login_required
@require_http_methods(["GET", "POST"])
def meeting_cancel(request, pk: int, meeting_pk: int):
    meeting = _managed_meeting(request, pk, meeting_pk)
    detail = reverse("meetings:detail", args=[meeting.cohort_id, meeting.pk])
    if meeting.is_cancelled:
        messages.info(request, _("Deze bijeenkomst is al afgelast."))
        return redirect(detail)
    if not is_confirmed(request):
        count = Participant.objects.active().filter(cohort=meeting.cohort_id).count()
        moment = timezone.localtime(meeting.starts_at)
        return confirmation_page(
            request, title=_("Bijeenkomst afgelasten"), back_url=detail,
            submit_label=_("Ja, afgelasten"),
            lines=[_("‘%(title)s’ op %(day)s om %(time)s gaat dan niet door.") % {
                       "title": meeting.title, "day": date_format(moment, "l j F Y"),
                       "time": time_format(moment, "H:i")},
                   ngettext("%(count)d deelnemer krijgt een afzegging per e-mail, met een "
                            "agendabestand dat de afspraak uit de agenda haalt.",
                            "Alle %(count)d deelnemers krijgen een afzegging per e-mail, met "
                            "een agendabestand dat de afspraak uit de agenda haalt.", count)
                   % {"count": count},
                   _("Herinneringen die nog niet zijn verstuurd, worden ingetrokken. Dit kunt "
                     "u niet ongedaan maken.")])
    services.meeting_cancel(meeting=meeting)
    messages.success(request, _("De bijeenkomst is afgelast. Deelnemers krijgen bericht."))
    return redirect(detail)


@login_required
def meeting_attendance(request, pk: int, meeting_pk: int):
    meeting = _managed_meeting(request, pk, meeting_pk)
    participants = list(Participant.objects.active().filter(cohort=meeting.cohort)
                        .select_related("user"))
    present = [str(pk) for pk in meeting.attendances.values_list("participant_id", flat=True)]
    form = AttendanceForm(request.POST or None, participants=participants,
                          initial={"present": present})
    if request.method == "POST" and form.is_valid():
        try:
            count = services.attendance_record(meeting=meeting,
                                               participant_ids=form.cleaned_data["present"],
                                               recorded_by=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect("meetings:detail", pk=meeting.cohort_id, meeting_pk=meeting.pk)
        messages.success(request, ngettext("%(count)d deelnemer was aanwezig.",
                                           "%(count)d deelnemers waren aanwezig.", count)
                         % {"count": count})
        return redirect("meetings:detail", pk=meeting.cohort_id, meeting_pk=meeting.pk)
    return render(request, "meetings/attendance_form.html",
                  {"cohort": meeting.cohort, "meeting": meeting, "form": form})


@login_required
@require_POST
def material_upload(request, pk: int, meeting_pk: int):
    meeting = _managed_meeting(request, pk, meeting_pk)
    form = MaterialForm(request.POST, request.FILES)
    if form.is_valid():
        services.material_add(meeting=meeting, file=form.cleaned_data["file"],
                              uploaded_by=request.user)
        messages.success(request, _("Het bestand is toegevoegd."))
        return redirect("meetings:detail", pk=meeting.cohort_id, meeting_pk=meeting.pk)
    return render(request, "meetings/meeting_detail.html", {
        "cohort": meeting.cohort, "meeting": meeting, "manages": True,
        "materials": list(meeting.materials.all()), "material_form": form,
    }, status=400)


@login_required
@require_http_methods(["GET", "POST"])
def material_delete(request, pk: int, meeting_pk: int, material_pk: int):
    meeting = _managed_meeting(request, pk, meeting_pk)
    material = get_object_or_404(meeting.materials, pk=material_pk)
    detail = reverse("meetings:detail", args=[meeting.cohort_id, meeting.pk])
    if not is_confirmed(request):
        return confirmation_page(
            request, title=_("Bestand verwijderen"), back_url=detail,
            submit_label=_("Ja, verwijderen"),
            lines=[_("Het bestand %(name)s wordt verwijderd bij ‘%(meeting)s’. Deelnemers "
                     "kunnen het daarna niet meer downloaden.") % {
                       "name": material.name, "meeting": meeting.title},
                   _("Dit kunt u niet ongedaan maken. Bewaar het bestand eerst zelf als u het "
                     "nog nodig hebt.")])
    services.material_remove(material=material)
    messages.success(request, _("Het bestand is verwijderd."))
    return redirect(detail)


@login_required
def material_download(request, pk: int, meeting_pk: int, material_pk: int):
    meeting = _visible_meeting(request, pk, meeting_pk)
    material = get_object_or_404(MeetingMaterial, meeting=meeting, pk=material_pk)
    return FileResponse(material.file.open("rb"), as_attachment=True, filename=material.name)


@login_required
def meeting_ics(request, pk: int, meeting_pk: int):
    meeting = _visible_meeting(request, pk, meeting_pk)
    response = HttpResponse(meeting_calendar(meeting=meeting),
                            content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="bijeenkomst-{meeting.pk}.ics"'
    return response


@login_required
def reminder_rules(request, pk: int):
    cohort = managed_cohort(request, pk)
    current = ", ".join(str(d) for d in services.reminder_offsets(cohort=cohort))
    form = ReminderRulesForm(request.POST or None, initial={"days": current})
    if request.method == "POST" and form.is_valid():
        services.reminder_rules_set(cohort=cohort, days=form.cleaned_data["days"])
        messages.success(request, _("De herinneringen zijn aangepast."))
        return redirect("meetings:list", pk=cohort.pk)
    return render(request, "meetings/reminder_rules.html", {"cohort": cohort, "form": form})


# --- the cohort's outbox ---------------------------------------------------------------------

@login_required
def outbox(request, pk: int):
    cohort = managed_cohort(request, pk)
    status = request.GET.get("status", "")
    if status not in OutboxStatus.values:
        status = ""
    page = Paginator(selectors.cohort_outbox(user=request.user, cohort=cohort, status=status),
                     OUTBOX_PAGE_SIZE).get_page(request.GET.get("pagina"))
    rows = list(page.object_list)
    subjects = selectors.outbox_subjects(rows)
    for row in rows:
        row.subject_title = subjects.get(row.pk, "")
    counts = selectors.cohort_outbox_counts(user=request.user, cohort=cohort)
    return render(request, "meetings/outbox.html", {
        "cohort": cohort, "rows": rows, "page": page, "status": status,
        "statuses": [(value, label, counts.get(value, 0))
                     for value, label in OutboxStatus.choices],
    })


OUTBOX_PAGE_SIZE = 50


@login_required
def outbox_preview(request, pk: int, message_pk: int):
    cohort = managed_cohort(request, pk)
    message = get_object_or_404(selectors.cohort_outbox(user=request.user, cohort=cohort),
                                pk=message_pk)
    rendered, stale = None, False
    try:
        kind = kinds.get(message.kind)
        context = kind.get_context(message)
        if context is None:
            stale = True
        else:
            rendered = render_message(message, kind, context)
    except Exception:  # an unknown kind or a payload cleared after sending
        rendered = None
    return render(request, "meetings/outbox_preview.html", {
        "cohort": cohort, "message": message, "rendered": rendered, "stale": stale,
    })


OUTBOX_ACTIONS = {
    "aanhouden": (outbox_hold, gettext_lazy("Het bericht wordt aangehouden.")),
    "vrijgeven": (outbox_release, gettext_lazy("Het bericht gaat weer op het geplande moment.")),
    "nu-versturen": (outbox_send_now,
                     gettext_lazy("Het bericht wordt zo snel mogelijk verstuurd.")),
    "intrekken": (outbox_cancel_message, gettext_lazy("Het bericht is ingetrokken.")),
}


@login_required
@require_POST
def outbox_action(request, pk: int, message_pk: int, action: str):
    cohort = managed_cohort(request, pk)
    message = get_object_or_404(selectors.cohort_outbox(user=request.user, cohort=cohort),
                                pk=message_pk)
    if action not in OUTBOX_ACTIONS:
        raise Http404
    service, done = OUTBOX_ACTIONS[action]
    if service(message_id=message.pk):
        messages.success(request, str(done))
    else:
        messages.warning(request, _("Dat kan niet meer: de status van het bericht is "
                                    "intussen veranderd."))
    outbox_url = reverse("meetings:outbox", args=[cohort.pk])
    next_url = request.POST.get("next", "")
    return redirect(next_url if next_url.startswith(outbox_url) else outbox_url)
