"""Actions that cannot be undone ask first, in a real browser: the button leads to a
confirmation page that says what will happen and to whom, "Terug" changes nothing, and only
"Ja, …" acts. Plus the report's print button, which needs script and leaves a keyboard hint
without it."""

from __future__ import annotations

import re

import pytest

from cohorts.enums import InvitationStatus
from notifications.models import OutboxMessage
from tests.browser.conftest import log_in
from tests.factories import PASSWORD, InvitationFactory, ParticipantFactory
from tests.reflections.helpers import open_assignment

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# The e-mail address is visually hidden text; chromium may put a space before it.
WITHDRAW_SANNE = re.compile(r"^Intrekken\s?: sanne@zorggroep\.example$")


def test_withdrawing_an_invitation_asks_first(new_page, coordinator, cohort):
    invitation = InvitationFactory(cohort=cohort, email="sanne@zorggroep.example")
    page = new_page()
    log_in(page, coordinator.email, PASSWORD)
    page.goto(f"/cohorten/{cohort.pk}/uitnodigingen/")
    page.get_by_role("link", name=WITHDRAW_SANNE).click()
    page.get_by_role("heading", name="Uitnodiging intrekken").wait_for()
    assert "De uitnodiging aan sanne@zorggroep.example wordt ingetrokken." in (
        page.locator("main").inner_text())

    page.get_by_role("link", name="Terug").click()
    page.get_by_role("heading", name="Deelnemers uitnodigen").wait_for()
    invitation.refresh_from_db()
    assert invitation.status == InvitationStatus.PENDING

    page.get_by_role("link", name=WITHDRAW_SANNE).click()
    page.get_by_role("button", name="Ja, uitnodiging intrekken").click()
    page.get_by_text("Uitnodiging voor sanne@zorggroep.example ingetrokken.").wait_for()
    invitation.refresh_from_db()
    assert invitation.status == InvitationStatus.WITHDRAWN


def test_reflection_reminder_says_how_many_with_the_keyboard(new_page, coordinator, cohort):
    assignment = open_assignment(cohort)
    late = [ParticipantFactory(cohort=cohort, user__name=f"Deelnemer {n}") for n in range(3)]
    page = new_page()
    log_in(page, coordinator.email, PASSWORD)
    page.goto(f"/cohorten/{cohort.pk}/reflecties/{assignment.pk}/")
    page.get_by_role("link", name="Herinnering sturen aan 3 deelnemers").focus()
    page.keyboard.press("Enter")
    page.get_by_role("heading", name="Herinnering sturen").wait_for()
    text = page.locator("main").inner_text()
    assert ("Deze herinnering gaat naar 3 deelnemers die ‘Na bezoek A’ nog niet hebben "
            "ingeleverd.") in text
    assert all(p.user.name in text for p in late)
    assert not OutboxMessage.objects.filter(kind="reflection_nudge").exists()

    page.get_by_role("button", name="Ja, stuur 3 herinneringen").focus()
    page.keyboard.press("Enter")
    page.get_by_text("3 herinneringen ingepland.").wait_for()
    assert OutboxMessage.objects.filter(kind="reflection_nudge").count() == 3


def test_report_print_button_with_and_without_script(new_page, browser, live_server,
                                                     coordinator, cohort):
    report = f"/cohorten/{cohort.pk}/rapport/"
    page = new_page()
    log_in(page, coordinator.email, PASSWORD)
    page.goto(report)
    button = page.get_by_role("button", name="Afdrukken / opslaan als pdf")
    button.wait_for()
    assert not page.get_by_text("Gebruik Ctrl+P").is_visible()
    # Stand in for the browser's print dialog, which a headless browser cannot show.
    page.evaluate("window.print = () => { document.body.dataset.printed = 'yes'; }")
    button.click()
    assert page.locator("body[data-printed='yes']").count() == 1

    context = browser.new_context(locale="nl-NL", base_url=live_server.url,
                                  java_script_enabled=False)
    try:
        bare = context.new_page()
        log_in(bare, coordinator.email, PASSWORD)
        bare.wait_for_load_state()
        bare.goto(report)
        assert bare.get_by_text("Gebruik Ctrl+P (op een Mac: Cmd+P)").is_visible()
        assert not bare.get_by_role("button", name="Afdrukken / opslaan als pdf").is_visible()
    finally:
        context.close()
