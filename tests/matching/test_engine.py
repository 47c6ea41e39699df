"""Tests for matching.engine: invariants, optimality, stability, what-if and the CLI."""

from __future__ import annotations

import json
import random
import subprocess
import sys
from itertools import combinations
from pathlib import Path

import networkx as nx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from matching.engine import (
    MSG_NO_STABLE,
    Instance,
    MatchingInputError,
    Pair,
    Participant,
    solve,
    what_if,
)

REPO = Path(__file__).resolve().parents[2]
FAST = settings(
    max_examples=60, deadline=None, database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


# ------------------------------------------------------------------------------------------
# helpers
# ------------------------------------------------------------------------------------------
def random_instance(rng: random.Random, n: int, density: float = 0.5, n_orgs: int | None = None,
                    objective: str = "max_total", triads: bool = False, pins: bool = True,
                    forbids: bool = True, likes: bool = False) -> Instance:
    n_orgs = n_orgs or max(2, n // 2)
    ids = [f"p{i:02d}" for i in range(n)]
    parts = [Participant(pid, f"o{rng.randrange(n_orgs)}") for pid in ids]
    org = {p.id: p.organisation for p in parts}
    pairs = []
    for a, b in combinations(ids, 2):
        if rng.random() < density:
            if likes:
                pairs.append(Pair(a, b, a_likes=rng.randint(0, 6), b_likes=rng.randint(0, 6)))
            else:
                pairs.append(Pair(a, b, score=rng.randint(0, 10) / 2))
    forbid_list = []
    if forbids and pairs:
        for p in rng.sample(pairs, k=min(len(pairs), rng.randint(0, 2))):
            forbid_list.append((p.a, p.b))
    pin_list: list[tuple[str, str]] = []
    if pins:
        used: set[str] = set()
        for p in pairs:
            if (
                rng.random() < 0.15 and p.a not in used and p.b not in used
                and org[p.a] != org[p.b] and (p.a, p.b) not in forbid_list
            ):
                pin_list.append((p.a, p.b))
                used |= {p.a, p.b}
    return Instance(parts, pairs, pin_list, forbid_list, objective, triads)


def pair_score(inst: Instance) -> dict[frozenset, float]:
    out = {}
    for p in inst.pairs:
        s = p.score if p.score is not None else p.a_likes + p.b_likes
        out[frozenset((p.a, p.b))] = s
    return out


def eligible_pairs(inst: Instance) -> dict[frozenset, float]:
    org = {p.id: p.organisation for p in inst.participants}
    forb = {frozenset(f) for f in inst.forbids}
    return {
        k: s for k, s in pair_score(inst).items()
        if k not in forb and len({org[x] for x in k}) == 2
    }


def all_matchings(people: list[str], edges: dict[frozenset, float]):
    """Every matching (list of frozensets) on ``people`` using ``edges``."""
    if not people:
        yield []
        return
    first, rest = people[0], people[1:]
    yield from all_matchings(rest, edges)  # first stays unmatched
    for other in rest:
        k = frozenset((first, other))
        if k in edges:
            remaining = [x for x in rest if x != other]
            for m in all_matchings(remaining, edges):
                yield [k, *m]


def brute_force(inst: Instance):
    """(placed, total) for max_total and (placed, min, total) for max_min, pins included."""
    edges = eligible_pairs(inst)
    pinned = {x for p in inst.pins for x in p}
    people = sorted(p.id for p in inst.participants if p.id not in pinned)
    pin_scores = [edges[frozenset(p)] for p in inst.pins]
    best_total = best_min = None
    for m in all_matchings(people, edges):
        scores = [edges[k] for k in m] + pin_scores
        placed = 2 * len(scores)
        total = round(sum(scores), 6)
        mn = min(scores) if scores else 0.0
        if best_total is None or (placed, total) > best_total:
            best_total = (placed, total)
        if best_min is None or (placed, mn, total) > best_min:
            best_min = (placed, mn, total)
    return best_total, best_min


def check_invariants(inst: Instance, res) -> None:
    org = {p.id: p.organisation for p in inst.participants}
    scores = pair_score(inst)
    forb = {frozenset(f) for f in inst.forbids}
    seen: set[str] = set()
    for ex in res.exchanges:
        assert len(ex.members) in (2, 3)
        if len(ex.members) == 3:
            assert inst.triads, "triad formed while triads are off"
        for x in ex.members:
            assert x not in seen, f"{x} in two exchanges"
            seen.add(x)
        for a, b in combinations(ex.members, 2):
            k = frozenset((a, b))
            assert k in scores, f"unlisted pair {a}-{b}"
            assert org[a] != org[b], "same organisation"
            assert k not in forb, "forbidden pair formed"
    for a, b in inst.pins:
        assert any(set(ex.members) == {a, b} for ex in res.exchanges), "pin not kept"
    unmatched = {u.id for u in res.unmatched}
    assert unmatched.isdisjoint(seen)
    assert unmatched | seen == {p.id for p in inst.participants}
    assert all(u.reason for u in res.unmatched)
    assert res.stats.placed == len(seen)


# ------------------------------------------------------------------------------------------
# invariants (property based)
# ------------------------------------------------------------------------------------------
@FAST
@given(
    seed=st.integers(0, 10**9),
    n=st.integers(0, 12),
    density=st.floats(0.1, 0.9),
    objective=st.sampled_from(["max_total", "max_min", "stable"]),
    triads=st.booleans(),
    likes=st.booleans(),
)
def test_solve_invariants_random_instances(seed, n, density, objective, triads, likes):
    inst = random_instance(random.Random(seed), n, density, objective=objective,
                           triads=triads, likes=likes)
    res = solve(inst)
    check_invariants(inst, res)
    assert res.stats.blocking_pairs >= 0


@FAST
@given(seed=st.integers(0, 10**9), n=st.integers(3, 12), density=st.floats(0.2, 0.9))
def test_triads_members_pairwise_acceptable_when_enabled(seed, n, density):
    inst = random_instance(random.Random(seed), n, density, n_orgs=n, triads=True, pins=False)
    res = solve(inst)
    check_invariants(inst, res)
    base = solve(Instance(inst.participants, inst.pairs, inst.pins, inst.forbids, "max_total"))
    assert res.stats.placed >= base.stats.placed


def test_triads_odd_cycle_places_leftover():
    parts = [Participant(x, f"o{x}") for x in "abc"]
    pairs = [Pair("a", "b", 2), Pair("b", "c", 4), Pair("a", "c", 6)]
    off = solve(Instance(parts, pairs))
    assert off.stats.placed == 2 and off.exchanges[0].members == ("a", "c")
    on = solve(Instance(parts, pairs, triads=True))
    assert on.stats.placed == 3 and on.exchanges[0].members == ("a", "b", "c")
    assert on.exchanges[0].score == 6.0  # half of 2 + 4 + 6
    assert on.stats.triads == 1 and not on.unmatched


def test_triads_assign_leftovers_so_that_most_are_placed():
    """x1 fits both pairs and gains most with the first; x2 fits only the first. A greedy
    choice gives the first pair to x1 and leaves x2 out; the assignment places both."""
    from matching.engine_solve import add_triads

    u1, v1, u2, v2, x1, x2 = range(6)
    adj: list[dict[int, int]] = [{} for _ in range(6)]
    for a, b, w in [(u1, v1, 10), (u2, v2, 10), (x1, u1, 8), (x1, v1, 8), (x1, u2, 2),
                    (x1, v2, 2), (x2, u1, 1), (x2, v1, 1)]:
        adj[a][b] = adj[b][a] = w
    pairs, triads = add_triads([(u1, v1), (u2, v2)], [x1, x2], adj, frozen=set())
    assert pairs == []
    assert triads == [(u1, v1, x2), (u2, v2, x1)]
    # a frozen (pinned) pair never takes a leftover
    pairs, triads = add_triads([(u1, v1), (u2, v2)], [x1, x2], adj, frozen={u2})
    assert pairs == [(u2, v2)] and len(triads) == 1


def test_triads_not_formed_without_all_three_pairs():
    parts = [Participant(x, f"o{x}") for x in "abc"]
    res = solve(Instance(parts, [Pair("a", "b", 2), Pair("b", "c", 4)], triads=True))
    assert res.stats.placed == 2 and res.stats.triads == 0


# ------------------------------------------------------------------------------------------
# optimality
# ------------------------------------------------------------------------------------------
@pytest.mark.parametrize("seed", range(150))
def test_solve_optimal_brute_force_small(seed):
    rng = random.Random(seed)
    n = rng.randint(1, 10)
    inst = random_instance(rng, n, rng.uniform(0.2, 0.9), n_orgs=rng.randint(2, n + 1))
    best_total, best_min = brute_force(inst)
    res = solve(inst)
    check_invariants(inst, res)
    assert (res.stats.placed, res.stats.total_score) == best_total
    inst.objective = "max_min"
    res = solve(inst)
    check_invariants(inst, res)
    assert (res.stats.placed, res.stats.min_score, res.stats.total_score) == best_min


def networkx_optimum(inst: Instance) -> tuple[int, float]:
    g = nx.Graph()
    for k, s in eligible_pairs(inst).items():
        a, b = sorted(k)
        g.add_edge(a, b, weight=round(s * 100))
    m = nx.max_weight_matching(g, maxcardinality=True)
    return 2 * len(m), sum(g[a][b]["weight"] for a, b in m) / 100


@pytest.mark.parametrize("shape", ["bipartite", "mixed"])
@pytest.mark.parametrize("n,seed", [(100, 1), (200, 2), (300, 3)])
def test_solve_matches_networkx_midsize(shape, n, seed):
    rng = random.Random(seed)
    ids = [f"p{i:03d}" for i in range(n)]
    parts = [Participant(pid, f"o{i // 4}") for i, pid in enumerate(ids)]
    half = n // 2
    seen = set()
    pairs = []
    for i in range(n):
        for _ in range(rng.randint(3, 8)):
            if shape == "mixed" and rng.random() < 0.3:
                j = rng.randrange(n)
            else:
                j = rng.randrange(half, n) if i < half else rng.randrange(half)
            k = tuple(sorted((i, j)))
            if i != j and k not in seen:
                seen.add(k)
                pairs.append(Pair(ids[k[0]], ids[k[1]], score=rng.randint(0, 40) / 4))
    inst = Instance(parts, pairs)
    res = solve(inst)
    check_invariants(inst, res)
    placed, total = networkx_optimum(inst)
    assert res.stats.placed == placed
    assert res.stats.total_score == pytest.approx(total, abs=1e-6)


def test_solve_deterministic_same_input_same_output():
    inst = random_instance(random.Random(7), 40, 0.3)
    for objective in ("max_total", "max_min", "stable"):
        inst.objective = objective
        assert solve(inst).to_dict()["exchanges"] == solve(inst).to_dict()["exchanges"]
    shuffled = Instance(list(reversed(inst.participants)), list(reversed(inst.pairs)),
                        inst.pins, inst.forbids, "max_total")
    inst.objective = "max_total"
    assert solve(shuffled).to_dict()["exchanges"] == solve(inst).to_dict()["exchanges"]


def test_solve_same_organisation_never_paired():
    parts = [Participant("a", "x"), Participant("b", "x"), Participant("c", "y")]
    res = solve(Instance(parts, [Pair("a", "b", 100), Pair("a", "c", 1)]))
    assert [e.members for e in res.exchanges] == [("a", "c")]
    assert "eigen organisatie" in res.unmatched[0].reason


def test_solve_forbid_never_formed():
    parts = [Participant(x, x) for x in "abc"]
    res = solve(Instance(parts, [Pair("a", "b", 9), Pair("a", "c", 1)], forbids=[("a", "b")]))
    assert [e.members for e in res.exchanges] == [("a", "c")]


def test_solve_pin_kept_even_if_worse():
    parts = [Participant(x, x) for x in "abcd"]
    pairs = [Pair("a", "b", 9), Pair("c", "d", 9), Pair("a", "c", 1)]
    res = solve(Instance(parts, pairs, pins=[("a", "c")]))
    assert [(e.members, e.pinned) for e in res.exchanges] == [(("a", "c"), True)]
    assert {u.id for u in res.unmatched} == {"b", "d"}


def test_solve_unmatched_reasons_dutch():
    parts = [Participant(x, x) for x in "abcde"]
    res = solve(Instance(parts, [Pair("a", "b", 1), Pair("a", "c", 1), Pair("b", "c", 1)]))
    reasons = {u.id: u.reason for u in res.unmatched}
    assert reasons["d"].startswith("geen acceptabele partner")
    assert reasons["e"].startswith("geen acceptabele partner")
    leftover = next(x for x in "abc" if x in reasons)
    assert "oneven aantal" in reasons[leftover]
    parts = [Participant(x, x) for x in "abcd"]
    res = solve(Instance(parts, [Pair("a", "b", 1), Pair("a", "c", 1), Pair("a", "d", 1)]))
    for u in res.unmatched:
        assert "al gekoppeld" in u.reason


def test_solve_max_min_prefers_higher_minimum():
    parts = [Participant(x, x) for x in "abcd"]
    pairs = [Pair("a", "b", 10), Pair("c", "d", 1), Pair("a", "c", 5), Pair("b", "d", 5)]
    assert solve(Instance(parts, pairs)).stats.total_score == 11
    res = solve(Instance(parts, pairs, objective="max_min"))
    assert res.stats.min_score == 5 and res.stats.total_score == 10


def test_solve_huge_scores_stay_exact():
    rng = random.Random(11)
    for _ in range(20):
        inst = random_instance(rng, 8, 0.6, n_orgs=8, pins=False, forbids=False)
        inst.pairs = [p._replace(score=p.score * 1e12 + rng.randint(0, 3)) for p in inst.pairs]
        best_total, _ = brute_force(inst)
        res = solve(inst)
        assert (res.stats.placed, res.stats.total_score) == best_total


def test_solve_score_from_likes_sum():
    parts = [Participant(x, x) for x in "ab"]
    res = solve(Instance(parts, [Pair("a", "b", a_likes=2, b_likes=3.5)]))
    assert res.exchanges[0].score == 5.5


def test_solve_empty_instance():
    res = solve(Instance([], []))
    assert res.exchanges == [] and res.stats.placed == 0 and res.stats.min_score == 0


# ------------------------------------------------------------------------------------------
# stable
# ------------------------------------------------------------------------------------------
def blocking_count(inst: Instance, matching: list[frozenset]) -> int:
    likes = {}
    for p in inst.pairs:
        likes[(p.a, p.b)] = p.a_likes
        likes[(p.b, p.a)] = p.b_likes
    partner = {}
    for k in matching:
        a, b = sorted(k)
        partner[a], partner[b] = b, a
    count = 0
    for k in eligible_pairs(inst):
        a, b = sorted(k)
        if partner.get(a) == b:
            continue
        va = likes[(a, partner[a])] if a in partner else float("-inf")
        vb = likes[(b, partner[b])] if b in partner else float("-inf")
        if likes[(a, b)] > va and likes[(b, a)] > vb:
            count += 1
    return count


def strict_likes_instance(rng: random.Random, n: int, density: float) -> Instance:
    """Each person's likes for their partners are distinct, so preferences are strict."""
    ids = [f"p{i}" for i in range(n)]
    parts = [Participant(x, f"o{x}") for x in ids]
    chosen = [k for k in combinations(ids, 2) if rng.random() < density]
    value: dict[tuple[str, str], int] = {}
    for x in ids:
        mine = [k for k in chosen if x in k]
        for v, k in zip(rng.sample(range(1, len(mine) + 1), len(mine)), mine, strict=True):
            value[(x, k[1] if k[0] == x else k[0])] = v
    pairs = [Pair(a, b, a_likes=value[(a, b)], b_likes=value[(b, a)]) for a, b in chosen]
    return Instance(parts, pairs, objective="stable")


@pytest.mark.parametrize("seed", range(200))
def test_stable_agrees_with_brute_force_small(seed):
    rng = random.Random(seed)
    inst = strict_likes_instance(rng, rng.randint(2, 9), rng.uniform(0.3, 1.0))
    edges = eligible_pairs(inst)
    people = sorted(p.id for p in inst.participants)
    exists = any(blocking_count(inst, m) == 0 for m in all_matchings(people, edges))
    res = solve(inst)
    check_invariants(inst, res)
    assert res.stats.stable_exists is exists
    matching = [frozenset(e.members) for e in res.exchanges]
    assert res.stats.blocking_pairs == blocking_count(inst, matching)
    if exists:
        assert res.stats.blocking_pairs == 0
    else:
        assert res.messages[0].startswith("Er bestaat geen stabiele koppeling")


def test_stable_none_exists_classic_four():
    # a: b > c > d, b: c > a > d, c: a > b > d, d: last for everybody
    prefs = {"a": "bcd", "b": "cad", "c": "abd", "d": "abc"}
    pairs = [
        Pair(x, y, a_likes=3 - prefs[x].index(y), b_likes=3 - prefs[y].index(x))
        for x, y in combinations("abcd", 2)
    ]
    res = solve(Instance([Participant(x, x) for x in "abcd"], pairs, objective="stable"))
    assert res.stats.stable_exists is False
    assert res.messages == [MSG_NO_STABLE.format(n=res.stats.blocking_pairs)]
    assert "geen stabiele koppeling" in res.messages[0]
    assert res.stats.placed == 4  # fallback max_total
    assert res.stats.blocking_pairs >= 1


def test_stable_exists_reports_zero_blocking():
    parts = [Participant(x, x) for x in "abcd"]
    pairs = [Pair("a", "b", a_likes=5, b_likes=5), Pair("c", "d", a_likes=1, b_likes=1),
             Pair("a", "c", a_likes=1, b_likes=9), Pair("b", "d", a_likes=1, b_likes=9)]
    res = solve(Instance(parts, pairs, objective="stable"))
    assert res.stats.stable_exists is True and res.stats.blocking_pairs == 0
    assert {e.members for e in res.exchanges} == {("a", "b"), ("c", "d")}


def test_stable_large_instance_fast():
    rng = random.Random(5)
    inst = strict_likes_instance(rng, 300, 0.05)
    res = solve(inst)
    check_invariants(inst, res)
    if res.stats.stable_exists:
        assert res.stats.blocking_pairs == 0


# ------------------------------------------------------------------------------------------
# what if
# ------------------------------------------------------------------------------------------
def test_what_if_reports_cost_and_losers():
    parts = [Participant(x, x) for x in "abcd"]
    pairs = [Pair("a", "b", 9), Pair("c", "d", 9), Pair("a", "c", 1)]
    w = what_if(Instance(parts, pairs), ("a", "c"))
    assert w.possible and not w.already_paired
    assert w.placed_delta == -2 and w.total_delta == -17
    assert sorted(w.newly_unmatched) == ["b", "d"]
    assert {c.id: (c.before, c.after) for c in w.changes} == {"b": (("a",), ()), "d": (("c",), ())}


def test_what_if_impossible_pin_explained():
    parts = [Participant("a", "x"), Participant("b", "x"), Participant("c", "y")]
    inst = Instance(parts, [Pair("a", "b", 1), Pair("a", "c", 1)])
    w = what_if(inst, ("a", "b"))
    assert not w.possible and "dezelfde organisatie" in w.reason
    w = what_if(inst, ("b", "c"))
    assert not w.possible and "niet in de lijst" in w.reason
    with pytest.raises(MatchingInputError, match="onbekende deelnemer 'zz'"):
        what_if(inst, ("a", "zz"))


def test_what_if_already_paired_costs_nothing():
    parts = [Participant(x, x) for x in "ab"]
    w = what_if(Instance(parts, [Pair("a", "b", 3)]), ("b", "a"))
    assert w.possible and w.already_paired and w.total_delta == 0 and w.changes == []


# ------------------------------------------------------------------------------------------
# input errors (API)
# ------------------------------------------------------------------------------------------
BASE = {
    "participants": [{"id": "p1", "organisation": "o1"}, {"id": "p2", "organisation": "o2"},
                     {"id": "p3", "organisation": "o1"}, {"id": "p4", "organisation": "o3"}],
    "pairs": [{"a": "p1", "b": "p2", "score": 7.5}, {"a": "p3", "b": "p4", "score": 2},
              {"a": "p1", "b": "p3", "score": 1}, {"a": "p2", "b": "p4", "a_likes": 1,
                                                   "b_likes": 2}],
    "pins": [], "forbids": [["p2", "p3"]], "objective": "max_total", "triads": False,
}

INVALID = [
    ("unknown_id", {"pairs": [{"a": "p1", "b": "p9", "score": 1}]}, "p9"),
    ("negative_score", {"pairs": [{"a": "p1", "b": "p2", "score": -1}]}, "score"),
    ("nan_score", {"pairs": [{"a": "p1", "b": "p2", "score": float("nan")}]}, "score"),
    ("string_score", {"pairs": [{"a": "p1", "b": "p2", "score": "7"}]}, "score"),
    ("missing_score", {"pairs": [{"a": "p1", "b": "p2"}]}, "score ontbreekt"),
    ("duplicate_pair", {"pairs": [{"a": "p1", "b": "p2", "score": 1},
                                  {"a": "p2", "b": "p1", "score": 2}]}, "twee keer"),
    ("pin_unlisted", {"pins": [["p1", "p4"]]}, "niet in de lijst"),
    ("pin_same_org", {"pins": [["p1", "p3"]]}, "dezelfde organisatie"),
    ("pin_forbidden", {"pins": [["p2", "p3"]], "pairs": BASE["pairs"]
                       + [{"a": "p2", "b": "p3", "score": 1}]}, "verboden"),
    ("pinned_twice", {"pins": [["p1", "p2"], ["p2", "p4"]]}, "twee keer vastgezet"),
    ("unknown_objective", {"objective": "max_fun"}, "objective"),
    ("duplicate_participant", {"participants": BASE["participants"]
                               + [{"id": "p1", "organisation": "o9"}]}, "twee keer"),
]


@pytest.mark.parametrize("name,patch,needle", INVALID, ids=[x[0] for x in INVALID])
def test_instance_invalid_raises_matching_input_error(name, patch, needle):
    with pytest.raises(MatchingInputError, match=needle):
        solve(Instance.from_dict({**BASE, **patch}))


def test_instance_roundtrip_dict():
    inst = Instance.from_dict(BASE)
    assert Instance.from_dict(inst.to_dict()).to_dict() == inst.to_dict()


# ------------------------------------------------------------------------------------------
# CLI
# ------------------------------------------------------------------------------------------
def run_cli(tmp_path: Path, payload: str, *extra: str) -> subprocess.CompletedProcess:
    src = tmp_path / "in.json"
    src.write_text(payload, encoding="utf-8")
    return subprocess.run(  # noqa: S603 - our own interpreter and module
        [sys.executable, "-m", "matching.engine", "solve", str(src), *extra],
        cwd=REPO, capture_output=True, text=True, timeout=60,
    )


def test_cli_solve_writes_output_file(tmp_path):
    out = tmp_path / "out.json"
    proc = run_cli(tmp_path, json.dumps(BASE), "-o", str(out))
    assert proc.returncode == 0, proc.stderr
    data = json.loads(out.read_text(encoding="utf-8"))
    assert set(data) >= {"exchanges", "unmatched", "stats"}
    assert set(data["stats"]) >= {"placed", "total_score", "min_score", "blocking_pairs",
                                  "stable_exists"}
    assert [e["members"] for e in data["exchanges"]] == [["p1", "p2"], ["p3", "p4"]]
    assert data["stats"]["placed"] == 4 and data["stats"]["total_score"] == 9.5


def test_cli_solve_prints_to_stdout(tmp_path):
    proc = run_cli(tmp_path, json.dumps({**BASE, "objective": "stable"}))
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["stats"]["stable_exists"] is True


@pytest.mark.parametrize(
    "name,patch,needle",
    [x for x in INVALID if x[0] not in ("nan_score",)],
    ids=[x[0] for x in INVALID if x[0] != "nan_score"],
)
def test_cli_invalid_input_exit_code_2(tmp_path, name, patch, needle):
    proc = run_cli(tmp_path, json.dumps({**BASE, **patch}))
    assert proc.returncode == 2
    assert needle in proc.stderr


def test_cli_bad_json_exit_code_2(tmp_path):
    proc = run_cli(tmp_path, '{"participants": [')
    assert proc.returncode == 2
    assert "ongeldige JSON" in proc.stderr


def test_cli_missing_file_exit_code_2(tmp_path):
    proc = subprocess.run(  # noqa: S603 - our own interpreter and module
        [sys.executable, "-m", "matching.engine", "solve", str(tmp_path / "nope.json")],
        cwd=REPO, capture_output=True, text=True, timeout=60,
    )
    assert proc.returncode == 2 and "nope.json" in proc.stderr


# ------------------------------------------------------------------------------------------
# bulk pair validation (the fast path) against the careful loop
# ------------------------------------------------------------------------------------------
@pytest.mark.parametrize("seed", range(20))
def test_bulk_pair_columns_equal_the_careful_loop(seed):
    from matching.engine_input import _pair_columns, _pair_columns_careful

    rng = random.Random(seed)
    inst = random_instance(rng, rng.randint(2, 25), likes=seed % 2 == 1)
    pairs = [Pair(p.b, p.a, p.score, p.b_likes, p.a_likes) if rng.random() < 0.5 else p
             for p in inst.pairs]  # both orders of a and b
    if seed % 4 == 3:  # likes plus an explicit score that differs from their sum
        pairs = [p._replace(score=7) for p in pairs]
    idx = {p.id: i for i, p in enumerate(sorted(inst.participants))}
    fast = _pair_columns(pairs, idx)
    assert fast is not None
    assert fast == _pair_columns_careful(pairs, idx)


@pytest.mark.parametrize("bad", [
    Pair("p1", "p9", 1.0), Pair("p1", "p1", 1.0), Pair("p1", "p2", -1.0),
    Pair("p1", "p2", float("nan")), Pair("p1", "p2", float("inf")), Pair("p1", "p2", True),
    Pair("p1", "p2", "7"), Pair("p1", "p2", None), Pair("p1", "p2", None, 1.0, None),
    Pair(["p1"], "p2", 1.0), Pair(1, "p2", 1.0),
], ids=repr)
def test_bulk_pair_columns_leave_every_bad_pair_to_the_careful_loop(bad):
    """Hidden among good pairs, a bad one makes the bulk path step aside, so the careful loop
    names it (its messages are tested above)."""
    from matching.engine_input import _pair_columns, _pair_columns_careful

    idx = {f"p{i}": i for i in range(1, 6)}
    good = [Pair(f"p{i}", f"p{i + 1}", 2.0) for i in range(1, 5)]
    assert _pair_columns(good[:2] + [bad] + good[2:], idx) is None
    with pytest.raises(MatchingInputError):
        _pair_columns_careful(good[:2] + [bad] + good[2:], idx)
