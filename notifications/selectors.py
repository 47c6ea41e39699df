"""Reads on the outbox, scoped to the user asking."""

from django.db.models import QuerySet

from cohorts.models import Cohort

from .models import OutboxMessage


def outbox_visible_to(user) -> QuerySet[OutboxMessage]:
    """Messages the user may see: all for admins, their own cohorts' for a coordinator,
    none for anyone else."""
    if not user.is_authenticated:
        return OutboxMessage.objects.none()
    if user.is_staff:
        return OutboxMessage.objects.all()
    return OutboxMessage.objects.filter(cohort__in=Cohort.objects.managed_by(user))
