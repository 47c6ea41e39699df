"""The reflection journey in a real browser: a participant writes a reflection that is
autosaved, loses the session, logs in again, finds the draft and hands it in; the coordinator
opens the outcome report and downloads the Excel file."""

from __future__ import annotations

import pytest
from openpyxl import load_workbook

from reflections.enums import ResponseStatus
from reflections.models import Response
from tests.browser.conftest import log_in
from tests.factories import PASSWORD, ParticipantFactory
from tests.reflections.helpers import open_assignment

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_journey_participant_reflects_and_coordinator_downloads(new_page, cohort, tmp_path):
    participant = ParticipantFactory(cohort=cohort, user__email="sanne@zorggroep.example",
                                     user__name="Sanne de Jong")
    assignment = open_assignment(cohort)
    overview = f"/cohorten/{cohort.pk}/reflecties/"

    page = new_page()
    log_in(page, participant.user.email, PASSWORD)
    page.get_by_text("U bent nu ingelogd").wait_for()
    page.goto(overview)
    page.get_by_role("link", name="Na bezoek A").click()
    page.locator("form[data-autosave-ready]").wait_for()  # the deferred script is listening
    page.get_by_label("Wat heb ik geleerd?").fill("Hoe een wijkteam een indicatie stelt")
    page.get_by_text("Concept automatisch opgeslagen").wait_for(timeout=15_000)
    draft = Response.objects.get(assignment=assignment, participant=participant)
    assert draft.status == ResponseStatus.DRAFT
    assert draft.answers.get(question__key="learned").value_text == (
        "Hoe een wijkteam een indicatie stelt")

    # The session is lost (another browser, cookies gone): log in again and find the draft.
    again = new_page()
    again.goto(overview)
    assert "/accounts/login/" in again.url
    log_in(again, participant.user.email, PASSWORD)
    again.get_by_text("U bent nu ingelogd").wait_for()
    again.goto(overview)
    assert "Concept" in again.locator("main").inner_text()
    again.get_by_role("link", name="Na bezoek A").click()
    learned = again.get_by_label("Wat heb ik geleerd?")
    assert learned.input_value() == "Hoe een wijkteam een indicatie stelt"
    again.get_by_label("Hoe goed weet ik hoe de andere kant werkt?").fill("4")
    again.get_by_label("Zou u dit een collega aanraden?").fill("9")
    again.get_by_label("Ja", exact=True).check()
    again.get_by_role("button", name="Inleveren").click()
    again.get_by_text("Uw reflectie is ingeleverd.").wait_for()
    draft.refresh_from_db()
    assert draft.status == ResponseStatus.SUBMITTED

    coordinator_page = new_page()
    coordinator = cohort.coordinators.get()
    log_in(coordinator_page, coordinator.email, PASSWORD)
    coordinator_page.get_by_text("U bent nu ingelogd").wait_for()
    coordinator_page.goto(f"/cohorten/{cohort.pk}/rapport/")
    coordinator_page.get_by_role("heading", name=f"Opbrengstrapport {cohort.name}").wait_for()
    with coordinator_page.expect_download() as download_info:
        coordinator_page.get_by_role("link", name="Excel-bestand (alles)").click()
    target = tmp_path / "rapport.xlsx"
    download_info.value.save_as(target)
    workbook = load_workbook(target)
    answers = [row for row in workbook["Antwoorden"].values]
    assert any("Hoe een wijkteam een indicatie stelt" in row for row in answers)
    assert any(row[1] == "Sanne de Jong" for row in workbook["Deelnemers"].values)
