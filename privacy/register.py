"""The processing register (verwerkingsregister, AVG art. 30) as data: the privacy officer
downloads it as CSV. Change it here when a processing changes; the statement page and the
register should tell the same story."""

from __future__ import annotations

from dataclasses import dataclass, fields


@dataclass(frozen=True)
class Processing:
    naam: str
    doel: str
    grondslag: str
    categorieen_persoonsgegevens: str
    categorieen_betrokkenen: str
    ontvangers: str
    bewaartermijn: str
    beveiligingsmaatregelen: str


HEADERS = [
    "naam", "doel", "grondslag", "categorieën persoonsgegevens", "categorieën betrokkenen",
    "ontvangers", "bewaartermijn", "beveiligingsmaatregelen",
]

_UNTIL = ("{months} maanden na afronding van het cohort; daarna geanonimiseerd. "
          "Eerder bij verwijderen van het account.")
_RETENTION = "Tot " + _UNTIL
_SECURITY = ("Toegang alleen na inloggen, tweestapsverificatie voor beheer en coördinatoren, "
             "rechten per cohort, versleutelde verbinding (https), exports worden gelogd, "
             "geen persoonsgegevens in logbestanden of taakwachtrij.")

REGISTER = [
    Processing(
        naam="Accounts en inloggen",
        doel="Deelnemers, coördinatoren en beheerders laten inloggen en berichten sturen.",
        grondslag="Taak van algemeen belang (AVG art. 6 lid 1 sub e)",
        categorieen_persoonsgegevens="Naam, e-mailadres, taal, inlogmomenten",
        categorieen_betrokkenen="Deelnemers, coördinatoren, beheerders",
        ontvangers="Programmabureau; e-mailprovider (verwerker)",
        bewaartermijn="Zolang het account bestaat; bij verwijderen direct ontdaan van "
                      "naam en e-mailadres.",
        beveiligingsmaatregelen=_SECURITY,
    ),
    Processing(
        naam="Uitnodigen en aanmelden",
        doel="Professionals uitnodigen voor een cohort en hun aanmelding vastleggen.",
        grondslag="Taak van algemeen belang (AVG art. 6 lid 1 sub e)",
        categorieen_persoonsgegevens="Naam, e-mailadres, organisatie",
        categorieen_betrokkenen="Genodigden, deelnemers",
        ontvangers="Coördinator van het cohort, programmabureau",
        bewaartermijn=_RETENTION,
        beveiligingsmaatregelen=_SECURITY,
    ),
    Processing(
        naam="Profiel en matching",
        doel="Passende stagepartners vinden op basis van profiel en voorkeuren.",
        grondslag="Taak van algemeen belang (AVG art. 6 lid 1 sub e)",
        categorieen_persoonsgegevens="Organisatie, functie, regio, werkdomeinen, "
                                     "introductie, leerdoelen, voorkeuren, beschikbaarheid",
        categorieen_betrokkenen="Deelnemers",
        ontvangers="Coördinator van het cohort, programmabureau, de eigen stagepartner "
                   "(profiel)",
        bewaartermijn=_RETENTION,
        beveiligingsmaatregelen=_SECURITY,
    ),
    Processing(
        naam="Stagedagen plannen",
        doel="Samen met de stagepartner de stagedagen plannen en in de agenda zetten.",
        grondslag="Taak van algemeen belang (AVG art. 6 lid 1 sub e)",
        categorieen_persoonsgegevens="Agendaonderdelen, adres of link, wie de gast ontmoet",
        categorieen_betrokkenen="Deelnemers, collega's die de gast ontmoet",
        ontvangers="Stagepartner(s), coördinator van het cohort",
        bewaartermijn=_RETENTION,
        beveiligingsmaatregelen=_SECURITY,
    ),
    Processing(
        naam="Bijeenkomsten en herinneringen",
        doel="Groepsbijeenkomsten organiseren, herinneringen sturen, aanwezigheid bijhouden.",
        grondslag="Taak van algemeen belang (AVG art. 6 lid 1 sub e)",
        categorieen_persoonsgegevens="Naam, e-mailadres, aanwezigheid",
        categorieen_betrokkenen="Deelnemers",
        ontvangers="Coördinator van het cohort; e-mailprovider (verwerker)",
        bewaartermijn=_RETENTION,
        beveiligingsmaatregelen=_SECURITY,
    ),
    Processing(
        naam="Reflecties en opbrengstrapport",
        doel="Deelnemers laten reflecteren en de opbrengst van het programma meten.",
        grondslag="Taak van algemeen belang (AVG art. 6 lid 1 sub e); citaten alleen met "
                  "toestemming (AVG art. 6 lid 1 sub a)",
        categorieen_persoonsgegevens="Antwoorden op reflectievragen, cijfers, citaten",
        categorieen_betrokkenen="Deelnemers",
        ontvangers="Coördinator van het cohort, programmabureau; partner alleen als de "
                   "deelnemer deelt; rapporten tonen alleen cijfers van groepen van 5 of meer",
        bewaartermijn="Tekst: " + _RETENTION + " Cijfers blijven zonder naam bewaard.",
        beveiligingsmaatregelen=_SECURITY,
    ),
    Processing(
        naam="Sparringpartners",
        doel="Oud-deelnemers die dat willen bereikbaar houden voor collega's.",
        grondslag="Toestemming (AVG art. 6 lid 1 sub a)",
        categorieen_persoonsgegevens="Naam, organisatie, onderwerp voor sparren",
        categorieen_betrokkenen="Oud-deelnemers",
        ontvangers="Andere deelnemers en oud-deelnemers",
        bewaartermijn="Tot de deelnemer de toestemming intrekt; uiterlijk tot " + _UNTIL,
        beveiligingsmaatregelen=_SECURITY,
    ),
    Processing(
        naam="Exportlog",
        doel="Verantwoorden wie welke gegevens heeft gedownload.",
        grondslag="Wettelijke verplichting (AVG art. 5 lid 2 en art. 32)",
        categorieen_persoonsgegevens="Naam en e-mailadres van wie exporteert, tijdstip",
        categorieen_betrokkenen="Coördinatoren, beheerders",
        ontvangers="Programmabureau, functionaris gegevensbescherming",
        bewaartermijn="Nog vast te stellen; wordt nu niet automatisch verwijderd.",
        beveiligingsmaatregelen=_SECURITY,
    ),
]


def register_rows(*, months: int) -> list[list[str]]:
    """The register as rows (header first), with the configured retention period."""
    rows = [HEADERS]
    for processing in REGISTER:
        rows.append([getattr(processing, field.name).format(months=months)
                     for field in fields(Processing)])
    return rows
