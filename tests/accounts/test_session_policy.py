"""Two-factor for coordinators and admins; idle and absolute session timeouts."""

from __future__ import annotations

import time

import pytest
from django.urls import reverse

from accounts.middleware import SESSION_STARTED

pytestmark = pytest.mark.django_db


@pytest.fixture
def require_2fa(settings):
    settings.REQUIRE_TWO_FACTOR = True


def test_two_factor_required_for_coordinator(client, coordinator, cohort, require_2fa):
    client.force_login(coordinator)
    response = client.get(reverse("cohorts:detail", args=[cohort.pk]))
    assert response["Location"] == reverse("mfa_activate_totp")
    # The set-up page itself is reachable (after allauth's fresh-login check).
    setup = client.get(reverse("mfa_activate_totp"))
    assert setup.status_code == 302 and setup["Location"].startswith("/accounts/")


def test_two_factor_required_for_admin(client, admin_user, require_2fa):
    client.force_login(admin_user)
    assert client.get(reverse("home"))["Location"] == reverse("mfa_activate_totp")


def test_two_factor_optional_for_participant(client, participant, require_2fa):
    client.force_login(participant.user)
    response = client.get(reverse("cohorts:detail", args=[participant.cohort_id]))
    assert response.status_code == 200


def test_two_factor_done_lets_coordinator_in(client, coordinator, cohort, require_2fa):
    from allauth.mfa.models import Authenticator

    Authenticator.objects.create(user=coordinator, type=Authenticator.Type.TOTP,
                                 data={"secret": "JBSWY3DPEHPK3PXP"})
    client.force_login(coordinator)
    assert client.get(reverse("cohorts:detail", args=[cohort.pk])).status_code == 200


def test_session_absolute_timeout_logs_out(client, participant, settings):
    client.force_login(participant.user)
    session = client.session
    session[SESSION_STARTED] = int(time.time()) - settings.SESSION_ABSOLUTE_SECONDS - 1
    session.save()
    response = client.get(reverse("home"))
    assert response["Location"] == reverse("account_login")
    assert "_auth_user_id" not in client.session


def test_session_idle_timeout_setting():
    from django.conf import settings

    assert settings.SESSION_SAVE_EVERY_REQUEST
    assert settings.SESSION_COOKIE_AGE <= 60 * 60
