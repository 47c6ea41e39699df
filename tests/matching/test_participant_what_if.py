"""A participant's "Waarom niet met iemand anders?": who may ask, what the answer says, and
above all what it never says (anyone's name but the person asked about, whose wish or
whose rule excluded the pair)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from cohorts.services import participant_withdraw
from matching import selectors, services
from matching.engine_scoring import HARD_TEXTS
from matching.enums import WhyNotRule
from matching.models import Forbid, MatchRun
from tests.factories import PASSWORD, CohortFactory, ParticipantFactory, UserFactory

pytestmark = pytest.mark.django_db

NEUTRAL = ("Een harde regel sluit deze koppeling uit: een van u beiden heeft de organisatie "
           "van de ander uitgesloten, of de coördinator heeft dit paar uitgesloten.")
EVERYONE = ("Bob Jansen", "Gemma Gemeente", "Gijs Gemeente", "Zoë Zorg")


def _login(client, user):
    user = getattr(user, "user", user)
    assert client.login(email=user.email, password=PASSWORD)
    return client


@pytest.fixture
def published(four, coordinator):
    """The four matched as the engine likes best (Bob–Gemma, Gijs–Zoë) and published."""
    run = services.match_run_create(cohort=four["bob"].cohort, by=coordinator,
                                    objective="max_total", triads=False)
    services.exchanges_publish(run=run, by=coordinator)
    return four


def _url(person, met=None) -> str:
    url = reverse("matching:my_what_if", args=[person.cohort_id])
    return url if met is None else f"{url}?met={getattr(met, 'pk', met)}"


def _ask(client, asker, about) -> str:
    _login(client, asker)
    response = client.get(_url(asker, about))
    assert response.status_code == 200
    return response.content.decode()


def _assert_only_named(text: str, allowed: str) -> None:
    for name in EVERYONE:
        if name != allowed:
            assert name not in text, name


# --- who may ask ---------------------------------------------------------------------------

@pytest.mark.parametrize("persona", ["outsider", "coordinator", "other_coordinator",
                                     "admin_user", "other_cohorts_participant"])
def test_what_if_404_for_everyone_but_the_members_of_an_exchange(client, request, persona,
                                                                 published):
    if persona == "other_coordinator":
        user = UserFactory(email="dora@elders.example")
        CohortFactory().coordinators.add(user)
    elif persona == "other_cohorts_participant":
        user = ParticipantFactory(user__email="piet@elders.example").user
    else:
        user = request.getfixturevalue(persona)
    _login(client, user)
    gemma, zoe = published["gemma"], published["zoe"]
    assert client.get(_url(gemma)).status_code == 404
    assert client.get(_url(gemma, zoe)).status_code == 404


def test_what_if_anonymous_goes_to_login(client, published):
    response = client.get(_url(published["gemma"], published["zoe"]))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_what_if_404_before_publishing(client, four, coordinator):
    services.match_run_create(cohort=four["bob"].cohort, by=coordinator,
                              objective="max_total", triads=False)
    _login(client, four["gemma"])
    assert client.get(_url(four["gemma"], four["zoe"])).status_code == 404
    page = client.get(reverse("matching:my_exchange", args=[four["gemma"].cohort_id]))
    assert "Waarom niet met iemand anders?" not in page.content.decode()


def test_what_if_404_after_withdrawing(client, published):
    participant_withdraw(participant=published["gemma"])
    _login(client, published["gemma"])
    assert client.get(_url(published["gemma"], published["zoe"])).status_code == 404


# --- the form ------------------------------------------------------------------------------

def test_my_exchange_offers_everyone_but_oneself_and_the_partner(client, published):
    _login(client, published["gemma"])
    page = client.get(reverse("matching:my_exchange", args=[published["gemma"].cohort_id]))
    text = page.content.decode()
    form = text.split("Waarom niet met iemand anders?")[1]
    assert "Gijs Gemeente (Org van Gijs Gemeente)" in form
    assert "Zoë Zorg (Org van Zoë Zorg)" in form
    assert "Bob Jansen" not in form and "Gemma Gemeente (" not in form
    assert f'action="{_url(published["gemma"])}"' in form and 'method="get"' in form


@pytest.mark.parametrize("met", ["abc", "", "-1", "1.5", "99999999999999999999999",
                                 "own", "partner", "withdrawn", "foreign"])
def test_what_if_garbage_or_outside_choice_is_a_form_error(client, published, make_person,
                                                           met):
    gemma = published["gemma"]
    if met == "own":
        met = gemma.pk
    elif met == "partner":
        met = published["bob"].pk
    elif met == "withdrawn":
        met = participant_withdraw(participant=published["zoe"]).pk
    elif met == "foreign":
        met = make_person("Frits Vreemd", "zorgaanbieder", target=CohortFactory()).pk
    text = _ask(client, gemma, met)
    assert "Controleer wat u hebt ingevuld" in text and "data-error-summary" in text
    assert ("Kies een deelnemer uit de lijst." in text) or ("Kies een deelnemer." in text)
    assert "data-rules" not in text and "data-cost" not in text


def test_what_if_without_choice_shows_the_form(client, published):
    _login(client, published["gemma"])
    text = client.get(_url(published["gemma"])).content.decode()
    assert "<h1>Waarom niet met iemand anders?</h1>" in text
    assert "data-error-summary" not in text
    assert "Zoë Zorg (Org van Zoë Zorg)" in text


# --- an allowed pair -----------------------------------------------------------------------

def test_allowed_pair_shows_scores_and_cost_but_no_other_name(client, published):
    gemma, zoe = published["gemma"], published["zoe"]
    text = _ask(client, gemma, zoe)
    assert "<h1>Waarom niet met Zoë Zorg?</h1>" in text
    assert "Score van u samen met Zoë Zorg" in text
    assert "Score van uw huidige uitwisseling" in text
    # With Gemma pinned to Zoë, Bob and Gijs are paired instead: two others change partner.
    assert "2 andere deelnemers krijgen dan een andere partner." in text
    assert "Niemand verliest zijn of haar plek." in text
    assert "De totale score van het cohort daalt van" in text
    assert "De koppelingen zijn al gepubliceerd." in text
    assert "Neem contact op met de coördinator." in text
    _assert_only_named(text, "Zoë Zorg")
    for reason in ("verlanglijst", "wil graag naar", "leren kennen", "gedeelde thema"):
        assert reason not in text, reason


def test_allowed_pair_numbers_are_the_engines(published):
    gemma, zoe = published["gemma"], published["zoe"]
    exchange = selectors.exchange_for(gemma)
    answer = selectors.participant_what_if(participant=gemma, other=zoe, exchange=exchange)
    mi = selectors.matching_input(cohort=gemma.cohort)
    assert answer.possible
    assert answer.pair_score == mi.scores[frozenset((str(gemma.pk), str(zoe.pk)))].score
    assert answer.current_score == exchange.score
    assert answer.others_changed == 2 and answer.others_unplaced == 0
    assert answer.total_delta < 0
    assert answer.total_before == MatchRun.objects.get().stats["total_score"]


def test_allowed_pair_hides_the_other_persons_wish(client, published):
    """Gemma wishes Bob's organisation; Zoë asking about Bob must not learn that."""
    text = _ask(client, published["zoe"], published["bob"])
    _assert_only_named(text, "Bob Jansen")
    assert "verlanglijst" not in text


# --- a pair that is not allowed ------------------------------------------------------------

def test_other_persons_avoid_is_worded_neutrally(client, published):
    zoe = published["zoe"]
    services.preference_save(participant=zoe, topics=["inkoop", "toegang"],
                             avoided=[published["gemma"].organisation])
    text = _ask(client, published["gemma"], zoe)
    assert "Deze koppeling kan niet" in text
    assert NEUTRAL in text
    assert "wil niet" not in text and "Zoë Zorg wil" not in text
    assert "in uw voorkeuren" not in text
    _assert_only_named(text, "Zoë Zorg")


def test_forbid_reads_exactly_like_the_other_persons_avoid(published, coordinator):
    gemma, zoe = published["gemma"], published["zoe"]
    exchange = selectors.exchange_for(gemma)
    services.forbid_create(cohort=gemma.cohort, a=gemma, b=zoe, by=coordinator)
    forbidden = selectors.participant_what_if(participant=gemma, other=zoe, exchange=exchange)
    services.pair_rule_delete(cohort=gemma.cohort, kind="forbid",
                              rule_pk=Forbid.objects.get().pk)
    services.preference_save(participant=zoe, avoided=[gemma.organisation])
    avoided = selectors.participant_what_if(participant=gemma, other=zoe, exchange=exchange)
    services.forbid_create(cohort=gemma.cohort, a=gemma, b=zoe, by=coordinator)
    both = selectors.participant_what_if(participant=gemma, other=zoe, exchange=exchange)
    assert forbidden.rules == avoided.rules == both.rules
    assert [r.code for r in both.rules] == [WhyNotRule.HIDDEN]
    assert both.rules[0].text == NEUTRAL


def test_own_avoid_is_named_plainly(client, published):
    gemma, zoe = published["gemma"], published["zoe"]
    services.preference_save(participant=gemma, wish_1=published["bob"].organisation,
                             avoided=[zoe.organisation])
    text = _ask(client, gemma, zoe)
    assert ("U heeft in uw voorkeuren aangegeven dat u niet gekoppeld wilt worden aan "
            "Org van Zoë Zorg.") in text
    assert NEUTRAL not in text
    _assert_only_named(text, "Zoë Zorg")


def test_cohort_rule_on_kinds_is_named_plainly(client, published):
    text = _ask(client, published["gemma"], published["gijs"])
    assert ("Dit cohort koppelt geen twee deelnemers van hetzelfde soort organisatie "
            "(Gemeente) aan elkaar.") in text
    _assert_only_named(text, "Gijs Gemeente")


def test_same_organisation_and_too_few_days_are_named_plainly(client, published,
                                                              make_person):
    gemma = published["gemma"]
    colleague = make_person("Carla Collega", org=gemma.organisation)
    text = _ask(client, gemma, colleague)
    assert "U werkt bij dezelfde organisatie als Carla Collega." in text

    gemma.cohort.format = "op_locatie"  # hybrid cohorts may fall back to online
    gemma.cohort.save()
    services.preference_save(participant=gemma, days_a=["ma"])
    services.preference_save(participant=published["zoe"], days_a=["ma", "di"])
    text = _ask(client, gemma, published["zoe"])
    assert ("U heeft samen te weinig beschikbare dagen in stageweek A: 1, en er zijn er 2 "
            "nodig.") in text
    _assert_only_named(text, "Zoë Zorg")


def test_pin_of_the_other_is_worded_like_a_forbid(client, published, coordinator):
    # A coordinator's decision about X is not for the asker to know: same sentence as a forbid.
    gijs, zoe = published["gijs"], published["zoe"]
    services.pin_create(cohort=zoe.cohort, a=gijs, b=zoe, by=coordinator)
    text = _ask(client, published["gemma"], zoe)
    assert NEUTRAL in text
    assert "vast" not in text
    _assert_only_named(text, "Zoë Zorg")


def test_own_pin_is_said_plainly(client, published, coordinator):
    gijs, zoe = published["gijs"], published["zoe"]
    services.pin_create(cohort=zoe.cohort, a=gijs, b=zoe, by=coordinator)
    text = _ask(client, zoe, published["gemma"])
    assert ("De coördinator heeft u vast aan uw huidige partner gekoppeld; zolang dat zo is, "
            "kan de matching u niet aan iemand anders koppelen.") in text
    _assert_only_named(text, "Gemma Gemeente")


def test_every_hard_rule_of_the_engine_has_a_reading():
    samples = {"name": "A", "other": "B", "kind_a": "gemeente", "kind_b": "gemeente",
               "week": "A", "count": 1, "needed": 2}
    for key, template in HARD_TEXTS.items():
        assert selectors.hard_rule_keys([template.format(**samples)]) == [
            (key, {k: str(v) for k, v in samples.items() if "{" + k + "}" in template})], key
    assert selectors.hard_rule_keys(["een nieuwe regel"]) == [("", {})]


def test_published_runs_objective_is_used(published, coordinator):
    run = MatchRun.objects.get()
    run.objective, run.triads = "max_min", True
    run.save()
    assert selectors.published_objective(run.cohort) == ("max_min", True)
    MatchRun.objects.update(published_at=None)
    cohort = run.cohort
    assert selectors.published_objective(cohort) == ("max_total", cohort.allow_triads)
