"""Choices shared by the cohort domain. States are enums, never bare strings."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class OrganisationKind(models.TextChoices):
    GEMEENTE = "gemeente", _("Gemeente")
    ZORGAANBIEDER = "zorgaanbieder", _("Zorgaanbieder")
    CLIENTORGANISATIE = "clientorganisatie", _("Cliëntorganisatie")
    OVERIG = "overig", _("Overig")


class Domain(models.TextChoices):
    JEUGDWET = "jeugdwet", _("Jeugdwet")
    WMO = "wmo", _("Wmo")
    WLZ = "wlz", _("Wlz")
    ZVW = "zvw", _("Zvw")
    PARTICIPATIEWET = "participatiewet", _("Participatiewet")
    MO_BW = "mo_bw", _("Maatschappelijke opvang / beschermd wonen")


class CohortFormat(models.TextChoices):
    OP_LOCATIE = "op_locatie", _("Op locatie")
    ONLINE = "online", _("Online")
    HYBRIDE = "hybride", _("Hybride")


class Pairing(models.TextChoices):
    GEMEENTE_AANBIEDER = "gemeente-aanbieder", _("Gemeente – zorgaanbieder")
    GEMEENTE_GEMEENTE = "gemeente-gemeente", _("Gemeente – gemeente")
    CLIENT_ANY = "client-any", _("Cliëntorganisatie – iedereen")


class CohortStage(models.TextChoices):
    """The stages a cohort walks through, in order (see services.cohort_advance)."""

    CONCEPT = "concept", _("Concept")
    AANMELDING = "aanmelding", _("Aanmelding")
    MATCHING = "matching", _("Matching")
    PLANNING = "planning", _("Planning")
    STAGE = "stage", _("Stage")
    REFLECTIE = "reflectie", _("Reflectie")
    AFGEROND = "afgerond", _("Afgerond")


class InvitationStatus(models.TextChoices):
    PENDING = "pending", _("Verstuurd")
    ACCEPTED = "accepted", _("Geaccepteerd")
    WITHDRAWN = "withdrawn", _("Ingetrokken")


class ParticipantStatus(models.TextChoices):
    REGISTERED = "registered", _("Aangemeld")
    PROFILE_DONE = "profile_done", _("Profiel ingevuld")
    WITHDRAWN = "withdrawn", _("Teruggetrokken")

    @classmethod
    def active(cls) -> list[str]:
        return [cls.REGISTERED, cls.PROFILE_DONE]


class Region(models.TextChoices):
    """Provinces: coarse enough to match on travel distance, familiar to everyone."""

    GRONINGEN = "groningen", "Groningen"
    FRIESLAND = "friesland", "Friesland"
    DRENTHE = "drenthe", "Drenthe"
    OVERIJSSEL = "overijssel", "Overijssel"
    FLEVOLAND = "flevoland", "Flevoland"
    GELDERLAND = "gelderland", "Gelderland"
    UTRECHT = "utrecht", "Utrecht"
    NOORD_HOLLAND = "noord-holland", "Noord-Holland"
    ZUID_HOLLAND = "zuid-holland", "Zuid-Holland"
    ZEELAND = "zeeland", "Zeeland"
    NOORD_BRABANT = "noord-brabant", "Noord-Brabant"
    LIMBURG = "limburg", "Limburg"
