"""Choices of the matching domain. States are enums, never bare strings."""

from enum import StrEnum

from django.db import models
from django.utils.translation import gettext_lazy as _


class Topic(models.TextChoices):
    INKOOP = "inkoop", _("Inkoop")
    TOEGANG = "toegang", _("Toegang")
    CONTRACTMANAGEMENT = "contractmanagement", _("Contractmanagement")
    WACHTLIJSTEN = "wachtlijsten", _("Wachtlijsten")
    ADMINISTRATIEVE_LASTEN = "administratieve_lasten", _("Administratieve lasten")
    BERICHTENVERKEER = "berichtenverkeer", _("Berichtenverkeer")
    KWALITEIT = "kwaliteit", _("Kwaliteit")


class Weekday(models.TextChoices):
    MA = "ma", _("maandag")
    DI = "di", _("dinsdag")
    WO = "wo", _("woensdag")
    DO = "do", _("donderdag")
    VR = "vr", _("vrijdag")


class Objective(models.TextChoices):
    MAX_TOTAL = "max_total", _("Hoogste totaalscore")
    MAX_MIN = "max_min", _("Niemand er erg op achteruit (hoogste laagste score)")
    STABLE = "stable", _("Stabiel: geen twee mensen die liever met elkaar hadden gewild")


class RunStatus(models.TextChoices):
    QUEUED = "queued", _("In de wachtrij")
    RUNNING = "running", _("Bezig")
    DONE = "done", _("Klaar")
    FAILED = "failed", _("Mislukt")


class RepairKind(models.TextChoices):
    SUBSTITUTE = "substitute", _("Vervanger uit de niet-gekoppelden")
    PAIR_UP = "pair_up", _("Nieuw paar van twee achterblijvers")
    TRIAD = "triad", _("Drietal met een bestaand paar")
    SHRINK = "shrink", _("Drietal wordt een paar")
    NONE = "none", _("Geen herstel mogelijk")


class WhyNotRule(StrEnum):
    """Why a pair cannot be made, as the participant who asked may read it. HIDDEN stands for
    the other person's avoided organisation and the coordinator's forbid alike, so the answer
    never tells which of the two it was."""

    SAME_ORGANISATION = "same_org"
    KIND = "kind"
    OWN_AVOID = "own_avoid"
    HIDDEN = "hidden"
    DAYS = "days"
    PINNED_ELSEWHERE = "pinned_elsewhere"
    OTHER = "other"
