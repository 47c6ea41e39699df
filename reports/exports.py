"""CSV and XLSX exports of one cohort or of all cohorts.

Both formats stream rows from `values_list(...).iterator()` so memory stays flat with the
cohort size. Cells that a spreadsheet would run as a formula (= + - @, tab, CR at the start)
are neutralised: CSV gets a leading `'`, XLSX cells are forced to the string type.
CSV is UTF-8 with a BOM and `;` as separator, which Dutch Excel opens correctly.
"""

from __future__ import annotations

import csv
import datetime as dt
import tempfile
from collections.abc import Callable, Iterable, Iterator
from typing import IO, Any

from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from cohorts.enums import OrganisationKind, ParticipantStatus
from cohorts.models import Participant, domains_display
from reflections.enums import Phase, QuestionKind, ResponseStatus
from reflections.exchanges import exchanges_for_cohorts, pairing_label
from reflections.models import Answer

from .selectors import cohort_reports

DANGEROUS_START = ("=", "+", "-", "@", "\t", "\r")
BOM = "\ufeff"

Rows = tuple[list[str], Iterable[list[Any]]]


def _local(value: dt.datetime | None) -> dt.datetime | None:
    return timezone.localtime(value).replace(tzinfo=None) if value else None


def participants_rows(cohorts) -> Rows:
    header = ["cohort", "naam", "e-mail", "organisatie", "soort organisatie", "functie",
              "regio", "domeinen", "status", "profiel compleet", "aangemeld op"]
    kinds = dict(OrganisationKind.choices)
    statuses = dict(ParticipantStatus.choices)

    def rows():
        for values in (Participant.objects.filter(cohort__in=cohorts)
                       .order_by("cohort_id", "user__name", "pk")
                       .values_list("cohort__name", "user__name", "user__email",
                                    "organisation__name", "organisation__kind", "job_title",
                                    "region", "domains", "status", "profile_completed_at",
                                    "joined_at").iterator(chunk_size=2000)):
            (cohort, name, email, organisation, kind, job, region, domains, status, done,
             joined) = values
            yield [cohort, name, email, organisation or "", str(kinds.get(kind, kind or "")),
                   job, region, domains_display(domains or []), str(statuses.get(status, status)),
                   "ja" if done else "nee", _local(joined)]
    return header, rows()


def exchanges_rows(cohorts) -> Rows:
    header = ["cohort", "uitwisseling", "soort koppeling", "deelnemers"]
    cohort_names = {c.pk: c.name for c in cohorts}

    def rows():
        exchanges = exchanges_for_cohorts(list(cohort_names))
        member_ids = {pk for row in exchanges for pk in row.member_ids}
        people = {pk: (name, kind) for pk, name, kind in Participant.objects.filter(
            pk__in=member_ids).values_list("pk", "user__name", "organisation__kind")}
        for row in exchanges:
            members = [people.get(pk, ("", "")) for pk in row.member_ids]
            yield [cohort_names.get(row.cohort_id, ""), row.pk,
                   pairing_label([kind or "" for _name, kind in members]),
                   ", ".join(name for name, _kind in members)]
    return header, rows()


def visits_rows(cohorts) -> Rows:
    from agendas.models import Visit

    header = ["cohort", "uitwisseling", "stageweek", "gastheer/-vrouw", "gast", "dagen", "vorm",
              "akkoord gastheer/-vrouw", "akkoord gast", "gehouden"]

    def rows():
        for values in (Visit.objects.filter(exchange__cohort__in=cohorts)
                       .order_by("exchange__cohort_id", "exchange_id", "leg")
                       .values_list("exchange__cohort__name", "exchange_id", "week",
                                    "host__user__name", "guest__user__name", "days", "mode",
                                    "agreed_by_host_at", "agreed_by_guest_at", "held")
                       .iterator(chunk_size=2000)):
            (cohort, exchange, week, host, guest, days, mode, host_ok, guest_ok, held) = values
            yield [cohort, exchange, week, host, guest, ", ".join(days or []), mode,
                   _local(host_ok), _local(guest_ok), "ja" if held else "nee"]
    return header, rows()


def responses_rows(cohorts) -> Rows:
    """Handed-in answers only: drafts are the author's own."""
    header = ["cohort", "opdracht", "moment", "deelnemer", "e-mail", "ingeleverd op",
              "gedeeld met partner", "vraag", "sleutel", "antwoord"]
    phases = dict(Phase.choices)

    def rows():
        for values in (Answer.objects.filter(response__assignment__cohort__in=cohorts,
                                             response__status=ResponseStatus.SUBMITTED)
                       .order_by("response__assignment__cohort_id",
                                 "response__assignment__order", "response__participant_id",
                                 "question__order", "pk")
                       .values_list("response__assignment__cohort__name",
                                    "response__assignment__title",
                                    "response__assignment__phase",
                                    "response__participant__user__name",
                                    "response__participant__user__email",
                                    "response__submitted_at",
                                    "response__shared_with_partner", "question__text",
                                    "question__key", "question__kind", "value_text",
                                    "value_number").iterator(chunk_size=2000)):
            (cohort, title, phase, name, email, submitted, shared, question, key, kind, text,
             number) = values
            if kind == QuestionKind.YESNO and number is not None:
                answer: Any = "ja" if number else "nee"
            else:
                answer = number if number is not None else text
            yield [cohort, title, str(phases.get(phase, phase)), name, email, _local(submitted),
                   "ja" if shared else "nee", question, key, answer]
    return header, rows()


def summary_rows(cohorts) -> Rows:
    header = ["cohort", "cijfer", "waarde"]

    def rows():
        for report in cohort_reports(cohorts).values():
            name = report.cohort.name
            yield [name, "uitgenodigd", report.invited]
            yield [name, "aangemeld", report.registered]
            yield [name, "profiel compleet", report.profile_complete]
            yield [name, "gereflecteerd", report.reflected]
            for rate in report.response_rates:
                yield [name, f"ingeleverd: {rate.label}",
                       "" if rate.hidden else f"{rate.count} van {rate.total}"]
            hidden = "te weinig antwoorden om te tonen"
            nps = report.nps
            yield [name, "aanbevelingsscore (NPS)", hidden if nps.hidden else nps.score]
            yield [name, "zou aanraden (9–10), %", hidden if nps.hidden else nps.share_recommend]
            yield [name, "aantal antwoorden aanraden", nps.n]
            shift = report.shift
            for label, value in (("beeld andere kant: gemiddeld voor", shift.mean_before),
                                 ("beeld andere kant: gemiddeld na", shift.mean_after),
                                 ("beeld andere kant: gemiddeld verschil",
                                  shift.mean_difference)):
                yield [name, label, hidden if shift.hidden or value is None
                       else round(value, 2)]
            yield [name, "beeld andere kant: n (gepaard)", shift.n]
            yield [name, "deelnemers met een concrete actie", report.action_count]
            follow = report.follow_up
            yield [name, "actie uitgevoerd, %", hidden if follow.hidden else follow.percent]
    return header, rows()


SUBJECTS: dict[str, tuple[str, Callable[[Any], Rows]]] = {
    "deelnemers": ("Deelnemers", participants_rows),
    "uitwisselingen": ("Uitwisselingen", exchanges_rows),
    "bezoeken": ("Bezoeken", visits_rows),
    "antwoorden": ("Antwoorden", responses_rows),
    "samenvatting": ("Samenvatting", summary_rows),
}


def neutralise_csv(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.strftime("%d-%m-%Y %H:%M")
    if isinstance(value, str) and value.startswith(DANGEROUS_START):
        return "'" + value
    return value


class _Echo:
    def write(self, value: str) -> str:
        return value


def csv_stream(subject: str, cohorts) -> Iterator[str]:
    header, rows = SUBJECTS[subject][1](cohorts)
    writer = csv.writer(_Echo(), delimiter=";")
    yield BOM + writer.writerow(header)
    for row in rows:
        yield writer.writerow([neutralise_csv(value) for value in row])


def _xlsx_cell(sheet, value: Any) -> Any:
    if not isinstance(value, str):
        return value  # numbers, dates and None need no cell object
    value = ILLEGAL_CHARACTERS_RE.sub("", value)
    if not value.startswith(DANGEROUS_START):
        return value  # openpyxl stores it as a string already
    # openpyxl would write "=..." as a live formula: force the string type.
    cell = WriteOnlyCell(sheet, value=value)
    cell.data_type = "s"
    return cell


def xlsx_file(cohorts) -> IO[bytes]:
    """A temporary file holding the workbook (one sheet per subject), rewound to the start.
    The caller closes it; it disappears when closed."""
    workbook = Workbook(write_only=True)
    for title, build in SUBJECTS.values():
        sheet = workbook.create_sheet(title)
        header, rows = build(cohorts)
        sheet.append([_xlsx_cell(sheet, value) for value in header])
        for row in rows:
            sheet.append([_xlsx_cell(sheet, value) for value in row])
    handle = tempfile.TemporaryFile(suffix=".xlsx")  # noqa: SIM115 - FileResponse closes it
    workbook.save(handle)
    handle.seek(0)
    return handle
