"""Login rate limits: a kick-off of 60 people behind one municipal NAT logs in; guessing one
account's password is stopped."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.urls import reverse

from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_limits():
    cache.clear()
    yield
    cache.clear()


def test_sixty_people_behind_one_address_can_log_in(client):
    users = [UserFactory(email=f"deelnemer{i}@gemeente.example") for i in range(60)]
    for user in users:
        client.logout()
        response = client.post(reverse("account_login"),
                               {"login": user.email, "password": PASSWORD},
                               REMOTE_ADDR="198.51.100.7")
        assert response.status_code == 302, f"{user.email} was refused"
        assert "/accounts/login/" not in response["Location"]


def test_guessing_one_accounts_password_is_stopped(client):
    user = UserFactory(email="doelwit@gemeente.example")
    statuses = []
    for attempt in range(7):
        response = client.post(reverse("account_login"),
                               {"login": user.email, "password": f"gok-{attempt}"},
                               REMOTE_ADDR="198.51.100.8")
        statuses.append(response.status_code)
    # allauth answers "too many attempts" once the per-account limit (5 per 5 minutes) is hit,
    # and then refuses even the right password from that address for a while.
    body = response.content.decode()
    assert "te vaak" in body or "Too many" in body or response.status_code == 429, statuses
    response = client.post(reverse("account_login"),
                           {"login": user.email, "password": PASSWORD},
                           REMOTE_ADDR="198.51.100.8")
    assert response.status_code != 302
