"""Maximum-cardinality, maximum-weight matching on a general graph (index level).

Nodes are ints; edges ``(eu[k], ev[k])`` with ``eu[k] < ev[k]`` and integer weight
``ew[k] >= 0``. The objective is lexicographic: first as many pairs as possible, then the highest
total weight. Internally every edge weighs ``w' = BIG + w`` with BIG larger than any total
weight, which turns the lexicographic objective into one sum.

How it is solved (chosen by measurement, see the README's architecture section):

1. **LP relaxation by LAPJV.** scipy's sparse LAPJV solves the assignment problem on the
   bipartite double cover (node x has a left and a right copy; edge u-v gives arcs u_L->v_R and
   v_L->u_R; the diagonal x_L->x_R means "x unmatched"). An optimal assignment is an optimal
   solution of the fractional matching LP (max w'x, x(delta(v)) <= 1, x >= 0): its 2-cycles are
   pairs, an even cycle splits into two alternating matchings of equal weight, and only odd
   cycles are fractional. A bipartite graph has no odd cycles, so there this is already exact.
2. **Parity.** A connected component with an odd head count has no perfect matching, which
   alone often makes its LP fractional. Such a component gets a dummy partner adjacent to all
   its members with weight 0: every matching leaves someone free, so the dummy adds exactly
   one pair and changes nothing else.
3. **Exact repair of the fractional part with the LP duals.** Dual values ``y`` (from shortest
   paths in the residual graph of the optimal assignment) satisfy ``y_u + y_v >= w'_uv`` and
   ``y >= 0``; write ``rc_uv = y_u + y_v - w'_uv`` (reduced cost) and ``UB = sum(y)``. For every
   matching M: ``w'(M) = UB - sum(y over nodes M leaves free) - sum(rc over M)``. Let P be
   the integral part of the LP solution (tight edges, rc = 0) and O the nodes on odd cycles. In
   an optimum M* closest to P, every piece of ``M* xor P`` is an alternating path that starts
   at a node of O, and the reduced costs along it add up to at most ``UB - w'(M*)``. So for a
   known matching of value LB, all of ``M* xor P`` lies within "alternating distance"
   ``gap = UB - LB`` of O (a Dijkstra over reduced costs, stepping over P-pairs). The
   optimum is therefore: P outside that region, plus an exact matching inside it (rustworkx's
   blossom algorithm, restricted to edges with rc <= gap). We first solve the region for gap 0
   (the tight edges); its result is a matching with a real value LB; if ``UB - LB`` is 0 we are
   done; else the bound grows (times 4, at most to the gap) and the region is solved again.
   Each round's matching is feasible in the next, so LB only rises, and the loop ends as soon
   as ``UB - LB <= bound``. In practice one round on a region of a few hundred to a few
   thousand people of a 10,000 cohort, instead of the whole component.

Scores too large for exact float64 arithmetic in LAPJV go straight to rustworkx.
"""

from __future__ import annotations

import heapq
from collections.abc import Sequence


def max_weight_max_card(
    eu: Sequence[int], ev: Sequence[int], ew: Sequence[int]
) -> tuple[list[tuple[int, int]], str]:
    """Maximum-cardinality matching of maximum total weight: (sorted pairs, algorithm)."""
    if len(eu) == 0:
        return [], "none"
    import numpy as np
    from scipy.sparse import coo_array
    from scipy.sparse.csgraph import connected_components

    eu = np.asarray(eu, dtype=np.int64)
    ev = np.asarray(ev, dtype=np.int64)
    wi = np.asarray(ew, dtype=np.int64)
    nodes = np.unique(np.concatenate([eu, ev]))
    m = len(nodes)
    if not _float_exact(int(wi.max()), m + 1):
        edges = list(zip(eu.tolist(), ev.tolist(), wi.tolist(), strict=True))
        return sorted(_blossom(edges)), "rustworkx-blossom(grote scores)"
    cu = np.searchsorted(nodes, eu)
    cv = np.searchsorted(nodes, ev)
    lp = _LP(cu, cv, wi, m)
    pairs = lp.pairs
    algorithm = "scipy-lapjv"
    if lp.odd:
        # All fractional components are solved again as one graph (the LP separates over
        # components, so this is the same as one by one, without a scipy call per component).
        adj = coo_array((np.ones(len(cu)), (cu, cv)), shape=(m, m)).tocsr()
        _, labels = connected_components(adj, directed=False)
        is_bad = np.zeros(labels.max() + 1, dtype=bool)
        is_bad[labels[lp.odd]] = True
        lab_bad = is_bad[labels]
        pairs = [p for p in pairs if not lab_bad[p[0]]]
        members = np.flatnonzero(lab_bad)  # sorted
        k = len(members)
        emask = lab_bad[cu]
        su = np.searchsorted(members, cu[emask])
        sv = np.searchsorted(members, cv[emask])
        sw = wi[emask]
        # A component with an odd head count gets a dummy partner (weight 0 to every member).
        sizes = np.bincount(labels)
        odd_comps = np.flatnonzero(is_bad & (sizes % 2 == 1))
        dummy_of = np.full(len(sizes), -1, dtype=np.int64)
        dummy_of[odd_comps] = k + np.arange(len(odd_comps))
        with_dummy = np.flatnonzero(dummy_of[labels[members]] >= 0)
        su = np.concatenate([su, with_dummy])
        sv = np.concatenate([sv, dummy_of[labels[members[with_dummy]]]])
        sw = np.concatenate([sw, np.zeros(len(with_dummy), dtype=np.int64)])
        sub = _LP(su, sv, sw, k + len(odd_comps))
        regions: list[str] = []
        sub_pairs = sub.pairs if not sub.odd else _dual_region_repair(sub, regions)
        ml = members.tolist()
        pairs += [(ml[a], ml[b]) for a, b in sub_pairs if a < k and b < k]
        if len(odd_comps):
            algorithm += f"+dummy-partner({len(odd_comps)} odd comp.)"
        if regions:
            algorithm += f"+dual-region-blossom({','.join(regions)})"
    nl = nodes.tolist()
    return sorted((nl[a], nl[b]) for a, b in pairs), algorithm


def _float_exact(maxw: int, m: int) -> bool:
    """LAPJV works in float64: every cost and every sum of m costs must be an exact integer."""
    return (maxw * (m // 2 + 2) + 2) * (m + 1) < 2**52


class _LP:
    """The fractional matching LP of a graph on nodes 0..m-1, solved by LAPJV on its double
    cover. ``pairs``: integral part P (tight); ``odd``: nodes on odd cycles or left free."""

    def __init__(self, cu, cv, wi, m: int):
        import numpy as np
        from scipy.sparse import coo_array
        from scipy.sparse.csgraph import min_weight_full_bipartite_matching

        self.m, self.cu, self.cv = m, cu, cv
        maxw = int(wi.max()) if len(wi) else 0
        self.big = maxw * (m // 2) + 1  # one more pair beats any weight difference
        self.wprime = wi + self.big
        self.c = self.big + maxw + 1  # shift: every cost >= 1, so no explicit zeros
        diag = np.arange(m, dtype=np.int64)
        self.rows = np.concatenate([cu, cv, diag])
        self.cols = np.concatenate([cv, cu, diag])
        edge_cost = self.c - self.wprime
        self.costs = np.concatenate([edge_cost, edge_cost, np.full(m, self.c, dtype=np.int64)])
        mat = coo_array((self.costs.astype(np.float64), (self.rows, self.cols)), shape=(m, m))
        r_ind, c_ind = min_weight_full_bipartite_matching(mat.tocsr())
        self.sigma = np.empty(m, dtype=np.int64)
        self.sigma[r_ind] = c_ind
        sig = self.sigma.tolist()
        seen = [False] * m
        self.partner = [-1] * m
        self.pairs: list[tuple[int, int]] = []
        self.odd: list[int] = []
        for s in range(m):
            if seen[s]:
                continue
            cyc = [s]
            seen[s] = True
            x = sig[s]
            while x != s:
                seen[x] = True
                cyc.append(x)
                x = sig[x]
            if len(cyc) % 2:  # odd cycle, or s left free (cycle of length 1)
                self.odd.extend(cyc)
                continue
            # s is the smallest member (scan order); take (c0,c1), (c2,c3), ...
            for i in range(0, len(cyc), 2):
                a, b = cyc[i], cyc[i + 1]
                self.partner[a], self.partner[b] = b, a
                self.pairs.append((a, b) if a < b else (b, a))

    def doubled_duals(self):
        """2*y per node and 2*rc per edge, exact integers (None if the assignment turns out
        not to be optimal in exact arithmetic; the caller then uses plain blossom).

        Shortest paths in the residual graph of the optimal assignment give column potentials
        beta (Bellman-Ford, all starting at 0, vectorised; no negative cycles at an optimum),
        row potentials alpha = cost(i, sigma(i)) - beta(sigma(i)); then alpha_i + beta_j <= cost
        and 2*y_x = c - alpha_x - beta_x."""
        import numpy as np

        rows, cols, costs, sigma = self.rows, self.cols, self.costs, self.sigma
        assigned = np.full(self.m, -1, dtype=np.int64)
        on = sigma[rows] == cols
        assigned[rows[on]] = costs[on]
        step = costs - assigned[rows]  # arc (i, j) moves row i from sigma(i) to j
        src = sigma[rows]
        beta = np.zeros(self.m, dtype=np.int64)
        for _ in range(self.m + 1):  # a shortest path has at most m arcs
            new = beta.copy()
            np.minimum.at(new, cols, beta[src] + step)
            if np.array_equal(new, beta):
                break
            beta = new
        else:  # pragma: no cover - a negative cycle: LAPJV's answer was not optimal
            return None
        alpha = assigned - beta[sigma]
        y2 = self.c - alpha - beta
        rc2 = y2[self.cu] + y2[self.cv] - 2 * self.wprime
        if y2.min() < 0 or rc2.min() < 0:  # pragma: no cover - same as above
            return None
        return y2, rc2


def _dual_region_repair(lp: _LP, regions: list[str]) -> list[tuple[int, int]]:
    """Exact optimum of a component whose LP optimum is fractional (see the module doc)."""
    import numpy as np

    duals = lp.doubled_duals()
    if duals is None:  # pragma: no cover - see doubled_duals
        regions.append(f"{lp.m}p/blossom")
        return _blossom(list(zip(lp.cu.tolist(), lp.cv.tolist(), lp.wprime.tolist(), strict=True)))
    y2, rc2 = duals
    ub2 = int(y2.sum())
    order = np.argsort(rc2, kind="stable")
    rc_sorted = rc2[order]
    su, sv = lp.cu[order].tolist(), lp.cv[order].tolist()
    sr, sw = rc_sorted.tolist(), lp.wprime[order].tolist()
    weight = {(a, b) if a < b else (b, a): w for a, b, w in zip(su, sv, sw, strict=True)}
    positive = rc_sorted[rc_sorted > 0]
    step = int(positive[0]) if len(positive) else 1
    bound, rounds = 0, 0
    while True:
        rounds += 1
        k = int(np.searchsorted(rc_sorted, bound, side="right"))
        region = _alternating_region(lp.m, lp.odd, lp.partner, su[:k], sv[:k], sr[:k], bound)
        inside = _blossom([(a, b, w) for a, b, w in zip(su[:k], sv[:k], sw[:k], strict=True)
                           if a in region and b in region])
        best = inside + [p for p in lp.pairs if p[0] not in region]
        gap2 = ub2 - 2 * sum(weight[p] for p in best)
        if gap2 <= bound or (k == len(sr) and len(region) == lp.m):
            break  # exact: every optimum lies in this region, or this was the whole graph
        # A gap far above the bound usually means a pair is still missing (the gap then holds
        # BIG); grow the bound geometrically instead of jumping to the whole component.
        bound = min(gap2, max(4 * bound, step))
    regions.append(f"{len(region)}p/{rounds}r")  # people in the region / rounds
    return best


def _alternating_region(m, sources, partner, su, sv, rc2, bound) -> set[int]:
    """Nodes on alternating paths from ``sources`` (a kept edge into z, then z's P-partner,
    then a kept edge again, ...) whose reduced costs add up to at most ``bound``."""
    adj: list[list[tuple[int, int]]] = [[] for _ in range(m)]
    for a, b, r in zip(su, sv, rc2, strict=True):
        adj[a].append((b, r))
        adj[b].append((a, r))
    inf = 1 << 62
    region = set(sources)
    leave = dict.fromkeys(sources, 0)  # cost to stand on a node, ready to take a kept edge
    heap = [(0, x) for x in sources]
    heapq.heapify(heap)
    while heap:
        d, a = heapq.heappop(heap)
        if d > leave[a]:
            continue
        for z, r in adj[a]:
            nd = d + r
            if nd > bound:
                continue
            region.add(z)
            zp = partner[z]
            if zp >= 0 and nd < leave.get(zp, inf):
                leave[zp] = nd
                region.add(zp)
                heapq.heappush(heap, (nd, zp))
    return region


def _blossom(edges: list[tuple[int, int, int]]) -> list[tuple[int, int]]:
    """rustworkx's exact max-cardinality max-weight matching on an edge list."""
    import rustworkx as rx

    if not edges:
        return []
    idx: dict[int, int] = {}
    rev: list[int] = []
    for u, v, _ in edges:
        for x in (u, v):
            if x not in idx:
                idx[x] = len(rev)
                rev.append(x)
    g = rx.PyGraph(multigraph=False)
    g.add_nodes_from(rev)
    g.add_edges_from([(idx[u], idx[v], w) for u, v, w in edges])
    mate = rx.max_weight_matching(g, max_cardinality=True, weight_fn=lambda w: w)
    out = []
    for x, y in sorted(mate):
        a, b = rev[x], rev[y]
        out.append((a, b) if a < b else (b, a))
    return out
