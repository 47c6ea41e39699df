"""Pair scoring for the matching engine (pure Python, no Django).

Public entry: ``score_pair(a, b, rules) -> PairScore | Unacceptable`` (re-exported by
``matching.engine``).

Decisions (documented here so coordinators and engineers can find them):

* Kind pairings. ``allowed_pairings`` holds any of ``"gemeente-aanbieder"``,
  ``"gemeente-gemeente"`` and ``"client-any"``.
  - "aanbieder" means ``zorgaanbieder``.
  - ``"client-any"``: a ``clientorganisatie`` may pair with any kind (including another
    clientorganisatie and ``overig``).
  - ``overig`` (e.g. a woningcorporatie, school, UWV) is treated as a non-gemeente partner of a
    gemeente: gemeente–overig is allowed under ``"gemeente-aanbieder"``. overig–zorgaanbieder
    and overig–overig are never allowed; overig–clientorganisatie only under ``"client-any"``.
* Availability. An empty ``available_days_a``/``available_days_b`` means "fully available" in
  that week. If one side is empty, the common days are the other side's days; if both are
  empty the common days are unknown/unlimited: the hard rule passes and no day bonus is given.
  The day hard rule applies only to ``"op_locatie"`` cohorts (hybride may fall back to online).
* Region/travel reasons are skipped for ``"online"`` cohorts and when either participant is
  ``online_only`` (they will not travel).
* Every soft reason is split over the two sides: ``a_points`` (what *a* gains from the
  pairing) and ``b_points``. Symmetric reasons (shared domain, same region, shared topics,
  common days) are split 50/50. Hence ``score == a_likes + b_likes == sum(reason.points)``.
  All weights are multiples of 0.5, so the sums are exact in floating point.
* Domain reasons: "beiden <domein>" for every domain code in ``a.domains & b.domains``
  (symmetric) and "<naam> wil <domein> leren kennen" for every domain in
  ``a.interest_domains`` that *b* works in but *a* does not (one-sided).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

# --------------------------------------------------------------------------------------------
# The tuning table: every soft reason's text and weight, and every hard-rule text.
# --------------------------------------------------------------------------------------------
WEIGHTS: dict[str, object] = {
    "wish": {1: 5, 2: 4, 3: 3},  # one-sided: the wisher gains
    "shared_domain": 3,  # per domain both work in, split 50/50
    "interest_domain": 2,  # one-sided, per domain
    "same_region": 2,  # split 50/50
    "travel": 1,  # one-sided: the traveller can reach the partner's region
    "wanted_kind": {1: 3, 2: 2, 3: 1},  # one-sided, rank in wanted_kinds
    "shared_topic": 1,  # per shared topic, split 50/50
    "shared_topic_max": 3,  # at most this many topics count
    "common_days": 1,  # per week with more common days than needed, split 50/50
}

TEXTS: dict[str, str] = {
    "wish": "op verlanglijst van {name}, nr. {rank}: {points}",
    "shared_domain": "beiden {domain}: {points}",
    "interest_domain": "{name} wil {domain} leren kennen: {points}",
    "same_region": "dezelfde regio ({region}): {points}",
    "travel": "{name} kan naar regio {region} reizen: {points}",
    "wanted_kind": "{name} wil graag naar {kind} (voorkeur nr. {rank}): {points}",
    "shared_topics": "{count} gedeelde thema's ({topics}): {points}",
    "common_days": "{count} gezamenlijke beschikbare dagen in week {week}: {points}",
}

HARD_TEXTS: dict[str, str] = {
    "same_org": "zelfde organisatie",
    "kind": "koppeling {kind_a} – {kind_b} is in dit cohort niet toegestaan",
    "avoided": "{name} wil niet naar de organisatie van {other}",
    "forbid": "dit paar is door de coördinator uitgesloten",
    "days": (
        "te weinig gezamenlijke beschikbare dagen in week {week} "
        "({count}, er zijn er {needed} nodig)"
    ),
}

DOMAIN_LABELS = {
    "jeugdwet": "Jeugdwet",
    "wmo": "Wmo",
    "wlz": "Wlz",
    "zvw": "Zvw",
    "participatiewet": "Participatiewet",
    "mo_bw": "MO/BW",
}

KIND_LABELS = {
    "gemeente": "gemeente",
    "zorgaanbieder": "zorgaanbieder",
    "clientorganisatie": "cliëntorganisatie",
    "overig": "overige organisatie",
}
KIND_ARTICLE = {
    "gemeente": "een gemeente",
    "zorgaanbieder": "een zorgaanbieder",
    "clientorganisatie": "een cliëntorganisatie",
    "overig": "een andere organisatie",
}

KINDS = frozenset(KIND_LABELS)
PAIRINGS = frozenset({"gemeente-aanbieder", "gemeente-gemeente", "client-any"})
FORMATS = frozenset({"op_locatie", "online", "hybride"})


@dataclass(frozen=True)
class Profile:
    id: str
    name: str
    organisation_id: str
    organisation_kind: str = "overig"
    region: str = ""
    domains: frozenset[str] = frozenset()
    topics: frozenset[str] = frozenset()
    wanted_kinds: tuple[str, ...] = ()
    interest_domains: frozenset[str] = frozenset()
    regions_can_travel: frozenset[str] = frozenset()
    online_only: bool = False
    available_days_a: frozenset[str] = frozenset()
    available_days_b: frozenset[str] = frozenset()
    wished_organisations: tuple[str, ...] = ()
    avoided_organisations: frozenset[str] = frozenset()


@dataclass(frozen=True)
class CohortRules:
    allowed_pairings: frozenset[str] = frozenset({"gemeente-aanbieder"})
    days_per_visit: int = 1
    format: str = "op_locatie"
    forbids: frozenset[frozenset[str]] = frozenset()

    def __post_init__(self) -> None:
        if not 1 <= self.days_per_visit <= 4:
            raise ValueError("days_per_visit moet tussen 1 en 4 liggen")
        if self.format not in FORMATS:
            raise ValueError(f"onbekend format: {self.format!r}")
        unknown = set(self.allowed_pairings) - PAIRINGS
        if unknown:
            raise ValueError(f"onbekende koppelingsregel(s): {sorted(unknown)}")


@dataclass(frozen=True)
class Reason:
    text: str
    points: float
    a_points: float
    b_points: float


@dataclass(frozen=True)
class PairScore:
    a_id: str
    b_id: str
    score: float
    a_likes: float
    b_likes: float
    reasons: tuple[Reason, ...]

    def as_pair(self) -> dict:
        """The pair in the engine's input format (see ``matching.engine.Pair``)."""
        return {
            "a": self.a_id,
            "b": self.b_id,
            "score": self.score,
            "a_likes": self.a_likes,
            "b_likes": self.b_likes,
        }


@dataclass(frozen=True)
class Unacceptable:
    a_id: str
    b_id: str
    reasons: tuple[str, ...]

    @property
    def reason(self) -> str:
        return self.reasons[0]


def fmt_points(points: float) -> str:
    """"+5", "+1,5" (Dutch decimal comma)."""
    text = str(int(points)) if float(points).is_integer() else f"{points:g}".replace(".", ",")
    return ("+" if points >= 0 else "") + text


def kinds_allowed(kind_a: str, kind_b: str, allowed: Iterable[str]) -> bool:
    allowed = set(allowed)
    pair = {kind_a, kind_b}
    if "client-any" in allowed and "clientorganisatie" in pair:
        return True
    if "gemeente-gemeente" in allowed and pair == {"gemeente"}:
        return True
    return "gemeente-aanbieder" in allowed and pair in ({"gemeente", "zorgaanbieder"},
                                                        {"gemeente", "overig"})


def _common_days(x: frozenset[str], y: frozenset[str]) -> frozenset[str] | None:
    """Common days; empty set = fully available; None = both fully available (unknown)."""
    if not x and not y:
        return None
    if not x:
        return frozenset(y)
    if not y:
        return frozenset(x)
    return x & y


def _sym(text: str, points: float) -> Reason:
    return Reason(text, points, points / 2, points / 2)


def score_pair(a: Profile, b: Profile, rules: CohortRules) -> PairScore | Unacceptable:
    hard: list[str] = []
    if a.organisation_id == b.organisation_id:
        hard.append(HARD_TEXTS["same_org"])
    if not kinds_allowed(a.organisation_kind, b.organisation_kind, rules.allowed_pairings):
        hard.append(
            HARD_TEXTS["kind"].format(
                kind_a=KIND_LABELS.get(a.organisation_kind, a.organisation_kind),
                kind_b=KIND_LABELS.get(b.organisation_kind, b.organisation_kind),
            )
        )
    if b.organisation_id in a.avoided_organisations:
        hard.append(HARD_TEXTS["avoided"].format(name=a.name, other=b.name))
    if a.organisation_id in b.avoided_organisations:
        hard.append(HARD_TEXTS["avoided"].format(name=b.name, other=a.name))
    if frozenset((a.id, b.id)) in rules.forbids:
        hard.append(HARD_TEXTS["forbid"])
    weeks = (
        ("A", _common_days(a.available_days_a, b.available_days_a)),
        ("B", _common_days(a.available_days_b, b.available_days_b)),
    )
    if rules.format == "op_locatie":
        for week, common in weeks:
            if common is not None and len(common) < rules.days_per_visit:
                hard.append(
                    HARD_TEXTS["days"].format(
                        week=week, count=len(common), needed=rules.days_per_visit
                    )
                )
    if hard:
        return Unacceptable(a.id, b.id, tuple(hard))

    reasons: list[Reason] = []
    wish = WEIGHTS["wish"]
    for wisher, other, side in ((a, b, "a"), (b, a, "b")):
        if other.organisation_id in wisher.wished_organisations[:3]:
            rank = wisher.wished_organisations.index(other.organisation_id) + 1
            pts = wish[rank]
            text = TEXTS["wish"].format(name=wisher.name, rank=rank, points=fmt_points(pts))
            reasons.append(Reason(text, pts, pts if side == "a" else 0, pts if side == "b" else 0))
    for domain in sorted(a.domains & b.domains):
        pts = WEIGHTS["shared_domain"]
        label = DOMAIN_LABELS.get(domain, domain)
        text = TEXTS["shared_domain"].format(domain=label, points=fmt_points(pts))
        reasons.append(_sym(text, pts))
    for learner, other, side in ((a, b, "a"), (b, a, "b")):
        for domain in sorted((learner.interest_domains & other.domains) - learner.domains):
            pts = WEIGHTS["interest_domain"]
            text = TEXTS["interest_domain"].format(
                name=learner.name, domain=DOMAIN_LABELS.get(domain, domain), points=fmt_points(pts)
            )
            reasons.append(Reason(text, pts, pts if side == "a" else 0, pts if side == "b" else 0))
    travels = rules.format != "online" and not a.online_only and not b.online_only
    if travels and a.region and a.region == b.region:
        pts = WEIGHTS["same_region"]
        text = TEXTS["same_region"].format(region=a.region, points=fmt_points(pts))
        reasons.append(_sym(text, pts))
    elif travels:
        for traveller, other, side in ((a, b, "a"), (b, a, "b")):
            if other.region and other.region in traveller.regions_can_travel:
                pts = WEIGHTS["travel"]
                text = TEXTS["travel"].format(
                    name=traveller.name, region=other.region, points=fmt_points(pts)
                )
                reasons.append(
                    Reason(text, pts, pts if side == "a" else 0, pts if side == "b" else 0)
                )
    wanted = WEIGHTS["wanted_kind"]
    for visitor, other, side in ((a, b, "a"), (b, a, "b")):
        kinds = list(visitor.wanted_kinds)
        if other.organisation_kind in kinds:
            rank = kinds.index(other.organisation_kind) + 1
            if rank in wanted:
                pts = wanted[rank]
                text = TEXTS["wanted_kind"].format(
                    name=visitor.name,
                    kind=KIND_ARTICLE.get(other.organisation_kind, other.organisation_kind),
                    rank=rank,
                    points=fmt_points(pts),
                )
                reasons.append(
                    Reason(text, pts, pts if side == "a" else 0, pts if side == "b" else 0)
                )
    shared_topics = sorted(a.topics & b.topics)[: WEIGHTS["shared_topic_max"]]
    if shared_topics:
        pts = WEIGHTS["shared_topic"] * len(shared_topics)
        text = TEXTS["shared_topics"].format(
            count=len(shared_topics), topics=", ".join(shared_topics), points=fmt_points(pts)
        )
        reasons.append(_sym(text, pts))
    for week, common in weeks:
        if common is not None and len(common) > rules.days_per_visit:
            pts = WEIGHTS["common_days"]
            text = TEXTS["common_days"].format(count=len(common), week=week, points=fmt_points(pts))
            reasons.append(_sym(text, pts))

    a_likes = float(sum(r.a_points for r in reasons))
    b_likes = float(sum(r.b_points for r in reasons))
    return PairScore(a.id, b.id, a_likes + b_likes, a_likes, b_likes, tuple(reasons))


def score_cohort(
    profiles: Iterable[Profile], rules: CohortRules
) -> tuple[list[PairScore], list[Unacceptable]]:
    """Score every unordered pair (quadratic: fine for cohorts of a few hundred).

    Profiles are sorted by id; in each result ``a_id < b_id``.
    """
    ps = sorted(profiles, key=lambda p: p.id)
    ok: list[PairScore] = []
    bad: list[Unacceptable] = []
    for i, a in enumerate(ps):
        for b in ps[i + 1 :]:
            res = score_pair(a, b, rules)
            (ok if isinstance(res, PairScore) else bad).append(res)
    return ok, bad


__all__ = [
    "WEIGHTS",
    "TEXTS",
    "HARD_TEXTS",
    "Profile",
    "CohortRules",
    "Reason",
    "PairScore",
    "Unacceptable",
    "score_pair",
    "score_cohort",
    "kinds_allowed",
    "fmt_points",
]
