"""Wisselstage matching engine: pure functions over plain data (no Django).

Python API::

    from matching.engine import Instance, Participant, Pair, solve, what_if, MatchingInputError
    result = solve(Instance(participants=[...], pairs=[...], objective="max_total"))
    result.to_dict()  # the JSON shape of the CLI

Scoring of profiles lives in ``matching.engine_scoring`` and is re-exported here
(``Profile``, ``CohortRules``, ``score_pair``, ``score_cohort``, ``PairScore``, ``Unacceptable``),
as are the input types and their validation from ``matching.engine_input``. The algorithms
are in ``matching.engine_weighted`` (maximum cardinality, then maximum total) and
``matching.engine_solve`` (max-min, stable roommates, triads).

CLI::

    python -m matching.engine solve IN.json [-o OUT.json]

Semantics (see the brief in the report): maximum cardinality first, then the objective.
``stable`` is the exception: stability (judged by the one-sided ``a_likes``/``b_likes``, ties
broken by partner id) takes precedence over cardinality; all stable matchings place the same
people. When no stable matching exists the result says so and falls back to ``max_total``.
Pinned people are taken out before solving; they can still be part of a blocking pair in
``stats.blocking_pairs``. Triads (``triads=True``) are added after the pairing for people who
would be left over; pinned pairs are never turned into a triad.
"""

from __future__ import annotations

import argparse
import gc
import math
import sys
from collections.abc import Iterable
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field

import orjson

from matching.engine_input import (  # noqa: F401  (re-exported public API)
    OBJECTIVES,
    SCALE,
    Instance,
    MatchingInputError,
    Pair,
    Participant,
    Prepared,
)
from matching.engine_scoring import (  # noqa: F401  (re-exported public API)
    HARD_TEXTS,
    TEXTS,
    WEIGHTS,
    CohortRules,
    PairScore,
    Profile,
    Reason,
    Unacceptable,
    score_cohort,
    score_pair,
)
from matching.engine_solve import (
    add_triads,
    components,
    max_min_max_card,
    stable_roommates,
)
from matching.engine_weighted import max_weight_max_card

MSG_NO_STABLE = (
    "Er bestaat geen stabiele koppeling voor deze voorkeuren. "
    "Teruggevallen op de hoogste totaalscore; die koppeling heeft {n} blokkerende paren."
)


@dataclass(frozen=True)
class Exchange:
    """``members`` of a pair host each other; a triad (a, b, c): a hosts b, b hosts c,
    c hosts a. A triad's score is half the sum of its three pair scores."""

    members: tuple[str, ...]
    score: float
    pinned: bool = False

    @property
    def is_triad(self) -> bool:
        return len(self.members) == 3


@dataclass(frozen=True)
class Unmatched:
    id: str
    reason: str


@dataclass
class Stats:
    placed: int = 0
    total_score: float = 0.0
    min_score: float = 0.0
    blocking_pairs: int = 0
    stable_exists: bool | None = None
    participants: int = 0
    exchanges: int = 0
    triads: int = 0
    pairs_listed: int = 0
    pairs_eligible: int = 0
    objective: str = "max_total"
    algorithm: str = ""


@dataclass
class Result:
    exchanges: list[Exchange]
    unmatched: list[Unmatched]
    stats: Stats
    messages: list[str] = field(default_factory=list)

    def partners(self, pid: str) -> tuple[str, ...]:
        for ex in self.exchanges:
            if pid in ex.members:
                return tuple(m for m in ex.members if m != pid)
        return ()

    def to_dict(self) -> dict:
        return {
            "exchanges": [
                {"members": list(e.members), "score": e.score, "pinned": e.pinned}
                for e in self.exchanges
            ],
            "unmatched": [asdict(u) for u in self.unmatched],
            "stats": asdict(self.stats),
            "messages": list(self.messages),
        }


# ------------------------------------------------------------------------------------------
# solving
# ------------------------------------------------------------------------------------------
def _blocking_pairs(pr: Prepared, groups: list[tuple[int, ...]]) -> int:
    """Eligible pairs (x, y), not in one exchange, where both gain more from each other than
    from their current exchange (unmatched = gains nothing; in a triad: the mean of what they
    gain from their two partners)."""
    value = [-math.inf] * pr.n
    group_of = list(range(-1, -pr.n - 1, -1))  # unique negatives for unmatched
    for g, members in enumerate(groups):
        for x in members:
            others = [y for y in members if y != x]
            value[x] = sum(pr.likes(x, y) for y in others) / len(others)
            group_of[x] = g
    pu, pv, lu, lv = pr.pu, pr.pv, pr.lu, pr.lv
    return sum(
        1 for e in pr.eligible
        if lu[e] > value[pu[e]] and lv[e] > value[pv[e]] and group_of[pu[e]] != group_of[pv[e]]
    )


def _unmatched_reasons(pr: Prepared, placed: set[int], triads: bool) -> list[Unmatched]:
    left = [x for x in range(pr.n) if x not in placed]
    if not left:
        return []
    listed = set(pr.pu) | set(pr.pv)
    elig: dict[int, list[int]] = {x: [] for x in left}
    for e in pr.eligible:
        u, v = pr.pu[e], pr.pv[e]
        if u in elig:
            elig[u].append(v)
        if v in elig:
            elig[v].append(u)
    comp = components(pr.n, ((pr.pu[e], pr.pv[e]) for e in pr.solver))
    deg = [0] * pr.n
    for e in pr.solver:
        deg[pr.pu[e]] += 1
        deg[pr.pv[e]] += 1
    comp_size: dict[int, int] = {}
    comp_left: dict[int, int] = {}
    for x in range(pr.n):
        if deg[x]:
            comp_size[comp[x]] = comp_size.get(comp[x], 0) + 1
            if x not in placed:
                comp_left[comp[x]] = comp_left.get(comp[x], 0) + 1
    extra = "" if triads else " (drietallen staan uit)"
    out = []
    for x in left:
        nbs = elig[x]
        c = comp[x]
        if x not in listed:
            reason = "geen acceptabele partner (er is geen enkel acceptabel paar met deze persoon)"
        elif not nbs:
            reason = ("geen acceptabele partner: alle opgegeven paren zijn binnen de eigen "
                      "organisatie of verboden")
        elif any(y not in placed for y in nbs):
            free = ", ".join(pr.ids[y] for y in sorted(nbs) if y not in placed)
            reason = ("niet gekoppeld in de stabiele koppeling; acceptabele partners die ook "
                      f"niet gekoppeld zijn: {free}")
        elif deg[x] and comp_size[c] % 2 == 1 and comp_left.get(c, 0) == 1:
            reason = (f"oneven aantal deelnemers ({comp_size[c]}) dat onderling gekoppeld kan "
                      f"worden: er blijft er één over; alle {len(nbs)} acceptabele partners "
                      f"zijn al gekoppeld{extra}")
        else:
            reason = f"alle acceptabele partners ({len(nbs)}) zijn al gekoppeld aan anderen{extra}"
        out.append(Unmatched(pr.ids[x], reason))
    return out


@contextmanager
def _gc_paused():
    """An instance is hundreds of thousands of small objects without reference cycles; the
    cyclic collector would walk them again and again while they are built (~30% of the time
    at 10,000 people). Reference counting still frees everything."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def solve(instance: Instance) -> Result:
    """Solve an instance; raises MatchingInputError on invalid input."""
    with _gc_paused():
        return _solve(instance)


def _solve(instance: Instance) -> Result:
    pr = Prepared(instance)
    eu = [pr.pu[e] for e in pr.solver]
    ev = [pr.pv[e] for e in pr.solver]
    ew = [pr.w[e] for e in pr.solver]
    messages: list[str] = []
    stable_exists: bool | None = None
    if instance.objective == "max_min":
        cap = min((pr.w[pr.key2e[k]] for k in pr.pins), default=math.inf)
        pairs, algorithm, _ = max_min_max_card(eu, ev, ew, cap)
    elif instance.objective == "stable":
        prefs: list[list[int]] = [[] for _ in range(pr.n)]
        for e in pr.solver:
            prefs[pr.pu[e]].append(pr.pv[e])
            prefs[pr.pv[e]].append(pr.pu[e])
        for x in range(pr.n):
            prefs[x].sort(key=lambda y, x=x: (-pr.likes(x, y), y))
        mate = stable_roommates(prefs)
        stable_exists = mate is not None
        if mate is not None:
            pairs = sorted({(min(x, y), max(x, y)) for x, y in mate.items()})
            algorithm = "irving-stable-roommates"
        else:
            pairs, algorithm = max_weight_max_card(eu, ev, ew)
    else:
        pairs, algorithm = max_weight_max_card(eu, ev, ew)
    triads: list[tuple[int, int, int]] = []
    placed = {x for p in pairs for x in p} | pr.pinned
    if instance.triads:
        adj: list[dict[int, int]] = [{} for _ in range(pr.n)]
        for u, v, w in zip(eu, ev, ew, strict=True):
            adj[u][v] = w
            adj[v][u] = w
        leftovers = [x for x in range(pr.n) if x not in placed and adj[x]]
        if leftovers:
            pairs, triads = add_triads(pairs, leftovers, adj, pr.pinned)
            placed |= {x for t in triads for x in t}
    groups: list[tuple[int, ...]] = sorted(list(pr.pins) + list(pairs)) + sorted(triads)
    pinset = set(pr.pins)
    ids = pr.ids
    exchanges = []
    for g in groups:
        if len(g) == 2:
            score = pr.score(*g)
        else:
            a, b, c = g
            score = (pr.score(a, b) + pr.score(b, c) + pr.score(a, c)) / 2
        exchanges.append(Exchange(tuple(ids[x] for x in g), score, g in pinset))
    blocking = _blocking_pairs(pr, groups)
    if stable_exists is False:
        messages.append(MSG_NO_STABLE.format(n=blocking))
    elif stable_exists:
        messages.append("Er bestaat een stabiele koppeling; deze is gekozen.")
    scores = [e.score for e in exchanges]
    stats = Stats(
        placed=len(placed),
        total_score=round(sum(scores), 6),
        min_score=min(scores) if scores else 0.0,
        blocking_pairs=blocking,
        stable_exists=stable_exists,
        participants=pr.n,
        exchanges=len(exchanges),
        triads=len(triads),
        pairs_listed=len(pr.pu),
        pairs_eligible=len(pr.eligible),
        objective=instance.objective,
        algorithm=algorithm,
    )
    unmatched = _unmatched_reasons(pr, placed, instance.triads)
    return Result(exchanges, unmatched, stats, messages)


# ------------------------------------------------------------------------------------------
# what if
# ------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class PartnerChange:
    id: str
    before: tuple[str, ...]  # partners in the current optimum
    after: tuple[str, ...]  # partners with the pin (empty = unmatched)


@dataclass
class WhatIf:
    pin: tuple[str, str]
    possible: bool
    reason: str | None = None  # why the pin is impossible
    already_paired: bool = False
    placed_before: int = 0
    placed_after: int = 0
    placed_delta: int = 0
    total_before: float = 0.0
    total_after: float = 0.0
    total_delta: float = 0.0
    changes: list[PartnerChange] = field(default_factory=list)  # others whose partner changes
    newly_unmatched: list[str] = field(default_factory=list)
    before: Result | None = None
    after: Result | None = None


def what_if(instance: Instance, pin: tuple[str, str]) -> WhatIf:
    """What would pinning ``pin`` cost the others? Raises MatchingInputError for invalid
    instances or unknown ids; a pin against the rules gives ``possible=False`` + reason."""
    pr = Prepared(instance)
    a, b = pin
    i, j = pr._ix(a, "what_if"), pr._ix(b, "what_if")
    key = (min(i, j), max(i, j))
    problem = pr.pin_problem(key)
    if problem is None:
        for x in key:
            if x in pr.pinned and key not in pr.pins:
                problem = f"{pr.ids[x]} is al vastgezet met iemand anders"
    base = solve(instance)
    if problem:
        return WhatIf((a, b), False, problem, before=base)
    if key in pr.pins or base.partners(a) == (b,):
        return WhatIf((a, b), True, None, True, base.stats.placed, base.stats.placed, 0,
                      base.stats.total_score, base.stats.total_score, 0.0, [], [], base, base)
    pinned_inst = Instance(instance.participants, instance.pairs,
                           list(instance.pins) + [(a, b)], instance.forbids,
                           instance.objective, instance.triads)
    after = solve(pinned_inst)
    changes = []
    lost = []
    for pid in pr.ids:
        if pid in (a, b):
            continue
        before_p, after_p = base.partners(pid), after.partners(pid)
        if set(before_p) != set(after_p):
            changes.append(PartnerChange(pid, before_p, after_p))
            if before_p and not after_p:
                lost.append(pid)
    return WhatIf(
        (a, b), True, None, False,
        base.stats.placed, after.stats.placed, after.stats.placed - base.stats.placed,
        base.stats.total_score, after.stats.total_score,
        round(after.stats.total_score - base.stats.total_score, 6), changes, lost, base, after,
    )


# ------------------------------------------------------------------------------------------
# file interface
# ------------------------------------------------------------------------------------------
def solve_file(path: str) -> Result:
    """Read an instance file (orjson: a quarter of the stdlib's time at 10,000 people)."""
    with _gc_paused():
        try:
            with open(path, "rb") as fh:
                data = orjson.loads(fh.read())
        except OSError as exc:
            raise MatchingInputError(f"kan {path} niet lezen: {exc.strerror}") from None
        except orjson.JSONDecodeError as exc:  # also invalid UTF-8
            raise MatchingInputError(f"ongeldige JSON in {path}: {exc}") from None
        return solve(Instance.from_dict(data))


def main(argv: Iterable[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m matching.engine")
    sub = parser.add_subparsers(dest="cmd", required=True)
    p_solve = sub.add_parser("solve", help="los een matchingsinstantie (JSON) op")
    p_solve.add_argument("input")
    p_solve.add_argument("-o", "--output")
    args = parser.parse_args(list(argv) if argv is not None else None)
    try:
        result = solve_file(args.input)
    except MatchingInputError as exc:
        print(f"fout: {exc}", file=sys.stderr)
        return 2
    text = orjson.dumps(result.to_dict())
    if args.output:
        with open(args.output, "wb") as fh:
            fh.write(text)
    else:
        print(text.decode())
    return 0


__all__ = [
    "MatchingInputError", "Participant", "Pair", "Instance", "Exchange", "Unmatched", "Stats",
    "Result", "PartnerChange", "WhatIf", "solve", "solve_file", "what_if", "main",
    "Profile", "CohortRules", "Reason", "PairScore", "Unacceptable", "score_pair",
    "score_cohort", "WEIGHTS", "TEXTS", "HARD_TEXTS", "OBJECTIVES",
]

if __name__ == "__main__":
    sys.exit(main())
