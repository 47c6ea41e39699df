from __future__ import annotations

import json
from datetime import datetime, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from cohorts.enums import CohortStage
from privacy.models import CohortClosure
from reports.models import ExportLog
from tests.factories import PASSWORD, CohortFactory, ParticipantFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("name,args", [
    ("privacy:my_data", []), ("privacy:my_data_download", []),
    ("privacy:account_delete", []), ("privacy:register_csv", []), ("privacy:retention", [1]),
])
def test_private_pages_anonymous_goes_to_login(client, name, args):
    response = client.get(reverse(name, args=args))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_my_data_page_offers_download_and_delete(client, participant):
    client.force_login(participant.user)

    page = client.get(reverse("privacy:my_data")).content.decode()

    assert "Download mijn gegevens (JSON)" in page
    assert reverse("privacy:account_delete") in page


def test_my_data_download_is_json_attachment_of_own_data(client, rich_participant):
    client.force_login(rich_participant.user)

    response = client.get(reverse("privacy:my_data_download"))

    assert response["Content-Disposition"] == 'attachment; filename="mijn-gegevens.json"'
    data = json.loads(response.content)
    assert data["account"]["e_mailadres"] == "bob@zorg.example"
    assert data["deelnames"][0]["uitwisselingen"][0]["partners"] == ["Petra Partner"]
    assert "petra@gemeente.example" not in response.content.decode()


def test_account_delete_wrong_password_keeps_account(client, participant):
    client.force_login(participant.user)

    response = client.post(reverse("privacy:account_delete"), {"confirmation": "fout"})

    assert "Dit wachtwoord klopt niet." in response.content.decode()
    participant.user.refresh_from_db()
    assert participant.user.is_active and participant.user.email == "bob@zorg.example"


def test_account_delete_with_password_scrubs_and_logs_out(client, participant):
    user = participant.user
    client.force_login(user)

    response = client.post(reverse("privacy:account_delete"), {"confirmation": PASSWORD},
                           follow=True)

    assert "Uw account is verwijderd." in response.content.decode()
    user.refresh_from_db()
    assert not user.is_active and user.email == f"verwijderd-{user.pk}@invalid"
    again = client.get(reverse("privacy:my_data"))
    assert again["Location"].startswith(reverse("account_login"))


def test_account_delete_without_password_needs_confirm_word(client, outsider):
    outsider.set_unusable_password()
    outsider.save()
    client.force_login(outsider)

    page = client.get(reverse("privacy:account_delete")).content.decode()
    assert "Typ VERWIJDER" in page
    response = client.post(reverse("privacy:account_delete"), {"confirmation": "ja"})
    assert "Typ precies het woord VERWIJDER." in response.content.decode()
    client.post(reverse("privacy:account_delete"), {"confirmation": "VERWIJDER"})

    outsider.refresh_from_db()
    assert not outsider.is_active


def test_retention_page_coordinator_sees_schedule(client, coordinator, cohort, settings):
    settings.RETENTION_MONTHS = 12
    cohort.stage = CohortStage.AFGEROND
    cohort.save()
    ParticipantFactory.create_batch(3, cohort=cohort)
    CohortClosure.objects.create(cohort=cohort, closed_at=timezone.make_aware(
        datetime(2027, 3, 1, 2, 0)))
    client.force_login(coordinator)

    page = client.get(reverse("privacy:retention", args=[cohort.pk])).content.decode()

    assert ("Op 1 maart 2028 worden de profielen en reflecties van 3 deelnemers "
            "geanonimiseerd; cijfers blijven bewaard.") in " ".join(page.split())


def test_retention_page_open_cohort_explains_period(client, coordinator, cohort):
    client.force_login(coordinator)

    page = client.get(reverse("privacy:retention", args=[cohort.pk])).content.decode()

    assert "Dit cohort is nog niet afgerond." in page


def test_retention_page_other_coordinator_gets_404(client, cohort):
    from cohorts.rules import coordinator_group

    other = UserFactory(email="dave@andere-gemeente.example")
    other.groups.add(coordinator_group())
    CohortFactory().coordinators.add(other)
    client.force_login(other)

    response = client.get(reverse("privacy:retention", args=[cohort.pk]))

    assert response.status_code == 404
    assert cohort.name not in response.content.decode()


def test_retention_page_participant_gets_404(client, participant, cohort):
    client.force_login(participant.user)

    assert client.get(reverse("privacy:retention", args=[cohort.pk])).status_code == 404


def test_retention_page_admin_sees_it(client, admin_user, cohort):
    client.force_login(admin_user)

    page = client.get(reverse("privacy:retention", args=[cohort.pk])).content.decode()

    assert "Wat blijft bewaard" in page


def test_register_csv_admin_downloads_and_export_is_logged(client, admin_user):
    client.force_login(admin_user)

    response = client.get(reverse("privacy:register_csv"))

    text = response.content.decode("utf-8")
    assert text.startswith("\ufeffnaam;doel;grondslag;categorieën persoonsgegevens;")
    assert "Reflecties en opbrengstrapport;" in text
    assert "Tot 12 maanden na afronding" in text
    assert response["Content-Disposition"] == 'attachment; filename="verwerkingsregister.csv"'
    log = ExportLog.objects.get()
    assert (log.user, log.subject, log.format, log.cohort) == (
        admin_user, "verwerkingsregister", "csv", None)


def test_register_csv_non_admin_gets_404(client, coordinator):
    client.force_login(coordinator)

    response = client.get(reverse("privacy:register_csv"))

    assert response.status_code == 404
    assert not ExportLog.objects.exists()


def test_privacy_statement_is_public(client):
    page = " ".join(client.get(reverse("privacy:statement")).content.decode().split())

    assert "taak van algemeen belang" in page
    assert "Tot 12 maanden nadat uw cohort is afgerond." in page
    assert "Autoriteit Persoonsgegevens" in page


def test_accessibility_statement_is_public(client):
    page = client.get(reverse("privacy:accessibility")).content.decode()

    assert "WCAG 2.1 op niveau AA" in page
    assert "axe-core" in page
    assert "Wat nog niet goed is" in page


def test_retention_deadline_helper_matches_page(settings):
    from privacy.selectors import retention_deadline

    closed = timezone.now() - timedelta(days=10)
    assert retention_deadline(closed, 12) > closed
