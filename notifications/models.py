"""The outbox: one row per outgoing email, planned inside the business transaction.

Rows are the source of truth; Redis only carries hints and ids. See services.py for the flow
(plan → dispatch claims → send re-checks and sends → marked sent; reaper returns stuck rows).
"""

import hashlib
from email.utils import parseaddr

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .enums import OutboxStatus


def message_id_for(dedupe_key: str) -> str:
    """A Message-ID that follows from the dedupe key, so a re-sent row keeps its Message-ID."""
    digest = hashlib.sha256(dedupe_key.encode()).hexdigest()[:32]
    domain = parseaddr(settings.DEFAULT_FROM_EMAIL)[1].rpartition("@")[2] or "wisselstage"
    return f"<outbox.{digest}@{domain}>"


class OutboxMessage(models.Model):
    dedupe_key = models.CharField(_("sleutel"), max_length=255, unique=True)
    kind = models.CharField(_("soort"), max_length=64)
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE,
        related_name="outbox_messages", verbose_name=_("ontvanger"),
    )
    # Used only when there is no recipient account (an invitation to a new address);
    # otherwise the address is read from the recipient at send time.
    to_email = models.EmailField(_("e-mailadres"), blank=True)
    cohort = models.ForeignKey(
        "cohorts.Cohort", null=True, blank=True, on_delete=models.CASCADE,
        related_name="outbox_messages", verbose_name=_("cohort"),
    )
    subject_type = models.CharField(_("onderwerp"), max_length=50, blank=True)
    subject_id = models.BigIntegerField(null=True, blank=True)
    subject_version = models.PositiveIntegerField(default=0)
    context = models.JSONField(default=dict, blank=True)
    # Pre-rendered subject/text/html for kinds rendered up front; may hold a login code,
    # so it is cleared once the message is sent.
    payload = models.JSONField(default=dict, blank=True)
    due_at = models.DateTimeField(_("gepland op"), default=timezone.now)
    next_attempt_at = models.DateTimeField(_("volgende poging"), default=timezone.now)
    status = models.CharField(
        _("status"), max_length=20, choices=OutboxStatus.choices, default=OutboxStatus.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("pogingen"), default=0)
    claim_token = models.UUIDField(null=True, blank=True)
    lease_until = models.DateTimeField(null=True, blank=True)
    message_id = models.CharField(max_length=200, blank=True)
    sent_at = models.DateTimeField(_("verstuurd op"), null=True, blank=True)
    last_error = models.CharField(_("reden"), max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("uitgaand bericht")
        verbose_name_plural = _("uitgaande berichten")
        ordering = ["-due_at", "-id"]
        indexes = [
            models.Index(fields=["status", "next_attempt_at"], name="outbox_due_idx"),
            models.Index(fields=["status", "lease_until"], name="outbox_lease_idx"),
            models.Index(fields=["subject_type", "subject_id"], name="outbox_subject_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(recipient__isnull=False) | ~Q(to_email=""),
                name="outbox_has_recipient_or_address",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} #{self.pk} ({self.status})"

    def save(self, *args, **kwargs):
        if not self.message_id:
            self.message_id = message_id_for(self.dedupe_key)
        super().save(*args, **kwargs)

    @property
    def address(self) -> str:
        """The address to send to, resolved now (a user may have changed theirs)."""
        if self.recipient_id is not None:
            return self.recipient.email
        return self.to_email
