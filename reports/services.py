"""Writes of the reports app."""

from __future__ import annotations

from cohorts.models import Cohort

from .models import ExportLog


def export_log_create(*, user, cohort: Cohort | None, format: str, subject: str) -> ExportLog:
    """Side effects: one ExportLog row (cohort None for a cross-cohort export)."""
    return ExportLog.objects.create(user=user, user_email=getattr(user, "email", ""),
                                    cohort=cohort, format=format, subject=subject)
