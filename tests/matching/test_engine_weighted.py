"""The general-graph solver (``matching.engine_weighted``) against networkx's blossom algorithm.

The LP + dual-region route is only exact if the reduced-cost argument holds, so these tests
compare cardinality and total weight with networkx on graphs full of odd cycles (triangles,
odd heads), with tied weights (the fractional LP optimum is then often not unique) and with
distinct weights (the first region round then usually leaves a gap and the second round runs).
"""

from __future__ import annotations

import random
import re

import networkx as nx
import numpy as np
import pytest

from matching.engine_weighted import _LP, max_weight_max_card


def random_general(rng: random.Random, n: int, degree: int, weights: str):
    edges: dict[tuple[int, int], int] = {}
    for u in range(n):
        for _ in range(rng.randint(1, degree)):
            v = rng.randrange(n)
            if u != v:
                key = (min(u, v), max(u, v))
                if weights == "ties":
                    edges[key] = rng.randint(0, 8) * 50
                else:
                    edges[key] = rng.randint(0, 10**6)
    return sorted(edges.items())


def nx_optimum(items) -> tuple[int, int]:
    g = nx.Graph()
    for (u, v), w in items:
        g.add_edge(u, v, weight=w)
    m = nx.max_weight_matching(g, maxcardinality=True)
    return len(m), sum(g[a][b]["weight"] for a, b in m)


def solve_items(items):
    eu = [u for (u, _), _ in items]
    ev = [v for (_, v), _ in items]
    ew = [w for _, w in items]
    pairs, algorithm = max_weight_max_card(eu, ev, ew)
    weight = dict(items)
    used = [x for p in pairs for x in p]
    assert len(used) == len(set(used)), "someone in two pairs"
    assert all(p in weight for p in pairs), "a pair that is not an edge"
    return len(pairs), sum(weight[p] for p in pairs), algorithm


@pytest.mark.parametrize("weights", ["ties", "distinct"])
@pytest.mark.parametrize("seed", range(40))
def test_general_graph_equals_networkx(seed, weights):
    rng = random.Random(f"{seed}-{weights}")
    n = rng.choice([7, 15, 31, 60, 121, 301])
    items = random_general(rng, n, rng.choice([2, 3, 6]), weights)
    if not items:
        return
    placed, total, _ = solve_items(items)
    assert (placed, total) == nx_optimum(items)


def test_region_route_is_exercised_with_one_and_more_rounds():
    """Guard against a silent fallback: across these instances the fractional route must run,
    sometimes finishing in the first round (tight edges only) and sometimes growing the bound,
    and its regions must be smaller than the graph (else it is plain blossom)."""
    rounds: list[int] = []
    for seed in range(30):
        rng = random.Random(seed)
        n = rng.choice([121, 301])
        items = random_general(rng, n, 6, "ties")
        placed, total, algorithm = solve_items(items)
        assert (placed, total) == nx_optimum(items)
        for people, r in re.findall(r"(\d+)p/(\d+)r", algorithm):
            rounds.append(int(r))
            assert int(people) <= n
    assert rounds.count(1) > 0
    assert any(r > 1 for r in rounds)


def test_two_triangles_joined_by_a_light_edge():
    # The LP puts 1/2 on both triangles (3 "pairs", weight 30); the only perfect matching is
    # 0-1, 2-3, 4-5 (weight 21). The fractional route has to find it.
    items = [((0, 1), 10), ((0, 2), 10), ((1, 2), 10), ((2, 3), 1),
             ((3, 4), 10), ((3, 5), 10), ((4, 5), 10)]
    placed, total, algorithm = solve_items(items)
    assert (placed, total) == (3, 21)
    assert "dual-region" in algorithm


@pytest.mark.parametrize("seed", range(20))
def test_lp_duals_are_feasible_and_tight(seed):
    """Strong duality of the computed duals: 2*y >= 0, every reduced cost >= 0, edges of the
    integral part have reduced cost 0, and sum(2*y) equals twice the LP value."""
    rng = random.Random(seed)
    items = random_general(rng, rng.choice([9, 40, 101]), 4, rng.choice(["ties", "distinct"]))
    nodes = sorted({x for (u, v), _ in items for x in (u, v)})
    idx = {x: i for i, x in enumerate(nodes)}
    cu = np.array([idx[u] for (u, _), _ in items], dtype=np.int64)
    cv = np.array([idx[v] for (_, v), _ in items], dtype=np.int64)
    wi = np.array([w for _, w in items], dtype=np.int64)
    lp = _LP(cu, cv, wi, len(nodes))
    y2, rc2 = lp.doubled_duals()
    assert y2.min() >= 0
    assert rc2.min() >= 0
    rc = {(int(a), int(b)): int(r) for a, b, r in zip(cu, cv, rc2, strict=True)}
    assert all(rc[p] == 0 for p in lp.pairs)
    # LP value: every integral pair counts once, every odd-cycle edge of the permutation 1/2
    value2 = 2 * sum(int(lp.wprime[np.flatnonzero((cu == a) & (cv == b))[0]]) for a, b in lp.pairs)
    sig = lp.sigma.tolist()
    for x in lp.odd:
        if sig[x] != x:
            a, b = min(x, sig[x]), max(x, sig[x])
            value2 += int(lp.wprime[np.flatnonzero((cu == a) & (cv == b))[0]])
    assert int(y2.sum()) == value2
