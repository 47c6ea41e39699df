"""The meetings journey in a real browser: a coordinator moves a group meeting, the outbox
page shows the old reminders cancelled and the new ones planned, and the participant sees the
new time."""

from __future__ import annotations

import zoneinfo
from datetime import datetime, timedelta

import pytest
from django.utils import timezone

from meetings.services import KIND_REMINDER, meeting_create
from notifications.enums import OutboxStatus
from notifications.models import OutboxMessage
from tests.browser.conftest import log_in
from tests.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AMS = zoneinfo.ZoneInfo("Europe/Amsterdam")


def test_journey_coordinator_moves_meeting_and_participant_sees_new_time(
        new_page, coordinator, cohort, participant, live_server, settings):
    settings.SITE_URL = live_server.url
    day = timezone.localdate() + timedelta(days=21)
    starts_at = datetime(day.year, day.month, day.day, 15, 0, tzinfo=AMS)
    meeting = meeting_create(cohort=cohort, title="Voorbereidende bijeenkomst",
                             kind="voorbereiding", starts_at=starts_at,
                             ends_at=starts_at + timedelta(minutes=90),
                             online_url="https://meet.example/wissel")
    assert OutboxMessage.objects.filter(kind=KIND_REMINDER).count() == 2

    page = new_page()
    log_in(page, coordinator.email, PASSWORD)
    page.goto(f"/cohorten/{cohort.pk}/bijeenkomsten/")
    page.get_by_role("link", name="Voorbereidende bijeenkomst").click()
    page.get_by_role("link", name="Wijzigen of verplaatsen").click()
    new_day = day + timedelta(days=2)
    page.get_by_label("Begint om").fill(f"{new_day.isoformat()}T10:30")
    page.get_by_label("Eindigt om").fill(f"{new_day.isoformat()}T12:00")
    page.get_by_role("button", name="Opslaan").click()
    page.get_by_text("De wijzigingen zijn opgeslagen.").wait_for()
    assert "10:30–12:00" in page.locator("[data-meeting-time]").inner_text()

    page.get_by_role("link", name="Berichten").first.click()
    page.get_by_role("heading", name="Berichten").wait_for()
    reminders = page.locator('tr[data-kind="meeting_reminder"]')
    assert reminders.count() == 4
    cancelled = page.locator('tr[data-kind="meeting_reminder"][data-status="cancelled"]')
    planned = page.locator('tr[data-kind="meeting_reminder"][data-status="pending"]')
    assert cancelled.count() == 2 and planned.count() == 2
    assert "Vervangen: de bijeenkomst is gewijzigd." in cancelled.first.inner_text()
    assert "Geannuleerd" in cancelled.first.inner_text()
    assert "Gepland" in planned.first.inner_text()
    page.get_by_label("Status").select_option(value=OutboxStatus.PENDING)
    page.get_by_role("button", name="Tonen").click()
    page.wait_for_url("**status=pending**")
    assert page.locator('tr[data-status="cancelled"]').count() == 0

    meeting.refresh_from_db()
    assert meeting.sequence == 1
    assert OutboxMessage.objects.filter(kind=KIND_REMINDER, subject_version=1,
                                        status=OutboxStatus.PENDING).count() == 2

    guest = new_page()
    log_in(guest, participant.user.email, PASSWORD)
    guest.goto(f"/cohorten/{cohort.pk}/bijeenkomsten/")
    row = guest.locator(f'tr[data-meeting="{meeting.pk}"]')
    assert "10:30–12:00" in row.inner_text()
    assert "15:00" not in row.inner_text()
    assert "Bijeenkomst toevoegen" not in guest.locator("main").inner_text()

    guest.goto(f"/cohorten/{cohort.pk}/")
    dashboard = guest.locator("main").inner_text()
    assert "Voorbereidende bijeenkomst" in dashboard
    assert "10:30" in dashboard and "15:00" not in dashboard
