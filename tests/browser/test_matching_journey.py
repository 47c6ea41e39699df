"""The matching journey in a real browser: a participant enters preferences through the form
(the others through the service), the coordinator runs the matching, reads the reasons and
publishes; the participant then sees the partner's profile and why they fit, and asks why not
with someone else."""

from __future__ import annotations

import pytest

from cohorts.enums import OrganisationKind
from matching.models import Exchange, Preference
from matching.services import preference_save
from notifications.models import OutboxMessage
from tests.browser.conftest import log_in
from tests.factories import PASSWORD, OrganisationFactory, ParticipantFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _person(cohort, name, kind, **fields):
    org = OrganisationFactory(name=f"{name.split()[1]} organisatie", kind=kind)
    return ParticipantFactory(cohort=cohort, organisation=org, user__name=name,
                              user__email=f"{name.split()[0].lower()}@test.example", **fields)


def test_journey_preferences_matching_publish_and_partner(new_page, coordinator, cohort):
    bob = _person(cohort, "Bob Zorgman", OrganisationKind.ZORGAANBIEDER,
                  bio="Ik ben wijkverpleegkundige.", learning_goals="Hoe gemeenten inkopen.")
    gemma = _person(cohort, "Gemma Gemeentebeleid", OrganisationKind.GEMEENTE)
    gijs = _person(cohort, "Gijs Gemeentehuis", OrganisationKind.GEMEENTE)
    zoe = _person(cohort, "Zoë Zorgverlener", OrganisationKind.ZORGAANBIEDER)
    for person in (gijs, zoe):
        preference_save(participant=person, topics=["toegang"])

    page = new_page()
    log_in(page, gemma.user.email, PASSWORD)
    page.goto(f"/cohorten/{cohort.pk}/voorkeuren/")
    page.get_by_role("heading", name="Mijn voorkeuren").wait_for()
    page.get_by_label("Soort organisatie die u het liefst bezoekt").select_option(
        "zorgaanbieder")
    page.get_by_label("Inkoop").check()
    page.get_by_label("Wens 1: organisatie die u graag bezoekt").select_option(
        label=bob.organisation.name)
    page.get_by_role("button", name="Voorkeuren opslaan").click()
    page.get_by_text("Uw voorkeuren zijn opgeslagen.").wait_for()
    pref = Preference.objects.get(participant=gemma)
    assert pref.wish_1 == bob.organisation and pref.topics == ["inkoop"]

    boss = new_page()
    log_in(boss, coordinator.email, PASSWORD)
    boss.goto(f"/cohorten/{cohort.pk}/matching/")
    assert "Bob Zorgman" in boss.locator("main").inner_text()  # no preferences yet
    boss.get_by_label("Hoogste totaalscore").check()
    boss.get_by_role("button", name="Matching draaien").last.click()
    boss.get_by_role("heading", name="Voorstel (ronde").wait_for()
    main = boss.locator("main").inner_text()
    assert "op verlanglijst van Gemma Gemeentebeleid, nr. 1" in main
    assert "Gemma Gemeentebeleid wil graag naar een zorgaanbieder" in main
    boss.get_by_role("link", name="Dit voorstel publiceren").click()
    boss.get_by_role("button", name="Ja, publiceren en e-mails sturen").click()
    boss.get_by_text("2 uitwisselingen gepubliceerd.").wait_for()
    assert Exchange.objects.filter(cohort=cohort).count() == 2
    assert OutboxMessage.objects.filter(kind="match_published").count() == 4

    page.goto(f"/cohorten/{cohort.pk}/mijn-koppeling/")
    page.get_by_role("heading", name="Mijn koppeling").wait_for()
    partner = page.locator("[data-partner]").inner_text()
    assert "Bob Zorgman" in partner and "Ik ben wijkverpleegkundige." in partner
    assert "Hoe gemeenten inkopen." in partner
    assert "op verlanglijst van Gemma Gemeentebeleid" in page.locator("[data-reasons]").inner_text()
    assert "Zoë" not in page.locator("[data-partner]").inner_text()

    # "Waarom niet met iemand anders?": the cost for the others in numbers, nobody else named.
    page.get_by_label("Met wie?").select_option(label="Zoë Zorgverlener (Zorgverlener organisatie)")
    page.get_by_role("button", name="Bekijken").click()
    page.get_by_role("heading", name="Waarom niet met Zoë Zorgverlener?").wait_for()
    answer = page.locator("main").inner_text()
    assert "2 andere deelnemers krijgen dan een andere partner." in answer
    assert "Bob" not in answer and "Gijs" not in answer
