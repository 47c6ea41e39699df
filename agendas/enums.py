"""States and kinds of the agendas domain."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Week(models.TextChoices):
    A = "A", _("stageweek A")
    B = "B", _("stageweek B")
    # The third leg of a triad may fall in either week (see services.visit_allowed_days).
    AB = "AB", _("stageweek A of B")


class VisitMode(models.TextChoices):
    ON_SITE = "op_locatie", _("Op locatie")
    ONLINE = "online", _("Online")


class ItemKind(models.TextChoices):
    KENNISMAKING = "kennismaking", _("Kennismaking")
    MEELOPEN = "meelopen", _("Meelopen")
    OVERLEG = "overleg", _("Overleg")
    GESPREK = "gesprek", _("Gesprek")
    REFLECTIE = "reflectie", _("Reflectie")
    ANDERS = "anders", _("Anders")


class ItemStatus(models.TextChoices):
    PROPOSED = "voorgesteld", _("Voorgesteld")
    ACCEPTED = "akkoord", _("Geaccepteerd")
