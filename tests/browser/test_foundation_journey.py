"""The foundation journey in a real browser: a coordinator sets up a cohort and invites
people from a file with one bad row; an invitee signs up, verifies, fills in the profile and
sees the dashboard."""

from __future__ import annotations

import re

import pytest
from django.core import mail

from cohorts.models import Cohort, Participant
from tests.browser.conftest import log_in
from tests.factories import PASSWORD, OrganisationFactory, _monday

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LINK = re.compile(r"https?://[^\s\"<>]+")


def _link_in_mail_to(address: str, contains: str) -> str:
    for message in reversed(mail.outbox):
        if address in message.to:
            for url in LINK.findall(message.body):
                if contains in url:
                    return url
    raise AssertionError(f"no mail to {address} with a link containing {contains!r}")


def test_journey_coordinator_invites_and_participant_joins(new_page, coordinator, live_server,
                                                           settings, tmp_path):
    settings.SITE_URL = live_server.url
    OrganisationFactory(name="Zorggroep De Linde")

    page = new_page()
    log_in(page, coordinator.email, PASSWORD)
    page.get_by_role("link", name="Nieuw cohort").first.click()
    page.get_by_label("Naam*", exact=True).fill("Wisselstage Brabant 2027")
    page.get_by_label("Stageweek A begint op").fill(_monday(8).isoformat())
    page.get_by_label("Stageweek B begint op").fill(_monday(11).isoformat())
    page.get_by_label("Aanmelden kan tot en met").fill(_monday(3).isoformat())
    page.get_by_label("Voorkeuren opgeven kan tot en met").fill(_monday(5).isoformat())
    page.get_by_label("Gemeente – zorgaanbieder").check()
    page.get_by_role("button", name="Opslaan").click()
    page.get_by_text("Het cohort is aangemaakt.").wait_for()
    cohort = Cohort.objects.get(name="Wisselstage Brabant 2027")
    assert list(cohort.coordinators.all()) == [coordinator]

    page.get_by_role("link", name="Uitnodigingen beheren").click()
    upload = tmp_path / "deelnemers.csv"
    upload.write_text(
        "naam;e-mail;organisatie;soort\n"
        "Sanne de Jong;sanne@zorggroep.example;Zorggroep De Linde;zorgaanbieder\n"
        "Kapotte Regel;geen-adres;Gemeente Helmond;gemeente\n"
        "Joost Bakker;joost@helmond.example;Gemeente Helmond;gemeente\n",
        encoding="utf-8",
    )
    page.get_by_label("Bestand (CSV of Excel)").set_input_files(str(upload))
    page.get_by_role("button", name="Uploaden en uitnodigen").click()
    page.get_by_text("2 uitnodigingen verstuurd.").wait_for()
    summary = page.locator("[data-error-summary]")
    assert "Regel 3" in summary.inner_text()
    assert sorted(cohort.invitations.values_list("email", flat=True)) == [
        "joost@helmond.example", "sanne@zorggroep.example"]

    invite_url = _link_in_mail_to("sanne@zorggroep.example", "/uitnodiging/")
    guest = new_page()
    guest.goto(invite_url)
    guest.get_by_role("heading", name="Meedoen met Wisselstage Brabant 2027").wait_for()
    guest.get_by_role("link", name="Account aanmaken").click()
    assert guest.get_by_label("E-mail").input_value() == "sanne@zorggroep.example"
    guest.get_by_label("Wachtwoord*", exact=True).fill("een-lang-wachtwoord-42")
    guest.get_by_label("Wachtwoord (bevestigen)*", exact=True).fill("een-lang-wachtwoord-42")
    guest.get_by_role("button", name="Registreren").click()
    guest.get_by_role("heading", name="Bevestig uw e-mailadres").wait_for()

    verify_url = _link_in_mail_to("sanne@zorggroep.example", "/accounts/confirm-email/")
    guest.goto(verify_url)
    guest.get_by_role("button", name="Bevestigen").click()

    guest.get_by_role("heading", name="Mijn overzicht").wait_for()
    assert "Vul uw profiel in" in guest.locator("main").inner_text()
    guest.get_by_role("link", name="Profiel invullen").click()
    guest.get_by_role("heading", name="Mijn profiel").wait_for()
    guest.get_by_label("Uw naam").fill("Sanne de Jong")
    guest.get_by_label("Organisatie", exact=True).select_option(label="Zorggroep De Linde")
    guest.get_by_label("Functie").fill("Contractmanager")
    guest.get_by_label("Jeugdwet").check()
    guest.get_by_role("button", name="Opslaan").click()

    guest.get_by_text("Uw profiel is opgeslagen.").wait_for()
    guest.get_by_role("heading", name="Wisselstage Brabant 2027").wait_for()
    assert "Geef uw voorkeuren op" in guest.locator("main").inner_text()
    participant = Participant.objects.get(cohort=cohort, user__email="sanne@zorggroep.example")
    assert participant.profile_complete
    assert participant.organisation.name == "Zorggroep De Linde"
    assert participant.domains == ["jeugdwet"]
