"""iCalendar files for meetings: one UID per meeting, SEQUENCE = meeting.sequence."""

from __future__ import annotations

import zoneinfo
from email.utils import parseaddr

from django.conf import settings
from django.utils import timezone
from icalendar import Calendar, Event, vCalAddress

from wisselstage.ical import add_timezones

from .models import Meeting

AMSTERDAM = zoneinfo.ZoneInfo("Europe/Amsterdam")
METHOD_REQUEST = "REQUEST"
METHOD_CANCEL = "CANCEL"


def meeting_calendar(*, meeting: Meeting, method: str | None = None) -> bytes:
    """The meeting as an iCalendar file. METHOD:CANCEL with STATUS:CANCELLED for a cancelled
    meeting, METHOD:REQUEST otherwise; times in Europe/Amsterdam with its VTIMEZONE."""
    if method is None:
        method = METHOD_CANCEL if meeting.is_cancelled else METHOD_REQUEST
    calendar = Calendar()
    calendar.add("prodid", "-//Wisselstage//Bijeenkomsten//NL")
    calendar.add("version", "2.0")
    calendar.add("method", method)
    event = Event()
    event.add("uid", meeting.uid)
    event.add("sequence", meeting.sequence)
    event.add("dtstamp", timezone.now().astimezone(zoneinfo.ZoneInfo("UTC")))
    event.add("dtstart", meeting.starts_at.astimezone(AMSTERDAM))
    event.add("dtend", meeting.ends_at.astimezone(AMSTERDAM))
    event.add("summary", f"{meeting.title} ({meeting.cohort.name})")
    if meeting.location:
        event.add("location", meeting.location)
    if meeting.online_url:
        event.add("url", meeting.online_url)
    if meeting.description:
        event.add("description", meeting.description)
    organizer = vCalAddress(f"mailto:{parseaddr(settings.DEFAULT_FROM_EMAIL)[1]}")
    organizer.params["cn"] = meeting.cohort.sender_name or "Wisselstage"
    event.add("organizer", organizer)
    cancelled = method == METHOD_CANCEL
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    calendar.add_component(event)
    add_timezones(calendar)
    return calendar.to_ical()


def ics_attachment(*, meeting: Meeting, method: str) -> tuple[str, bytes, str]:
    """(filename, content, mimetype) for an email attachment."""
    name = "annulering.ics" if method == METHOD_CANCEL else "bijeenkomst.ics"
    return name, meeting_calendar(meeting=meeting, method=method), (
        f"text/calendar; charset=utf-8; method={method}")
