"""Request in, service call, response out. Every exchange, visit and item comes from a
queryset scoped to the user, so an outsider (or an id typed in by hand) gets a 404."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.formats import date_format, time_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from cohorts.shortcuts import managed_cohort
from wisselstage.confirm import confirmation_page, is_confirmed

from . import ics, selectors, services
from .forms import AgendaItemForm, CommentForm, VisitForm
from .models import AgendaItem, CalendarFeed, Visit
from .rules import can_mark_held, is_visit_partner


def _exchange(request, exchange_pk: int):
    from matching.models import Exchange

    return get_object_or_404(
        Exchange.objects.visible_to(request.user).filter(published_at__isnull=False)
        .select_related("cohort"), pk=exchange_pk)


def _visit(request, exchange_pk: int, visit_pk: int) -> Visit:
    exchange = _exchange(request, exchange_pk)
    return get_object_or_404(
        Visit.objects.visible_to(request.user).select_related(
            "exchange__cohort", "host__user", "guest__user"),
        exchange=exchange, pk=visit_pk)


def _item(request, exchange_pk: int, item_pk: int) -> AgendaItem:
    exchange = _exchange(request, exchange_pk)
    return get_object_or_404(
        AgendaItem.objects.visible_to(request.user).select_related(
            "visit__exchange__cohort", "visit__host__user", "visit__guest__user"),
        visit__exchange=exchange, pk=item_pk)


def _planning_url(exchange_pk: int, anchor: str = "") -> str:
    url = reverse("agendas:planning", args=[exchange_pk])
    return f"{url}#{anchor}" if anchor else url


@login_required
def planning(request, exchange_pk: int):
    exchange = _exchange(request, exchange_pk)
    visits = services.visits_ensure(exchange=exchange)
    blocks = []
    for visit in visits:
        items = selectors.visit_items(visit)
        days = visit.day_dates
        by_day = [(day, [i for i in items if i.day == day]) for day in days]
        elsewhere = [i for i in items if i.day not in days]
        blocks.append({
            "visit": visit, "by_day": by_day, "elsewhere": elsewhere,
            "warnings": selectors.visit_warnings(visit=visit, items=items),
            "is_partner": is_visit_partner(request.user, visit),
            "my_agreement": _my_agreement(request.user, visit),
            "can_mark_held": can_mark_held(request.user, visit),
            "item_form": AgendaItemForm(initial={"day": (days or [None])[0]},
                                        prefix=f"v{visit.pk}"),
        })
    return render(request, "agendas/planning.html", {
        "exchange": exchange, "cohort": exchange.cohort, "blocks": blocks,
        "suggestions": services.suggestions(),
    })


def _my_agreement(user, visit: Visit):
    if user.pk == visit.host.user_id:
        return visit.agreed_by_host_at
    if user.pk == visit.guest.user_id:
        return visit.agreed_by_guest_at
    return None


@login_required
def visit_edit(request, exchange_pk: int, visit_pk: int):
    visit = _visit(request, exchange_pk, visit_pk)
    initial = {"days": visit.days, "mode": visit.mode, "address": visit.address,
               "meeting_link": visit.meeting_link}
    form = VisitForm(request.POST or None, initial=initial, visit=visit)
    if request.method == "POST" and form.is_valid():
        try:
            services.visit_update(visit=visit, actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Het bezoek is opgeslagen."))
            return redirect(_planning_url(exchange_pk, f"bezoek-{visit.pk}"))
    return render(request, "agendas/visit_form.html", {"form": form, "visit": visit})


@login_required
def item_create(request, exchange_pk: int, visit_pk: int):
    visit = _visit(request, exchange_pk, visit_pk)
    form = AgendaItemForm(request.POST or None, prefix=f"v{visit.pk}")
    if request.method == "POST" and form.is_valid():
        try:
            services.agenda_item_create(visit=visit, actor=request.user, **form.item_fields())
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Het onderdeel is voorgesteld."))
            return redirect(_planning_url(exchange_pk, f"bezoek-{visit.pk}"))
    return render(request, "agendas/item_form.html", {"form": form, "visit": visit,
                                                      "item": None})


@login_required
def item_edit(request, exchange_pk: int, item_pk: int):
    item = _item(request, exchange_pk, item_pk)
    if item.cancelled:
        raise Http404
    current = None
    if request.method == "POST":
        form = AgendaItemForm(request.POST)
        if form.is_valid():
            try:
                services.agenda_item_update(
                    item=item, expected_version=form.cleaned_data["version"] or 0,
                    actor=request.user, **form.item_fields())
            except services.StaleEdit as stale:
                current = stale.current
                # Keep what this user typed; the next save goes against the current version.
                data = request.POST.copy()
                data["version"] = current.version
                form = AgendaItemForm(data)
                form.is_valid()
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, _("Het onderdeel is gewijzigd."))
                return redirect(_planning_url(exchange_pk, f"onderdeel-{item.pk}"))
    else:
        form = AgendaItemForm(initial={
            **{name: getattr(item, name) for name in services.ITEM_FIELDS},
            "version": item.version})
    return render(request, "agendas/item_form.html", {
        "form": form, "visit": item.visit, "item": item, "current": current})


@login_required
@require_http_methods(["GET", "POST"])
def item_action(request, exchange_pk: int, item_pk: int, action: str):
    """Accept, strike or comment on an item. Striking cannot be undone, so a GET (and a POST
    without confirmation) shows what it will do first; the other actions are POST only."""
    item = _item(request, exchange_pk, item_pk)
    if action == "schrappen" and not is_confirmed(request):
        if item.cancelled:
            raise Http404
        return _item_cancel_confirmation(request, item)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    try:
        if action == "accepteren":
            services.agenda_item_accept(item=item, actor=request.user)
            messages.success(request, _("Het onderdeel is geaccepteerd."))
        elif action == "schrappen":
            services.agenda_item_cancel(item=item, actor=request.user)
            messages.success(request, _("Het onderdeel is geschrapt."))
        elif action == "opmerking":
            form = CommentForm(request.POST)
            if not form.is_valid():
                messages.error(request, _("Een opmerking is hoogstens 2000 tekens lang."))
            else:
                services.agenda_item_comment(item=item, actor=request.user,
                                             comment=form.cleaned_data["comment"])
                messages.success(request, _("De opmerking is opgeslagen."))
        else:
            raise Http404
    except ValidationError as error:
        for text in error.messages:
            messages.error(request, text)
    return redirect(_planning_url(exchange_pk, f"onderdeel-{item.pk}"))


def _item_cancel_confirmation(request, item: AgendaItem):
    visit = item.visit
    others = [p.user for p in (visit.host, visit.guest) if p.user_id != request.user.pk]
    lines = [_("‘%(title)s’ op %(day)s, %(start)s–%(end)s, wordt geschrapt. Het blijft "
               "doorgestreept in de agenda staan; terugzetten kan niet.") % {
        "title": item.title, "day": date_format(item.day, "l j F Y"),
        "start": time_format(item.start, "H:i"), "end": time_format(item.end, "H:i")}]
    if visit.agreed_by_host_at or visit.agreed_by_guest_at:
        if others and len(others) == 1:  # the reader is one of the two
            lines.append(_("Het akkoord op dit bezoek vervalt: u en %(name)s moeten opnieuw "
                           "akkoord geven.") % {"name": others[0].name or others[0].email})
        else:
            lines.append(_("Het akkoord op dit bezoek vervalt: %(guest)s en %(host)s moeten "
                           "opnieuw akkoord geven.") % {"guest": visit.guest, "host": visit.host})
    names = [u.name or u.email for u in others]
    if len(names) == 1:
        lines.append(_("%(name)s krijgt hiervan binnen een kwartier bericht per e-mail.")
                     % {"name": names[0]})
    elif names:
        lines.append(_("%(first)s en %(second)s krijgen hiervan binnen een kwartier bericht "
                       "per e-mail.") % {"first": names[0], "second": names[1]})
    return confirmation_page(
        request, title=_("Onderdeel schrappen"), lines=lines,
        submit_label=_("Ja, schrappen"),
        back_url=_planning_url(item.visit.exchange_id, f"onderdeel-{item.pk}"))


@login_required
@require_POST
def suggest(request, exchange_pk: int, visit_pk: int):
    visit = _visit(request, exchange_pk, visit_pk)
    try:
        item = services.agenda_item_suggest(visit=visit, actor=request.user,
                                            key=request.POST.get("key", ""))
    except ValidationError as error:
        for text in error.messages:
            messages.error(request, text)
    else:
        messages.success(request, _("‘%(title)s’ is voorgesteld.") % {"title": item.title})
    return redirect(_planning_url(exchange_pk, f"bezoek-{visit.pk}"))


@login_required
@require_POST
def agree(request, exchange_pk: int, visit_pk: int):
    visit = _visit(request, exchange_pk, visit_pk)
    participant = next((p for p in (visit.host, visit.guest) if p.user_id == request.user.pk),
                       None)
    if participant is None:
        raise Http404
    try:
        services.visit_agree(visit=visit, participant=participant)
    except ValidationError as error:
        for text in error.messages:
            messages.error(request, text)
    else:
        messages.success(request, _("U hebt akkoord gegeven op dit bezoek."))
    return redirect(_planning_url(exchange_pk, f"bezoek-{visit.pk}"))


@login_required
@require_POST
def mark_held(request, exchange_pk: int, visit_pk: int):
    visit = _visit(request, exchange_pk, visit_pk)
    if not can_mark_held(request.user, visit):
        raise Http404
    try:
        services.visit_mark_held(visit=visit, held=request.POST.get("held") == "1")
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Opgeslagen."))
    next_url = request.POST.get("next", "")
    if next_url == "board":
        return redirect("agendas:board", pk=visit.exchange.cohort_id)
    return redirect(_planning_url(exchange_pk, f"bezoek-{visit.pk}"))


@login_required
def visit_print(request, exchange_pk: int, visit_pk: int):
    visit = _visit(request, exchange_pk, visit_pk)
    items = [i for i in selectors.visit_items(visit) if not i.cancelled]
    return render(request, "agendas/visit_print.html", {"visit": visit, "items": items})


@login_required
def visit_ics(request, exchange_pk: int, visit_pk: int):
    visit = _visit(request, exchange_pk, visit_pk)
    response = HttpResponse(ics.visit_calendar(visit=visit),
                            content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="wisselstage-bezoek-{visit.pk}.ics"'
    return response


@login_required
def board(request, pk: int):
    cohort = managed_cohort(request, pk)
    rows = selectors.planning_board(cohort=cohort)
    return render(request, "agendas/board.html", {"cohort": cohort, "rows": rows})


@login_required
@require_POST
def nudge(request, pk: int, exchange_pk: int):
    cohort = managed_cohort(request, pk)
    exchange = get_object_or_404(cohort.exchanges.filter(published_at__isnull=False),
                                 pk=exchange_pk)
    planned = services.exchange_nudge(exchange=exchange, actor=request.user)
    if planned:
        messages.success(request, _("Er gaat een herinnering naar de partners."))
    else:
        messages.info(request, _("Deze partners hebben vandaag al een herinnering gekregen."))
    return redirect("agendas:board", pk=cohort.pk)


@login_required
def feed_settings(request):
    if request.method == "POST":  # a form from before the confirmation step
        return feed_renew(request)
    feed = services.calendar_feed_for(user=request.user)
    url = request.build_absolute_uri(reverse("agendas:feed", args=[feed.token]))
    return render(request, "agendas/feed_settings.html", {"feed_url": url})


@login_required
@require_http_methods(["GET", "POST"])
def feed_renew(request):
    if not is_confirmed(request):
        return confirmation_page(
            request, title=_("Nieuwe agendalink maken"),
            action_url=reverse("agendas:feed_renew"),
            back_url=reverse("agendas:feed_settings"), submit_label=_("Ja, nieuwe link maken"),
            lines=[_("U krijgt een nieuwe persoonlijke agendalink. De huidige link werkt dan "
                     "niet meer: Outlook of Google Agenda toont uw stagedagen en "
                     "bijeenkomsten via die link niet langer."),
                   _("Abonneer u daarna opnieuw met de nieuwe link. Dit kunt u niet ongedaan "
                     "maken.")])
    services.calendar_feed_renew(user=request.user)
    messages.success(request, _("U hebt een nieuwe agendalink. De oude werkt niet meer."))
    return redirect("agendas:feed_settings")


def feed(request, token: str):
    """The secret URL is the only credential: calendar apps cannot log in."""
    feed = get_object_or_404(CalendarFeed.objects.select_related("user"), token=token)
    if not feed.user.is_active:
        raise Http404
    body = ics.feed_calendar(user=feed.user, visits=selectors.feed_visits(feed.user))
    return HttpResponse(body, content_type="text/calendar; charset=utf-8")
