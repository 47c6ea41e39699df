from __future__ import annotations

from datetime import UTC, date, datetime, time

import pytest
from django.urls import reverse
from icalendar import Calendar

from agendas import services
from agendas.enums import VisitMode
from agendas.models import CalendarFeed
from tests.agendas.conftest import make_exchange
from tests.factories import CohortFactory, ParticipantFactory

pytestmark = pytest.mark.django_db



@pytest.fixture
def autumn_visit(coordinator):
    """Stage week A spans the change to winter time (Sunday 25 October 2026)."""
    cohort = CohortFactory(week_a_start=date(2026, 10, 19), week_b_start=date(2026, 10, 26),
                           registration_deadline=date(2026, 9, 1),
                           preference_deadline=date(2026, 9, 15), days_per_visit=4)
    cohort.coordinators.add(coordinator)
    host, guest = ParticipantFactory(cohort=cohort), ParticipantFactory(cohort=cohort)
    exchange = make_exchange(cohort, [host, guest])
    visit_a, visit_b = services.visits_ensure(exchange=exchange)
    return visit_a, visit_b, host, guest


def _events(body: bytes) -> dict:
    calendar = Calendar.from_ical(body)
    return {str(e["uid"]): e for e in calendar.walk("VEVENT")}, calendar


def _download(client, visit):
    return client.get(reverse("agendas:visit_ics", args=[visit.exchange_id, visit.pk]))


def test_visit_ics_times_cross_winter_time(client, autumn_visit):
    visit_a, visit_b, host, guest = autumn_visit
    services.visit_update(visit=visit_a, actor=host.user, days=[date(2026, 10, 23)],
                          mode=VisitMode.ON_SITE, address="Markt 1")
    services.visit_update(visit=visit_b, actor=host.user, days=[date(2026, 10, 26)],
                          mode=VisitMode.ONLINE, meeting_link="https://meet.example/x")
    friday = services.agenda_item_create(visit=visit_a, actor=host.user, day=date(2026, 10, 23),
                                         start=time(9), end=time(10), title="Vrijdag")
    monday = services.agenda_item_create(visit=visit_b, actor=host.user, day=date(2026, 10, 26),
                                         start=time(9), end=time(10), title="Maandag")
    client.force_login(guest.user)
    response = _download(client, visit_a)
    assert response["Content-Type"].startswith("text/calendar")
    events, calendar = _events(response.content)
    assert calendar["method"] == "PUBLISH"
    assert calendar.walk("VTIMEZONE")[0]["tzid"] == "Europe/Amsterdam"
    start = events[friday.uid]["dtstart"].dt
    assert str(start.tzinfo) == "Europe/Amsterdam"
    assert start.astimezone(UTC) == datetime(2026, 10, 23, 7, 0, tzinfo=UTC)
    assert f"visit-{visit_a.pk}-2026-10-23@wisselstage" in events

    events_b, _ = _events(_download(client, visit_b).content)
    assert events_b[monday.uid]["dtstart"].dt.astimezone(UTC) == datetime(
        2026, 10, 26, 8, 0, tzinfo=UTC)
    assert b"TZID=Europe/Amsterdam" in _download(client, visit_b).content


def test_visit_ics_uid_stable_sequence_rises_cancelled(client, autumn_visit):
    visit_a, _, host, guest = autumn_visit
    services.visit_update(visit=visit_a, actor=host.user, days=[date(2026, 10, 21)],
                          mode=VisitMode.ON_SITE)
    item = services.agenda_item_create(visit=visit_a, actor=host.user, day=date(2026, 10, 21),
                                       start=time(9), end=time(10), title="Eerst")
    client.force_login(guest.user)
    before, _ = _events(_download(client, visit_a).content)
    item = services.agenda_item_update(item=item, expected_version=item.version,
                                       actor=guest.user, title="Daarna", start=time(10),
                                       end=time(11))
    after, _ = _events(_download(client, visit_a).content)
    assert set(before) == set(after)
    assert after[item.uid]["sequence"] > before[item.uid]["sequence"]
    assert str(after[item.uid]["summary"]).startswith("Daarna")
    services.agenda_item_cancel(item=item, actor=host.user)
    cancelled, _ = _events(_download(client, visit_a).content)
    assert cancelled[item.uid]["status"] == "CANCELLED"
    assert cancelled[item.uid]["sequence"] > after[item.uid]["sequence"]


def test_visit_ics_outsider_404(client, autumn_visit, outsider):
    client.force_login(outsider)
    assert _download(client, autumn_visit[0]).status_code == 404


def test_feed_has_own_visits_items_and_meetings(client, autumn_visit):
    visit_a, visit_b, host, guest = autumn_visit
    services.visit_update(visit=visit_a, actor=host.user, days=[date(2026, 10, 20)],
                          mode=VisitMode.ON_SITE)
    services.visit_update(visit=visit_b, actor=host.user, days=[date(2026, 10, 27)],
                          mode=VisitMode.ON_SITE)
    item = services.agenda_item_create(visit=visit_b, actor=host.user, day=date(2026, 10, 27),
                                       start=time(13), end=time(14), title="Gesprek")
    meeting_uid = None
    try:
        from meetings.models import Meeting
    except ImportError:  # pragma: no cover
        Meeting = None  # noqa: N806
    if Meeting is not None:
        meeting = Meeting.objects.create(
            cohort=visit_a.exchange.cohort, title="Startbijeenkomst",
            starts_at=datetime(2026, 10, 12, 13, 0, tzinfo=UTC),
            ends_at=datetime(2026, 10, 12, 15, 0, tzinfo=UTC))
        meeting_uid = meeting.uid
    stranger_visit = services.visits_ensure(exchange=make_exchange(
        visit_a.exchange.cohort, [ParticipantFactory(cohort=visit_a.exchange.cohort),
                                  ParticipantFactory(cohort=visit_a.exchange.cohort)]))[0]
    services.agenda_item_create(visit=stranger_visit, actor=None, day=date(2026, 10, 20),
                                start=time(9), end=time(10), title="Niet van mij")

    feed = services.calendar_feed_for(user=guest.user)
    response = client.get(reverse("agendas:feed", args=[feed.token]))
    events, _ = _events(response.content)
    assert f"visit-{visit_a.pk}-2026-10-20@wisselstage" in events
    assert item.uid in events
    assert not any("Niet van mij" in str(e["summary"]) for e in events.values())
    if meeting_uid:
        assert meeting_uid in events
    assert CalendarFeed.objects.count() == 1


def test_calendars_mark_proposals_tentative_and_leave_out_days_no_longer_chosen(
        client, autumn_visit):
    visit_a, _, host, guest = autumn_visit
    services.visit_update(visit=visit_a, actor=host.user,
                          days=[date(2026, 10, 20), date(2026, 10, 21)], mode=VisitMode.ON_SITE)
    proposed = services.agenda_item_create(visit=visit_a, actor=host.user,
                                           day=date(2026, 10, 20), start=time(9), end=time(10),
                                           title="Voorstel")
    accepted = services.agenda_item_create(visit=visit_a, actor=host.user,
                                           day=date(2026, 10, 20), start=time(11), end=time(12),
                                           title="Afgesproken")
    services.agenda_item_accept(item=accepted, actor=guest.user)
    moved_away = services.agenda_item_create(visit=visit_a, actor=host.user,
                                             day=date(2026, 10, 21), start=time(9),
                                             end=time(10), title="Op een vervallen dag")
    visit_a.refresh_from_db()
    services.visit_update(visit=visit_a, actor=host.user, days=[date(2026, 10, 20)],
                          mode=VisitMode.ON_SITE)
    client.force_login(guest.user)
    feed = services.calendar_feed_for(user=guest.user)
    for body in (_download(client, visit_a).content,
                 client.get(reverse("agendas:feed", args=[feed.token])).content):
        events, _ = _events(body)
        assert events[proposed.uid]["status"] == "TENTATIVE"
        assert events[accepted.uid]["status"] == "CONFIRMED"
        assert moved_away.uid not in events
        assert f"visit-{visit_a.pk}-2026-10-21@wisselstage" not in events


def test_feed_unknown_token_404(client, db):
    assert client.get(reverse("agendas:feed", args=["onbekend"])).status_code == 404
