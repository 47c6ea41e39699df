"""Project-level behaviour: settings that refuse unsafe production starts, health, demo."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command
from django.urls import reverse

REPO = Path(__file__).resolve().parents[1]


PRODUCTION = {"DEBUG": "false", "SECRET_KEY": "k" * 30 + "Z9!x" * 8,
              "ALLOWED_HOSTS": "wisselstage.example.nl",
              "SITE_URL": "https://wisselstage.example.nl", "REDIS_URL": "redis://redis:6379/0"}
SET_BY_TESTS = {"DEBUG", "SECRET_KEY", "ALLOWED_HOSTS", "WISSELSTAGE_TESTING", "SITE_URL",
                "REDIS_URL", "DJANGO_ALLOW_ASYNC_UNSAFE"}


def _django_check(*args, **env) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if k not in SET_BY_TESTS}
    return subprocess.run([sys.executable, "manage.py", "check", *args], cwd=REPO,
                          env={**clean, **env}, capture_output=True, text=True, timeout=60)


@pytest.mark.parametrize("missing", ["SECRET_KEY", "ALLOWED_HOSTS", "SITE_URL", "REDIS_URL"])
def test_settings_production_without_required_value_refuses_to_start(missing):
    env = {k: v for k, v in PRODUCTION.items() if k != missing}
    result = _django_check(**env)
    assert result.returncode != 0
    assert f"{missing} must be set" in result.stderr


def test_settings_production_with_placeholder_key_refuses_to_start():
    result = _django_check(**{**PRODUCTION, "SECRET_KEY": "django-insecure-" + "x" * 40})
    assert result.returncode != 0
    assert "placeholder" in result.stderr


def test_settings_production_plain_http_site_url_refused():
    result = _django_check(**{**PRODUCTION, "SITE_URL": "http://wisselstage.example.nl"})
    assert result.returncode != 0
    assert "https://" in result.stderr


def test_settings_production_deploy_check_clean():
    result = _django_check("--deploy", "--fail-level", "WARNING", **PRODUCTION)
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.django_db
def test_healthz_reports_database(client):
    response = client.get(reverse("healthz"))
    assert response.status_code == 200
    assert response.json()["database"] == "ok"


@pytest.mark.django_db
def test_seed_demo_builds_cohort_of_28_with_logins(capsys):
    from allauth.account.models import EmailAddress

    from cohorts.demo import COORDINATOR_EMAIL, demo_participant_email
    from cohorts.models import Cohort

    call_command("seed_demo", "--stage", "aanmelding")
    cohort = Cohort.objects.get()
    assert cohort.stage == "aanmelding"
    assert cohort.participants.count() == 28
    assert cohort.coordinators.get().email == COORDINATOR_EMAIL
    assert EmailAddress.objects.get(email=demo_participant_email(0)).verified
    assert cohort.meetings.count() == 3
    call_command("seed_demo", "--if-empty")
    assert Cohort.objects.count() == 1
    call_command("seed_demo", "--print-logins")
    out = capsys.readouterr().out
    assert COORDINATOR_EMAIL in out and "wisselstage-demo" in out


@pytest.mark.django_db
def test_pages_are_dutch_by_default(client):
    body = client.get(reverse("account_login")).content.decode()
    assert '<html lang="nl">' in body
    assert "Naar de inhoud" in body


@pytest.mark.django_db
def test_seed_demo_at_planning_has_published_pairs_and_withholds_mail(mailoutbox):
    from cohorts.demo import demo_participant_email
    from cohorts.models import Cohort
    from matching.selectors import exchange_for
    from notifications.models import OutboxMessage

    call_command("seed_demo", "--stage", "planning")
    cohort = Cohort.objects.get()
    first = cohort.participants.get(user__email=demo_participant_email(0))
    members = {m.participant.user.email for m in exchange_for(first).members.all()}
    assert members == {demo_participant_email(0), demo_participant_email(1)}
    assert cohort.exchanges.filter(visits__agreed_by_guest_at__isnull=False).exists()
    assert not mailoutbox
    assert OutboxMessage.objects.filter(kind="meeting_reminder", status="pending").exists()


@pytest.mark.django_db
def test_english_is_selectable_and_translated(client, participant):
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    client.force_login(participant.user)
    body = client.get(reverse("cohorts:detail", args=[participant.cohort_id])).content.decode()
    assert '<html lang="en">' in body
    assert "Skip to content" in body
    assert "Naar de inhoud" not in body
    assert "Mijn deelname" not in body


@pytest.mark.django_db
def test_seed_demo_visits_fall_on_days_the_guest_can_come():
    from agendas.models import Visit
    from agendas.selectors import guest_unavailable_days

    call_command("seed_demo", "--stage", "planning")
    planned = [visit for visit in Visit.objects.select_related("exchange__cohort", "guest")
               if visit.days]
    assert planned
    for visit in planned:
        assert not set(visit.day_dates) & guest_unavailable_days(visit), visit


@pytest.mark.django_db
def test_dutch_even_when_the_browser_asks_for_english(client):
    body = client.get(reverse("account_login"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    text = body.content.decode()
    assert '<html lang="nl">' in text
    assert "English" in text  # each language in its own name
    assert "Engels" not in text


@pytest.mark.django_db
def test_admin_index_has_no_english_table_headers(client, admin_user):
    # Django 5.2's screen-reader headers are not in its own nl catalog; locale/nl has them.
    client.force_login(admin_user)
    page = client.get(reverse("admin:index")).content.decode()
    assert "Model name" not in page and "Add link" not in page
    assert "Onderdeel" in page
