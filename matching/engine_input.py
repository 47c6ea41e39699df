"""Input of the matching engine: the public input types and their validation.

``Instance`` (with ``Participant`` and ``Pair``) is what callers build or read from JSON;
``Prepared`` is the validated, index-based view the solvers work on. Invalid input raises
``MatchingInputError`` with a Dutch message that names the problem.
"""

from __future__ import annotations

import math
import operator
from collections.abc import Sequence
from dataclasses import dataclass
from typing import NamedTuple

OBJECTIVES = ("max_total", "max_min", "stable")
SCALE = 100  # scores are compared as round(score * 100)


class MatchingInputError(ValueError):
    """Invalid engine input; the message names the problem."""


class Participant(NamedTuple):
    id: str
    organisation: str


class Pair(NamedTuple):
    """An acceptable pair. Give ``score``, or ``a_likes`` and ``b_likes`` (or all three);
    a missing score is ``a_likes + b_likes``; missing likes are ``score / 2`` each."""

    a: str
    b: str
    score: float | None = None
    a_likes: float | None = None  # how much a gains from b
    b_likes: float | None = None


@dataclass
class Instance:
    participants: Sequence[Participant]
    pairs: Sequence[Pair]
    pins: Sequence[tuple[str, str]] = ()
    forbids: Sequence[tuple[str, str]] = ()
    objective: str = "max_total"
    triads: bool = False

    @classmethod
    def from_dict(cls, data: object) -> Instance:
        if not isinstance(data, dict):
            raise MatchingInputError("invoer moet een JSON-object zijn")
        try:
            parts = [Participant(p["id"], p["organisation"]) for p in data.get("participants", [])]
            make = Pair._make
            pairs = [
                make((p["a"], p["b"], p.get("score"), p.get("a_likes"), p.get("b_likes")))
                for p in data.get("pairs", [])
            ]
        except (KeyError, TypeError, AttributeError) as exc:
            raise MatchingInputError(f"deelnemer of paar mist een veld: {exc}") from None
        pins = [_two(x, "pin") for x in data.get("pins", []) or []]
        forbids = [_two(x, "forbid") for x in data.get("forbids", []) or []]
        return cls(parts, pairs, pins, forbids, data.get("objective", "max_total"),
                   data.get("triads", False))

    def to_dict(self) -> dict:
        return {
            "participants": [p._asdict() for p in self.participants],
            "pairs": [{k: v for k, v in p._asdict().items() if v is not None} for p in self.pairs],
            "pins": [list(p) for p in self.pins],
            "forbids": [list(p) for p in self.forbids],
            "objective": self.objective,
            "triads": self.triads,
        }


def _bad_number(a: str, b: str, name: str, val: object) -> str:
    return f"paar {a}–{b}: {name} moet een eindig getal >= 0 zijn, niet {val!r}"


def _two(x: object, what: str) -> tuple[str, str]:
    if not isinstance(x, list | tuple) or len(x) != 2:
        raise MatchingInputError(f"{what} moet een lijst van twee ids zijn: {x!r}")
    return (x[0], x[1])


# ------------------------------------------------------------------------------------------
# validation
# ------------------------------------------------------------------------------------------
def _pair_columns(pairs, idx: dict[str, int]):
    """Validate and index all pairs in bulk (C-level map/zip; ~4x faster than a loop at 75,000
    pairs). Returns (pu, pv, score, likes of pu, likes of pv) with pu < pv, or None when any
    pair is not plainly valid: the careful loop then finds it and names it."""
    if not pairs:
        return [], [], [], [], []
    a_ids, b_ids, scores, a_likes, b_likes = zip(*pairs, strict=True)
    try:
        ii = list(map(idx.get, a_ids))
        jj = list(map(idx.get, b_ids))
    except TypeError:  # an unhashable id
        return None
    if None in ii or None in jj or any(map(operator.eq, ii, jj)):
        return None
    if not _plain_numbers(a_likes):
        if not all(x is None for x in a_likes) or not all(x is None for x in b_likes):
            return None
        if not _plain_numbers(scores):
            return None
        a_likes = b_likes = [x * 0.5 for x in scores]
    else:
        if not _plain_numbers(b_likes):
            return None
        if None in scores:
            if not all(x is None for x in scores):
                return None
            scores = list(map(operator.add, a_likes, b_likes))
        elif not _plain_numbers(scores):
            return None
    pu = list(map(min, ii, jj))
    pv = list(map(max, ii, jj))
    lu = [x if i < j else y for i, j, x, y in zip(ii, jj, a_likes, b_likes, strict=True)]
    lv = [y if i < j else x for i, j, x, y in zip(ii, jj, a_likes, b_likes, strict=True)]
    return pu, pv, list(scores), lu, lv


def _plain_numbers(values) -> bool:
    """All int/float (not bool, not None), finite and >= 0."""
    if not set(map(type, values)) <= {int, float}:
        return False
    try:
        total = math.fsum(values)
    except OverflowError:
        return False
    return total == total and total < math.inf and min(values) >= 0


def _pair_columns_careful(pairs, idx: dict[str, int]):
    """Pair by pair, raising the precise MatchingInputError for the first bad pair."""
    pu: list[int] = []
    pv: list[int] = []
    sc_l: list[float] = []
    lu: list[float] = []  # how much pu gains from pv
    lv: list[float] = []
    num = (int, float)
    inf = math.inf
    get = idx.get
    for pr in pairs:
        a, b, sc, al, bl = pr
        try:
            i = get(a)
            j = get(b)
        except TypeError:  # unhashable id
            i = j = None
        if i is None or j is None or not isinstance(a, str) or not isinstance(b, str):
            bad = b if (i is not None and isinstance(a, str)) else a
            raise MatchingInputError(f"onbekende deelnemer {bad!r} in paar {a!r}–{b!r}")
        if al is None:
            if bl is not None:
                raise MatchingInputError(
                    f"paar {a}–{b}: geef a_likes én b_likes, of geen van beide"
                )
            if sc is None:
                raise MatchingInputError(f"paar {a}–{b}: score ontbreekt")
            if type(sc) not in num or not 0 <= sc < inf:
                raise MatchingInputError(_bad_number(a, b, "score", sc))
            al = bl = sc * 0.5
        else:
            if type(al) not in num or not 0 <= al < inf:
                raise MatchingInputError(_bad_number(a, b, "a_likes", al))
            if type(bl) not in num or not 0 <= bl < inf:
                raise MatchingInputError(_bad_number(a, b, "b_likes", bl))
            if sc is None:
                sc = al + bl
            elif type(sc) not in num or not 0 <= sc < inf:
                raise MatchingInputError(_bad_number(a, b, "score", sc))
        if i > j:
            i, j, al, bl = j, i, bl, al
        elif i == j:
            raise MatchingInputError(f"paar van {a} met zichzelf")
        pu.append(i)
        pv.append(j)
        sc_l.append(sc)
        lu.append(al)
        lv.append(bl)
    return pu, pv, sc_l, lu, lv


class Prepared:
    """Validated, index-based view of an Instance (ids sorted; pair k is ``pu[k] < pv[k]``)."""

    def __init__(self, inst: Instance):
        if inst.objective not in OBJECTIVES:
            raise MatchingInputError(
                f"onbekend objective {inst.objective!r} (kies uit {', '.join(OBJECTIVES)})"
            )
        if not isinstance(inst.triads, bool):
            raise MatchingInputError("triads moet true of false zijn")
        orgs: dict[str, str] = {}
        for p in inst.participants:
            pid, org = p
            if not isinstance(pid, str) or not pid:
                raise MatchingInputError(f"deelnemer-id moet een niet-lege tekst zijn: {pid!r}")
            if not isinstance(org, str):
                raise MatchingInputError(f"organisatie van {pid} moet een tekst zijn")
            if pid in orgs:
                raise MatchingInputError(f"deelnemer {pid} komt twee keer voor")
            orgs[pid] = org
        self.ids = ids = sorted(orgs)
        self.idx = idx = {pid: i for i, pid in enumerate(ids)}
        self.org = org = [orgs[pid] for pid in ids]
        self.n = len(ids)
        columns = _pair_columns(inst.pairs, idx) or _pair_columns_careful(inst.pairs, idx)
        pu, pv, sc_l, lu, lv = columns
        key2e = dict(zip(zip(pu, pv, strict=True), range(len(pu)), strict=True))
        if len(key2e) != len(pu):
            seen: set[tuple[int, int]] = set()
            for key in zip(pu, pv, strict=True):
                if key in seen:
                    raise MatchingInputError(
                        f"paar {ids[key[0]]}–{ids[key[1]]} staat er twee keer in"
                    )
                seen.add(key)
        self.pu, self.pv, self.sc, self.lu, self.lv, self.key2e = pu, pv, sc_l, lu, lv, key2e
        self.w = [round(x * SCALE) for x in sc_l]
        self.forbid: set[tuple[int, int]] = set()
        for a, b in inst.forbids:
            i, j = self._ix(a, "verbod"), self._ix(b, "verbod")
            self.forbid.add((min(i, j), max(i, j)))
        self.pins: list[tuple[int, int]] = []
        pinned: set[int] = set()
        for a, b in inst.pins:
            i, j = self._ix(a, "pin"), self._ix(b, "pin")
            key = (min(i, j), max(i, j))
            problem = self.pin_problem(key)
            if problem:
                raise MatchingInputError(f"pin {a}–{b}: {problem}")
            for x in key:
                if x in pinned:
                    raise MatchingInputError(f"{ids[x]} is twee keer vastgezet (pin)")
                pinned.add(x)
            self.pins.append(key)
        self.pinned = pinned
        forbid = self.forbid
        self.eligible = [
            e for e in range(len(pu))
            if org[pu[e]] != org[pv[e]] and (not forbid or (pu[e], pv[e]) not in forbid)
        ]
        self.solver = [e for e in self.eligible if pu[e] not in pinned and pv[e] not in pinned]

    def _ix(self, pid: object, what: str) -> int:
        if not isinstance(pid, str) or pid not in self.idx:
            raise MatchingInputError(f"onbekende deelnemer {pid!r} in {what}")
        return self.idx[pid]

    def likes(self, x: int, y: int) -> float:
        e = self.key2e[(x, y) if x < y else (y, x)]
        return self.lu[e] if x < y else self.lv[e]

    def score(self, x: int, y: int) -> float:
        return self.sc[self.key2e[(x, y) if x < y else (y, x)]]

    def pin_problem(self, key: tuple[int, int]) -> str | None:
        if key[0] == key[1]:
            return "iemand kan niet met zichzelf gekoppeld worden"
        if key not in self.key2e:
            return "dit paar staat niet in de lijst met acceptabele paren"
        if self.org[key[0]] == self.org[key[1]]:
            return "beiden van dezelfde organisatie"
        if key in self.forbid:
            return "dit paar is verboden"
        return None
