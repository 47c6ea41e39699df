"""Meeting and outbox pages: who may open what, and what the pages do."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from meetings.enums import MeetingStatus
from meetings.models import Attendance, Meeting, MeetingMaterial, ReminderRule
from meetings.services import KIND_CANCELLED, KIND_CHANGED, KIND_REMINDER, material_add
from notifications.enums import OutboxStatus
from notifications.models import OutboxMessage

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n% test\n"


@pytest.fixture
def material(meeting, coordinator):
    return material_add(meeting=meeting, uploaded_by=coordinator,
                        file=SimpleUploadedFile("casus.pdf", PDF, "application/pdf"))


@pytest.fixture
def reminder_row(meeting):
    return OutboxMessage.objects.filter(kind=KIND_REMINDER).order_by("due_at").first()


def coordinator_urls(meeting, message) -> list[str]:
    c, m = meeting.cohort_id, meeting.pk
    return [
        reverse("meetings:create", args=[c]),
        reverse("meetings:reminder_rules", args=[c]),
        reverse("meetings:edit", args=[c, m]),
        reverse("meetings:cancel", args=[c, m]),
        reverse("meetings:attendance", args=[c, m]),
        reverse("meetings:outbox", args=[c]),
        reverse("meetings:outbox_preview", args=[c, message.pk]),
    ]


def material_delete_url(material) -> str:
    meeting = material.meeting
    return reverse("meetings:material_delete", args=[meeting.cohort_id, meeting.pk,
                                                     material.pk])


def coordinator_posts(meeting, message, material) -> list[str]:
    c, m = meeting.cohort_id, meeting.pk
    return [
        reverse("meetings:propose", args=[c]),
        reverse("meetings:cancel", args=[c, m]),
        reverse("meetings:material_upload", args=[c, m]),
        reverse("meetings:material_delete", args=[c, m, material.pk]),
        reverse("meetings:outbox_action", args=[c, message.pk, "aanhouden"]),
        reverse("meetings:outbox_action", args=[c, message.pk, "intrekken"]),
    ]


def member_urls(meeting, material) -> list[str]:
    c, m = meeting.cohort_id, meeting.pk
    return [
        reverse("meetings:list", args=[c]),
        reverse("meetings:detail", args=[c, m]),
        reverse("meetings:ics", args=[c, m]),
        reverse("meetings:material_download", args=[c, m, material.pk]),
    ]


@pytest.mark.parametrize("persona", ["participant", "outsider", "other_coordinator"])
def test_coordinator_pages_are_404_for_others(client, request, persona, meeting, material,
                                              reminder_row):
    client.force_login(_user(request.getfixturevalue(persona)))
    for url in coordinator_urls(meeting, reminder_row):
        assert client.get(url).status_code == 404, url
    for url in coordinator_posts(meeting, reminder_row, material):
        assert client.post(url, {"confirm": "1"}).status_code == 404, url
    meeting.refresh_from_db()
    reminder_row.refresh_from_db()
    assert meeting.status == MeetingStatus.PLANNED
    assert reminder_row.status == OutboxStatus.PENDING
    assert MeetingMaterial.objects.filter(pk=material.pk).exists()
    assert not Meeting.objects.exclude(pk=meeting.pk).exists()


def _user(obj):
    return getattr(obj, "user", obj)


@pytest.mark.parametrize("persona", ["coordinator", "admin_user"])
def test_coordinator_pages_open_for_coordinator_and_admin(client, request, persona, meeting,
                                                          reminder_row):
    client.force_login(request.getfixturevalue(persona))
    for url in coordinator_urls(meeting, reminder_row):
        response = client.get(url)
        assert response.status_code == 200, url
        assert "<h1>" in response.content.decode()


@pytest.mark.parametrize("persona", ["other_participant", "outsider", "other_coordinator"])
def test_meeting_pages_are_404_outside_the_cohort(client, request, persona, meeting, material):
    client.force_login(_user(request.getfixturevalue(persona)))
    for url in member_urls(meeting, material):
        assert client.get(url).status_code == 404, url


def test_meeting_pages_redirect_anonymous_to_login(client, meeting, material):
    for url in member_urls(meeting, material):
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_participant_sees_upcoming_first_in_amsterdam_time(client, participant, make_meeting):
    later = make_meeting(days=30, title="Terugkijken")
    sooner = make_meeting(days=5, title="Tussentijds")
    past = Meeting.objects.create(
        cohort=participant.cohort, title="Kennismaking",
        starts_at=timezone.now() - timedelta(days=3),
        ends_at=timezone.now() - timedelta(days=3) + timedelta(hours=1))
    client.force_login(participant.user)
    page = client.get(reverse("meetings:list", args=[participant.cohort_id])).content.decode()
    assert page.index("Tussentijds") < page.index("Terugkijken") < page.index("Kennismaking")
    assert timezone.localtime(sooner.starts_at).strftime("%H:%M") == "15:00"
    assert "15:00–16:30" in page
    assert "Bijeenkomst toevoegen" not in page
    assert later.pk and past.pk


def test_participant_downloads_ics_and_material(client, participant, meeting, material):
    client.force_login(participant.user)
    response = client.get(reverse("meetings:ics", args=[meeting.cohort_id, meeting.pk]))
    assert response["Content-Type"].startswith("text/calendar")
    event = Calendar.from_ical(response.content).walk("VEVENT")[0]
    assert str(event["UID"]) == f"meeting-{meeting.pk}@wisselstage"
    download = client.get(reverse("meetings:material_download",
                                  args=[meeting.cohort_id, meeting.pk, material.pk]))
    assert b"".join(download.streaming_content) == PDF
    assert "attachment" in download["Content-Disposition"]


def test_coordinator_adds_meeting_through_form(client, coordinator, cohort, participant):
    client.force_login(coordinator)
    start = timezone.localdate() + timedelta(days=20)
    response = client.post(reverse("meetings:create", args=[cohort.pk]), {
        "kind": "tussentijds", "title": "Halverwege", "starts_at": f"{start}T14:00",
        "ends_at": f"{start}T15:30", "online_url": "https://meet.example/x", "address": "",
        "description": "", "materials_text": "Casus jeugdhulp",
    }, follow=True)
    meeting = Meeting.objects.get(title="Halverwege")
    assert timezone.localtime(meeting.starts_at).hour == 14
    assert "De bijeenkomst is toegevoegd" in response.content.decode()
    assert OutboxMessage.objects.filter(kind=KIND_REMINDER, subject_id=meeting.pk).count() == 2


def test_meeting_form_shows_errors_for_end_before_start(client, coordinator, cohort):
    client.force_login(coordinator)
    response = client.post(reverse("meetings:create", args=[cohort.pk]), {
        "kind": "anders", "title": "Fout", "starts_at": "2027-01-10T14:00",
        "ends_at": "2027-01-10T13:00", "online_url": "", "address": ""})
    page = response.content.decode()
    assert "data-error-summary" in page
    assert "moet eindigen na het begin" in page
    assert 'value="Fout"' in page
    assert not Meeting.objects.exists()


def test_coordinator_moves_meeting_through_form(client, coordinator, meeting, participant):
    client.force_login(coordinator)
    start = timezone.localtime(meeting.starts_at) + timedelta(days=1)
    client.post(reverse("meetings:edit", args=[meeting.cohort_id, meeting.pk]), {
        "kind": meeting.kind, "title": meeting.title,
        "starts_at": start.strftime("%Y-%m-%dT%H:%M"),
        "ends_at": (start + timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M"),
        "online_url": meeting.online_url, "address": "", "description": "",
        "materials_text": ""})
    meeting.refresh_from_db()
    assert meeting.sequence == 1 and meeting.starts_at == start
    assert OutboxMessage.objects.filter(kind=KIND_CHANGED).count() == 1


def test_coordinator_cancels_meeting(client, coordinator, meeting):
    client.force_login(coordinator)
    url = reverse("meetings:cancel", args=[meeting.cohort_id, meeting.pk])
    assert "Ja, afgelasten" in client.get(url).content.decode()
    page = client.post(url, {"confirm": "1"}, follow=True).content.decode()
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.CANCELLED
    assert "gaat niet door" in page
    assert OutboxMessage.objects.filter(kind=KIND_CANCELLED).count() == 1


def test_meeting_cancel_without_confirmation_only_asks(client, coordinator, meeting,
                                                       second_participant):
    client.force_login(coordinator)
    url = reverse("meetings:cancel", args=[meeting.cohort_id, meeting.pk])
    for response in (client.get(url), client.post(url)):
        page = response.content.decode()
        assert response.status_code == 200
        assert f"‘{meeting.title}’ op" in page
        assert "Alle 2 deelnemers krijgen een afzegging per e-mail" in page
        assert "Ja, afgelasten" in page
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.PLANNED
    assert not OutboxMessage.objects.filter(kind=KIND_CANCELLED).exists()


def test_meeting_cancel_twice_says_it_is_cancelled(client, coordinator, meeting):
    client.force_login(coordinator)
    url = reverse("meetings:cancel", args=[meeting.cohort_id, meeting.pk])
    client.post(url, {"confirm": "1"})
    page = client.get(url, follow=True).content.decode()
    assert "Deze bijeenkomst is al afgelast." in page
    assert "Ja, afgelasten" not in page


def test_material_delete_asks_first(client, coordinator, material):
    client.force_login(coordinator)
    url = material_delete_url(material)
    for response in (client.get(url), client.post(url)):
        page = response.content.decode()
        assert response.status_code == 200
        assert "Het bestand casus.pdf wordt verwijderd" in page
        assert "Ja, verwijderen" in page
    assert MeetingMaterial.objects.filter(pk=material.pk).exists()
    page = client.post(url, {"confirm": "1"}, follow=True).content.decode()
    assert "Het bestand is verwijderd." in page
    assert not MeetingMaterial.objects.filter(pk=material.pk).exists()


@pytest.mark.parametrize("persona", ["participant", "outsider", "other_coordinator"])
def test_material_delete_confirmation_404_for_others(client, request, persona, material):
    client.force_login(_user(request.getfixturevalue(persona)))
    assert client.get(material_delete_url(material)).status_code == 404
    assert MeetingMaterial.objects.filter(pk=material.pk).exists()


def test_coordinator_proposes_standard_meetings(client, coordinator, cohort):
    client.force_login(coordinator)
    page = client.post(reverse("meetings:propose", args=[cohort.pk]), follow=True)
    assert "3 standaardbijeenkomsten toegevoegd" in page.content.decode()
    assert cohort.meetings.count() == 3


def test_coordinator_edits_reminder_rules(client, coordinator, cohort, meeting):
    client.force_login(coordinator)
    url = reverse("meetings:reminder_rules", args=[cohort.pk])
    assert 'value="7, 1"' in client.get(url).content.decode()
    client.post(url, {"days": "3; 1"})
    assert sorted(ReminderRule.objects.values_list("days_before", flat=True)) == [1, 3]
    bad = client.post(url, {"days": "morgen"}).content.decode()
    assert "Vul hele getallen in" in bad


def test_coordinator_records_attendance(client, coordinator, started_meeting, participant,
                                        second_participant):
    meeting = started_meeting
    client.force_login(coordinator)
    url = reverse("meetings:attendance", args=[meeting.cohort_id, meeting.pk])
    page = client.get(url).content.decode()
    assert "Bob Jansen" in page and "Dewi Smit" in page
    client.post(url, {"present": [str(second_participant.pk)]})
    assert list(Attendance.objects.values_list("participant_id", flat=True)) == [
        second_participant.pk]


@pytest.mark.parametrize(("name", "content", "error"), [
    ("virus.exe", b"MZ", "Dit soort bestand kan niet"),
    ("nep.pdf", b"GIF89a", "past niet bij de naam"),
    ("tekst.txt", b"a\x00b", "geen tekstbestand"),
])
def test_material_upload_rejects_wrong_types(client, coordinator, meeting, name, content,
                                             error):
    client.force_login(coordinator)
    response = client.post(reverse("meetings:material_upload",
                                   args=[meeting.cohort_id, meeting.pk]),
                           {"file": SimpleUploadedFile(name, content)})
    assert response.status_code == 400
    assert error in response.content.decode()
    assert not MeetingMaterial.objects.exists()


def test_material_upload_rejects_files_over_10_mb(client, coordinator, meeting):
    client.force_login(coordinator)
    big = SimpleUploadedFile("groot.pdf", PDF + b"0" * (10 * 1024 * 1024))
    response = client.post(reverse("meetings:material_upload",
                                   args=[meeting.cohort_id, meeting.pk]), {"file": big})
    assert "groter dan 10 MB" in response.content.decode()
    assert not MeetingMaterial.objects.exists()


@pytest.mark.parametrize(("name", "content"), [
    ("casus.pdf", PDF), ("oefening.docx", b"PK\x03\x04rest"), ("plaatje.png",
                                                                 b"\x89PNG\r\n\x1a\nrest"),
    ("foto.jpg", b"\xff\xd8\xff\xe0rest"), ("notities.txt", b"Zorg & welzijn"),
])
def test_material_upload_accepts_allowed_types(client, coordinator, meeting, name, content):
    client.force_login(coordinator)
    client.post(reverse("meetings:material_upload", args=[meeting.cohort_id, meeting.pk]),
                {"file": SimpleUploadedFile(name, content)})
    material = MeetingMaterial.objects.get()
    assert material.name == name and material.size == len(content)


def test_outbox_page_lists_and_filters(client, coordinator, meeting, other_cohort):
    OutboxMessage.objects.filter(kind=KIND_REMINDER).update(status=OutboxStatus.FAILED,
                                                            last_error="Kapot.")
    client.force_login(coordinator)
    url = reverse("meetings:outbox", args=[meeting.cohort_id])
    page = client.get(url).content.decode()
    assert page.count('data-kind="meeting_reminder"') == 2
    assert "Kapot." in page and "Mislukt" in page
    assert 'data-status="failed"' not in client.get(url, {"status": "sent"}).content.decode()


def test_outbox_preview_renders_the_message(client, coordinator, meeting, reminder_row):
    client.force_login(coordinator)
    page = client.get(reverse("meetings:outbox_preview",
                              args=[meeting.cohort_id, reminder_row.pk])).content.decode()
    assert "Herinnering: Voorbereidende bijeenkomst" in page
    assert "Beste Bob Jansen" in page


@pytest.mark.parametrize(("action", "before", "after"), [
    ("aanhouden", OutboxStatus.PENDING, OutboxStatus.HELD),
    ("vrijgeven", OutboxStatus.HELD, OutboxStatus.PENDING),
    ("intrekken", OutboxStatus.PENDING, OutboxStatus.CANCELLED),
    ("nu-versturen", OutboxStatus.HELD, OutboxStatus.PENDING),
])
def test_outbox_actions_change_status(client, coordinator, meeting, reminder_row, action,
                                      before, after):
    OutboxMessage.objects.filter(pk=reminder_row.pk).update(status=before)
    client.force_login(coordinator)
    url = reverse("meetings:outbox_action", args=[meeting.cohort_id, reminder_row.pk, action])
    assert client.get(url).status_code == 405
    client.post(url)
    reminder_row.refresh_from_db()
    assert reminder_row.status == after


def test_outbox_send_now_sends_at_once(client, coordinator, meeting, reminder_row, mailoutbox,
                                       django_capture_on_commit_callbacks):
    client.force_login(coordinator)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("meetings:outbox_action",
                            args=[meeting.cohort_id, reminder_row.pk, "nu-versturen"]))
    reminder_row.refresh_from_db()
    assert reminder_row.status == OutboxStatus.SENT
    assert mailoutbox[0].subject.startswith("Herinnering")


def _queries(client, url) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_list_pages_query_count_does_not_grow(client, coordinator, cohort, make_meeting,
                                              participant, second_participant):
    client.force_login(coordinator)
    make_meeting(days=10)
    meetings_url = reverse("meetings:list", args=[cohort.pk])
    outbox_url = reverse("meetings:outbox", args=[cohort.pk])
    small = (_queries(client, meetings_url), _queries(client, outbox_url))
    for days in range(11, 20):
        make_meeting(days=days)
    assert (_queries(client, meetings_url), _queries(client, outbox_url)) == small


def test_standard_meeting_without_link_can_be_moved(client, coordinator, cohort):
    from meetings.services import meeting_propose_standard

    meeting = meeting_propose_standard(cohort=cohort)[0]
    assert not meeting.online_url and not meeting.address
    client.force_login(coordinator)
    new_start = timezone.localtime(meeting.starts_at) + timedelta(hours=1)
    response = client.post(reverse("meetings:edit", args=[cohort.pk, meeting.pk]), {
        "kind": meeting.kind, "title": meeting.title,
        "starts_at": new_start.strftime("%Y-%m-%dT%H:%M"),
        "ends_at": (new_start + timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"),
        "online_url": "", "address": ""})
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert meeting.starts_at == new_start


def test_outbox_page_pages_open_messages_first_and_names_the_meeting(client, coordinator,
                                                                      meeting):
    cohort = meeting.cohort
    sent = OutboxMessage.objects.filter(cohort=cohort).first()
    for n in range(60):
        sent.pk = None
        sent.dedupe_key = f"oud:{n}"
        sent.status = OutboxStatus.SENT
        sent.save()
    client.force_login(coordinator)
    url = reverse("meetings:outbox", args=[cohort.pk])
    page = client.get(url).content.decode()
    assert page.count('data-status="') == 50
    first_rows = page.split('data-status="')[1:3]
    assert all(row.startswith("pending") for row in first_rows)
    assert meeting.title in page and "Pagina 1 van 2" in page
    second = client.get(url, {"pagina": 2}).content.decode()
    assert second.count('data-status="sent"') == second.count('data-status="')
    # An action brings the coordinator back to the filtered page they came from.
    row = OutboxMessage.objects.filter(cohort=cohort, status=OutboxStatus.PENDING).first()
    response = client.post(reverse("meetings:outbox_action", args=[cohort.pk, row.pk,
                                                                  "aanhouden"]),
                           {"next": f"{url}?status=pending"})
    assert response["Location"] == f"{url}?status=pending"
