"""Writes of the matching domain. Each service validates, owns its side effects (rows, outbox
messages) and says which in its docstring."""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext, gettext_noop

from cohorts.enums import ParticipantStatus
from cohorts.models import Cohort, Participant
from cohorts.services import participant_withdraw
from notifications.services import outbox_plan_many

from . import engine, selectors
from .enums import Objective, RepairKind, RunStatus
from .models import Exchange, ExchangeMember, Forbid, MatchRun, Pin, Preference
from .selectors import MatchInput, group_score, participant_name, pid

logger = logging.getLogger(__name__)

# Above this many active participants a run goes to a Celery worker.
LARGE_COHORT = 200

# Reasons stored in MatchRun.error in Dutch and translated when shown (MatchRun.error_text).
RUN_INTERRUPTED = gettext_noop(
    "De berekening is onderbroken (de server is herstart of had te weinig geheugen). "
    "Start de koppeling opnieuw.")
RUN_TOO_LONG = gettext_noop("De matching duurde te lang en is afgebroken.")
RUN_NOT_STARTED = gettext_noop(
    "De berekening is niet gestart (de achtergrondverwerking was niet bereikbaar). "
    "Start de koppeling opnieuw.")
RUN_BROKEN = gettext_noop(
    "De berekening is mislukt door een fout in Wisselstage; de beheerder kan die in het logboek "
    "terugvinden. Start de koppeling opnieuw; blijft het misgaan, meld het dan.")


# --- preferences ----------------------------------------------------------------------------

def preference_save(*, participant: Participant, avoided=(), **fields) -> Preference:
    """Create or replace the participant's preferences (until the deadline).

    Side effects: writes the Preference row and its avoided organisations.
    Raises ValidationError after the cohort's preference deadline.
    """
    if not selectors.preference_open(participant.cohort):
        raise ValidationError("De termijn voor voorkeuren is voorbij.")
    with transaction.atomic():
        pref, _created = Preference.objects.update_or_create(
            participant=participant, defaults=fields)
        pref.avoided.set(avoided)
    return pref


def preferences_remind(*, cohort: Cohort, by=None) -> int:
    """Plan a reminder for every active participant without preferences (at most one per
    person per day; nobody once the exchanges are published). Side effects: outbox rows of
    kind "preferences_reminder". Returns how many were newly planned."""
    recipients, _already = selectors.preference_reminder_recipients(cohort)
    return outbox_plan_many(
        {
            "kind": "preferences_reminder",
            "dedupe_key": selectors.preference_reminder_key(cohort, p.pk),
            "recipient": p.user,
            "cohort": cohort,
            "subject_type": "participant",
            "subject_id": p.pk,
        }
        for p in recipients
    )


# --- pins and forbids -------------------------------------------------------------------------

def _ordered(a: Participant, b: Participant) -> tuple[Participant, Participant]:
    if a.cohort_id != b.cohort_id:
        raise ValidationError("Beide deelnemers moeten in hetzelfde cohort zitten.")
    if a.pk == b.pk:
        raise ValidationError("Kies twee verschillende deelnemers.")
    return (a, b) if a.pk < b.pk else (b, a)


def pin_create(*, cohort: Cohort, a: Participant, b: Participant, by=None) -> Pin:
    """Pin a pair so every next run keeps it. Side effects: a Pin row; removes a Forbid of the
    same pair. Raises ValidationError when the pair breaks a rule or a person is pinned."""
    a, b = _ordered(a, b)
    if a.cohort_id != cohort.pk:
        raise ValidationError("Deze deelnemers horen niet bij dit cohort.")
    pair = list(selectors.active_participants(cohort).filter(pk__in=[a.pk, b.pk]))
    if len(pair) != 2:
        raise ValidationError("Dit paar kan niet: niet beiden actief met een organisatie.")
    scored = engine.score_pair(selectors.profile_for(pair[0]), selectors.profile_for(pair[1]),
                               selectors.cohort_rules(cohort))
    if isinstance(scored, engine.Unacceptable):
        raise ValidationError("Dit paar kan niet: %s." % ", ".join(scored.reasons))
    if Pin.objects.filter(cohort=cohort, a__in=[a, b]).exclude(a=a, b=b).exists() or \
            Pin.objects.filter(cohort=cohort, b__in=[a, b]).exclude(a=a, b=b).exists():
        raise ValidationError("Een van beiden is al met iemand anders vastgezet.")
    with transaction.atomic():
        Forbid.objects.filter(cohort=cohort, a=a, b=b).delete()
        pin, _created = Pin.objects.get_or_create(cohort=cohort, a=a, b=b,
                                                  defaults={"created_by": by})
    return pin


def forbid_create(*, cohort: Cohort, a: Participant, b: Participant, by=None) -> Forbid:
    """Never pair these two. Side effects: a Forbid row; removes a Pin of the same pair."""
    a, b = _ordered(a, b)
    if a.cohort_id != cohort.pk:
        raise ValidationError("Deze deelnemers horen niet bij dit cohort.")
    with transaction.atomic():
        Pin.objects.filter(cohort=cohort, a=a, b=b).delete()
        forbid, _created = Forbid.objects.get_or_create(cohort=cohort, a=a, b=b,
                                                        defaults={"created_by": by})
    return forbid


def pair_rule_delete(*, cohort: Cohort, kind: str, rule_pk: int) -> bool:
    """Remove a pin ("pin") or forbid (anything else) of this cohort. Side effects: deletes
    the row. Returns False when there was none (already removed, or another cohort's)."""
    model = Pin if kind == "pin" else Forbid
    deleted, _rows = model.objects.filter(cohort=cohort, pk=rule_pk).delete()
    return bool(deleted)


# --- runs ---------------------------------------------------------------------------------

def match_run_create(*, cohort: Cohort, by, objective: str, triads: bool,
                     based_on: MatchRun | None = None) -> MatchRun:
    """Start a matching run with the cohort's current preferences, pins and forbids.

    Side effects: a MatchRun row. Small cohorts are solved inline (the run is done or failed
    on return); large ones (> LARGE_COHORT) are queued for `task_run_matching` after commit.
    """
    if objective not in Objective.values:
        raise ValidationError("Onbekend doel.")
    run = MatchRun.objects.create(cohort=cohort, created_by=by, objective=objective,
                                  triads=bool(triads) and cohort.allow_triads,
                                  based_on=based_on)
    if cohort.participants.active().count() > LARGE_COHORT:
        from .tasks import task_run_matching

        transaction.on_commit(lambda: task_run_matching.delay(run.pk))
    else:
        match_run_execute(run=run)
        run.refresh_from_db()
    return run


def _running(run_id: int):
    # Every write of a worker is conditional on the run still running: once the reaper (or the
    # time limit) has failed it, a late worker changes nothing.
    return MatchRun.objects.filter(pk=run_id, status=RunStatus.RUNNING)


def _set_progress(run_id: int, progress: int) -> None:
    _running(run_id).update(progress=progress)


def _result_from(mi: MatchInput, groups: list[list[str]], pinned: set[frozenset[str]],
                 unmatched: list[dict], messages: list[str]) -> tuple[dict, dict]:
    exchanges = []
    for members in groups:
        score, reasons, broken = group_score(members, mi)
        exchanges.append({"members": members, "score": score, "reasons": reasons,
                          "broken": broken, "pinned": frozenset(members) in pinned})
    scores = [e["score"] for e in exchanges]
    stats = {
        "participants": len(mi.profiles),
        "placed": sum(len(g) for g in groups),
        "exchanges": len(groups),
        "triads": sum(1 for g in groups if len(g) == 3),
        "total_score": round(sum(scores), 6),
        "min_score": min(scores) if scores else 0.0,
        "blocking_pairs": selectors.blocking_pairs(groups, mi),
        "wished": selectors.wished_count(groups, mi),
        "unmatched": len(unmatched),
    }
    result = {
        "exchanges": exchanges,
        "unmatched": unmatched,
        "messages": messages,
        "names": mi.names,
        "orgs": mi.org_names,
    }
    return result, stats



def match_run_execute(*, run: MatchRun) -> MatchRun:
    """Solve a queued run. Side effects: claims it (queued → running, started_at), updates its
    progress, then stores result and stats as done (failed with the engine's message when the
    input is invalid). Does nothing for a run that is not queued (a task delivered twice).
    A run the reaper failed meanwhile stays failed: the late result is discarded."""
    claimed = MatchRun.objects.filter(pk=run.pk, status=RunStatus.QUEUED).update(
        status=RunStatus.RUNNING, progress=5, started_at=timezone.now())
    if not claimed:
        return run
    try:
        mi = selectors.matching_input(
            cohort=run.cohort, objective=run.objective, triads=run.triads,
            progress=lambda pct: _set_progress(run.pk, pct))
        started = time.perf_counter()
        solved = engine.solve(mi.instance)
        seconds = round(time.perf_counter() - started, 4)
    except engine.MatchingInputError as exc:
        match_run_fail(run_id=run.pk, reason=str(exc))
        run.refresh_from_db()
        return run
    except SoftTimeLimitExceeded:
        raise  # the task fails the run as "too long"
    except Exception:  # a bug: say so now instead of "running" until the reaper comes
        logger.exception("Match run %s failed.", run.pk)
        match_run_fail(run_id=run.pk, reason=RUN_BROKEN)
        run.refresh_from_db()
        return run
    _set_progress(run.pk, 90)
    groups = [list(e.members) for e in solved.exchanges]
    pinned = {frozenset(e.members) for e in solved.exchanges if e.pinned}
    unmatched = [{"id": u.id, "reason": u.reason} for u in solved.unmatched]
    result, stats = _result_from(mi, groups, pinned, unmatched, solved.messages)
    stats.update(algorithm=solved.stats.algorithm, seconds=seconds,
                 stable_exists=solved.stats.stable_exists)
    if not _running(run.pk).update(status=RunStatus.DONE, progress=100, result=result,
                                   stats=stats):
        logger.warning("Match run %s finished after it was marked failed; result discarded.",
                       run.pk)
    run.refresh_from_db()
    return run


def match_run_fail(*, run_id: int, reason: str) -> bool:
    """Mark a running run failed with `reason` (shown to the coordinator). Side effects: the
    row becomes failed, progress 100. Returns False when it was no longer running."""
    return bool(_running(run_id).update(status=RunStatus.FAILED, progress=100, error=reason))


def match_runs_reap_stuck(*, now: datetime | None = None) -> int:
    """Fail runs whose worker died (killed, out of memory, a restart): runs still running
    MATCH_RUN_TIMEOUT_SECONDS after they were claimed, and runs still queued that long after
    they were created (their task never reached a worker). A redelivered task does not pick such a
    run up again (it only claims queued runs), so without this it would stay running forever.

    Side effects: those rows become failed with RUN_INTERRUPTED, which asks the coordinator to
    start again; a worker that still finishes later changes nothing (`match_run_execute`).
    Returns the number failed.
    """
    cutoff = (now or timezone.now()) - timedelta(seconds=settings.MATCH_RUN_TIMEOUT_SECONDS)
    reaped = MatchRun.objects.filter(
        Q(started_at__lt=cutoff) | Q(started_at__isnull=True, created_at__lt=cutoff),
        status=RunStatus.RUNNING,
    ).update(status=RunStatus.FAILED, progress=100, error=RUN_INTERRUPTED)
    # Queued that long: the task never reached a worker (the broker was down when it was sent).
    reaped += MatchRun.objects.filter(created_at__lt=cutoff, status=RunStatus.QUEUED).update(
        status=RunStatus.FAILED, progress=100, error=RUN_NOT_STARTED)
    if reaped:
        logger.warning("%d match runs were still running after %d s and were marked failed.",
                       reaped, settings.MATCH_RUN_TIMEOUT_SECONDS)
    return reaped


def match_run_swap(*, run: MatchRun, a: str, b: str, by) -> MatchRun:
    """Save a hand swap of a and b as a new run based on `run` (the original stays for
    comparison). Side effects: a new MatchRun row (done)."""
    mi = selectors.matching_input(cohort=run.cohort, objective=run.objective,
                                  triads=run.triads)
    preview = selectors.swap_preview(run=run, a=a, b=b, mi=mi)
    if preview.problem:
        raise ValidationError(preview.problem)
    old_unmatched = {u["id"]: u["reason"] for u in run.result.get("unmatched", [])}
    placed = {x for g in preview.groups for x in g}
    unmatched = [{"id": x, "reason": old_unmatched.get(x, "handmatig uit de koppeling gehaald")}
                 for x in (list(old_unmatched) + [a, b]) if x not in placed]
    unmatched = list({u["id"]: u for u in unmatched}.values())
    pinned = {frozenset(e["members"]) for e in run.result.get("exchanges", [])
              if e.get("pinned")}
    messages = [f"Handmatig gewisseld: {mi.names[a]} en {mi.names[b]}."]
    result, stats = _result_from(mi, preview.groups, pinned, unmatched, messages)
    return MatchRun.objects.create(
        cohort=run.cohort, created_by=by, objective=run.objective, triads=run.triads,
        status=RunStatus.DONE, progress=100, result=result, stats=stats, based_on=run,
        note=messages[0],
    )


# --- publishing ---------------------------------------------------------------------------

@transaction.atomic
def exchanges_publish(*, run: MatchRun, by=None) -> list[Exchange]:
    """Publish a finished run: create its Exchanges and members in one transaction.

    Side effects: Exchange and ExchangeMember rows, run.published_at, and one outbox row of
    kind "match_published" per matched participant. Nothing else moves (the cohort's stage
    stays). Raises ValidationError when the run is not done, the cohort already has published
    exchanges, a member is no longer active, or two members of one exchange now work at the
    same organisation.
    """
    cohort = Cohort.objects.select_for_update().get(pk=run.cohort_id)
    if run.status != RunStatus.DONE:
        raise ValidationError("Deze ronde is nog niet klaar.")
    if Exchange.objects.filter(cohort=cohort).exists():
        raise ValidationError("Dit cohort heeft al gepubliceerde koppelingen.")
    groups = selectors.run_groups(run)
    ids = [int(x) for g in groups for x in g]
    people = {p.pk: p for p in cohort.participants.active().select_related("user")
              .filter(pk__in=ids)}
    missing = set(ids) - set(people)
    if missing:
        raise ValidationError("Niet alle gekoppelde deelnemers doen nog mee. Draai de "
                              "matching opnieuw.")
    for group in groups:  # organisations may have been merged or changed since the run
        members = [people[int(x)] for x in group]
        for i, a in enumerate(members):
            for b in members[i + 1:]:
                if a.organisation_id and a.organisation_id == b.organisation_id:
                    raise ValidationError(gettext(
                        "%(a)s en %(b)s werken nu bij dezelfde organisatie (de organisaties "
                        "zijn na deze ronde gewijzigd of samengevoegd). Draai de matching "
                        "opnieuw.") % {"a": selectors.participant_name(a),
                                       "b": selectors.participant_name(b)})
    now = timezone.now()
    created = []
    members = []
    for entry in run.result["exchanges"]:
        exchange = Exchange.objects.create(cohort=cohort, run=run, score=entry["score"],
                                           reasons=entry.get("reasons", []), published_at=now)
        created.append(exchange)
        members += [ExchangeMember(exchange=exchange, cohort=cohort,
                                   participant=people[int(x)], position=i)
                    for i, x in enumerate(entry["members"])]
    ExchangeMember.objects.bulk_create(members)
    run.published_at = now
    run.save(update_fields=["published_at"])
    _plan_published(members)
    return created


def _plan_published(members: list[ExchangeMember]) -> int:
    # The key names the members, so a repaired exchange is announced again.
    together: dict[int, list[str]] = {}
    for m in members:
        together.setdefault(m.exchange_id, []).append(str(m.participant_id))
    return outbox_plan_many(
        {
            "kind": "match_published",
            "dedupe_key": f"match_published:{m.exchange_id}:{m.participant_id}:"
                          + "-".join(sorted(together[m.exchange_id])),
            "recipient": m.participant.user,
            "cohort": m.cohort,
            "subject_type": "exchange",
            "subject_id": m.exchange_id,
        }
        for m in members
    )


# --- withdrawal and repair ----------------------------------------------------------------

@dataclass
class RepairProposal:
    kind: str
    withdrawn: Participant
    exchange: Exchange | None = None
    left: list[Participant] = field(default_factory=list)  # who stays in the exchange
    newcomer: Participant | None = None  # substitute, or the other one left alone
    target: Exchange | None = None  # existing pair that becomes a triad
    dissolved: Exchange | None = None  # the newcomer's exchange, left with no one else
    score: float = 0.0
    reasons: list[str] = field(default_factory=list)
    explanation: str = ""

    def get_kind_display(self) -> str:
        return str(RepairKind(self.kind).label)

    @property
    def notified(self) -> list[Participant]:
        """Who gets the "you are paired" email when this repair is applied: everyone in the
        exchange that results."""
        if self.kind == RepairKind.TRIAD and self.target is not None:
            return [m.participant for m in self.target.members.select_related(
                "participant__user")] + self.left
        if self.kind in (RepairKind.SUBSTITUTE, RepairKind.PAIR_UP) and self.newcomer:
            return self.left + [self.newcomer]
        if self.kind == RepairKind.SHRINK:
            return self.left
        return []


def exchange_repair_proposal(*, cohort: Cohort, withdrawn_participant: Participant
                             ) -> RepairProposal:
    """Propose how to repair the exchange of someone who withdraws, keeping every other
    exchange as it is and every exchange reciprocal: a triad shrinks to a pair; a partner left
    alone is paired with someone left alone by another withdrawal, else gets a substitute from
    the unmatched, else joins an existing pair as a triad. Members who already withdrew (an
    account deleted after publishing) count as gone. Writes nothing."""
    member = (ExchangeMember.objects.filter(cohort=cohort, participant=withdrawn_participant)
              .select_related("exchange").first())
    proposal = RepairProposal(RepairKind.NONE, withdrawn_participant)
    if member is None:
        proposal.explanation = "Deze deelnemer zit niet in een uitwisseling."
        return proposal
    exchange = member.exchange
    proposal.exchange = exchange
    mi = selectors.matching_input(cohort=cohort)
    # Only active participants have a profile; anyone else in the exchange has left already.
    left = [m.participant for m in exchange.members.select_related("participant__user")
            if m.participant_id != withdrawn_participant.pk and pid(m.participant) in mi.profiles]
    proposal.left = left
    if not left:
        proposal.explanation = gettext("Niemand anders uit deze uitwisseling doet nog mee; de "
                                       "uitwisseling vervalt.")
        return proposal
    if len(left) == 2:
        score, reasons, broken = group_score([pid(x) for x in left], mi)
        proposal.kind, proposal.score, proposal.reasons = RepairKind.SHRINK, score, reasons
        proposal.explanation = ("Het drietal wordt een paar." if not broken else
                                "Het drietal wordt een paar, maar: " + "; ".join(broken))
        return proposal
    alone = left[0]
    me = pid(alone)
    intact: list[tuple[Exchange, list[str]]] = []
    stranded: list[tuple[Exchange, str]] = []  # exchanges with one active member left
    for other in Exchange.objects.filter(cohort=cohort).exclude(pk=exchange.pk) \
            .prefetch_related("members"):
        ids = [pid(m.participant_id) for m in other.members.all()]
        active = [x for x in ids if x in mi.profiles]
        if len(active) == len(ids):
            intact.append((other, ids))
        elif len(active) == 1:
            stranded.append((other, active[0]))
    # Someone left alone by another withdrawal comes first, whatever the score: pairing the
    # two repairs both exchanges and leaves the unmatched for the next repair.
    partners = [(mi.scores[frozenset((me, x))].score, -other.pk, other, x)
                for other, x in stranded if frozenset((me, x)) in mi.scores]
    if partners:
        _score, _order, other, x = max(partners, key=lambda c: c[:2])
        proposal.kind, proposal.dissolved = RepairKind.PAIR_UP, other
        proposal.newcomer = Participant.objects.select_related("user").get(pk=int(x))
        proposal.score, proposal.reasons, _broken = group_score([me, x], mi)
        proposal.explanation = gettext(
            "Ook %(name)s bleef door een terugtrekking zonder partner over; samen vormen zij "
            "een nieuw paar.") % {"name": participant_name(proposal.newcomer)}
        return proposal
    placed = set(ExchangeMember.objects.filter(cohort=cohort).values_list(
        "participant_id", flat=True))
    free = [x for x in mi.profiles if int(x) not in placed and x != pid(withdrawn_participant)]
    options = sorted(((mi.scores[frozenset((me, x))].score, x) for x in free
                      if frozenset((me, x)) in mi.scores), reverse=True)
    if options:
        score, x = options[0]
        proposal.kind = RepairKind.SUBSTITUTE
        proposal.newcomer = Participant.objects.select_related("user").get(pk=int(x))
        proposal.score, proposal.reasons, _broken = group_score([me, x], mi)
        proposal.explanation = "Een deelnemer zonder koppeling neemt de plaats in."
        return proposal
    if cohort.allow_triads:
        best = None
        for other, ids in intact:
            if len(ids) != 2:
                continue
            score, reasons, broken = group_score(ids + [me], mi)
            if not broken and (best is None or score - other.score > best[0]):
                best = (score - other.score, other, score, reasons)
        if best:
            proposal.kind, proposal.target = RepairKind.TRIAD, best[1]
            proposal.score, proposal.reasons = best[2], best[3]
            proposal.explanation = "De achterblijver sluit aan bij een bestaand paar (drietal)."
            return proposal
    proposal.explanation = "Er is geen passende vervanger; de achterblijver blijft zonder partner."
    return proposal


@transaction.atomic
def exchange_repair_apply(*, cohort: Cohort, withdrawn_participant: Participant, by=None
                          ) -> RepairProposal:
    """Apply the current repair proposal. Side effects: the withdrawn person leaves their
    exchange (and is marked withdrawn); the exchange is shrunk, given the substitute or the
    other one left alone (whose exchange, holding no one else who takes part, is removed),
    merged into a triad or removed; a "match_published" message to each newly placed person.
    Other exchanges do not change."""
    Cohort.objects.select_for_update().filter(pk=cohort.pk).first()
    proposal = exchange_repair_proposal(cohort=cohort, withdrawn_participant=withdrawn_participant)
    if proposal.exchange is None:
        raise ValidationError(proposal.explanation)
    exchange = proposal.exchange
    ExchangeMember.objects.filter(exchange=exchange).delete()
    if withdrawn_participant.status != ParticipantStatus.WITHDRAWN:
        participant_withdraw(participant=withdrawn_participant)
    new_members: list[ExchangeMember] = []
    if proposal.kind == RepairKind.SHRINK:
        new_members = _set_members(exchange, proposal.left, proposal.score, proposal.reasons)
    elif proposal.kind == RepairKind.SUBSTITUTE:
        new_members = _set_members(exchange, proposal.left + [proposal.newcomer],
                                   proposal.score, proposal.reasons)
    elif proposal.kind == RepairKind.PAIR_UP:
        proposal.dissolved.delete()
        new_members = _set_members(exchange, proposal.left + [proposal.newcomer],
                                   proposal.score, proposal.reasons)
    elif proposal.kind == RepairKind.TRIAD:
        target = proposal.target
        current = [m.participant for m in target.members.select_related("participant")]
        ExchangeMember.objects.filter(exchange=target).delete()
        new_members = _set_members(target, current + proposal.left, proposal.score,
                                   proposal.reasons)
        exchange.delete()
    else:
        exchange.delete()
    if new_members:
        from agendas.services import visits_ensure  # agendas builds on matching

        visits_ensure(exchange=Exchange.objects.get(pk=new_members[0].exchange_id))
    _plan_published(new_members)
    return proposal


def _set_members(exchange: Exchange, people: list[Participant], score: float,
                 reasons: list[str]) -> list[ExchangeMember]:
    exchange.score, exchange.reasons = score, reasons
    exchange.published_at = exchange.published_at or timezone.now()
    exchange.save(update_fields=["score", "reasons", "published_at"])
    return ExchangeMember.objects.bulk_create(
        ExchangeMember(exchange=exchange, cohort_id=exchange.cohort_id, participant=p,
                       position=i) for i, p in enumerate(people))
