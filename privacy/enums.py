"""Choices of the privacy domain."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class AnonymisationReason(models.TextChoices):
    ACCOUNT_DELETED = "account_deleted", _("Account verwijderd")
    RETENTION = "retention", _("Bewaartermijn verlopen")
