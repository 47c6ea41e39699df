"""The figures of the outcome report.

`cohort_reports(cohorts)` computes every figure for any number of cohorts with a fixed
number of queries (seven, plus at most two for exchanges): the rows are aggregated in
Python, so the query count does not grow with the cohort size or the number of cohorts.
Any breakdown with fewer than MIN_GROUP people is hidden (`hidden=True`); the templates show
"te weinig antwoorden om te tonen" instead.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, Q
from django.utils.translation import gettext as _

from cohorts.enums import ParticipantStatus
from cohorts.models import Cohort, Invitation, Participant
from reflections.enums import (
    QUOTE_ANONYMOUS,
    QUOTE_NAMED,
    Phase,
    QuestionKey,
    ResponseStatus,
)
from reflections.exchanges import exchanges_by_pairing
from reflections.models import Answer, Assignment, Response

MIN_GROUP = 5
BAR_WIDTH = 340  # px of the longest bar in the SVG charts
LABEL_WIDTH = 170  # px for the labels left of the bars


@dataclass
class Bar:
    label: str
    value: float
    total: float = 0
    width: int = 0  # px, filled in by `_scale`
    y: int = 0
    css: str = "bar"

    @property
    def text_x(self) -> int:
        return LABEL_WIDTH + self.width + 6

    @property
    def text_y(self) -> int:
        return self.y + 15

    @property
    def display(self) -> str:
        if isinstance(self.value, float) and not self.value.is_integer():
            return f"{self.value:.1f}".replace(".", ",")
        return str(round(self.value))

    @property
    def percent(self) -> int | None:
        return round(100 * self.value / self.total) if self.total else None


@dataclass
class Chart:
    bars: list[Bar]

    @property
    def height(self) -> int:
        return 30 * len(self.bars) + 10


def _scale(bars: list[Bar], maximum: float | None = None) -> Chart:
    top = maximum if maximum is not None else max((b.value for b in bars), default=0)
    for index, bar in enumerate(bars):
        bar.width = round(BAR_WIDTH * bar.value / top) if top else 0
        bar.y = 5 + 30 * index
    return Chart(bars)


@dataclass
class Nps:
    n: int
    promoters: int
    passives: int
    detractors: int

    @property
    def hidden(self) -> bool:
        return self.n < MIN_GROUP

    @property
    def score(self) -> int | None:
        """% promoters (9–10) minus % detractors (0–6), rounded."""
        if not self.n:
            return None
        return round(100 * self.promoters / self.n - 100 * self.detractors / self.n)

    @property
    def share_recommend(self) -> int | None:
        """% that would recommend it (9–10)."""
        return round(100 * self.promoters / self.n) if self.n else None

    @property
    def chart(self) -> Chart:
        return _scale([Bar("9–10", self.promoters, self.n, css="bar bar-promoters"),
                       Bar("7–8", self.passives, self.n),
                       Bar("0–6", self.detractors, self.n, css="bar bar-detractors")],
                      maximum=self.n or 1)


@dataclass
class Shift:
    """The paired before → after change on the 1–5 'picture of the other side' question:
    only participants who answered both count."""

    n: int
    mean_before: float | None
    mean_after: float | None
    mean_difference: float | None

    @property
    def hidden(self) -> bool:
        return self.n < MIN_GROUP

    @property
    def chart(self) -> Chart:
        return _scale([Bar(_("voor"), self.mean_before or 0, 5),
                       Bar(_("na"), self.mean_after or 0, 5)], maximum=5)


@dataclass
class RateRow:
    label: str
    count: int
    total: int

    @property
    def hidden(self) -> bool:
        return self.total < MIN_GROUP

    @property
    def percent(self) -> int | None:
        return round(100 * self.count / self.total) if self.total else None


@dataclass
class PairingRow:
    label: str
    exchanges: int
    people: int

    @property
    def hidden(self) -> bool:
        return self.people < MIN_GROUP


@dataclass
class Quote:
    text: str
    name: str  # empty when anonymous


@dataclass
class CohortReport:
    cohort: Cohort
    invited: int = 0
    registered: int = 0
    profile_complete: int = 0
    reflected: int = 0
    pairings: list[PairingRow] = field(default_factory=list)
    response_rates: list[RateRow] = field(default_factory=list)
    nps: Nps = field(default_factory=lambda: Nps(0, 0, 0, 0))
    shift: Shift = field(default_factory=lambda: Shift(0, None, None, None))
    action_count: int = 0
    actions: list[Quote] = field(default_factory=list)
    follow_up: RateRow = field(default_factory=lambda: RateRow("", 0, 0))
    quotes: list[Quote] = field(default_factory=list)

    @property
    def funnel(self) -> Chart:
        return _scale([
            Bar(_("uitgenodigd"), self.invited, self.invited),
            Bar(_("aangemeld"), self.registered, self.invited),
            Bar(_("profiel compleet"), self.profile_complete, self.invited),
            Bar(_("gereflecteerd"), self.reflected, self.invited),
        ], maximum=max(self.invited, self.registered) or 1)

    @property
    def response_chart(self) -> Chart:
        return _scale([Bar(r.label, r.percent or 0, 100) for r in self.response_rates
                       if not r.hidden], maximum=100)

    @property
    def actions_hidden(self) -> bool:
        return self.action_count < MIN_GROUP


def _mean(values: list[float]) -> float | None:
    return sum(values) / len(values) if values else None


STANDARD_KEYS = [QuestionKey.PICTURE_OTHER_SIDE, QuestionKey.RECOMMEND, QuestionKey.ACTION,
                 QuestionKey.ACTION_DONE, QuestionKey.QUOTE, QuestionKey.QUOTE_CONSENT]


def cohort_reports(cohorts) -> dict[int, CohortReport]:
    """Every report figure for these cohorts, keyed by cohort id."""
    cohorts = list(cohorts)
    ids = [c.pk for c in cohorts]
    reports = {c.pk: CohortReport(cohort=c) for c in cohorts}
    if not ids:
        return reports
    active = ParticipantStatus.active()

    for row in (Invitation.objects.filter(cohort_id__in=ids).values("cohort_id")
                .annotate(n=Count("pk"))):
        reports[row["cohort_id"]].invited += row["n"]

    organisation_kind: dict[int, str] = {}
    names: dict[int, str] = {}
    for pk, cohort_id, done, invitation_id, kind, name, email in (
            Participant.objects.filter(cohort_id__in=ids, status__in=active).values_list(
                "pk", "cohort_id", "profile_completed_at", "invitation_id",
                "organisation__kind", "user__name", "user__email")):
        report = reports[cohort_id]
        report.registered += 1
        report.profile_complete += done is not None
        # People who joined through the cohort's join link were never invited by mail.
        report.invited += invitation_id is None
        organisation_kind[pk] = kind or ""
        names[pk] = name or email

    for cohort_id, _participant_id in (
            Response.objects.filter(assignment__cohort_id__in=ids,
                                    status=ResponseStatus.SUBMITTED,
                                    participant__status__in=active)
            .order_by().values_list("assignment__cohort_id", "participant_id").distinct()):
        reports[cohort_id].reflected += 1

    for assignment in (Assignment.objects.filter(cohort_id__in=ids)
                       .annotate(submitted=Count("responses", filter=Q(
                           responses__status=ResponseStatus.SUBMITTED,
                           responses__participant__status__in=active)))
                       .order_by("cohort_id", "order", "opens_at", "pk")):
        report = reports[assignment.cohort_id]
        report.response_rates.append(RateRow(assignment.title, assignment.submitted,
                                             report.registered))

    by_label: dict[tuple[int, str], PairingRow] = {}
    for (cohort_id, label, what), value in exchanges_by_pairing(ids, organisation_kind).items():
        row = by_label.setdefault((cohort_id, label), PairingRow(label, 0, 0))
        setattr(row, what, value)
    for (cohort_id, _label), row in sorted(by_label.items()):
        reports[cohort_id].pairings.append(row)

    _answer_figures(reports, ids, names)
    return reports


def _answer_figures(reports: dict[int, CohortReport], ids: list[int],
                    names: dict[int, str]) -> None:
    per_cohort: dict[int, dict] = defaultdict(lambda: defaultdict(dict))
    rows = (Answer.objects.filter(
        response__assignment__cohort_id__in=ids, response__status=ResponseStatus.SUBMITTED,
        response__participant_id__in=list(names), question__key__in=STANDARD_KEYS)
        .values_list("response__assignment__cohort_id", "response__participant_id",
                     "response__assignment__phase", "question__key", "value_text",
                     "value_number")
        .order_by("response__assignment__cohort_id", "response__participant_id",
                  "response__assignment__opens_at", "question__order"))
    for cohort_id, participant_id, phase, key, text, number in rows:
        person = per_cohort[cohort_id][participant_id]
        if key == QuestionKey.PICTURE_OTHER_SIDE and number is not None:
            if phase == Phase.VOOR:
                person["before"] = number
            elif phase == Phase.NA_AFLOOP:
                person["after"] = number
        elif key == QuestionKey.RECOMMEND and number is not None:
            person["recommend"] = number
        elif key == QuestionKey.ACTION and text.strip():
            person.setdefault("actions", []).append(text.strip())
        elif key == QuestionKey.ACTION_DONE and number is not None:
            person["action_done"] = number
        elif key == QuestionKey.QUOTE and text.strip():
            person["quote"] = text.strip()
        elif key == QuestionKey.QUOTE_CONSENT:
            person["consent"] = text

    for cohort_id, people in per_cohort.items():
        report = reports[cohort_id]
        scores = [p["recommend"] for p in people.values() if "recommend" in p]
        report.nps = Nps(
            n=len(scores), promoters=sum(s >= 9 for s in scores),
            passives=sum(7 <= s <= 8 for s in scores), detractors=sum(s <= 6 for s in scores))
        pairs = [(p["before"], p["after"]) for p in people.values()
                 if "before" in p and "after" in p]
        report.shift = Shift(
            n=len(pairs), mean_before=_mean([b for b, _a in pairs]),
            mean_after=_mean([a for _b, a in pairs]),
            mean_difference=_mean([a - b for b, a in pairs]))
        with_action = [pk for pk, p in people.items() if p.get("actions")]
        report.action_count = len(with_action)
        done = [p["action_done"] for p in people.values() if "action_done" in p]
        report.follow_up = RateRow("", sum(1 for d in done if d), len(done))
        for pk, person in sorted(people.items(), key=lambda item: names.get(item[0], "")):
            consent = person.get("consent")
            if consent not in (QUOTE_NAMED, QUOTE_ANONYMOUS):
                continue
            name = names.get(pk, "") if consent == QUOTE_NAMED else ""
            if person.get("quote"):
                report.quotes.append(Quote(person["quote"], name))
            for action in person.get("actions", []):
                report.actions.append(Quote(action, name))


def cohort_report(cohort: Cohort) -> CohortReport:
    return cohort_reports([cohort])[cohort.pk]
