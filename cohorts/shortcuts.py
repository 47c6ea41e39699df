"""The lookups every app's views start with. Both 404 for anyone without access, so an
outsider never learns whether the cohort exists."""

from __future__ import annotations

from django.shortcuts import get_object_or_404

from .models import Cohort, Participant


def visible_cohort(request, pk: int) -> Cohort:
    """The cohort if the user takes part in it, coordinates it or is an admin."""
    return get_object_or_404(Cohort.objects.visible_to(request.user), pk=pk)


def managed_cohort(request, pk: int) -> Cohort:
    """The cohort if the user coordinates it (or is an admin)."""
    return get_object_or_404(Cohort.objects.managed_by(request.user), pk=pk)


def own_participation(request, cohort_pk: int) -> Participant:
    """The user's own active participation in this cohort."""
    return get_object_or_404(
        Participant.objects.active().select_related("cohort", "organisation", "user"),
        cohort_id=cohort_pk, user=request.user)
