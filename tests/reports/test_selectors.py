import pytest

from reflections import services
from reflections.enums import Phase
from reports.selectors import cohort_report, cohort_reports
from tests.factories import CohortFactory
from tests.reflections.helpers import answer, participants
from tests.reports.conftest import by_phase

pytestmark = pytest.mark.django_db


def test_report_funnel_counts(reported_cohort):
    report = cohort_report(reported_cohort)
    assert (report.invited, report.registered, report.profile_complete, report.reflected) == (
        8, 6, 0, 6)


def test_report_nps_matches_hand_computation(reported_cohort):
    nps = cohort_report(reported_cohort).nps
    assert (nps.n, nps.promoters, nps.passives, nps.detractors) == (6, 3, 1, 2)
    assert nps.score == 17
    assert nps.share_recommend == 50
    assert not nps.hidden


def test_report_paired_shift_matches_hand_computation(reported_cohort):
    shift = cohort_report(reported_cohort).shift
    assert shift.n == 5
    assert shift.mean_before == pytest.approx(2.4)
    assert shift.mean_after == pytest.approx(3.4)
    assert shift.mean_difference == pytest.approx(1.0)
    assert not shift.hidden


def test_report_follow_up_under_five_hidden(reported_cohort):
    report = cohort_report(reported_cohort)
    assert (report.follow_up.count, report.follow_up.total) == (2, 3)
    assert report.follow_up.hidden


def test_report_response_rates_per_assignment(reported_cohort):
    rates = {r.label: (r.count, r.total) for r in cohort_report(reported_cohort).response_rates}
    assert rates == {"Voor de stage: mijn leerdoelen": (6, 6), "Na bezoek A": (6, 6),
                     "Na bezoek B": (0, 6), "Na afloop": (6, 6), "Follow-up: uw actie": (3, 6)}


def test_report_quotes_and_actions_only_with_consent(reported_cohort):
    report = cohort_report(reported_cohort)
    assert [(q.text, q.name) for q in report.quotes] == [("Citaat 0", "Deelnemer 0"),
                                                         ("Citaat 1", "")]
    assert report.action_count == 6
    assert [(a.text, a.name) for a in report.actions] == [("Actie 0", "Deelnemer 0"),
                                                          ("Actie 1", "")]


def test_report_under_five_people_hidden(cohort):
    services.assignments_create_standard(cohort=cohort)
    phases = by_phase(cohort)
    for person in participants(cohort, 4):
        answer(person, phases[Phase.VOOR], learning_goals="x", picture_other_side=2)
        answer(person, phases[Phase.NA_AFLOOP], picture_other_side=4, recommend=10,
               quote_consent="Nee")
    report = cohort_report(cohort)
    assert report.nps.n == 4 and report.nps.hidden
    assert report.shift.n == 4 and report.shift.hidden
    assert all(rate.hidden for rate in report.response_rates)
    assert report.actions_hidden


def test_report_without_exchanges_has_no_pairings(reported_cohort):
    assert cohort_report(reported_cohort).pairings == []


def test_cohort_reports_keeps_cohorts_apart(reported_cohort):
    other = CohortFactory()
    reports = cohort_reports([reported_cohort, other])
    assert reports[other.pk].registered == 0
    assert reports[other.pk].nps.n == 0
    assert reports[reported_cohort.pk].nps.n == 6
