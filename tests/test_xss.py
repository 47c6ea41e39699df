"""Hostile input in every free-text field users fill in, rendered wherever it appears.

The payload goes into the rows (as a user would have typed it through a form); each page,
email, export and calendar file that shows it must show it as text: HTML escaped, CSV/XLSX
cells never a live formula, ICS escaped and parseable. Plus open redirects and upload checks.
"""

from __future__ import annotations

import csv
import io
from urllib.parse import urlparse

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tests.factories import PASSWORD, UserFactory
from tests.test_url_matrix import world  # noqa: F401 - fixture

pytestmark = pytest.mark.django_db

PAYLOAD = """<script>alert(1)</script>"'><img src=x onerror=alert(1)>"""
RAW = ("<script>alert(1)", "<img src=x onerror")
ESCAPED = "&lt;script&gt;alert(1)&lt;/script&gt;"
FORMULA = '=HYPERLINK("http://x")'


def tagged(label: str) -> str:
    return f"{label} {PAYLOAD}"


def assert_escaped(html: str, *labels: str, where: str) -> None:
    for raw in RAW:
        assert raw not in html, f"{where}: unescaped {raw!r}"
    for label in labels:
        assert f"{label} {ESCAPED}" in html, f"{where}: {label!r} not shown (escaped)"


@pytest.fixture
def hostile(world):  # noqa: F811 - fixture
    """The URL matrix's world with the payload in every free-text field."""
    from cohorts.models import Organisation, Participant
    from reflections.enums import QUOTE_NAMED, QuestionKey, QuestionKind, ResponseStatus
    from reflections.models import Answer, Question, Response

    cohort = world.cohort
    cohort.name = tagged("cohortnaam")[:200]
    cohort.description = tagged("cohortomschrijving")
    cohort.save()
    organisation = Organisation.objects.create(name=tagged("organisatie"), kind="gemeente",
                                               proposed_by=world.users["partner"])
    for persona in ("participant", "partner"):
        user = world.users[persona]
        user.name = tagged(f"naam-{persona}")
        user.save()
        participant = Participant.objects.get(user=user, cohort=cohort)
        participant.job_title = tagged(f"functie-{persona}")
        participant.bio = tagged(f"bio-{persona}")
        participant.learning_goals = tagged(f"leerdoelen-{persona}")
        participant.can_show = tagged(f"laten-zien-{persona}")
        participant.organisation = organisation
        participant.save()
    world.item.title = tagged("onderdeel")[:200]
    world.item.description = tagged("onderdeelomschrijving")
    world.item.save()
    world.visit.days = [world.item.day.isoformat()]
    world.visit.save()
    # A line break would start a new ICS property if it were not escaped.
    world.meeting.title = tagged("bijeenkomst") + "\r\nATTENDEE:mailto:evil@x.example"

    world.meeting.description = tagged("bijeenkomstomschrijving")
    world.meeting.save()
    # Open answers in the participant's response (a draft: only they see it).
    open_question = world.assignment.questions.filter(kind=QuestionKind.OPEN).first()
    Answer.objects.create(response=world.response, question=open_question,
                          value_text=tagged("antwoord"))
    # A submitted, quotable answer for the coordinator's report.
    quote = Question.objects.filter(assignment__cohort=cohort, key=QuestionKey.QUOTE).first()
    consent = Question.objects.get(assignment=quote.assignment, key=QuestionKey.QUOTE_CONSENT)
    quote.assignment.opens_at = world.assignment.opens_at
    quote.assignment.save()
    partner = Participant.objects.get(user=world.users["partner"], cohort=cohort)
    submitted = Response.objects.create(assignment=quote.assignment, participant=partner,
                                        status=ResponseStatus.SUBMITTED)
    Answer.objects.create(response=submitted, question=quote, value_text=tagged("citaat"))
    Answer.objects.create(response=submitted, question=consent, value_text=QUOTE_NAMED)
    return world


def _get(client, user, url) -> str:
    client.force_login(user)
    response = client.get(url, follow=True)
    assert response.status_code == 200, f"{url}: {response.status_code}"
    assert response["Content-Type"].startswith("text/html")
    return response.content.decode()


def test_pages_escape_user_input(client, hostile):
    w = hostile
    participant, coordinator = w.users["participant"], w.users["coordinator"]
    pages = [
        (coordinator, reverse("cohorts:detail", args=[w.cohort.pk]),
         ["cohortnaam", "naam-participant", "functie-participant"]),
        (participant, reverse("cohorts:detail", args=[w.cohort.pk]),
         ["cohortnaam", "cohortomschrijving", "bijeenkomst", "functie-participant"]),
        (participant, reverse("home"), ["cohortnaam"]),
        (participant, reverse("matching:my_exchange", args=[w.cohort.pk]),
         ["naam-partner", "functie-partner", "organisatie", "bio-partner",
          "leerdoelen-partner", "laten-zien-partner"]),
        (participant, reverse("agendas:planning", args=[w.exchange.pk]),
         ["onderdeel", "onderdeelomschrijving"]),
        (participant, reverse("agendas:visit_print", args=[w.exchange.pk, w.visit.pk]),
         ["onderdeel"]),
        (participant, reverse("meetings:detail", args=[w.cohort.pk, w.meeting.pk]),
         ["bijeenkomst", "bijeenkomstomschrijving"]),
        (participant, reverse("reflections:response", args=[w.cohort.pk, w.response.pk]),
         ["antwoord"]),
        (participant, reverse("reflections:answer", args=[w.cohort.pk, w.assignment.pk]),
         ["antwoord"]),
        (coordinator, reverse("reports:cohort", args=[w.cohort.pk]),
         ["citaat", "naam-partner"]),
        (coordinator, reverse("cohorts:organisations"), ["organisatie"]),
        (coordinator, reverse("agendas:board", args=[w.cohort.pk]), ["naam-participant"]),
    ]
    problems = []
    for user, url, labels in pages:
        html = _get(client, user, url)
        try:
            assert_escaped(html, *labels, where=url)
        except AssertionError as error:
            problems.append(str(error))
    assert not problems, "\n".join(problems)


def test_invitation_email_escapes_cohort_name(client, hostile,
                                              django_capture_on_commit_callbacks):
    from cohorts import services

    class Row:
        email = "nieuw@voorbeeld.example"
        name = tagged("genodigde")
        organisation = ""
        kind = ""

    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.invitations_create(cohort=hostile.cohort, rows=[Row()],
                                    created_by=hostile.users["coordinator"])
    messages = [m for m in mail.outbox if "nieuw@voorbeeld.example" in m.to]
    assert messages, "no invitation email sent"
    message = messages[-1]
    html = next(content for content, mimetype in message.alternatives
                if mimetype == "text/html")
    assert_escaped(html, "cohortnaam", "genodigde", where="invitation email (HTML)")
    assert "\n" not in message.subject and "\r" not in message.subject


def test_csv_and_xlsx_exports_neutralise_formulas(client, hostile):
    from openpyxl import load_workbook

    from cohorts.models import Participant

    participant = Participant.objects.get(user=hostile.users["participant"])
    participant.job_title = FORMULA
    participant.save()
    client.force_login(hostile.users["coordinator"])

    response = client.get(reverse("reports:export_csv", args=[hostile.cohort.pk]),
                          {"onderwerp": "deelnemers"})
    assert response.status_code == 200
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    cells = [cell for row in csv.reader(io.StringIO(text), delimiter=";") for cell in row]
    assert "'" + FORMULA in cells, "CSV: the formula is not neutralised with a quote"
    assert FORMULA not in cells
    assert any(PAYLOAD in cell for cell in cells), "CSV: payload missing (kept as text)"

    response = client.get(reverse("reports:export_xlsx", args=[hostile.cohort.pk]))
    assert response.status_code == 200
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    found = [cell for sheet in workbook for row in sheet.iter_rows() for cell in row
             if cell.value == FORMULA]
    assert found, "XLSX: the value is missing"
    assert all(cell.data_type == "s" for cell in found), "XLSX: written as a live formula"


@pytest.mark.parametrize("which", ["meeting", "visit"])
def test_ics_escapes_summary(client, hostile, which):
    from icalendar import Calendar

    w = hostile
    client.force_login(w.users["participant"])
    if which == "meeting":
        url = reverse("meetings:ics", args=[w.cohort.pk, w.meeting.pk])
        expected = w.meeting.title
    else:
        url = reverse("agendas:visit_ics", args=[w.exchange.pk, w.visit.pk])
        expected = w.item.title
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    body = b"".join(response.streaming_content) if response.streaming else response.content
    calendar = Calendar.from_ical(body)
    summaries = [str(event.get("SUMMARY")) for event in calendar.walk("VEVENT")]
    expected = expected.replace("\r\n", "\n")  # a CRLF typed in a title reads back as LF
    assert any(expected in summary for summary in summaries), summaries
    # Line breaks are escaped, so no property can be smuggled in.
    assert b"\nATTENDEE:mailto:evil" not in body
    assert not any("evil@" in str(event.get("ATTENDEE", ""))
                   for event in calendar.walk("VEVENT"))


def test_login_refuses_open_redirect(client):
    user = UserFactory(email="redirect@voorbeeld.example")
    response = client.post(reverse("account_login") + "?next=https://evil.example/",
                           {"login": user.email, "password": PASSWORD,
                            "next": "https://evil.example/"})
    assert response.status_code == 302, response.status_code
    location = urlparse(response["Location"])
    assert location.netloc in ("", "testserver"), response["Location"]
    assert "evil" not in response["Location"]


def test_setlang_refuses_open_redirect(client):
    response = client.post("/i18n/setlang/", {"language": "en",
                                              "next": "https://evil.example/"})
    assert response.status_code == 302
    assert urlparse(response["Location"]).netloc in ("", "testserver"), response["Location"]


def test_invitation_upload_refuses_wrong_type_and_size(client, hostile):
    client.force_login(hostile.users["coordinator"])
    url = reverse("cohorts:invitations", args=[hostile.cohort.pk])
    before = hostile.cohort.invitations.count()

    exe = SimpleUploadedFile("adressen.exe", b"MZ\x90\x00" + b"\x00" * 200,
                             content_type="application/x-msdownload")
    response = client.post(url, {"upload-file": exe})
    html = response.content.decode()
    assert "Gebruik een CSV-bestand (.csv) of een Excel-bestand (.xlsx)." in html

    big = SimpleUploadedFile("adressen.csv", b"e-mail\n" + b"a" * (6 * 1024 * 1024),
                             content_type="text/csv")
    response = client.post(url, {"upload-file": big})
    assert "Het bestand is groter dan 5 MB" in response.content.decode()
    assert hostile.cohort.invitations.count() == before


@pytest.mark.parametrize("name,content", [
    ("virus.exe", b"MZ\x90\x00" + b"\x00" * 100),
    ("script.html", b"<script>alert(1)</script>"),
    ("nep.pdf", b"<html><script>alert(1)</script></html>"),
])
def test_meeting_material_refuses_disallowed_types(client, hostile, name, content):
    w = hostile
    client.force_login(w.users["coordinator"])
    before = w.meeting.materials.count()
    response = client.post(
        reverse("meetings:material_upload", args=[w.cohort.pk, w.meeting.pk]),
        {"file": SimpleUploadedFile(name, content)})
    assert response.status_code == 400
    html = response.content.decode()
    assert ("Dit soort bestand kan niet" in html
            or "De inhoud van het bestand past niet bij de naam" in html), name
    assert w.meeting.materials.count() == before
