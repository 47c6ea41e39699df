from __future__ import annotations

import json
from datetime import datetime

import pytest
from django.core.serializers.json import DjangoJSONEncoder

from privacy import selectors

pytestmark = pytest.mark.django_db


def test_personal_data_contains_own_data(rich_participant):
    data = selectors.personal_data(rich_participant.user)

    assert data["account"]["e_mailadres"] == "bob@zorg.example"
    assert data["account"]["naam"] == "Bob Jansen"
    [participation] = data["deelnames"]
    assert participation["profiel"]["introductie"] == "Ik werk twintig jaar in de jeugdzorg."
    assert participation["voorkeuren"]["themas"] == ["inkoop"]
    assert participation["uitwisselingen"][0]["partners"] == ["Petra Partner"]
    assert participation["aanwezig_bij_bijeenkomsten"][0]["bijeenkomst"] == "Startbijeenkomst"
    answers = {a["vraag"]: a["antwoord"] for a in participation["reflecties"][0]["antwoorden"]}
    assert answers["Wat heb ik geleerd?"] == "Bob leerde veel over Wmo-inkoop"
    assert answers["Zou u dit een collega aanraden?"] == "9"
    assert participation["sparring"]["onderwerp"] == "Inkoop jeugdhulp"
    assert [i["titel"] for i in data["agendaonderdelen_voorgesteld"]] == ["Rondleiding wijkteam"]
    assert [m["soort"] for m in data["e_mails_aan_u"]] == ["meeting_reminder"]


def test_personal_data_leaves_out_other_people(rich_participant):
    text = json.dumps(selectors.personal_data(rich_participant.user), cls=DjangoJSONEncoder)

    assert "petra@gemeente.example" not in text
    assert "Petra's geheime bio" not in text
    assert "Petra's eigen reflectie" not in text
    # One email to Bob; the one planned for Petra is not his.
    assert text.count("meeting_reminder") == 1


def test_personal_data_of_outsider_is_empty(rich_participant, outsider):
    data = selectors.personal_data(outsider)

    assert data["deelnames"] == []
    assert data["agendaonderdelen_voorgesteld"] == []
    assert data["e_mails_aan_u"] == []
    assert "Bob" not in json.dumps(data, cls=DjangoJSONEncoder)


def test_add_months_end_of_month_is_clamped():
    assert selectors.add_months(datetime(2027, 1, 31, 12), 1) == datetime(2027, 2, 28, 12)
    assert selectors.add_months(datetime(2027, 3, 1), 12) == datetime(2028, 3, 1)
    assert selectors.add_months(datetime(2027, 11, 15), 3) == datetime(2028, 2, 15)
