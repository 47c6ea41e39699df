from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from cohorts.enums import CohortStage
from notifications.models import OutboxMessage
from reflections.enums import ResponseStatus
from reflections.models import MAX_TEXT, Assignment, Response, SparringOptIn
from tests.factories import CohortFactory, ParticipantFactory, UserFactory, make_exchange
from tests.reflections.helpers import answer, fields, open_assignment, participants

pytestmark = pytest.mark.django_db


def _answer_url(assignment):
    return reverse("reflections:answer", args=[assignment.cohort_id, assignment.pk])


def test_answer_page_saves_draft_with_button(client, cohort, participant):
    assignment = open_assignment(cohort)
    names = fields(assignment)
    client.force_login(participant.user)
    response = client.post(_answer_url(assignment), {
        names["learned"]: "Hoe de toegang werkt", names["picture_other_side"]: "3",
        "concept": "1"}, follow=True)
    assert "Uw concept is opgeslagen." in response.content.decode()
    assert "Hoe de toegang werkt" in response.content.decode()
    saved = Response.objects.get(assignment=assignment, participant=participant)
    assert saved.status == ResponseStatus.DRAFT
    stored = {a.question.key: (a.value_text, a.value_number) for a in saved.answers.all()}
    assert stored["learned"] == ("Hoe de toegang werkt", None)
    assert stored["picture_other_side"] == ("", 3)
    assert stored["recommend"] == ("", None)


def test_autosave_saves_draft(client, cohort, participant):
    assignment = open_assignment(cohort)
    names = fields(assignment)
    client.force_login(participant.user)
    response = client.post(
        reverse("reflections:autosave", args=[cohort.pk, assignment.pk]),
        {names["learned"]: "Half af", names["recommend"]: "12"})
    body = response.json()
    assert body["saved"] is True
    assert "automatisch opgeslagen" in body["message"]
    # The valid answer is kept; the out-of-range one is reported, not stored.
    assert names["recommend"] in body["errors"]
    saved = Response.objects.get(assignment=assignment, participant=participant)
    assert saved.status == ResponseStatus.DRAFT
    stored = {a.question.key: (a.value_text, a.value_number) for a in saved.answers.all()}
    assert stored["learned"] == ("Half af", None)
    assert "recommend" not in stored


def test_autosave_after_due_date_refused(client, cohort, participant):
    assignment = open_assignment(cohort)
    Assignment.objects.filter(pk=assignment.pk).update(
        opens_at=timezone.now() - timedelta(days=9), due_at=timezone.now() - timedelta(days=1))
    client.force_login(participant.user)
    response = client.post(reverse("reflections:autosave", args=[cohort.pk, assignment.pk]),
                           {fields(assignment)["learned"]: "te laat"})
    assert response.status_code == 409
    assert "inleverdatum" in response.json()["message"]
    assert not Response.objects.exists()


def test_answer_out_of_range_shows_dutch_message_and_keeps_text(client, cohort, participant):
    assignment = open_assignment(cohort)
    names = fields(assignment)
    client.force_login(participant.user)
    response = client.post(_answer_url(assignment), {
        names["learned"]: "Mijn getypte tekst", names["picture_other_side"]: "7",
        names["recommend"]: "11", "inleveren": "1"})
    page = response.content.decode()
    assert "Kies een getal van 1 tot en met 5." in page
    assert "Kies een getal van 0 tot en met 10." in page
    assert "Mijn getypte tekst" in page
    assert not Response.objects.exists()


def test_answer_overlong_text_message_keeps_text(client, cohort, participant):
    assignment = open_assignment(cohort)
    text = "woord " * (MAX_TEXT // 5)
    client.force_login(participant.user)
    response = client.post(_answer_url(assignment), {fields(assignment)["learned"]: text,
                                                     "concept": "1"})
    page = response.content.decode()
    assert f"er passen er {MAX_TEXT}" in page
    assert text.strip() in page
    assert not Response.objects.exists()


def test_submit_requires_required_questions(client, cohort, participant):
    assignment = open_assignment(cohort)
    client.force_login(participant.user)
    response = client.post(_answer_url(assignment), {fields(assignment)["learned"]: "Alleen dit",
                                                     "inleveren": "1"})
    assert "Vul deze vraag in om in te leveren." in response.content.decode()
    assert not Response.objects.filter(status=ResponseStatus.SUBMITTED).exists()


def test_submit_after_due_date_refused_keeps_text(client, cohort, participant):
    assignment = open_assignment(cohort)
    names = fields(assignment)
    Assignment.objects.filter(pk=assignment.pk).update(
        opens_at=timezone.now() - timedelta(days=9), due_at=timezone.now() - timedelta(days=1))
    client.force_login(participant.user)
    response = client.post(_answer_url(assignment), {
        names["learned"]: "Te laat maar toch", names["picture_other_side"]: "4",
        names["recommend"]: "9", names["action_done"]: "ja", "inleveren": "1"})
    page = response.content.decode()
    assert "is voorbij" in page
    assert "Te laat maar toch" in page
    assert not Response.objects.exists()


def test_submit_before_due_date_then_edit(client, cohort, participant):
    assignment = open_assignment(cohort)
    names = fields(assignment)
    client.force_login(participant.user)
    data = {names["learned"]: "Veel", names["picture_other_side"]: "4",
            names["recommend"]: "9", names["action_done"]: "nee", "inleveren": "1"}
    response = client.post(_answer_url(assignment), data, follow=True)
    assert "Uw reflectie is ingeleverd." in response.content.decode()
    saved = Response.objects.get()
    assert saved.status == ResponseStatus.SUBMITTED
    data[names["learned"]] = "Nog meer"
    client.post(_answer_url(assignment), data)
    assert saved.answers.get(question__key="learned").value_text == "Nog meer"
    page = client.get(_answer_url(assignment)).content.decode()
    assert "Opnieuw inleveren" in page and "data-autosave-url" not in page


def test_answer_page_without_js_has_concept_button_and_external_script(client, cohort,
                                                                       participant):
    assignment = open_assignment(cohort)
    client.force_login(participant.user)
    page = client.get(_answer_url(assignment)).content.decode()
    assert "Concept opslaan" in page
    assert "reflections/autosave.js" in page
    assert "<script>" not in page


# --- who may read a reflection ---------------------------------------------------------------

@pytest.fixture
def submitted(cohort, participant):
    assignment = open_assignment(cohort)
    return answer(participant, assignment, learned="Geheime les", picture_other_side=3,
                  recommend=8, action_done=1)


def _read(client, user, response):
    client.force_login(user)
    return client.get(reverse("reflections:response",
                              args=[response.assignment.cohort_id, response.pk]))


def test_response_detail_author_reads(client, participant, submitted):
    assert "Geheime les" in _read(client, participant.user, submitted).content.decode()


def test_response_detail_coordinator_of_cohort_reads(client, coordinator, submitted):
    assert "Geheime les" in _read(client, coordinator, submitted).content.decode()


def test_response_detail_admin_reads(client, admin_user, submitted):
    assert "Geheime les" in _read(client, admin_user, submitted).content.decode()


def test_response_detail_coordinator_never_reads_draft(client, coordinator, cohort,
                                                       participant):
    draft = answer(participant, open_assignment(cohort), submit=False, learned="Kladje")
    assert _read(client, coordinator, draft).status_code == 404


def test_response_detail_other_participant_404(client, cohort, submitted):
    other = ParticipantFactory(cohort=cohort)
    assert _read(client, other.user, submitted).status_code == 404


def test_response_detail_coordinator_of_other_cohort_404(client, submitted):
    stranger = UserFactory()
    CohortFactory().coordinators.add(stranger)
    assert _read(client, stranger, submitted).status_code == 404


def test_response_detail_outsider_404(client, outsider, submitted):
    assert _read(client, outsider, submitted).status_code == 404


def test_response_detail_partner_only_when_shared(client, cohort, submitted):
    partner = ParticipantFactory(cohort=cohort)
    make_exchange(cohort, [submitted.participant, partner])
    assert _read(client, partner.user, submitted).status_code == 404
    overview = reverse("reflections:overview", args=[cohort.pk])
    assert "Gedeeld door uw stagepartner" not in client.get(overview).content.decode()
    Response.objects.filter(pk=submitted.pk).update(shared_with_partner=True)
    assert "Geheime les" in _read(client, partner.user, submitted).content.decode()
    assert "Gedeeld door uw stagepartner" in client.get(overview).content.decode()
    other = ParticipantFactory(cohort=cohort)
    assert _read(client, other.user, submitted).status_code == 404


# --- coordinator pages -----------------------------------------------------------------------

def test_coordinator_adds_standard_assignments(client, coordinator, cohort):
    client.force_login(coordinator)
    response = client.post(reverse("reflections:standard", args=[cohort.pk]), follow=True)
    page = response.content.decode()
    assert "5 standaardopdrachten toegevoegd." in page
    assert "Voor de stage: mijn leerdoelen" in page
    assert cohort.assignments.count() == 5


def test_standard_assignments_outsider_404(client, outsider, participant, cohort):
    for user in (outsider, participant.user):
        client.force_login(user)
        assert client.post(reverse("reflections:standard", args=[cohort.pk])).status_code == 404
    assert not cohort.assignments.exists()


def test_coordinator_sees_who_submitted_and_nudges(client, coordinator, cohort, participant,
                                                   submitted):
    ParticipantFactory(cohort=cohort, user__name="Dirk Laat")
    client.force_login(coordinator)
    url = reverse("reflections:assignment", args=[cohort.pk, submitted.assignment_id])
    page = client.get(url).content.decode()
    assert "Bob Jansen" in page and "Ingeleverd" in page
    assert "Dirk Laat" in page and "Nog niet begonnen" in page
    response = client.post(reverse("reflections:nudge", args=[cohort.pk,
                                                              submitted.assignment_id]),
                           {"confirm": "1"}, follow=True)
    assert "1 herinnering ingepland." in response.content.decode()


def test_nudge_without_confirmation_shows_count_and_sends_nothing(client, coordinator, cohort,
                                                                  participant, submitted):
    late = participants(cohort, 14)
    client.force_login(coordinator)
    url = reverse("reflections:nudge", args=[cohort.pk, submitted.assignment_id])
    for response in (client.get(url), client.post(url)):
        page = response.content.decode()
        assert response.status_code == 200
        assert ("Deze herinnering gaat naar 14 deelnemers die ‘Na bezoek A’ nog niet hebben "
                "ingeleverd.") in page
        assert "Ja, stuur 14 herinneringen" in page
        assert late[0].user.name in page and "Bob Jansen" not in page
    assert not OutboxMessage.objects.filter(kind="reflection_nudge").exists()

    page = client.post(url, {"confirm": "1"}, follow=True).content.decode()
    assert "14 herinneringen ingepland." in page
    assert OutboxMessage.objects.filter(kind="reflection_nudge").count() == 14


def test_nudge_confirmation_counts_only_those_not_reminded_today(client, coordinator, cohort):
    assignment = open_assignment(cohort)
    participants(cohort, 3)
    client.force_login(coordinator)
    url = reverse("reflections:nudge", args=[cohort.pk, assignment.pk])
    client.post(url, {"confirm": "1"})
    newcomer = participants(cohort, 1)[0]
    page = client.get(url).content.decode()
    assert "Deze herinnering gaat naar 1 deelnemer die ‘Na bezoek A’ nog niet heeft" in page
    assert "3 andere deelnemers kregen vandaag al een herinnering" in page
    assert newcomer.user.name in page
    client.post(url, {"confirm": "1"})
    page = client.get(url, follow=True).content.decode()
    assert "kreeg vandaag al een herinnering. Morgen kunt u weer herinneren." in page
    assert OutboxMessage.objects.filter(kind="reflection_nudge").count() == 4


def test_nudge_of_closed_assignment_explains_instead_of_asking(client, coordinator, cohort,
                                                               participant):
    assignment = open_assignment(cohort)
    assignment.opens_at = timezone.now() + timedelta(days=1)
    assignment.due_at = timezone.now() + timedelta(days=8)
    assignment.save()
    client.force_login(coordinator)
    url = reverse("reflections:nudge", args=[cohort.pk, assignment.pk])
    page = client.get(url, follow=True).content.decode()
    assert "Herinneren kan alleen terwijl de opdracht openstaat" in page
    assert "Ja, stuur" not in page


@pytest.mark.parametrize("persona", ["participant", "outsider", "other_coordinator"])
def test_nudge_confirmation_404_for_others(client, request, cohort, participant, persona):
    assignment = open_assignment(cohort)
    if persona == "other_coordinator":
        user = UserFactory()
        CohortFactory().coordinators.add(user)
    else:
        user = request.getfixturevalue(persona)
    client.force_login(getattr(user, "user", user))
    url = reverse("reflections:nudge", args=[cohort.pk, assignment.pk])
    assert client.get(url).status_code == 404
    assert client.post(url, {"confirm": "1"}).status_code == 404
    assert not OutboxMessage.objects.filter(kind="reflection_nudge").exists()


def test_coordinator_edits_assignment_and_adds_choice_question(client, coordinator, cohort):
    assignment = open_assignment(cohort)
    client.force_login(coordinator)
    url = reverse("reflections:question_create", args=[cohort.pk, assignment.pk])
    response = client.post(url, {"order": 9, "kind": "choice", "text": "Welke dag?",
                                 "options_text": "maandag"})
    assert "Geef minstens twee opties." in response.content.decode()
    client.post(url, {"order": 9, "kind": "choice", "text": "Welke dag?", "required": "on",
                      "options_text": "maandag\ndinsdag\n"})
    assert assignment.questions.get(text="Welke dag?").options == ["maandag", "dinsdag"]
    edit = reverse("reflections:assignment_edit", args=[cohort.pk, assignment.pk])
    local = timezone.localtime(assignment.opens_at)
    response = client.post(edit, {"phase": "na_b", "title": "Nieuwe titel",
                                  "opens_at": local.strftime("%Y-%m-%dT%H:%M"),
                                  "due_at": local.strftime("%Y-%m-%dT%H:%M")})
    assert "De inleverdatum moet na de openingsdatum liggen." in response.content.decode()


def test_other_coordinator_cannot_edit_assignment(client, cohort):
    assignment = open_assignment(cohort)
    stranger = UserFactory()
    CohortFactory().coordinators.add(stranger)
    client.force_login(stranger)
    for url in (reverse("reflections:assignment_edit", args=[cohort.pk, assignment.pk]),
                reverse("reflections:assignment", args=[cohort.pk, assignment.pk]),
                reverse("reflections:overview", args=[cohort.pk])):
        assert client.get(url).status_code == 404


def test_participant_overview_lists_own_status(client, cohort, participant, submitted):
    client.force_login(participant.user)
    page = client.get(reverse("reflections:overview", args=[cohort.pk])).content.decode()
    assert "Mijn reflecties" in page and "Ingeleverd" in page


def test_other_participant_cannot_open_answer_form_of_other_cohort(client, participant):
    other_cohort = CohortFactory()
    assignment = open_assignment(other_cohort)
    client.force_login(participant.user)
    assert client.get(_answer_url(assignment)).status_code == 404


# --- alumni ------------------------------------------------------------------------------------

def test_alumni_opt_in_and_list(client, cohort, participant, outsider):
    cohort.stage = CohortStage.AFGEROND
    cohort.save()
    client.force_login(participant.user)
    client.post(reverse("reflections:sparring", args=[cohort.pk]),
                {"action": "start", "note": "Inkoop Wmo"})
    assert SparringOptIn.objects.get(participant=participant).note == "Inkoop Wmo"
    page = client.get(reverse("reflections:alumni")).content.decode()
    assert "Bob Jansen" in page and participant.organisation.name in page
    assert "Inkoop Wmo" in page
    client.force_login(outsider)
    assert client.get(reverse("reflections:alumni")).status_code == 404


def test_alumni_hidden_for_participant_of_running_cohort(client, participant):
    client.force_login(participant.user)
    assert client.get(reverse("reflections:alumni")).status_code == 404
    response = client.post(reverse("reflections:sparring", args=[participant.cohort_id]),
                           {"action": "start"})
    assert response.status_code == 404


# --- query counts at two sizes ---------------------------------------------------------------

def _count(client, url):
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured.captured_queries)


def test_coordinator_pages_query_count_does_not_grow(client, coordinator, cohort):
    assignment = open_assignment(cohort)
    urls = [reverse("reflections:overview", args=[cohort.pk]),
            reverse("reflections:assignment", args=[cohort.pk, assignment.pk])]
    for person in participants(cohort, 2):
        answer(person, assignment, learned="x", picture_other_side=2, recommend=5,
               action_done=1)
    client.force_login(coordinator)
    _count(client, urls[0])
    small = [_count(client, url) for url in urls]
    for person in participants(cohort, 12):
        answer(person, assignment, submit=False, learned="y")
    assert [_count(client, url) for url in urls] == small


def test_alumni_page_query_count_does_not_grow(client, admin_user):
    finished = CohortFactory(stage=CohortStage.AFGEROND)
    for person in participants(finished, 2):
        SparringOptIn.objects.create(participant=person)
    client.force_login(admin_user)
    url = reverse("reflections:alumni")
    _count(client, url)
    small = _count(client, url)
    for person in participants(finished, 10):
        SparringOptIn.objects.create(participant=person)
    assert _count(client, url) == small
