"""Matching pages for every persona: coordinator, participant, outsider, coordinator of
another cohort, admin."""

from __future__ import annotations

import html

import pytest
from django.urls import reverse

from cohorts.services import participant_withdraw
from matching import services
from matching.models import Exchange, MatchRun, Pin, Preference
from notifications.models import OutboxMessage
from tests.factories import PASSWORD, CohortFactory, UserFactory
from tests.matching.conftest import _move_to_the_past

pytestmark = pytest.mark.django_db


@pytest.fixture
def other_coordinator(db):
    user = UserFactory(email="dora@elders.example", name="Dora Ander")
    CohortFactory().coordinators.add(user)
    return user


def _login(client, user):
    user = getattr(user, "user", user)  # a Participant logs in as its user
    assert client.login(email=user.email, password=PASSWORD)
    return client


@pytest.fixture
def run(four, coordinator):
    return services.match_run_create(cohort=four["bob"].cohort, by=coordinator,
                                     objective="max_total", triads=False)


def _coordinator_urls(run):
    pk = run.cohort_id
    return [
        reverse("matching:home", args=[pk]),
        reverse("matching:run", args=[pk, run.pk]),
        reverse("matching:compare", args=[pk]) + f"?links={run.pk}&rechts={run.pk}",
    ]


@pytest.mark.parametrize("persona", ["outsider", "other_coordinator", "participant"])
def test_matching_pages_hidden_from_non_coordinators(client, request, persona, run):
    _login(client, request.getfixturevalue(persona))
    for url in _coordinator_urls(run):
        response = client.get(url)
        assert response.status_code == 404, url
    response = client.post(reverse("matching:publish", args=[run.cohort_id, run.pk]),
                           {"confirm": "1"})
    assert response.status_code == 404
    assert not Exchange.objects.exists()
    response = client.post(reverse("matching:home", args=[run.cohort_id]),
                           {"objective": "max_total"})
    assert response.status_code == 404
    assert MatchRun.objects.count() == 1


@pytest.mark.parametrize("persona", ["coordinator", "admin_user"])
def test_run_page_shows_exchanges_reasons_and_fairness(client, request, persona, run):
    _login(client, request.getfixturevalue(persona))
    response = client.get(reverse("matching:run", args=[run.cohort_id, run.pk]))
    text = response.content.decode()
    assert "Gemma Gemeente" in text and "Bob Jansen" in text
    assert "op verlanglijst van Gemma Gemeente, nr. 1" in text
    assert "Kreeg een gewenste organisatie" in text
    assert "Blokkerende paren" in text


def test_coordinator_runs_matching_from_the_page(client, coordinator, four):
    _login(client, coordinator)
    cohort = four["bob"].cohort
    response = client.post(reverse("matching:home", args=[cohort.pk]),
                           {"objective": "max_min", "triads": "on"}, follow=True)
    run = MatchRun.objects.get()
    assert run.objective == "max_min" and run.status == "done"
    assert "Voorstel (ronde" in response.content.decode()


def test_matching_home_lists_missing_preferences_and_reminds(client, coordinator, four):
    _login(client, coordinator)
    cohort = four["bob"].cohort
    page = client.get(reverse("matching:home", args=[cohort.pk])).content.decode()
    assert "Bob Jansen" in page.split("Matching draaien")[0]
    url = reverse("matching:remind", args=[cohort.pk])
    for ask in (client.get(url), client.post(url)):  # a click only asks
        page = ask.content.decode()
        assert "Deze herinnering gaat naar 1 deelnemer die nog geen voorkeuren" in page
        assert "Bob Jansen" in page
    assert not OutboxMessage.objects.filter(kind="preferences_reminder").exists()
    response = client.post(url, {"confirm": "1"}, follow=True)
    assert "1 herinnering ingepland." in response.content.decode()
    assert OutboxMessage.objects.filter(kind="preferences_reminder").count() == 1


def test_pin_and_forbid_from_the_page(client, coordinator, four):
    _login(client, coordinator)
    cohort = four["bob"].cohort
    url = reverse("matching:pair_rule", args=[cohort.pk])
    client.post(url, {"a": four["bob"].pk, "b": four["gijs"].pk, "action": "pin"})
    assert Pin.objects.filter(cohort=cohort).count() == 1
    response = client.post(url, {"a": four["gemma"].pk, "b": four["gijs"].pk,
                                 "action": "pin"}, follow=True)
    assert "niet toegestaan" in response.content.decode()
    assert Pin.objects.count() == 1


def test_swap_preview_then_save(client, coordinator, four, run):
    _login(client, coordinator)
    url = reverse("matching:swap", args=[run.cohort_id, run.pk])
    preview = client.get(url, {"a": four["bob"].pk, "b": four["gijs"].pk}).content.decode()
    assert "Deze wissel breekt regels" in preview
    assert "niet toegestaan" in preview
    assert MatchRun.objects.count() == 1
    response = client.post(url, {"a": four["gemma"].pk, "b": four["gijs"].pk}, follow=True)
    assert "De wissel is opgeslagen als nieuw voorstel." in response.content.decode()
    assert MatchRun.objects.count() == 2


def test_what_if_page(client, coordinator, four, run):
    _login(client, coordinator)
    response = client.get(reverse("matching:what_if", args=[run.cohort_id, run.pk]),
                          {"a": four["bob"].pk, "b": four["gijs"].pk})
    text = response.content.decode()
    assert "Waarom niet Bob Jansen met Gijs Gemeente?" in text
    assert "Zoë Zorg" in text


def test_publish_then_participant_sees_partner_and_reasons(client, coordinator, four, run):
    _login(client, coordinator)
    home = reverse("matching:home", args=[run.cohort_id])
    assert "Wie heeft nog geen voorkeuren?" in client.get(home).content.decode()
    url = reverse("matching:publish", args=[run.cohort_id, run.pk])
    ask = client.post(url).content.decode()  # a click only asks
    assert "2 uitwisselingen worden gepubliceerd." in ask
    assert "4 deelnemers krijgen een e-mail" in ask
    assert not Exchange.objects.exists()
    client.post(url, {"confirm": "1"})
    assert Exchange.objects.count() == 2
    assert "Wie heeft nog geen voorkeuren?" not in client.get(home).content.decode()
    client.logout()
    bob = four["bob"]
    bob.bio = "Ik werk bij de zorg."
    bob.save()
    _login(client, four["gemma"].user)
    text = client.get(reverse("matching:my_exchange", args=[run.cohort_id])).content.decode()
    exchange_part, why_not = text.split("Waarom niet met iemand anders?")
    assert "Bob Jansen" in exchange_part and "Ik werk bij de zorg." in exchange_part
    assert "op verlanglijst van Gemma Gemeente" in exchange_part
    # Others appear only as a choice in the "Waarom niet met ...?" form.
    assert "Zoë Zorg" not in exchange_part
    assert f'<option value="{four["zoe"].pk}">Zoë Zorg (' in why_not


def test_my_exchange_not_yet_before_publish_and_404_for_outsider(client, four, outsider, run):
    _login(client, four["gemma"].user)
    text = client.get(reverse("matching:my_exchange", args=[run.cohort_id])).content.decode()
    assert "Uw stagepartner is nog niet bekend." in text and "Bob Jansen" not in text
    client.logout()
    _login(client, outsider)
    assert client.get(reverse("matching:my_exchange", args=[run.cohort_id])).status_code == 404


def test_participant_saves_preferences(client, participant, four):
    _login(client, participant.user)
    url = reverse("matching:preferences", args=[participant.cohort_id])
    page = client.get(url).content.decode()
    assert "Mijn voorkeuren" in page
    response = client.post(url, {
        "kind_1": "gemeente", "topics": ["inkoop", "kwaliteit"], "days_a": ["ma", "di"],
        "regions": ["utrecht"], "wish_1": four["gemma"].organisation_id,
    }, follow=True)
    assert "Uw voorkeuren zijn opgeslagen." in response.content.decode()
    pref = Preference.objects.get(participant=participant)
    assert pref.wanted_kinds == ["gemeente"] and pref.topics == ["inkoop", "kwaliteit"]
    assert pref.days_a == ["ma", "di"] and pref.wish_1 == four["gemma"].organisation


def test_preferences_form_rejects_wish_that_is_avoided(client, participant, four):
    _login(client, participant.user)
    org = four["gemma"].organisation_id
    response = client.post(reverse("matching:preferences", args=[participant.cohort_id]),
                           {"wish_1": org, "avoided": [org]})
    assert "niet tegelijk een wens zijn" in response.content.decode()
    assert not Preference.objects.filter(participant=participant).exists()


@pytest.mark.parametrize("persona", ["outsider", "coordinator", "other_coordinator"])
def test_preferences_page_only_for_participants(client, request, persona, participant):
    _login(client, request.getfixturevalue(persona))
    url = reverse("matching:preferences", args=[participant.cohort_id])
    assert client.get(url).status_code == 404


def test_repair_page_and_apply(client, coordinator, four, run, make_person):
    services.exchanges_publish(run=run, by=coordinator)
    late = make_person("Lotte Laat", "zorgaanbieder")
    _login(client, coordinator)
    url = reverse("matching:repair", args=[run.cohort_id, four["bob"].pk])
    text = html.unescape(client.get(url).content.decode())
    assert "Lotte Laat" in text
    assert "Bob Jansen wordt als teruggetrokken gemarkeerd" in text
    partner = next(m.participant for m in Exchange.objects.get(
        members__participant=four["bob"]).members.all() if m.participant != four["bob"])
    mailed = text.split("Een e-mail met de nieuwe koppeling gaat naar:")[1].split("</li>")[0]
    assert "Lotte Laat" in mailed and partner.user.name in mailed
    assert "Dit kunt u niet ongedaan maken." in text
    assert 'name="confirm" value="1"' in text
    client.post(url)  # without the confirmation field: nothing happens
    assert not Exchange.objects.filter(members__participant=late).exists()
    client.post(url, {"confirm": "1"})
    assert Exchange.objects.filter(members__participant=late).exists()
    assert Exchange.objects.count() == 2


def test_publish_page_says_up_front_that_the_cohort_is_already_published(
        client, coordinator, four, run):
    services.exchanges_publish(run=run, by=coordinator)
    _login(client, coordinator)
    response = client.get(reverse("matching:publish", args=[run.cohort_id, run.pk]),
                          follow=True)
    text = response.content.decode()
    assert "Dit cohort heeft al gepubliceerde uitwisselingen." in text
    assert "Ja, publiceren" not in text


def test_publish_page_warns_while_preferences_are_still_open(client, coordinator, four, run):
    # Bob has no preferences and the deadline lies ahead (the fixture's cohort is upcoming).
    _login(client, coordinator)
    text = client.get(reverse("matching:publish", args=[run.cohort_id, run.pk])).content.decode()
    assert ("Let op: 1 deelnemer heeft nog geen voorkeuren opgegeven en dat kan nog tot en "
            "met") in text


def test_preference_reminder_skips_people_reminded_today_and_stops_after_publishing(
        client, coordinator, four, run):
    _login(client, coordinator)
    url = reverse("matching:remind", args=[run.cohort_id])
    client.post(url, {"confirm": "1"})
    again = client.get(url, follow=True).content.decode()
    assert "kreeg vandaag al een herinnering" in again
    assert "Ja, stuur" not in again
    assert client.post(url, {"confirm": "1"}).status_code == 302
    assert OutboxMessage.objects.filter(kind="preferences_reminder").count() == 1
    services.exchanges_publish(run=run, by=coordinator)
    OutboxMessage.objects.filter(kind="preferences_reminder").delete()
    after = client.get(url, follow=True).content.decode()
    assert "De koppeling is al gepubliceerd" in after
    client.post(url, {"confirm": "1"})
    assert not OutboxMessage.objects.filter(kind="preferences_reminder").exists()


def test_repair_pages_pair_the_two_left_alone_in_turn(client, coordinator, four, run):
    services.exchanges_publish(run=run, by=coordinator)
    _login(client, coordinator)
    cohort_pk = run.cohort_id
    client.post(reverse("matching:repair", args=[cohort_pk, four["bob"].pk]), {"confirm": "1"})
    home = client.get(reverse("matching:home", args=[cohort_pk])).content.decode()
    assert "Zonder uitwisseling: Gemma Gemeente" in home

    page = client.get(reverse("matching:repair", args=[cohort_pk, four["gijs"].pk]))
    text = page.content.decode()
    assert "Blijft over: Zoë Zorg" in text and "Nieuwe partner: Gemma Gemeente" in text
    client.post(reverse("matching:repair", args=[cohort_pk, four["gijs"].pk]),
                {"confirm": "1"})
    (exchange,) = Exchange.objects.filter(cohort_id=cohort_pk)
    assert {m.participant_id for m in exchange.members.all()} == {four["gemma"].pk,
                                                                   four["zoe"].pk}


def test_repair_page_pairs_the_two_left_alone_after_two_withdrawals(client, coordinator, four,
                                                                   run):
    services.exchanges_publish(run=run, by=coordinator)
    participant_withdraw(participant=four["bob"])
    participant_withdraw(participant=four["gijs"])
    _login(client, coordinator)
    cohort_pk = run.cohort_id
    home = client.get(reverse("matching:home", args=[cohort_pk])).content.decode()
    assert home.count("Teruggetrokken") == 2

    url = reverse("matching:repair", args=[cohort_pk, four["bob"].pk])
    text = client.get(url).content.decode()
    assert "Nieuw paar van twee achterblijvers" in text
    assert "Ook Zoë Zorg bleef door een terugtrekking zonder partner over" in text
    assert "Blijft over: Gemma Gemeente" in text and "Nieuwe partner: Zoë Zorg" in text
    client.post(url, {"confirm": "1"})
    (exchange,) = Exchange.objects.filter(cohort_id=cohort_pk)
    assert {m.participant_id for m in exchange.members.all()} == {four["gemma"].pk,
                                                                   four["zoe"].pk}
    home = client.get(reverse("matching:home", args=[cohort_pk])).content.decode()
    assert "Teruggetrokken" not in home and "Gijs Gemeente" not in home


def test_repair_page_proposes_a_triad(client, coordinator, cohort, make_person):
    cohort.allowed_pairings = ["client-any"]
    cohort.save()
    people = [make_person(f"{name} Client", "clientorganisatie")
              for name in ("Anna", "Bram", "Cas", "Dirk")]
    run = services.match_run_create(cohort=cohort, by=coordinator, objective="max_total",
                                    triads=False)
    services.exchanges_publish(run=run, by=coordinator)
    _login(client, coordinator)
    url = reverse("matching:repair", args=[cohort.pk, people[0].pk])
    text = client.get(url).content.decode()
    assert "Drietal met een bestaand paar" in text and "Sluit aan bij:" in text
    client.post(url, {"confirm": "1"})
    (exchange,) = Exchange.objects.filter(cohort=cohort)
    assert exchange.members.count() == 3


def test_compare_page(client, coordinator, four, run):
    other = services.match_run_swap(run=run, a=str(four["gemma"].pk), b=str(four["gijs"].pk),
                                    by=coordinator)
    _login(client, coordinator)
    response = client.get(reverse("matching:compare", args=[run.cohort_id]),
                          {"links": run.pk, "rechts": other.pk})
    text = response.content.decode()
    assert "Alleen in deze ronde" in text
    assert "0 uitwisselingen zijn in beide rondes gelijk." in text


def _queries(client, url) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_matching_pages_query_count_does_not_grow(client, coordinator, make_person):
    _login(client, coordinator)
    counts = []
    for size in (4, 16):
        cohort = CohortFactory()
        cohort.coordinators.add(coordinator)
        for i in range(size):
            make_person(f"P{size}x{i} X", "gemeente" if i % 2 else "zorgaanbieder",
                        target=cohort)
        run = services.match_run_create(cohort=cohort, by=coordinator, objective="max_total",
                                        triads=False)
        services.exchanges_publish(run=run, by=coordinator)
        counts.append((_queries(client, reverse("matching:home", args=[cohort.pk])),
                       _queries(client, reverse("matching:run", args=[cohort.pk, run.pk]))))
    assert counts[0] == counts[1]


def test_queued_run_page_shows_progress_and_refresh_link(client, coordinator, four):
    run = MatchRun.objects.create(cohort=four["bob"].cohort, created_by=coordinator,
                                  progress=50, status="running")
    _login(client, coordinator)
    text = client.get(reverse("matching:run", args=[run.cohort_id, run.pk])).content.decode()
    assert "Bezig: 50%" in text and "Vernieuwen" in text
    assert "Dit voorstel publiceren" not in text


def test_preferences_read_only_after_deadline(client, participant):
    cohort = participant.cohort
    _move_to_the_past(cohort)
    _login(client, participant.user)
    url = reverse("matching:preferences", args=[cohort.pk])
    assert "De termijn voor voorkeuren is voorbij." in client.get(url).content.decode()
    client.post(url, {"topics": ["inkoop"]})
    assert not Preference.objects.filter(participant=participant).exists()
