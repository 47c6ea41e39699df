"""What the privacy routines remember: when a cohort was first seen closed (the start of its
retention period; cohorts has no such field) and which participants are anonymised (so
every routine is idempotent and reports can tell an anonymised row from a real person)."""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .enums import AnonymisationReason


class CohortClosure(models.Model):
    """Set by `cohorts_anonymise_expired` the first time it sees the cohort in stage
    afgerond; removed again if the cohort is reopened before it was anonymised."""

    cohort = models.OneToOneField("cohorts.Cohort", on_delete=models.CASCADE,
                                  related_name="privacy_closure", verbose_name=_("cohort"))
    closed_at = models.DateTimeField(_("afgerond gezien op"))
    anonymised_at = models.DateTimeField(_("geanonimiseerd op"), null=True, blank=True)

    class Meta:
        verbose_name = _("afgerond cohort")
        verbose_name_plural = _("afgeronde cohorten")
        ordering = ["closed_at", "pk"]

    def __str__(self) -> str:
        return str(self.cohort)


class AnonymisedParticipant(models.Model):
    """One row per participant whose link to a person was removed."""

    participant = models.OneToOneField("cohorts.Participant", on_delete=models.CASCADE,
                                       related_name="anonymisation",
                                       verbose_name=_("deelnemer"))
    reason = models.CharField(_("reden"), max_length=20, choices=AnonymisationReason.choices)
    anonymised_at = models.DateTimeField(_("geanonimiseerd op"), default=timezone.now)

    class Meta:
        verbose_name = _("geanonimiseerde deelnemer")
        verbose_name_plural = _("geanonimiseerde deelnemers")
        ordering = ["-anonymised_at", "pk"]
        constraints = [
            models.CheckConstraint(condition=models.Q(reason__in=AnonymisationReason.values),
                                   name="anonymised_participant_reason_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.participant_id} ({self.reason})"
