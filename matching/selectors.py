"""Reads of the matching domain: engine input built from the database, run reports,
comparisons and previews. Nothing here writes."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.utils import timezone
from django.utils.translation import gettext as _

from cohorts.enums import Region
from cohorts.models import Cohort, Participant

from . import engine
from .engine_scoring import HARD_TEXTS, PairScore, Unacceptable
from .enums import Objective, WhyNotRule
from .models import Exchange, Forbid, MatchRun, Pin, Preference

ProgressFn = Callable[[int], None]


def pid(participant_or_pk) -> str:
    """The engine id of a participant."""
    return str(getattr(participant_or_pk, "pk", participant_or_pk))


def participant_name(participant: Participant) -> str:
    return participant.user.name or participant.user.email


def active_participants(cohort: Cohort):
    return (
        cohort.participants.active().filter(organisation__isnull=False)
        .select_related("user", "organisation", "preference")
        .prefetch_related("preference__avoided")
        .order_by("pk")
    )


def participants_without_preferences(cohort: Cohort):
    return (
        cohort.participants.active().filter(preference__isnull=True)
        .select_related("user", "organisation").order_by("user__name", "user__email")
    )


def preference_reminder_key(cohort: Cohort, participant_id: int) -> str:
    """One preferences reminder per person per day (the outbox refuses a second)."""
    return f"preferences_reminder:{cohort.pk}:{participant_id}:{timezone.localdate().isoformat()}"


def preference_reminder_recipients(cohort: Cohort) -> tuple[list[Participant], int]:
    """Who a preferences reminder would go to now, and how many were skipped because they got
    one today. Nobody once the exchanges are published (their preferences no longer count)."""
    if cohort.exchanges.exists():
        return [], 0
    from notifications.models import OutboxMessage

    missing = list(participants_without_preferences(cohort))
    keys = {preference_reminder_key(cohort, p.pk): p for p in missing}
    reminded = set(OutboxMessage.objects.filter(dedupe_key__in=keys)
                   .values_list("dedupe_key", flat=True))
    return [p for k, p in keys.items() if k not in reminded], len(reminded)


def preference_open(cohort: Cohort) -> bool:
    return timezone.localdate() <= cohort.preference_deadline


def _region_label(code: str) -> str:
    return str(dict(Region.choices).get(code, code)) if code else ""


def profile_for(participant: Participant) -> engine.Profile:
    org = participant.organisation
    pref: Preference | None = getattr(participant, "preference", None)
    base = {
        "id": pid(participant),
        "name": participant_name(participant),
        "organisation_id": str(org.pk),
        "organisation_kind": org.kind,
        # Province names as people write them: they appear in the reasons ("dezelfde regio").
        "region": _region_label(participant.region or org.region),
        "domains": frozenset(participant.domains or org.domains or ()),
    }
    if pref is None:
        return engine.Profile(**base)
    return engine.Profile(
        **base,
        topics=frozenset(pref.topics),
        wanted_kinds=tuple(pref.wanted_kinds),
        interest_domains=frozenset(pref.interest_domains),
        regions_can_travel=frozenset(_region_label(code) for code in pref.regions),
        online_only=pref.online_only,
        available_days_a=frozenset(pref.days_a),
        available_days_b=frozenset(pref.days_b),
        wished_organisations=tuple(str(pk) for pk in pref.wished_ids),
        avoided_organisations=frozenset(str(o.pk) for o in pref.avoided.all()),
    )


def _pairs(queryset) -> list[tuple[str, str]]:
    return [(pid(a), pid(b)) for a, b in queryset.values_list("a_id", "b_id")]


def cohort_rules(cohort: Cohort, forbids: list[tuple[str, str]] | None = None
                 ) -> engine.CohortRules:
    """The cohort's hard rules for the engine; forbids default to the cohort's Forbid rows."""
    if forbids is None:
        forbids = _pairs(Forbid.objects.filter(cohort=cohort))
    return engine.CohortRules(
        allowed_pairings=frozenset(cohort.allowed_pairings),
        days_per_visit=cohort.days_per_visit,
        format=cohort.format,
        forbids=frozenset(frozenset(pr) for pr in forbids),
    )


@dataclass
class MatchInput:
    instance: engine.Instance
    profiles: dict[str, engine.Profile]
    rules: engine.CohortRules
    scores: dict[frozenset[str], PairScore] = field(default_factory=dict)
    unacceptable: dict[frozenset[str], Unacceptable] = field(default_factory=dict)
    org_names: dict[str, str] = field(default_factory=dict)

    @property
    def names(self) -> dict[str, str]:
        return {k: p.name for k, p in self.profiles.items()}


def matching_input(*, cohort: Cohort, objective: str = "max_total", triads: bool = False,
                   progress: ProgressFn | None = None) -> MatchInput:
    """Score every pair of active participants with the engine and build its Instance:
    acceptable pairs with score and one-sided likes, the cohort's pins and forbids."""
    people = list(active_participants(cohort))
    profiles = {pid(p): profile_for(p) for p in people}
    active = set(profiles)
    forbids = [pr for pr in _pairs(Forbid.objects.filter(cohort=cohort)) if set(pr) <= active]
    pins = [pr for pr in _pairs(Pin.objects.filter(cohort=cohort)) if set(pr) <= active]
    rules = cohort_rules(cohort, forbids)
    if progress:
        progress(10)
    ok, bad = engine.score_cohort(profiles.values(), rules)
    if progress:
        progress(50)
    instance = engine.Instance(
        participants=[engine.Participant(k, p.organisation_id) for k, p in profiles.items()],
        pairs=[engine.Pair(**s.as_pair()) for s in ok],
        pins=pins, forbids=forbids, objective=objective, triads=triads,
    )
    return MatchInput(
        instance, profiles, rules,
        {frozenset((s.a_id, s.b_id)): s for s in ok},
        {frozenset((u.a_id, u.b_id)): u for u in bad},
        {pid(p): p.organisation.name for p in people},
    )


# --- scoring groups (used by runs, swaps and repairs) ----------------------------------------

def group_score(group: Iterable[str], mi: MatchInput) -> tuple[float, list[str], list[str]]:
    """Score, reasons and broken rules of a pair or triad (triad: half the sum of its pairs,
    as the engine does)."""
    members = list(group)
    pairs = [(members[i], members[j]) for i in range(len(members))
             for j in range(i + 1, len(members))]
    total = 0.0
    reasons: list[str] = []
    broken: list[str] = []
    for a, b in pairs:
        key = frozenset((a, b))
        prefix = ""
        if len(members) == 3:
            prefix = f"{mi.profiles[a].name} – {mi.profiles[b].name}: "
        if key in mi.scores:
            total += mi.scores[key].score
            reasons += [prefix + r.text for r in mi.scores[key].reasons]
        else:
            bad = mi.unacceptable.get(key)
            texts = bad.reasons if bad else ("geen acceptabel paar",)
            broken += [f"{mi.profiles[a].name} – {mi.profiles[b].name}: {t}" for t in texts]
    if len(members) == 3:
        total /= 2
    return total, reasons, broken


def _likes(mi: MatchInput, x: str, y: str) -> float:
    s = mi.scores[frozenset((x, y))]
    return s.a_likes if s.a_id == x else s.b_likes


def blocking_pairs(groups: list[list[str]], mi: MatchInput) -> int:
    """Acceptable pairs not together who both gain more from each other than now (the
    engine's definition, recomputed for a hand-edited proposal)."""
    value: dict[str, float] = {}
    group_of: dict[str, int] = {}
    for g, members in enumerate(groups):
        for x in members:
            others = [y for y in members if y != x]
            if not others:
                continue
            value[x] = sum(_likes(mi, x, y) if frozenset((x, y)) in mi.scores else 0.0
                           for y in others) / len(others)
            group_of[x] = g
    count = 0
    forbidden = mi.rules.forbids
    for key, s in mi.scores.items():
        if key in forbidden or mi.profiles[s.a_id].organisation_id == \
                mi.profiles[s.b_id].organisation_id:
            continue
        ga, gb = group_of.get(s.a_id, -1), group_of.get(s.b_id, -2)
        if ga == gb:
            continue
        if s.a_likes > value.get(s.a_id, -1.0) and s.b_likes > value.get(s.b_id, -1.0):
            count += 1
    return count


def wished_count(groups: list[list[str]], mi: MatchInput) -> int:
    """How many people got an organisation from their wish list."""
    count = 0
    for members in groups:
        for x in members:
            wished = mi.profiles[x].wished_organisations
            if any(mi.profiles[y].organisation_id in wished for y in members if y != x):
                count += 1
    return count


# --- run reports --------------------------------------------------------------------------

@dataclass
class ExchangeRow:
    members: list[tuple[str, str, str]]  # (id, name, organisation)
    score: float
    reasons: list[str]
    pinned: bool
    broken: list[str] = field(default_factory=list)


def run_rows(run: MatchRun) -> dict:
    """Display data of a run: exchanges with names and reasons, unmatched with reasons."""
    result = run.result or {}
    names = result.get("names", {})
    orgs = result.get("orgs", {})

    def person(x: str) -> tuple[str, str, str]:
        return (x, names.get(x, x), orgs.get(x, ""))

    exchanges = [
        ExchangeRow([person(x) for x in e["members"]], e["score"], e.get("reasons", []),
                    e.get("pinned", False), e.get("broken", []))
        for e in result.get("exchanges", [])
    ]
    unmatched = [(person(u["id"]), u["reason"]) for u in result.get("unmatched", [])]
    return {"exchanges": exchanges, "unmatched": unmatched,
            "messages": result.get("messages", []), "stats": run.stats or {}}


def run_groups(run: MatchRun) -> list[list[str]]:
    return [list(e["members"]) for e in (run.result or {}).get("exchanges", [])]


@dataclass
class Comparison:
    left: MatchRun
    right: MatchRun
    only_left: list[list[str]]
    only_right: list[list[str]]
    same: int


def runs_compare(left: MatchRun, right: MatchRun) -> Comparison:
    names = {**(left.result or {}).get("names", {}), **(right.result or {}).get("names", {})}
    lg = {frozenset(g) for g in run_groups(left)}
    rg = {frozenset(g) for g in run_groups(right)}

    def label(groups):
        return sorted(sorted(names.get(x, x) for x in g) for g in groups)

    return Comparison(left, right, label(lg - rg), label(rg - lg), len(lg & rg))


@dataclass
class SwapPreview:
    a: str
    b: str
    names: dict[str, str]
    groups: list[list[str]]
    changed: list[ExchangeRow]
    broken: list[str]
    total_before: float
    total_after: float
    problem: str = ""

    @property
    def delta(self) -> float:
        return round(self.total_after - self.total_before, 6)


def swap_preview(*, run: MatchRun, a: str, b: str, mi: MatchInput | None = None) -> SwapPreview:
    """What swapping a and b in the run's proposal would do: new groups, their scores, the
    rules they break. Either may be unmatched; then the other takes their place."""
    mi = mi or matching_input(cohort=run.cohort, objective=run.objective, triads=run.triads)
    groups = run_groups(run)
    names = mi.names
    where = {x: i for i, g in enumerate(groups) for x in g}
    total_before = sum(group_score(g, mi)[0] for g in groups)
    preview = SwapPreview(a, b, names, groups, [], [], total_before, total_before)
    if a == b or a not in mi.profiles or b not in mi.profiles:
        preview.problem = "Kies twee verschillende deelnemers."
        return preview
    ia, ib = where.get(a), where.get(b)
    if ia is None and ib is None:
        preview.problem = "Geen van beiden is gekoppeld; er valt niets te wisselen."
        return preview
    if ia == ib:
        preview.problem = "Deze twee zitten al in dezelfde uitwisseling."
        return preview
    new = [list(g) for g in groups]
    if ia is not None:
        new[ia] = [b if x == a else x for x in new[ia]]
    if ib is not None:
        new[ib] = [a if x == b else x for x in new[ib]]
    for i in {i for i in (ia, ib) if i is not None}:
        score, reasons, broken = group_score(new[i], mi)
        preview.changed.append(ExchangeRow([(x, names[x], "") for x in new[i]], score,
                                           reasons, False, broken))
        preview.broken += broken
    preview.groups = new
    preview.total_after = sum(group_score(g, mi)[0] for g in new)
    return preview


def what_if_for(*, run: MatchRun, a: str, b: str
                ) -> tuple[engine.WhatIf, dict[str, str], list[str]]:
    """'Waarom niet met X?': what pinning a–b would cost the others, from the engine, and,
    when the pair is not allowed at all, the rules it breaks in plain words."""
    mi = matching_input(cohort=run.cohort, objective=run.objective, triads=run.triads)
    unacceptable = mi.unacceptable.get(frozenset((a, b)))
    broken = list(unacceptable.reasons) if unacceptable else []
    return engine.what_if(mi.instance, (a, b)), mi.names, broken


# --- participant side ---------------------------------------------------------------------

def exchange_for(participant: Participant) -> Exchange | None:
    return (
        Exchange.objects.filter(members__participant=participant, published_at__isnull=False)
        .prefetch_related("members__participant__user", "members__participant__organisation")
        .first()
    )


def what_if_candidates(participant: Participant, exchange: Exchange | None = None):
    """Whom a participant may ask "waarom niet met ...?" about: the other active participants
    of the cohort that the matching knows (those with an organisation), without their current
    partners."""
    exclude = {participant.pk}
    if exchange is not None:
        exclude |= {m.participant_id for m in exchange.members.all()}
    return (
        participant.cohort.participants.active().filter(organisation__isnull=False)
        .exclude(pk__in=exclude).select_related("user", "organisation")
        .order_by("user__name", "user__email", "pk")
    )


@dataclass(frozen=True)
class BrokenRule:
    code: WhyNotRule
    text: str


@dataclass
class ParticipantWhatIf:
    """What a participant may learn from "waarom niet met X?". Only X is named: broken rules
    in words that never say whether X or the coordinator excluded the pair, or the scores and
    the cost for the others as counts. The engine's answer, with everyone's ids and reasons,
    stays inside the selector."""

    other: Participant
    rules: list[BrokenRule] = field(default_factory=list)
    pair_score: float = 0.0
    current_score: float | None = None
    others_changed: int = 0
    others_unplaced: int = 0
    total_before: float = 0.0
    total_after: float = 0.0

    @property
    def possible(self) -> bool:
        return not self.rules

    @property
    def total_delta(self) -> float:
        return round(self.total_after - self.total_before, 6)


def _template_pattern(template: str) -> re.Pattern[str]:
    parts = re.split(r"\{(\w+)\}", template)
    return re.compile("".join(re.escape(part) if i % 2 == 0 else f"(?P<{part}>.*?)"
                              for i, part in enumerate(parts)), re.S)


# The engine's hard-rule texts, recognised by their own templates: the engine stays the one
# place that decides which rules a pair breaks, and a rule added there without a reading here
# is shown only as "een regel van de matching".
_HARD_PATTERNS = {key: _template_pattern(text) for key, text in HARD_TEXTS.items()}


def hard_rule_keys(reasons: Iterable[str]) -> list[tuple[str, dict[str, str]]]:
    """The HARD_TEXTS key and placeholder values of every reason ("" for an unknown text)."""
    found = []
    for reason in reasons:
        for key, pattern in _HARD_PATTERNS.items():
            match = pattern.fullmatch(reason)
            if match:
                found.append((key, match.groupdict()))
                break
        else:
            found.append(("", {}))
    return found


def _hidden_rule() -> BrokenRule:
    return BrokenRule(WhyNotRule.HIDDEN, _(
        "Een harde regel sluit deze koppeling uit: een van u beiden heeft de organisatie van de "
        "ander uitgesloten, of de coördinator heeft dit paar uitgesloten."))


def _other_rule() -> BrokenRule:
    return BrokenRule(WhyNotRule.OTHER, _("Een regel van de matching sluit deze koppeling uit."))


def _rules_in_words(participant: Participant, other: Participant, me: engine.Profile,
                    them: engine.Profile, reasons: Iterable[str]) -> list[BrokenRule]:
    """The engine's hard rules for participant–other, worded for the participant."""
    name = participant_name(other)
    rules: list[BrokenRule] = []
    for key, values in hard_rule_keys(reasons):
        if key == "same_org":
            rules.append(BrokenRule(WhyNotRule.SAME_ORGANISATION, _(
                "U werkt bij dezelfde organisatie als %(name)s. Collega's van één organisatie "
                "worden niet aan elkaar gekoppeld.") % {"name": name}))
        elif key == "kind":
            own_kind = participant.organisation.get_kind_display()
            other_kind = other.organisation.get_kind_display()
            if participant.organisation.kind == other.organisation.kind:
                text = _("Dit cohort koppelt geen twee deelnemers van hetzelfde soort "
                         "organisatie (%(kind)s) aan elkaar.") % {"kind": own_kind}
            else:
                text = _("Dit cohort koppelt uw soort organisatie (%(own)s) niet aan die van "
                         "%(name)s (%(other)s).") % {"own": own_kind, "other": other_kind,
                                                      "name": name}
            rules.append(BrokenRule(WhyNotRule.KIND, text))
        elif key == "avoided":
            # Whose wish it is comes from the profiles, not from the name in the text: two
            # people with the same name must not turn the other's wish into "your own".
            if them.organisation_id in me.avoided_organisations:
                rules.append(BrokenRule(WhyNotRule.OWN_AVOID, _(
                    "U heeft in uw voorkeuren aangegeven dat u niet gekoppeld wilt worden aan "
                    "%(organisation)s.") % {"organisation": other.organisation.name}))
            if me.organisation_id in them.avoided_organisations:
                rules.append(_hidden_rule())
        elif key == "forbid":
            rules.append(_hidden_rule())
        elif key == "days":
            rules.append(BrokenRule(WhyNotRule.DAYS, _(
                "U heeft samen te weinig beschikbare dagen in stageweek %(week)s: %(count)s, "
                "en er zijn er %(needed)s nodig.") % values))
        else:
            rules.append(_other_rule())
    # One line per kind of rule at most: two "hidden" lines would tell that both X and the
    # coordinator excluded the pair. Rules the participant may read are distinct already.
    unique = {(rule.code, rule.text): rule for rule in rules}
    if WhyNotRule.SAME_ORGANISATION in {code for code, _text in unique}:
        # Colleagues: that says it all; "your kind of organisation" would only repeat it.
        unique = {key: rule for key, rule in unique.items() if key[0] != WhyNotRule.KIND}
    return list(unique.values())


def published_objective(cohort: Cohort) -> tuple[str, bool]:
    """Objective and triads of the latest published run; without one, what the coordinator's
    run form starts with."""
    run = (MatchRun.objects.filter(cohort=cohort, published_at__isnull=False)
           .order_by("-published_at", "-pk").first())
    if run is None:
        return Objective.MAX_TOTAL, cohort.allow_triads
    return run.objective, run.triads


def participant_what_if(*, participant: Participant, other: Participant,
                        exchange: Exchange) -> ParticipantWhatIf:
    """"Waarom niet met X?" for a participant with a published exchange: from the cohort as
    it is now, scored as in the published run. Raises engine.MatchingInputError when the
    matching does not know one of the two (no organisation)."""
    objective, triads = published_objective(participant.cohort)
    mi = matching_input(cohort=participant.cohort, objective=objective, triads=triads)
    me, them = pid(participant), pid(other)
    if me not in mi.profiles or them not in mi.profiles:
        raise engine.MatchingInputError("onbekende deelnemer")
    answer = ParticipantWhatIf(other=other)
    bad = mi.unacceptable.get(frozenset((me, them)))
    if bad is not None:
        answer.rules = _rules_in_words(participant, other, mi.profiles[me], mi.profiles[them],
                                       bad.reasons)
        return answer
    result = engine.what_if(mi.instance, (me, them))
    if not result.possible:
        pinned = {x for pin in mi.instance.pins for x in pin}
        if me in pinned:  # about the asker only, so it may be said plainly
            answer.rules = [BrokenRule(WhyNotRule.PINNED_ELSEWHERE, _(
                "De coördinator heeft u vast aan uw huidige partner gekoppeld; zolang dat zo "
                "is, kan de matching u niet aan iemand anders koppelen."))]
        elif them in pinned:  # a coordinator's decision about X: worded like a forbid
            answer.rules = [_hidden_rule()]
        else:
            answer.rules = [_other_rule()]
        return answer
    current = [pid(m.participant_id) for m in exchange.members.all()
               if pid(m.participant_id) in mi.profiles]
    answer.pair_score = mi.scores[frozenset((me, them))].score
    answer.current_score = group_score(current, mi)[0] if len(current) > 1 else None
    answer.others_changed = len(result.changes)
    answer.others_unplaced = len(result.newly_unmatched)
    answer.total_before = result.total_before
    answer.total_after = result.total_after
    return answer


def published_exchanges(cohort: Cohort):
    return (
        Exchange.objects.filter(cohort=cohort)
        .prefetch_related("members__participant__user", "members__participant__organisation")
    )


def unplaced_after_publish(cohort: Cohort):
    return (
        cohort.participants.active().exclude(exchange_memberships__cohort=cohort)
        .select_related("user", "organisation")
    )


def pins_and_forbids(cohort: Cohort):
    related = ("a__user", "b__user")
    return (Pin.objects.filter(cohort=cohort).select_related(*related),
            Forbid.objects.filter(cohort=cohort).select_related(*related))
