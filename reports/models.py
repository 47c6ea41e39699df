"""The audit log of exports: every download of personal data leaves a row."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ExportFormat(models.TextChoices):
    CSV = "csv", "CSV"
    XLSX = "xlsx", "Excel (XLSX)"


class ExportLog(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL,
                             related_name="+", verbose_name=_("door"))
    user_email = models.CharField(_("e-mailadres"), max_length=254, blank=True)
    cohort = models.ForeignKey("cohorts.Cohort", null=True, blank=True,
                               on_delete=models.SET_NULL, related_name="export_logs",
                               verbose_name=_("cohort"),
                               help_text=_("Leeg bij een export over alle cohorten."))
    format = models.CharField(_("formaat"), max_length=10, choices=ExportFormat.choices)
    subject = models.CharField(_("onderwerp"), max_length=40)
    created_at = models.DateTimeField(_("tijdstip"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("export")
        verbose_name_plural = _("exportlog")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.user_email} {self.format} {self.subject}"
