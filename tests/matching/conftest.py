"""Fixtures for the matching app: a small cohort of municipalities and care providers with
preferences, entered through the service as a participant would."""

from __future__ import annotations

from datetime import timedelta

import pytest

from cohorts.enums import OrganisationKind
from matching.services import preference_save
from tests.factories import OrganisationFactory, ParticipantFactory


@pytest.fixture
def make_person(cohort):
    def make(name: str, kind: str = OrganisationKind.GEMEENTE, *, org=None, prefs=None,
             target=None, **fields):
        org = org or OrganisationFactory(name=f"Org van {name}", kind=kind)
        person = ParticipantFactory(cohort=target or cohort, organisation=org,
                                    user__name=name,
                                    user__email=f"{name.split()[0].lower()}@test.example",
                                    **fields)
        if prefs is not None:
            preference_save(participant=person, **prefs)
        return person

    return make


@pytest.fixture
def four(make_person, participant):
    """Bob (zorg, no preferences) plus Gemma, Gijs (gemeenten) and Zoë (zorg). Gemma wishes
    Bob's organisation; Gijs and Zoë share topics."""
    gemma = make_person("Gemma Gemeente", prefs={
        "wish_1": participant.organisation, "topics": ["inkoop"]}, domains=["wmo"])
    gijs = make_person("Gijs Gemeente", prefs={"topics": ["inkoop", "toegang"]})
    zoe = make_person("Zoë Zorg", OrganisationKind.ZORGAANBIEDER,
                      prefs={"topics": ["inkoop", "toegang"]})
    return {"bob": participant, "gemma": gemma, "gijs": gijs, "zoe": zoe}


def _move_to_the_past(cohort) -> None:
    """Shift every date of the cohort a year back, so its preference deadline has passed."""
    year = timedelta(days=364)
    for name in ("registration_deadline", "preference_deadline", "week_a_start",
                 "week_b_start"):
        setattr(cohort, name, getattr(cohort, name) - year)
    cohort.save()
