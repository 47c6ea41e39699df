import csv
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from reflections import services
from reflections.enums import Phase
from reports.models import ExportLog
from tests.factories import CohortFactory, ParticipantFactory, UserFactory, make_exchange
from tests.reflections.helpers import answer, participants
from tests.reports.conftest import by_phase

pytestmark = pytest.mark.django_db

EVIL = "=HYPERLINK(\"http://kwaad.example\",\"klik\")"


def _other_coordinator():
    user = UserFactory()
    CohortFactory().coordinators.add(user)
    return user


def test_report_page_shows_figures(client, coordinator, reported_cohort):
    client.force_login(coordinator)
    page = client.get(reverse("reports:cohort", args=[reported_cohort.pk])).content.decode()
    assert "Opbrengstrapport" in page
    assert '<td data-figure="nps">17</td>' in page
    assert '<td data-figure="recommend">50%</td>' in page
    assert '<td data-figure="shift">1,0</td>' in page
    assert "<svg" in page and "reports/report.css" in page
    assert "te weinig antwoorden om te tonen" in page  # follow-up has 3 answers
    assert "Citaat 0" in page and "Citaat 2" not in page
    assert "Nog geen uitwisselingen." in page


@pytest.mark.parametrize("who", ["participant", "outsider", "other_coordinator"])
def test_report_page_404_for_others(client, reported_cohort, participant, outsider, who):
    user = {"participant": participant.user, "outsider": outsider,
            "other_coordinator": _other_coordinator()}[who]
    client.force_login(user)
    assert client.get(reverse("reports:cohort", args=[reported_cohort.pk])).status_code == 404


def _build(cohort, size):
    services.assignments_create_standard(cohort=cohort)
    phases = by_phase(cohort)
    for index, person in enumerate(participants(cohort, size)):
        answer(person, phases[Phase.VOOR], learning_goals="x", picture_other_side=1 + index % 5)
        answer(person, phases[Phase.NA_AFLOOP], picture_other_side=3, recommend=index % 11,
               quote="mooi", quote_consent="Ja, anoniem")


def _queries(client, cohort):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(reverse("reports:cohort", args=[cohort.pk]))
    assert response.status_code == 200
    return len(captured.captured_queries)


def test_report_page_query_count_does_not_grow(client, coordinator, django_assert_max_num_queries):
    small, large = CohortFactory(), CohortFactory()
    for cohort in (small, large):
        cohort.coordinators.add(coordinator)
    _build(small, 3)
    _build(large, 25)
    client.force_login(coordinator)
    _queries(client, small)  # warm up session and caches
    baseline = _queries(client, small)
    with django_assert_max_num_queries(baseline):
        client.get(reverse("reports:cohort", args=[large.pk]))
    assert _queries(client, large) == baseline


def test_cross_cohort_report_query_count_does_not_grow(client, admin_user):
    small = CohortFactory()
    _build(small, 2)
    client.force_login(admin_user)
    client.get(reverse("reports:cross"))
    with CaptureQueriesContext(connection) as first:
        client.get(reverse("reports:cross"))
    for _ in range(3):
        _build(CohortFactory(), 6)
    with CaptureQueriesContext(connection) as second:
        page = client.get(reverse("reports:cross")).content.decode()
    assert len(second.captured_queries) == len(first.captured_queries)
    assert page.count('href="/cohorten/') >= 4


# --- exports ---------------------------------------------------------------------------------

def _csv(response):
    body = b"".join(response.streaming_content)
    assert body.startswith("\ufeff".encode())
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig")), delimiter=";"))


def test_csv_export_has_bom_semicolons_neutralised_cells_and_log(client, coordinator,
                                                                reported_cohort):
    ParticipantFactory(cohort=reported_cohort, job_title=EVIL, user__name="-Minnetje")
    client.force_login(coordinator)
    response = client.get(reverse("reports:export_csv", args=[reported_cohort.pk]),
                          {"onderwerp": "deelnemers"})
    assert response["Content-Type"].startswith("text/csv")
    rows = _csv(response)
    assert rows[0][:3] == ["cohort", "naam", "e-mail"]
    assert len(rows) == 1 + 7
    evil = next(row for row in rows if row[1] == "'-Minnetje")
    assert evil[5] == "'" + EVIL
    log = ExportLog.objects.get()
    assert (log.user, log.cohort, log.format, log.subject) == (
        coordinator, reported_cohort, "csv", "deelnemers")


def test_csv_export_responses_only_submitted(client, coordinator, reported_cohort):
    client.force_login(coordinator)
    rows = _csv(client.get(reverse("reports:export_csv", args=[reported_cohort.pk]),
                           {"onderwerp": "antwoorden"}))
    texts = [row[-1] for row in rows[1:]]
    assert "Citaat 3" in texts and "kladje" not in texts
    assert "ja" in texts  # action_done yes


def test_xlsx_export_reads_back_with_forced_strings_and_log(client, coordinator,
                                                            reported_cohort):
    from agendas.services import visits_ensure

    evil = ParticipantFactory(cohort=reported_cohort, job_title=EVIL)
    partner = ParticipantFactory(cohort=reported_cohort, user__name="Pam Partner")
    exchange = make_exchange(reported_cohort, [evil, partner])
    visits_ensure(exchange=exchange)
    client.force_login(coordinator)
    response = client.get(reverse("reports:export_xlsx", args=[reported_cohort.pk]))
    assert "attachment" in response["Content-Disposition"]
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    assert workbook.sheetnames == ["Deelnemers", "Uitwisselingen", "Bezoeken", "Antwoorden",
                                   "Samenvatting"]
    people = list(workbook["Deelnemers"].iter_rows())
    assert len(people) == 1 + 8
    evil_cell = next(row[5] for row in people if row[5].value == EVIL)
    assert evil_cell.data_type == "s"
    visits = list(workbook["Bezoeken"].values)[1:]
    assert [(row[1], row[2], row[4]) for row in visits] == [
        (exchange.pk, "A", "Pam Partner"), (exchange.pk, "B", evil.user.name)]
    exchanges = list(workbook["Uitwisselingen"].values)[1:]
    assert [row[1:3] for row in exchanges] == [(exchange.pk, "Zorgaanbieder – Zorgaanbieder")]
    summary = {row[1]: row[2] for row in workbook["Samenvatting"].values}
    assert summary["aanbevelingsscore (NPS)"] == 17
    assert summary["actie uitgevoerd, %"] == "te weinig antwoorden om te tonen"
    log = ExportLog.objects.get()
    assert (log.format, log.subject, log.cohort) == ("xlsx", "alles", reported_cohort)


@pytest.mark.parametrize("who", ["participant", "outsider", "other_coordinator"])
def test_exports_404_for_others_and_not_logged(client, reported_cohort, participant, outsider,
                                               who):
    user = {"participant": participant.user, "outsider": outsider,
            "other_coordinator": _other_coordinator()}[who]
    client.force_login(user)
    for name in ("reports:export_csv", "reports:export_xlsx"):
        assert client.get(reverse(name, args=[reported_cohort.pk])).status_code == 404
    assert not ExportLog.objects.exists()


def test_exports_allowed_for_admin(client, admin_user, reported_cohort):
    client.force_login(admin_user)
    response = client.get(reverse("reports:export_xlsx", args=[reported_cohort.pk]))
    assert load_workbook(io.BytesIO(b"".join(response.streaming_content))).sheetnames
    assert ExportLog.objects.get().user == admin_user


def test_cross_cohort_pages_admin_only(client, coordinator, admin_user, reported_cohort):
    client.force_login(coordinator)
    for name in ("reports:cross", "reports:export_log", "reports:cross_export_xlsx"):
        assert client.get(reverse(name)).status_code == 404
    client.force_login(admin_user)
    page = client.get(reverse("reports:cross")).content.decode()
    assert reported_cohort.name in page and "<td>17</td>" in page
    rows = _csv(client.get(reverse("reports:cross_export_csv"), {"onderwerp": "samenvatting"}))
    assert [reported_cohort.name, "aanbevelingsscore (NPS)", "17"] in rows
    log_page = client.get(reverse("reports:export_log")).content.decode()
    assert "alle cohorten" in log_page and admin_user.email in log_page
    assert ExportLog.objects.get().cohort is None


def test_csv_export_unknown_subject_404(client, coordinator, reported_cohort):
    client.force_login(coordinator)
    response = client.get(reverse("reports:export_csv", args=[reported_cohort.pk]),
                          {"onderwerp": "wachtwoorden"})
    assert response.status_code == 404
    assert not ExportLog.objects.exists()
