"""Request in, service call, response out. The retention page comes from a queryset scoped to
the user (`Cohort.objects.managed_by`), so an outsider gets a 404."""

from __future__ import annotations

import csv
import io
import json

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.core.serializers.json import DjangoJSONEncoder
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from cohorts.shortcuts import managed_cohort
from reports.models import ExportFormat
from reports.services import export_log_create

from . import selectors, services
from .forms import AccountDeleteForm
from .register import register_rows

REGISTER_SUBJECT = "verwerkingsregister"


@login_required
def my_data(request):
    return render(request, "privacy/my_data.html", {
        "participation_count": request.user.participations.count(),
    })


@login_required
@require_GET
def my_data_download(request):
    data = selectors.personal_data(request.user)
    response = HttpResponse(
        json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2),
        content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="mijn-gegevens.json"'
    response["Cache-Control"] = "no-store"
    return response


@login_required
def account_delete(request):
    form = AccountDeleteForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        services.account_delete(user=request.user)
        logout(request)
        messages.success(request, _("Uw account is verwijderd. Bedankt voor uw deelname."))
        return redirect("home")
    return render(request, "privacy/account_delete.html", {"form": form})


@login_required
def retention(request, pk: int):
    cohort = managed_cohort(request, pk)
    return render(request, "privacy/retention.html", {
        "cohort": cohort, "overview": selectors.retention_overview(cohort),
    })


def _contact() -> str:
    return getattr(settings, "PRIVACY_CONTACT_EMAIL", "")


def privacy_statement(request):
    return render(request, "privacy/privacy_statement.html", {
        "months": selectors.retention_months(), "contact": _contact(),
    })


def accessibility_statement(request):
    return render(request, "privacy/accessibility_statement.html", {"contact": _contact()})


@login_required
@require_GET
def register_csv(request):
    if not request.user.is_staff:
        raise Http404
    buffer = io.StringIO()
    buffer.write("\ufeff")  # Excel reads UTF-8 only with a byte-order mark
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerows(register_rows(months=selectors.retention_months()))
    export_log_create(user=request.user, cohort=None, format=ExportFormat.CSV,
                      subject=REGISTER_SUBJECT)
    response = HttpResponse(buffer.getvalue().encode("utf-8"),
                            content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="verwerkingsregister.csv"'
    return response
