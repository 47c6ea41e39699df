"""The agendas journey in a real browser: both partners edit the same agenda item at once,
one of them gets the conflict message (with the other's text, keeping their own), both agree,
and the coordinator's planning board shows the exchange as ready."""

from __future__ import annotations

from datetime import time

import pytest
from django.urls import reverse

from agendas import services
from agendas.enums import VisitMode
from agendas.models import AgendaItem
from tests.agendas.conftest import make_exchange
from tests.browser.conftest import log_in
from tests.factories import PASSWORD, ParticipantFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_journey_partners_coplan_and_coordinator_sees_ready(new_page, cohort, coordinator):
    host = ParticipantFactory(cohort=cohort, user__email="hanna@gemeente.example",
                              user__name="Hanna Host")
    guest = ParticipantFactory(cohort=cohort, user__email="gert@zorg.example",
                               user__name="Gert Gast")
    exchange = make_exchange(cohort, [host, guest])
    visit_a, visit_b = services.visits_ensure(exchange=exchange)
    services.visit_update(visit=visit_a, actor=host.user, days=cohort.week_a_days[:2],
                          mode=VisitMode.ON_SITE, address="Stadhuisplein 1")
    services.visit_update(visit=visit_b, actor=guest.user, days=cohort.week_b_days[:1],
                          mode=VisitMode.ONLINE, meeting_link="https://meet.example/wissel")
    item = services.agenda_item_create(visit=visit_a, actor=host.user,
                                       day=cohort.week_a_start, start=time(9),
                                       end=time(10), title="Teamoverleg")
    planning = reverse("agendas:planning", args=[exchange.pk])
    edit = reverse("agendas:item_edit", args=[exchange.pk, item.pk])

    hanna, gert = new_page(), new_page()
    log_in(hanna, host.user.email, PASSWORD)
    log_in(gert, guest.user.email, PASSWORD)
    for page in (hanna, gert):
        page.goto(planning)
        page.get_by_role("heading", name="Stageplanning").wait_for()
    # Both open the same item before either saves.
    hanna.goto(edit)
    gert.goto(edit)
    hanna.get_by_label("Titel").fill("Teamoverleg sociaal domein")
    hanna.get_by_role("button", name="Opslaan").click()
    hanna.get_by_text("Het onderdeel is gewijzigd.").wait_for()

    gert.get_by_label("Titel").fill("Teamoverleg met de wijkcoaches")
    gert.get_by_role("button", name="Opslaan").click()
    gert.get_by_text("Iemand anders heeft dit onderdeel intussen gewijzigd").wait_for()
    assert "Teamoverleg sociaal domein" in gert.locator("[data-current-version]").inner_text()
    assert gert.get_by_label("Titel").input_value() == "Teamoverleg met de wijkcoaches"
    assert AgendaItem.objects.get(pk=item.pk).title == "Teamoverleg sociaal domein"
    # A second save, now knowingly against the current version, goes through.
    gert.get_by_role("button", name="Opslaan").click()
    gert.get_by_text("Het onderdeel is gewijzigd.").wait_for()
    assert AgendaItem.objects.get(pk=item.pk).title == "Teamoverleg met de wijkcoaches"

    for page in (hanna, gert):
        page.goto(planning)
        for _ in range(2):
            page.get_by_role("button", name="Akkoord met dit bezoek").first.click()
            page.get_by_text("U hebt akkoord gegeven op dit bezoek.").wait_for()
        assert page.get_by_role("button", name="Akkoord met dit bezoek").count() == 0
    gert.goto(planning)
    assert gert.get_by_text("Allebei akkoord", exact=True).count() == 2

    board = new_page()
    log_in(board, coordinator.email, PASSWORD)
    board.goto(reverse("agendas:board", args=[cohort.pk]))
    board.get_by_role("heading", name="Planningsbord").wait_for()
    row = board.locator(f"[data-exchange='{exchange.pk}']")
    assert row.locator("[data-status]").inner_text().strip() == "Klaar"
    assert "Hanna Host – Gert Gast" in row.inner_text()
