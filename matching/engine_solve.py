"""Index-level matching algorithms for ``matching.engine`` (pure Python).

Nodes are ints ``0..n-1``; edges are ``(u, v, w)`` with ``u < v`` and integer ``w >= 0``.
Every function here is deterministic for a given (sorted) edge list.

* ``max_weight_max_card`` (in ``matching.engine_weighted``): maximum cardinality first, then
  maximum total weight.
* ``max_min_max_card``: maximum cardinality, then the highest minimum edge weight (binary search
  over the distinct weights with a cardinality check), then maximum total weight.
* ``stable_roommates``: Irving's algorithm for stable roommates with incomplete lists,
  iterative.
"""

from __future__ import annotations

import math
from collections import deque
from collections.abc import Iterable, Sequence

from matching.engine_weighted import max_weight_max_card


# ------------------------------------------------------------------------------------------
# graph helpers
# ------------------------------------------------------------------------------------------
def components(n: int, edges: Iterable[tuple[int, int]]) -> list[int]:
    """Component id (smallest member) per node; isolated nodes are their own component."""
    parent = list(range(n))

    def find(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for u, v in edges:
        ru, rv = find(u), find(v)
        if ru != rv:
            parent[max(ru, rv)] = min(ru, rv)
    return [find(x) for x in range(n)]


# ------------------------------------------------------------------------------------------
# maximum cardinality, then the highest minimum
# ------------------------------------------------------------------------------------------
def max_min_max_card(
    eu: Sequence[int], ev: Sequence[int], ew: Sequence[int], cap: float = math.inf
) -> tuple[list[tuple[int, int]], str, int]:
    """Maximum cardinality, then the highest minimum weight, then the highest total.

    Returns (pairs, algorithm, threshold). The max-total solution gives the cardinality k and a
    feasible threshold (its own minimum); a binary search over the distinct weights above it
    finds the highest t such that the edges with weight >= t still allow k pairs (each check
    is an exact ``max_weight_max_card`` on the filtered edges). ``cap``: the minimum is never
    raised above it (the lowest pinned pair already fixes the overall minimum; raising the
    threshold further would only cost total score)."""
    base, algo = max_weight_max_card(eu, ev, ew)
    if not base:
        return base, algo, 0
    k = len(base)
    wmap = {(u, v): w for u, v, w in zip(eu, ev, ew, strict=True)}
    lo_w = min(wmap[p] for p in base)
    ws = sorted({w for w in ew if lo_w <= w <= cap} | {lo_w})
    lo, hi = 0, len(ws) - 1
    best = (base, algo)
    while lo < hi:
        mid = (lo + hi + 1) // 2
        t = ws[mid]
        keep = [i for i, w in enumerate(ew) if w >= t]
        cand = max_weight_max_card(
            [eu[i] for i in keep], [ev[i] for i in keep], [ew[i] for i in keep]
        )
        if len(cand[0]) == k:
            lo = mid
            best = cand
        else:
            hi = mid - 1
    if ws[lo] != lo_w and min(wmap[p] for p in best[0]) < ws[lo]:  # pragma: no cover
        raise AssertionError("threshold search inconsistent")
    return best[0], best[1] + f"+threshold-search({len(ws)} levels)", ws[lo]


# ------------------------------------------------------------------------------------------
# Irving's stable roommates with incomplete lists (iterative)
# ------------------------------------------------------------------------------------------
def stable_roommates(prefs: list[list[int]]) -> dict[int, int] | None:
    """``prefs[p]`` = p's acceptable partners, best first (strict, symmetric acceptability).

    Returns ``{p: partner}`` for everyone matched in a stable matching (people not in the
    dict are unmatched in every stable matching) or ``None`` when no stable matching exists.
    """
    n = len(prefs)
    rank = [{q: i for i, q in enumerate(pl)} for pl in prefs]
    alive = [[True] * len(pl) for pl in prefs]
    lo = [0] * n  # first possibly-alive index
    hi = [len(pl) - 1 for pl in prefs]  # last possibly-alive index
    size = [len(pl) for pl in prefs]

    def delete(p: int, q: int) -> None:
        i = rank[p][q]
        if alive[p][i]:
            alive[p][i] = False
            size[p] -= 1
            j = rank[q][p]
            alive[q][j] = False
            size[q] -= 1

    def first(p: int) -> int | None:
        a = alive[p]
        i = lo[p]
        while i <= hi[p] and not a[i]:
            i += 1
        lo[p] = i
        return prefs[p][i] if i <= hi[p] else None

    def last(p: int) -> int | None:
        a = alive[p]
        i = hi[p]
        while i >= lo[p] and not a[i]:
            i -= 1
        hi[p] = i
        return prefs[p][i] if i >= lo[p] else None

    def second(p: int) -> int | None:
        first(p)
        a = alive[p]
        i = lo[p] + 1
        while i <= hi[p] and not a[i]:
            i += 1
        return prefs[p][i] if i <= hi[p] else None

    def truncate_after(q: int, p: int) -> list[int]:
        """q deletes everyone after p in q's list; returns the deleted people."""
        out = []
        a = alive[q]
        for i in range(rank[q][p] + 1, hi[q] + 1):
            if a[i]:
                r = prefs[q][i]
                delete(q, r)
                out.append(r)
        hi[q] = rank[q][p]
        return out

    # phase 1: proposals
    holder: list[int | None] = [None] * n
    free = deque(range(n))
    while free:
        p = free.popleft()
        q = first(p)
        if q is None:
            continue
        old = holder[q]
        holder[q] = p
        truncate_after(q, p)  # removes ``old`` too: p is better than the previous holder
        if old is not None and old != p:
            free.append(old)
    # after phase 1: first(p) = q  <=>  last(q) = p
    active = [size[p] > 0 for p in range(n)]

    def step(z: int) -> int | None:
        if size[z] < 2:
            return None
        return last(second(z))

    # phase 2: rotation elimination
    path: list[int] = []
    pos: dict[int, int] = {}
    start = 0
    while True:
        if not path:
            while start < n and size[start] < 2:
                start += 1
            if start >= n:
                break
            path = [start]
            pos = {start: 0}
        x = path[-1]
        if size[x] < 2:
            path.clear()
            pos.clear()
            continue
        nxt = step(x)
        if nxt in pos:
            k = pos[nxt]
            cycle = path[k:]
            if any(
                step(cycle[i]) != cycle[(i + 1) % len(cycle)] for i in range(len(cycle))
            ):  # stale prefix: restart the walk from the current node
                path[:] = [x]
                pos = {x: 0}
                continue
            ys = [second(xi) for xi in cycle]
            # eliminate: y_{i+1} = second(x_i) accepts x_i, rejecting everyone after x_i
            for xi, yi in zip(cycle, ys, strict=True):
                truncate_after(yi, xi)
            for xi in cycle:
                if size[xi] == 0:
                    return None
            for xi in cycle:
                del pos[xi]
            del path[k:]
            for xi in path:
                if size[xi] == 0:
                    return None
            continue
        pos[nxt] = len(path)
        path.append(nxt)
    for p in range(n):
        if size[p] == 0 and active[p]:
            return None
    result: dict[int, int] = {}
    for p in range(n):
        if size[p] == 1:
            q = first(p)
            result[p] = q
    for p, q in result.items():
        if result.get(q) != p:  # pragma: no cover - defensive
            return None
    return result


__all__ = [
    "components",
    "max_weight_max_card",
    "max_min_max_card",
    "stable_roommates",
    "add_triads",
]


# ------------------------------------------------------------------------------------------
# triads (post-processing for leftovers)
# ------------------------------------------------------------------------------------------
def add_triads(
    pairs: list[tuple[int, int]],
    leftovers: list[int],
    adj: list[dict[int, int]],
    frozen: set[int],
) -> tuple[list[tuple[int, int]], list[tuple[int, int, int]]]:
    """Place leftovers in triads A hosts B, B hosts C, C hosts A, as many as possible, then
    with the highest gain.

    ``adj[x][y]`` = integer weight of the acceptable pair x–y. A triad is worth half the sum
    of its three pair weights, so a leftover x joining the pair u–v gains
    ``(w(x,u) + w(x,v) - w(u,v)) / 2``. The leftovers of a maximum-cardinality (or stable)
    matching are never acceptable to each other (they would have been paired, or block), so
    a triad is always one leftover plus an existing, non-frozen pair, each pair taking at
    most one. Which leftover joins which pair is an assignment problem, solved exactly with
    ``max_weight_max_card`` on the bipartite graph leftovers × pairs (a greedy choice could
    give the only pair that fits one person to another who had a second option).
    Returns (remaining pairs, triads with sorted ids).
    """
    ordered = sorted(pairs)
    of: dict[int, int] = {}  # person -> index of their (non-frozen) pair
    for k, (u, v) in enumerate(ordered):
        if u not in frozen and v not in frozen:
            of[u] = of[v] = k
    lx = sorted(leftovers)
    eu: list[int] = []
    ev: list[int] = []
    gain: list[int] = []
    for i, x in enumerate(lx):
        nb = adj[x]
        for k in sorted({of[y] for y in nb if y in of}):
            u, v = ordered[k]
            if u in nb and v in nb:
                eu.append(i)
                ev.append(len(lx) + k)
                gain.append(nb[u] + nb[v] - adj[u][v])
    if not eu:
        return ordered, []
    low = min(gain)  # cardinality comes first, so a common shift keeps the optimum
    chosen, _ = max_weight_max_card(eu, ev, [g - low for g in gain])
    joined = {k - len(lx) for _, k in chosen}
    triads = sorted(tuple(sorted((lx[i], *ordered[k - len(lx)]))) for i, k in chosen)
    return [p for k, p in enumerate(ordered) if k not in joined], triads
