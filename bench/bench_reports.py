"""Benchmark of the outcome report and the exports.

Run: ``python -m bench.bench_reports [--participants 3000] [--database-url URL]``.

Builds one cohort with N participants and 5 answers each (3,000 → 15,000 answers) in a
scratch database (a temporary SQLite file unless --database-url names a scratch database,
which is migrated and filled), then times:
- the report selectors (`reports.selectors.cohort_report`) and counts their queries;
- the XLSX export (all five sheets written to a temporary file);
- the CSV export of the answers (the stream consumed to the end).
Each step runs twice: once timed, once under tracemalloc for the Python heap peak (tracing
slows the code down, so it is not timed). The process's maximum resident set size is printed
at the end.
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path


def _setup(database_url: str | None) -> None:
    if database_url:
        os.environ["DATABASE_URL"] = database_url
    else:
        path = Path(tempfile.mkdtemp()) / "bench.sqlite3"
        os.environ["DATABASE_URL"] = f"sqlite:///{path}"
    os.environ.setdefault("DEBUG", "true")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "wisselstage.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)


def _build(n: int):
    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX
    from django.utils import timezone

    from cohorts.enums import OrganisationKind
    from cohorts.models import Cohort, Organisation, Participant
    from reflections.enums import QUOTE_OPTIONS, Phase, QuestionKey, ResponseStatus
    from reflections.models import Answer, Response
    from reflections.services import assignments_create_standard

    today = timezone.localdate()
    cohort = Cohort.objects.create(
        name=f"Bench {n}", week_a_start=today, week_b_start=today + timezone.timedelta(days=21),
        registration_deadline=today - timezone.timedelta(days=14),
        preference_deadline=today - timezone.timedelta(days=7))
    assignments_create_standard(cohort=cohort)
    kinds = [OrganisationKind.GEMEENTE, OrganisationKind.ZORGAANBIEDER,
             OrganisationKind.CLIENTORGANISATIE]
    organisations = Organisation.objects.bulk_create([
        Organisation(name=f"Organisatie {i}", normalised_name=f"organisatie {i}",
                     kind=kinds[i % 3], confirmed=True) for i in range(max(1, n // 5))])
    User = get_user_model()
    users = User.objects.bulk_create([
        User(email=f"bench{i}@voorbeeld.example", name=f"=Deelnemer {i}",
             password=UNUSABLE_PASSWORD_PREFIX)
        for i in range(n)], batch_size=1000)
    participants = Participant.objects.bulk_create([
        Participant(cohort=cohort, user=user, organisation=organisations[i % len(organisations)],
                    profile_completed_at=timezone.now() if i % 4 else None)
        for i, user in enumerate(users)], batch_size=1000)
    phases = {a.phase: a for a in cohort.assignments.all()}
    before, after = phases[Phase.VOOR], phases[Phase.NA_AFLOOP]
    questions = {(q.assignment_id, q.key): q for a in (before, after)
                 for q in a.questions.all()}
    now = timezone.now()
    responses = Response.objects.bulk_create(
        [Response(assignment=a, participant=p, status=ResponseStatus.SUBMITTED,
                  submitted_at=now) for p in participants for a in (before, after)],
        batch_size=2000)
    answers = []
    for index, response in enumerate(responses):
        person = index // 2
        if response.assignment_id == before.pk:
            answers += [
                Answer(response=response, question=questions[(before.pk,
                                                              QuestionKey.LEARNING_GOALS)],
                       value_text=f"Leren hoe de andere kant werkt ({person})"),
                Answer(response=response, question=questions[(before.pk,
                                                              QuestionKey.PICTURE_OTHER_SIDE)],
                       value_number=1 + person % 5)]
        else:
            answers += [
                Answer(response=response, question=questions[(after.pk,
                                                              QuestionKey.PICTURE_OTHER_SIDE)],
                       value_number=min(5, 2 + person % 5)),
                Answer(response=response, question=questions[(after.pk, QuestionKey.RECOMMEND)],
                       value_number=person % 11),
                Answer(response=response,
                       question=questions[(after.pk, QuestionKey.QUOTE_CONSENT)],
                       value_text=QUOTE_OPTIONS[person % 3])]
    Answer.objects.bulk_create(answers, batch_size=5000)
    return cohort, len(answers)


def _measure(label: str, func):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    start = time.perf_counter()
    with CaptureQueriesContext(connection) as queries:
        result = func()
    elapsed = time.perf_counter() - start
    tracemalloc.start()
    func()
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    print(f"{label:<34} {elapsed * 1000:9.0f} ms  peak heap {peak / 2**20:7.1f} MiB  "
          f"{len(queries.captured_queries):3d} queries")
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--participants", type=int, default=3000)
    parser.add_argument("--database-url", default=None,
                        help="a scratch database (it is migrated and filled)")
    args = parser.parse_args(argv)
    _setup(args.database_url)

    from reports import exports
    from reports.selectors import cohort_report

    start = time.perf_counter()
    cohort, answer_count = _build(args.participants)
    print(f"built {args.participants} participants, {answer_count} answers "
          f"in {time.perf_counter() - start:.1f} s")

    report = _measure("report selectors", lambda: cohort_report(cohort))
    print(f"  NPS {report.nps.score} (n={report.nps.n}), shift "
          f"{report.shift.mean_difference:.2f} (n={report.shift.n})")

    def xlsx():
        handle = exports.xlsx_file([cohort])
        size = handle.seek(0, 2)
        handle.close()
        return size

    size = _measure("xlsx export (5 sheets)", xlsx)
    print(f"  xlsx size {size / 2**20:.1f} MiB")
    lines = _measure("csv export (answers)",
                     lambda: sum(1 for _ in exports.csv_stream("antwoorden", [cohort])))
    print(f"  csv lines {lines}")
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"process max RSS {rss:.0f} MiB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
