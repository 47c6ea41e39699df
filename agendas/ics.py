"""iCalendar files: one visit as a download, or all of a person's stage days, agenda items
and cohort meetings as a subscribed feed. UIDs stay the same through every change; SEQUENCE
comes from the object's sequence; times are Europe/Amsterdam with its VTIMEZONE."""

from __future__ import annotations

import zoneinfo
from collections.abc import Iterable
from datetime import date, datetime, timedelta

from django.utils import timezone
from icalendar import Calendar, Event

from wisselstage.ical import add_timezones

from .enums import ItemStatus
from .models import AgendaItem, Visit

AMSTERDAM = zoneinfo.ZoneInfo("Europe/Amsterdam")
UTC = zoneinfo.ZoneInfo("UTC")


def _calendar(name: str) -> Calendar:
    calendar = Calendar()
    calendar.add("prodid", "-//Wisselstage//Agenda//NL")
    calendar.add("version", "2.0")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", name)
    return calendar


def _visit_title(visit: Visit) -> str:
    return f"Wisselstage: {visit.guest} bij {visit.host}"


def _day_event(visit: Visit, day: date, stamp: datetime) -> Event:
    event = Event()
    event.add("uid", visit.uid_for_day(day))
    event.add("sequence", visit.sequence)
    event.add("dtstamp", stamp)
    event.add("dtstart", day)
    event.add("dtend", day + timedelta(days=1))
    event.add("summary", _visit_title(visit))
    location = visit.meeting_link if visit.mode == "online" else visit.address
    if location:
        event.add("location", location)
    event.add("transp", "TRANSPARENT")
    return event


def _item_event(item: AgendaItem, visit: Visit, stamp: datetime) -> Event:
    event = Event()
    event.add("uid", item.uid)
    event.add("sequence", item.sequence)
    event.add("dtstamp", stamp)
    event.add("dtstart", datetime.combine(item.day, item.start, tzinfo=AMSTERDAM))
    event.add("dtend", datetime.combine(item.day, item.end, tzinfo=AMSTERDAM))
    event.add("summary", f"{item.title} ({_visit_title(visit)})")
    description = "\n".join(text for text in (item.description, item.meets and
                                              f"Ontmoet: {item.meets}") if text)
    if description:
        event.add("description", description)
    if item.place:
        event.add("location", item.place)
    # A proposal the other has not accepted yet is TENTATIVE: calendars show it as "maybe".
    if item.cancelled:
        event.add("status", "CANCELLED")
    else:
        event.add("status", "CONFIRMED" if item.status == ItemStatus.ACCEPTED else "TENTATIVE")
    return event


def _add_visit(calendar: Calendar, visit: Visit, items: Iterable[AgendaItem],
               stamp: datetime) -> None:
    days = visit.day_dates
    for day in days:
        calendar.add_component(_day_event(visit, day, stamp))
    for item in items:
        # An item on a day the visit no longer has (the days were changed after it was
        # planned) is left out: the planning page warns about it, a calendar would mislead.
        if item.day in days:
            calendar.add_component(_item_event(item, visit, stamp))


def visit_calendar(*, visit: Visit) -> bytes:
    """The visit's days (all-day events) and its agenda items; cancelled ones CANCELLED."""
    stamp = timezone.now().astimezone(UTC)
    calendar = _calendar(_visit_title(visit))
    _add_visit(calendar, visit, visit.items.all(), stamp)
    add_timezones(calendar)
    return calendar.to_ical()


def feed_calendar(*, user, visits: Iterable[Visit]) -> bytes:
    """Everything of one person: their visits, agenda items and cohort meetings."""
    stamp = timezone.now().astimezone(UTC)
    calendar = _calendar("Wisselstage")
    for visit in visits:
        _add_visit(calendar, visit, visit.items.all(), stamp)
    for event in _meeting_events(user, stamp):
        calendar.add_component(event)
    add_timezones(calendar)
    return calendar.to_ical()


def _meeting_events(user, stamp: datetime) -> list[Event]:
    """Group meetings of the person's cohorts; meetings is another app, so it is optional."""
    try:
        from cohorts.enums import ParticipantStatus
        from meetings.models import Meeting
    except ImportError:  # pragma: no cover - meetings not installed
        return []
    meetings = Meeting.objects.filter(
        cohort__participants__user=user,
        cohort__participants__status__in=ParticipantStatus.active(),
    ).select_related("cohort").distinct()
    events = []
    for meeting in meetings:
        event = Event()
        event.add("uid", meeting.uid)
        event.add("sequence", meeting.sequence)
        event.add("dtstamp", stamp)
        event.add("dtstart", meeting.starts_at.astimezone(AMSTERDAM))
        event.add("dtend", meeting.ends_at.astimezone(AMSTERDAM))
        event.add("summary", f"{meeting.title} ({meeting.cohort.name})")
        if meeting.location:
            event.add("location", meeting.location)
        event.add("status", "CANCELLED" if meeting.is_cancelled else "CONFIRMED")
        events.append(event)
    return events
