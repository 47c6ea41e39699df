"""Tests for pair scoring (matching.engine.score_pair and friends)."""

from __future__ import annotations

from dataclasses import replace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from matching.engine import (
    WEIGHTS,
    CohortRules,
    PairScore,
    Profile,
    Unacceptable,
    score_cohort,
    score_pair,
)
from matching.engine_scoring import fmt_points, kinds_allowed

RULES = CohortRules(allowed_pairings=frozenset({"gemeente-aanbieder"}), days_per_visit=2)
WEEK_A = frozenset({"2026-03-02", "2026-03-03", "2026-03-04"})
WEEK_B = frozenset({"2026-03-09", "2026-03-10"})


def sanne(**kw) -> Profile:
    base = Profile(id="s", name="Sanne", organisation_id="gem-utrecht",
                   organisation_kind="gemeente", region="Utrecht")
    return replace(base, **kw)


def piet(**kw) -> Profile:
    base = Profile(id="p", name="Piet", organisation_id="zorg-a",
                   organisation_kind="zorgaanbieder", region="Gelderland")
    return replace(base, **kw)


def texts(res: PairScore) -> list[str]:
    return [r.text for r in res.reasons]


def assert_consistent(res: PairScore) -> None:
    assert res.score == res.a_likes + res.b_likes
    assert sum(r.points for r in res.reasons) == res.score
    assert sum(r.a_points for r in res.reasons) == res.a_likes
    assert sum(r.b_points for r in res.reasons) == res.b_likes
    for r in res.reasons:
        assert r.points == r.a_points + r.b_points
        assert r.text.endswith(fmt_points(r.points))


# ------------------------------------------------------------------------------------------
# hard rules
# ------------------------------------------------------------------------------------------
def test_score_pair_same_organisation_unacceptable():
    res = score_pair(sanne(), piet(organisation_id="gem-utrecht"), RULES)
    assert isinstance(res, Unacceptable)
    assert res.reason == "zelfde organisatie"


def test_score_pair_kind_not_allowed_unacceptable():
    res = score_pair(sanne(), piet(organisation_kind="gemeente"), RULES)
    assert isinstance(res, Unacceptable)
    assert res.reason == "koppeling gemeente – gemeente is in dit cohort niet toegestaan"
    ok = score_pair(sanne(), piet(organisation_kind="gemeente"),
                    replace(RULES, allowed_pairings=frozenset({"gemeente-gemeente"})))
    assert isinstance(ok, PairScore)


def test_kinds_allowed_matrix():
    ga, gg, ca = {"gemeente-aanbieder"}, {"gemeente-gemeente"}, {"client-any"}
    assert kinds_allowed("gemeente", "zorgaanbieder", ga)
    assert kinds_allowed("zorgaanbieder", "gemeente", ga)
    assert kinds_allowed("gemeente", "overig", ga)  # overig = non-gemeente partner
    assert not kinds_allowed("zorgaanbieder", "overig", ga | gg)
    assert not kinds_allowed("overig", "overig", ga | gg)
    assert not kinds_allowed("zorgaanbieder", "zorgaanbieder", ga | gg)
    assert kinds_allowed("gemeente", "gemeente", gg)
    assert not kinds_allowed("gemeente", "gemeente", ga)
    for kind in ("gemeente", "zorgaanbieder", "clientorganisatie", "overig"):
        assert kinds_allowed("clientorganisatie", kind, ca)
        assert not kinds_allowed("clientorganisatie", kind, ga | gg)


def test_score_pair_avoided_organisation_either_side_unacceptable():
    res = score_pair(sanne(avoided_organisations=frozenset({"zorg-a"})), piet(), RULES)
    assert isinstance(res, Unacceptable)
    assert res.reason == "Sanne wil niet naar de organisatie van Piet"
    res = score_pair(sanne(), piet(avoided_organisations=frozenset({"gem-utrecht"})), RULES)
    assert isinstance(res, Unacceptable)
    assert res.reason == "Piet wil niet naar de organisatie van Sanne"


def test_score_pair_forbid_unacceptable():
    rules = replace(RULES, forbids=frozenset({frozenset({"s", "p"})}))
    res = score_pair(piet(), sanne(), rules)
    assert isinstance(res, Unacceptable)
    assert res.reason == "dit paar is door de coördinator uitgesloten"


def test_score_pair_too_few_common_days_on_site_unacceptable():
    a = sanne(available_days_a=WEEK_A, available_days_b=WEEK_B)
    b = piet(available_days_a=frozenset({"2026-03-02"}), available_days_b=WEEK_B)
    res = score_pair(a, b, RULES)
    assert isinstance(res, Unacceptable)
    assert res.reason == (
        "te weinig gezamenlijke beschikbare dagen in week A (1, er zijn er 2 nodig)"
    )
    b2 = piet(available_days_a=WEEK_A, available_days_b=frozenset({"2026-03-12"}))
    res = score_pair(a, b2, RULES)
    assert isinstance(res, Unacceptable) and "week B (0," in res.reason


def test_score_pair_days_rule_only_on_site():
    a = sanne(available_days_a=WEEK_A)
    b = piet(available_days_a=frozenset({"2026-03-02"}))
    for fmt in ("online", "hybride"):
        assert isinstance(score_pair(a, b, replace(RULES, format=fmt)), PairScore)


def test_score_pair_empty_availability_means_fully_available():
    assert isinstance(score_pair(sanne(), piet(), RULES), PairScore)
    # one side empty -> the other side's days count
    a = sanne(available_days_a=frozenset({"2026-03-02"}))
    res = score_pair(a, piet(), RULES)
    assert isinstance(res, Unacceptable) and "week A (1," in res.reason


def test_score_pair_all_hard_reasons_listed():
    rules = replace(RULES, forbids=frozenset({frozenset({"s", "p"})}))
    res = score_pair(sanne(), piet(organisation_id="gem-utrecht",
                                   organisation_kind="gemeente"), rules)
    assert isinstance(res, Unacceptable)
    assert len(res.reasons) == 3


# ------------------------------------------------------------------------------------------
# soft reasons
# ------------------------------------------------------------------------------------------
@pytest.mark.parametrize("rank,points", [(1, 5), (2, 4), (3, 3)])
def test_score_pair_wish_rank_points(rank, points):
    wishes = ["x", "y", "z"]
    wishes[rank - 1] = "zorg-a"
    res = score_pair(sanne(wished_organisations=tuple(wishes), region=""), piet(region=""), RULES)
    assert isinstance(res, PairScore)
    assert texts(res) == [f"op verlanglijst van Sanne, nr. {rank}: +{points}"]
    assert res.a_likes == points and res.b_likes == 0
    assert_consistent(res)


def test_score_pair_wish_other_side_counts_for_b():
    res = score_pair(sanne(region=""), piet(region="", wished_organisations=("gem-utrecht",)),
                     RULES)
    assert texts(res) == ["op verlanglijst van Piet, nr. 1: +5"]
    assert res.b_likes == 5 and res.a_likes == 0


def test_score_pair_shared_domain():
    res = score_pair(sanne(domains=frozenset({"jeugdwet", "wmo"}), region=""),
                     piet(domains=frozenset({"jeugdwet"}), region=""), RULES)
    assert texts(res) == ["beiden Jeugdwet: +3"]
    assert res.a_likes == res.b_likes == 1.5
    assert_consistent(res)


def test_score_pair_interest_domain_one_sided():
    res = score_pair(sanne(interest_domains=frozenset({"wlz"}), region=""),
                     piet(domains=frozenset({"wlz"}), region=""), RULES)
    assert texts(res) == ["Sanne wil Wlz leren kennen: +2"]
    assert res.a_likes == 2 and res.b_likes == 0


def test_score_pair_same_region():
    res = score_pair(sanne(), piet(region="Utrecht"), RULES)
    assert texts(res) == ["dezelfde regio (Utrecht): +2"]
    assert_consistent(res)


def test_score_pair_travel_region():
    res = score_pair(sanne(regions_can_travel=frozenset({"Gelderland"})), piet(), RULES)
    assert texts(res) == ["Sanne kan naar regio Gelderland reizen: +1"]
    assert res.a_likes == 1


def test_score_pair_region_ignored_online():
    rules = replace(RULES, format="online")
    assert texts(score_pair(sanne(), piet(region="Utrecht"), rules)) == []
    assert texts(score_pair(sanne(online_only=True), piet(region="Utrecht"), RULES)) == []


@pytest.mark.parametrize("rank,points", [(1, 3), (2, 2), (3, 1)])
def test_score_pair_wanted_kind_rank(rank, points):
    kinds = ["overig", "clientorganisatie", "gemeente"]
    kinds[rank - 1] = "zorgaanbieder"
    res = score_pair(sanne(wanted_kinds=tuple(kinds), region=""), piet(region=""), RULES)
    want = f"Sanne wil graag naar een zorgaanbieder (voorkeur nr. {rank}): +{points}"
    assert texts(res) == [want]


def test_score_pair_shared_topics_capped():
    topics = frozenset({"armoede", "schulden", "wonen", "zorgmijding"})
    res = score_pair(sanne(topics=topics, region=""), piet(topics=topics, region=""), RULES)
    assert texts(res) == ["3 gedeelde thema's (armoede, schulden, wonen): +3"]
    assert res.a_likes == res.b_likes == 1.5


def test_score_pair_common_days_bonus():
    a = sanne(available_days_a=WEEK_A, available_days_b=WEEK_B, region="")
    b = piet(available_days_a=WEEK_A, available_days_b=WEEK_B, region="")
    res = score_pair(a, b, RULES)
    assert texts(res) == ["3 gezamenlijke beschikbare dagen in week A: +1"]
    assert res.a_likes == res.b_likes == 0.5


def test_score_pair_everything_sums_exactly():
    a = sanne(domains=frozenset({"jeugdwet", "wmo"}), interest_domains=frozenset({"wlz"}),
              topics=frozenset({"wonen", "armoede"}), wanted_kinds=("zorgaanbieder",),
              regions_can_travel=frozenset({"Gelderland"}), wished_organisations=("zorg-a",),
              available_days_a=WEEK_A, available_days_b=WEEK_B)
    b = piet(domains=frozenset({"jeugdwet", "wlz"}), topics=frozenset({"wonen"}),
             wanted_kinds=("clientorganisatie", "gemeente"),
             wished_organisations=("x", "y", "gem-utrecht"),
             available_days_a=WEEK_A, available_days_b=WEEK_B)
    res = score_pair(a, b, RULES)
    assert isinstance(res, PairScore)
    assert_consistent(res)
    assert res.score == 5 + 3 + 3 + 2 + 1 + 3 + 2 + 1 + 1
    swapped = score_pair(b, a, RULES)
    assert swapped.score == res.score
    assert (swapped.a_likes, swapped.b_likes) == (res.b_likes, res.a_likes)


def test_fmt_points_dutch_decimal():
    assert fmt_points(5) == "+5" and fmt_points(1.5) == "+1,5" and fmt_points(0) == "+0"


def test_weights_table_is_the_source():
    assert WEIGHTS["wish"] == {1: 5, 2: 4, 3: 3}


# ------------------------------------------------------------------------------------------
# properties and determinism
# ------------------------------------------------------------------------------------------
DOMAINS = ["jeugdwet", "wmo", "wlz", "zvw", "participatiewet", "mo_bw"]
KINDS = ["gemeente", "zorgaanbieder", "clientorganisatie", "overig"]
DAYS = [f"2026-03-0{i}" for i in range(2, 7)]


def profiles(pid: str):
    sets = st.frozensets
    return st.builds(
        Profile,
        id=st.just(pid), name=st.sampled_from(["Sanne", "Piet", "Fatima", "Joost"]),
        organisation_id=st.sampled_from(["o1", "o2", "o3"]),
        organisation_kind=st.sampled_from(KINDS),
        region=st.sampled_from(["", "Utrecht", "Twente"]),
        domains=sets(st.sampled_from(DOMAINS)), topics=sets(st.sampled_from("abcde")),
        wanted_kinds=st.lists(st.sampled_from(KINDS), unique=True).map(tuple),
        interest_domains=sets(st.sampled_from(DOMAINS)),
        regions_can_travel=sets(st.sampled_from(["Utrecht", "Twente"])),
        online_only=st.booleans(),
        available_days_a=sets(st.sampled_from(DAYS)), available_days_b=sets(st.sampled_from(DAYS)),
        wished_organisations=st.lists(st.sampled_from(["o1", "o2", "o3"]), unique=True,
                                      max_size=3).map(tuple),
        avoided_organisations=sets(st.sampled_from(["o1", "o2", "o3"]), max_size=1),
    )


rules_st = st.builds(
    CohortRules,
    allowed_pairings=st.frozensets(
        st.sampled_from(["gemeente-aanbieder", "gemeente-gemeente", "client-any"])),
    days_per_visit=st.integers(1, 4),
    format=st.sampled_from(["op_locatie", "online", "hybride"]),
)


@settings(max_examples=150, deadline=None, database=None)
@given(a=profiles("a"), b=profiles("b"), rules=rules_st)
def test_score_pair_reasons_sum_and_symmetry(a, b, rules):
    res = score_pair(a, b, rules)
    again = score_pair(a, b, rules)
    assert res == again  # deterministic
    swapped = score_pair(b, a, rules)
    assert isinstance(swapped, type(res))
    if isinstance(res, PairScore):
        assert_consistent(res)
        assert res.score >= 0
        assert swapped.score == res.score
        assert (swapped.a_likes, swapped.b_likes) == (res.b_likes, res.a_likes)
    else:
        assert res.reasons and all(isinstance(t, str) and t for t in res.reasons)


def test_score_cohort_sorted_and_split():
    people = [piet(), sanne(), piet(id="q", organisation_id="gem-utrecht")]
    ok, bad = score_cohort(people, RULES)
    assert [(x.a_id, x.b_id) for x in ok] == [("p", "s")]
    assert {(x.a_id, x.b_id) for x in bad} == {("p", "q"), ("q", "s")}
    assert ok[0].as_pair()["score"] == ok[0].score


def test_cohort_rules_validation():
    with pytest.raises(ValueError):
        CohortRules(days_per_visit=5)
    with pytest.raises(ValueError):
        CohortRules(format="telepathie")
    with pytest.raises(ValueError):
        CohortRules(allowed_pairings=frozenset({"iedereen"}))
