"""Cohort views: the three-persona matrix (owner, member, outsider) on every view, and what
each page shows or changes."""

from __future__ import annotations

import io

import openpyxl
import pytest
from django.urls import reverse

from cohorts.enums import CohortStage
from cohorts.models import Cohort, Invitation, Organisation, Participant
from tests.factories import CohortFactory, InvitationFactory, UserFactory, _monday

pytestmark = pytest.mark.django_db

# (url name, needs invitation pk, who may open it besides the coordinator and admin)
COORDINATOR_PAGES = ["cohorts:edit", "cohorts:invitations"]


@pytest.fixture
def other_coordinator(db):
    from cohorts.rules import coordinator_group

    user = UserFactory(email="dirk@andere-gemeente.example")
    user.groups.add(coordinator_group())
    CohortFactory().coordinators.add(user)
    return user


@pytest.mark.parametrize("name", COORDINATOR_PAGES + ["cohorts:detail"])
def test_cohort_pages_coordinator_sees_them(client, cohort, coordinator, name):
    client.force_login(coordinator)
    response = client.get(reverse(name, args=[cohort.pk]))
    assert response.status_code == 200
    assert cohort.name in response.content.decode()


@pytest.mark.parametrize("name", COORDINATOR_PAGES)
def test_coordinator_pages_participant_gets_404(client, cohort, participant, name):
    client.force_login(participant.user)
    assert client.get(reverse(name, args=[cohort.pk])).status_code == 404


@pytest.mark.parametrize("name", COORDINATOR_PAGES + ["cohorts:detail", "cohorts:profile"])
def test_cohort_pages_outsiders_get_404(client, cohort, outsider, other_coordinator, name):
    for user in (outsider, other_coordinator):
        client.force_login(user)
        response = client.get(reverse(name, args=[cohort.pk]))
        assert response.status_code == 404, user


@pytest.mark.parametrize("name", COORDINATOR_PAGES + ["cohorts:detail", "cohorts:profile",
                                                     "cohorts:list", "cohorts:organisations"])
def test_pages_anonymous_redirected_to_login(client, cohort, name):
    args = [] if name in ("cohorts:list", "cohorts:organisations") else [cohort.pk]
    response = client.get(reverse(name, args=args))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_admin_sees_every_cohort(client, cohort, admin_user):
    client.force_login(admin_user)
    response = client.get(reverse("cohorts:list"))
    assert cohort.name in response.content.decode()
    assert client.get(reverse("cohorts:invitations", args=[cohort.pk])).status_code == 200


def test_cohort_list_only_own_cohorts(client, cohort, coordinator, other_coordinator):
    client.force_login(other_coordinator)
    body = client.get(reverse("cohorts:list")).content.decode()
    assert cohort.name not in body
    client.force_login(coordinator)
    assert cohort.name in client.get(reverse("cohorts:list")).content.decode()


def test_cohort_list_participant_gets_404(client, participant):
    client.force_login(participant.user)
    assert client.get(reverse("cohorts:list")).status_code == 404
    assert client.get(reverse("cohorts:create")).status_code == 404
    assert client.get(reverse("cohorts:organisations")).status_code == 404


def test_participant_dashboard_shows_dates_status_next_step(client, cohort, participant):
    client.force_login(participant.user)
    body = client.get(reverse("cohorts:detail", args=[cohort.pk])).content.decode()
    assert "Mijn deelname" in body
    assert "Wat nu?" in body
    assert "Stageweek A" in body
    assert "Deelnemers van dit cohort" not in body


def test_cohort_create_form_errors_keep_input(client, coordinator):
    client.force_login(coordinator)
    response = client.post(reverse("cohorts:create"), {
        "name": "Ronde Zuid", "format": "hybride", "days_per_visit": 2,
        "week_a_start": _monday(8).isoformat(),
        "week_b_start": _monday(7).isoformat(),
        "registration_deadline": _monday(3).isoformat(),
        "preference_deadline": _monday(9).isoformat(),
        "allowed_pairings": ["gemeente-aanbieder"], "max_size": 30,
    })
    body = response.content.decode()
    assert response.status_code == 200
    assert "Stageweek B moet na stageweek A komen." in body
    assert "vóór stageweek A" in body
    assert 'value="Ronde Zuid"' in body
    assert "data-error-summary" in body
    assert not Cohort.objects.filter(name="Ronde Zuid").exists()


def test_cohort_create_and_edit(client, coordinator):
    client.force_login(coordinator)
    data = {
        "name": "Ronde Zuid", "format": "online", "days_per_visit": 3,
        "week_a_start": _monday(8).isoformat(), "week_b_start": _monday(10).isoformat(),
        "registration_deadline": _monday(3).isoformat(),
        "preference_deadline": _monday(5).isoformat(),
        "allowed_pairings": ["gemeente-aanbieder", "client-any"], "max_size": 30,
    }
    response = client.post(reverse("cohorts:create"), data)
    cohort = Cohort.objects.get(name="Ronde Zuid")
    assert response["Location"] == reverse("cohorts:detail", args=[cohort.pk])
    assert cohort.days_per_visit == 3 and cohort.format == "online"
    client.post(reverse("cohorts:edit", args=[cohort.pk]), {**data, "name": "Ronde Zuid-Oost"})
    cohort.refresh_from_db()
    assert cohort.name == "Ronde Zuid-Oost"


def test_cohort_stage_post_moves_and_reports(client, cohort, coordinator, participant):
    client.force_login(coordinator)
    response = client.post(reverse("cohorts:stage", args=[cohort.pk]),
                           {"to_stage": CohortStage.MATCHING}, follow=True)
    assert "twee aangemelde deelnemers" in response.content.decode()
    assert Cohort.objects.get(pk=cohort.pk).stage == CohortStage.AANMELDING


def test_cohort_stage_post_by_participant_404(client, cohort, participant):
    client.force_login(participant.user)
    response = client.post(reverse("cohorts:stage", args=[cohort.pk]),
                           {"to_stage": CohortStage.CONCEPT})
    assert response.status_code == 404
    assert Cohort.objects.get(pk=cohort.pk).stage == CohortStage.AANMELDING


def test_invitations_paste_invites_valid_and_keeps_bad_lines(client, cohort, coordinator):
    client.force_login(coordinator)
    response = client.post(reverse("cohorts:invitations", args=[cohort.pk]), {
        "paste-addresses": "sanne@zorg.example\nniet-goed@\nJoost <joost@helmond.example>",
    })
    body = response.content.decode()
    assert sorted(cohort.invitations.values_list("email", flat=True)) == [
        "joost@helmond.example", "sanne@zorg.example"]
    assert "Regel 2" in body
    assert "niet-goed@</textarea>" in body


def _xlsx(rows) -> bytes:
    workbook = openpyxl.Workbook()
    for row in rows:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _upload(client, cohort, name, content):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return client.post(reverse("cohorts:invitations", args=[cohort.pk]),
                       {"upload-file": SimpleUploadedFile(name, content)})


def test_invitations_upload_xlsx_with_bad_row_names_line(client, cohort, coordinator):
    client.force_login(coordinator)
    content = _xlsx([["Naam", "E-mail", "Organisatie", "Soort"],
                     ["Sanne", "sanne@zorg.example", "De Linde", "zorgaanbieder"],
                     ["Fout", "sanne@zorg.example", "De Linde", "zorgaanbieder"],
                     ["Joost", "joost@helmond.example", "Gemeente Helmond", "raadslid"]])
    body = _upload(client, cohort, "lijst.xlsx", content).content.decode()
    assert list(cohort.invitations.values_list("email", flat=True)) == ["sanne@zorg.example"]
    assert "Regel 3" in body and "Regel 4" in body
    invitation = Invitation.objects.get(email="sanne@zorg.example")
    assert invitation.name == "Sanne" and invitation.organisation_kind == "zorgaanbieder"


def test_invitations_upload_wrong_columns_reports_and_invites_nothing(client, cohort,
                                                                      coordinator):
    client.force_login(coordinator)
    body = _upload(client, cohort, "lijst.csv", b"voornaam;telefoon\nSanne;0612345678\n")
    assert "Regel 1" in body.content.decode()
    assert cohort.invitations.count() == 0


def test_invitations_upload_empty_file(client, cohort, coordinator):
    client.force_login(coordinator)
    body = _upload(client, cohort, "leeg.csv", b"").content.decode()
    assert "leeg" in body.lower()
    assert cohort.invitations.count() == 0


def test_invitations_upload_cp1252_names_kept(client, cohort, coordinator):
    client.force_login(coordinator)
    content = "naam;e-mail\nRené Müller;rene@zorg.example\n".encode("cp1252")
    _upload(client, cohort, "lijst.csv", content)
    assert Invitation.objects.get(email="rene@zorg.example").name == "René Müller"


def test_invitations_upload_5000_rows(client, coordinator):
    cohort = CohortFactory(max_size=6000)
    cohort.coordinators.add(coordinator)
    client.force_login(coordinator)
    lines = ["naam;e-mail"] + [f"Persoon {i};p{i}@groot.example" for i in range(5000)]
    response = _upload(client, cohort, "groot.csv", "\n".join(lines).encode())
    assert response.status_code == 302
    assert cohort.invitations.count() == 5000


def test_invitation_withdraw_and_resend_buttons(client, cohort, coordinator):
    invitation = InvitationFactory(cohort=cohort, email="sanne@zorg.example")
    client.force_login(coordinator)
    url = reverse("cohorts:invitation_action", args=[cohort.pk, invitation.pk])
    client.post(url, {"action": "resend"})
    invitation.refresh_from_db()
    assert invitation.send_count == 2
    client.post(url, {"action": "withdraw", "confirm": "1"})
    invitation.refresh_from_db()
    assert invitation.status == "withdrawn"


def test_invitation_withdraw_without_confirmation_only_asks(client, cohort, coordinator):
    invitation = InvitationFactory(cohort=cohort, email="sanne@zorg.example")
    client.force_login(coordinator)
    withdraw = reverse("cohorts:invitation_withdraw", args=[cohort.pk, invitation.pk])
    # The button on the list, an old form posting to the action URL, and a bare POST.
    for response in (client.get(withdraw),
                     client.post(reverse("cohorts:invitation_action",
                                         args=[cohort.pk, invitation.pk]),
                                 {"action": "withdraw"}),
                     client.post(withdraw)):
        page = response.content.decode()
        assert response.status_code == 200
        assert "De uitnodiging aan sanne@zorg.example wordt ingetrokken." in page
        assert "Ja, uitnodiging intrekken" in page
        assert f'action="{withdraw}"' in page and 'name="confirm" value="1"' in page
    invitation.refresh_from_db()
    assert invitation.status == "pending"

    page = client.post(withdraw, {"confirm": "1"}, follow=True).content.decode()
    invitation.refresh_from_db()
    assert invitation.status == "withdrawn"
    assert "Uitnodiging voor sanne@zorg.example ingetrokken." in page


def test_invitation_withdraw_names_the_person_when_known(client, cohort, coordinator):
    invitation = InvitationFactory(cohort=cohort, email="els@zorg.example", name="Els Kuipers")
    client.force_login(coordinator)
    page = client.get(reverse("cohorts:invitation_withdraw",
                              args=[cohort.pk, invitation.pk])).content.decode()
    assert "De uitnodiging aan Els Kuipers (els@zorg.example) wordt ingetrokken." in page
    assert "Els Kuipers krijgt hierover geen bericht." in page


def test_invitation_withdraw_of_accepted_invitation_says_so(client, cohort, coordinator):
    invitation = InvitationFactory(cohort=cohort, status="accepted")
    client.force_login(coordinator)
    url = reverse("cohorts:invitation_withdraw", args=[cohort.pk, invitation.pk])
    page = client.get(url, follow=True).content.decode()
    assert "Deze uitnodiging staat niet meer open." in page
    assert "Ja, uitnodiging intrekken" not in page


@pytest.mark.parametrize("persona", ["participant", "outsider", "other_coordinator"])
def test_invitation_withdraw_404_outside_the_cohort(client, request, cohort, persona):
    invitation = InvitationFactory(cohort=cohort)
    user = request.getfixturevalue(persona)
    client.force_login(getattr(user, "user", user))
    url = reverse("cohorts:invitation_withdraw", args=[cohort.pk, invitation.pk])
    assert client.get(url).status_code == 404
    assert client.post(url, {"confirm": "1"}).status_code == 404
    invitation.refresh_from_db()
    assert invitation.status == "pending"


def test_invitation_action_other_cohort_404(client, cohort, coordinator):
    foreign = InvitationFactory()
    client.force_login(coordinator)
    for name in ("cohorts:invitation_action", "cohorts:invitation_withdraw"):
        url = reverse(name, args=[cohort.pk, foreign.pk])
        assert client.post(url, {"action": "withdraw", "confirm": "1"}).status_code == 404
    foreign.refresh_from_db()
    assert foreign.status == "pending"


def test_join_link_first_one_is_made_in_one_step(client, cohort, coordinator):
    client.force_login(coordinator)
    client.post(reverse("cohorts:join_link", args=[cohort.pk]))
    cohort.refresh_from_db()
    assert cohort.join_token


def test_join_link_renewal_asks_first(client, cohort, coordinator):
    cohort.join_token = "oude-link"
    cohort.save()
    client.force_login(coordinator)
    url = reverse("cohorts:join_link", args=[cohort.pk])
    for response in (client.get(url), client.post(url)):
        page = response.content.decode()
        assert "De huidige link werkt dan niet meer" in page
        assert "Ja, nieuwe link maken" in page
    cohort.refresh_from_db()
    assert cohort.join_token == "oude-link"

    page = client.post(url, {"confirm": "1"}, follow=True).content.decode()
    cohort.refresh_from_db()
    assert cohort.join_token not in ("", "oude-link")
    assert "de oude werkt niet meer" in page


def test_join_link_disable_asks_first(client, cohort, coordinator):
    cohort.join_token = "oude-link"
    cohort.save()
    client.force_login(coordinator)
    url = reverse("cohorts:join_link", args=[cohort.pk])
    page = client.get(url, {"action": "disable"}).content.decode()
    assert "Ja, link uitzetten" in page and 'name="action" value="disable"' in page
    client.post(url, {"action": "disable"})
    cohort.refresh_from_db()
    assert cohort.join_token == "oude-link"
    client.post(url, {"action": "disable", "confirm": "1"})
    cohort.refresh_from_db()
    assert cohort.join_token == ""


@pytest.mark.parametrize("persona", ["participant", "outsider", "other_coordinator"])
def test_join_link_404_outside_the_cohort(client, request, cohort, persona):
    cohort.join_token = "oude-link"
    cohort.save()
    user = request.getfixturevalue(persona)
    client.force_login(getattr(user, "user", user))
    url = reverse("cohorts:join_link", args=[cohort.pk])
    assert client.get(url).status_code == 404
    assert client.post(url, {"confirm": "1"}).status_code == 404
    cohort.refresh_from_db()
    assert cohort.join_token == "oude-link"


def test_invitation_landing_unknown_token_404(client):
    response = client.get(reverse("cohorts:invitation", args=["bestaat-niet"]))
    assert response.status_code == 404
    assert "bestaat niet" in response.content.decode()


def test_invitation_landing_logged_in_user_accepts(client, cohort, outsider):
    invitation = InvitationFactory(cohort=cohort)
    client.force_login(outsider)
    url = reverse("cohorts:invitation", args=[invitation.token])
    assert cohort.name in client.get(url).content.decode()
    response = client.post(url)
    assert response["Location"] == reverse("cohorts:profile", args=[cohort.pk])
    assert Participant.objects.filter(cohort=cohort, user=outsider).exists()


def test_signup_closed_without_invitation(client):
    body = client.get(reverse("account_signup")).content.decode()
    assert "gesloten" in body.lower() or "closed" in body.lower()


def test_join_link_lets_new_user_join(client, cohort, outsider):
    cohort.join_token = "geheime-link"
    cohort.save()
    client.force_login(outsider)
    client.post(reverse("cohorts:join", args=["geheime-link"]))
    assert Participant.objects.filter(cohort=cohort, user=outsider).exists()
    assert client.get(reverse("cohorts:join", args=["verkeerd"])).status_code == 404


def test_profile_proposes_new_organisation(client, cohort, participant):
    client.force_login(participant.user)
    response = client.post(reverse("cohorts:profile", args=[cohort.pk]), {
        "name": "Bob Jansen", "job_title": "Wijkcoach", "region": "utrecht",
        "new_organisation": "Buurtteam  Noord", "new_organisation_kind": "zorgaanbieder",
    })
    assert response.status_code == 302
    participant.refresh_from_db()
    assert participant.organisation.name == "Buurtteam Noord"
    assert not participant.organisation.confirmed


def test_profile_missing_organisation_explained(client, cohort, participant):
    client.force_login(participant.user)
    response = client.post(reverse("cohorts:profile", args=[cohort.pk]), {
        "name": "Bob Jansen", "job_title": "Wijkcoach", "bio": "Ik werk in de wijk.",
    })
    body = response.content.decode()
    assert "Kies uw organisatie" in body
    assert "Ik werk in de wijk." in body


def test_organisations_page_confirms(client, coordinator, cohort):
    proposed = Organisation.objects.create(name="Buurtteam Noord", kind="zorgaanbieder")
    client.force_login(coordinator)
    assert "Buurtteam Noord" in client.get(reverse("cohorts:organisations")).content.decode()
    client.post(reverse("cohorts:organisations"), {"organisation": proposed.pk})
    proposed.refresh_from_db()
    assert proposed.confirmed


def test_copy_cohort_creates_next_round(client, cohort, coordinator):
    client.force_login(coordinator)
    response = client.post(reverse("cohorts:copy", args=[cohort.pk]))
    copy = Cohort.objects.get(copied_from=cohort)
    assert response["Location"] == reverse("cohorts:edit", args=[copy.pk])


def test_home_lists_participations_and_coordinated(client, cohort, coordinator, participant):
    client.force_login(participant.user)
    assert cohort.name in client.get(reverse("home")).content.decode()
    client.force_login(coordinator)
    assert "Cohorten die ik coördineer" in client.get(reverse("home")).content.decode()


def test_cohort_list_query_count_constant(client, coordinator, django_assert_max_num_queries):
    client.force_login(coordinator)
    for size in (2, 12):
        for _ in range(size - Cohort.objects.count()):
            CohortFactory().coordinators.add(coordinator)
        with django_assert_max_num_queries(12):
            client.get(reverse("cohorts:list"))


def test_cohort_detail_query_count_constant(client, cohort, coordinator,
                                            django_assert_max_num_queries):
    from tests.factories import ParticipantFactory

    client.force_login(coordinator)
    for size in (3, 30):
        ParticipantFactory.create_batch(size - cohort.participants.count(), cohort=cohort)
        with django_assert_max_num_queries(20):
            response = client.get(reverse("cohorts:detail", args=[cohort.pk]))
        assert response.content.decode().count('scope="row"') == size
