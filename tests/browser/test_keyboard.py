"""Main flows with the keyboard only (Tab, typing, Space, Enter): no mouse, no clicks."""

from __future__ import annotations

import pytest
from django.urls import reverse

from cohorts.models import Invitation
from tests.browser.conftest import log_in
from tests.factories import PASSWORD, ParticipantFactory, make_exchange

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

FOCUSED = ("(() => { const e = document.activeElement; return {name: e.name || '',"
           " type: e.type || '', text: (e.textContent || e.value || '').trim()}; })()")


def tab_until(page, matches, limit: int = 150) -> dict:
    """Press Tab until the focused element satisfies `matches`; fail if it never does."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        focused = page.evaluate(FOCUSED)
        if matches(focused):
            return focused
    raise AssertionError("not reachable with Tab")


def test_coordinator_invites_by_keyboard(new_page, cohort, coordinator):
    page = new_page()
    log_in(page, coordinator.email, PASSWORD)
    page.goto(reverse("cohorts:invitations", args=[cohort.pk]))
    page.get_by_role("heading", level=1).wait_for()
    tab_until(page, lambda f: f["name"] == "paste-addresses")
    page.keyboard.type("sanne@zorg.example\njoost@helmond.example")
    tab_until(page, lambda f: f["type"] == "submit" and f["text"] == "Uitnodigen")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    page.get_by_text("2 uitnodigingen verstuurd.").wait_for()
    assert sorted(Invitation.objects.values_list("email", flat=True)) == [
        "joost@helmond.example", "sanne@zorg.example"]


def test_partner_agrees_to_the_planning_by_keyboard(new_page, cohort, participant):
    from agendas.services import visit_update, visits_ensure

    partner = ParticipantFactory(cohort=cohort)
    exchange = make_exchange(cohort, [participant, partner])
    visit = visits_ensure(exchange=exchange)[0]
    visit_update(visit=visit, actor=participant.user, days=[cohort.week_a_start],
                 mode="op_locatie")
    page = new_page()
    log_in(page, partner.user.email, PASSWORD)
    page.goto(reverse("agendas:planning", args=[exchange.pk]))
    page.get_by_role("heading", level=1).wait_for()
    tab_until(page, lambda f: f["type"] == "submit" and "akkoord" in f["text"].lower())
    with page.expect_navigation():
        page.keyboard.press("Enter")
    visit.refresh_from_db()
    assert visit.agreed_by_guest_at is not None
