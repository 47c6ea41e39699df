"""Outcome reports, exports and the export log. Coordinators reach only their own cohorts
(others get a 404); the cross-cohort pages are for admins."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.text import slugify

from cohorts.models import Cohort
from cohorts.shortcuts import managed_cohort

from . import exports, selectors, services
from .models import ExportFormat, ExportLog


def _staff_only(request) -> None:
    if not request.user.is_staff:
        raise Http404


def _subject(request) -> str:
    subject = request.GET.get("onderwerp", "deelnemers")
    if subject not in exports.SUBJECTS:
        raise Http404
    return subject


def _download(request, *, cohorts, cohort: Cohort | None, fmt: str, name: str):
    stamp = timezone.localdate().isoformat()
    if fmt == ExportFormat.CSV:
        subject = _subject(request)
        services.export_log_create(user=request.user, cohort=cohort, format=fmt,
                                   subject=subject)
        response = StreamingHttpResponse(exports.csv_stream(subject, cohorts),
                                         content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = (
            f'attachment; filename="{name}-{subject}-{stamp}.csv"')
        return response
    services.export_log_create(user=request.user, cohort=cohort, format=fmt, subject="alles")
    return FileResponse(exports.xlsx_file(cohorts), as_attachment=True,
                        filename=f"{name}-{stamp}.xlsx",
                        content_type="application/vnd.openxmlformats-officedocument"
                                     ".spreadsheetml.sheet")


@login_required
def cohort_report(request, pk: int):
    cohort = managed_cohort(request, pk)
    return render(request, "reports/cohort_report.html", {
        "cohort": cohort, "report": selectors.cohort_report(cohort),
        "subjects": exports.SUBJECTS, "min_group": selectors.MIN_GROUP,
    })


@login_required
def cohort_export(request, pk: int, fmt: str):
    cohort = managed_cohort(request, pk)
    return _download(request, cohorts=[cohort], cohort=cohort, fmt=fmt,
                     name=slugify(cohort.name) or "cohort")


@login_required
def cross_cohort(request):
    _staff_only(request)
    cohorts = list(Cohort.objects.order_by("-week_a_start", "name"))
    return render(request, "reports/cross_cohort.html", {
        "reports": list(selectors.cohort_reports(cohorts).values()),
        "subjects": exports.SUBJECTS,
    })


@login_required
def cross_export(request, fmt: str):
    _staff_only(request)
    return _download(request, cohorts=list(Cohort.objects.all()), cohort=None, fmt=fmt,
                     name="wisselstage-alle-cohorten")


@login_required
def export_log(request):
    _staff_only(request)
    page = Paginator(ExportLog.objects.select_related("cohort"), 50).get_page(
        request.GET.get("pagina"))
    return render(request, "reports/export_log.html", {"page": page})
