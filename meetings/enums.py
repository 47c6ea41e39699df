"""States and kinds of group meetings."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class MeetingKind(models.TextChoices):
    VOORBEREIDING = "voorbereiding", _("Voorbereiding")
    TUSSENTIJDS = "tussentijds", _("Tussentijdse bijeenkomst")
    TERUGKIJKEN = "terugkijken", _("Terugkijken")
    ANDERS = "anders", _("Anders")


class MeetingStatus(models.TextChoices):
    PLANNED = "planned", _("Gepland")
    CANCELLED = "cancelled", _("Geannuleerd")
