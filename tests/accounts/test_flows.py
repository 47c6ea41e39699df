"""allauth flows as our users meet them: Dutch pages, mail through the outbox."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from notifications.models import OutboxMessage
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_login_with_password_redirects_to_unfinished_profile(client, participant):
    participant.profile_completed_at = None
    participant.save()
    response = client.post(reverse("account_login"),
                           {"login": participant.user.email, "password": PASSWORD})
    assert response["Location"] == reverse("cohorts:profile", args=[participant.cohort_id])


def test_login_wrong_password_explains_in_dutch(client, participant):
    response = client.post(reverse("account_login"),
                           {"login": participant.user.email, "password": "fout"})
    body = response.content.decode()
    assert "data-error-summary" in body
    assert "niet correct" in body or "onjuist" in body


def test_login_by_code_mail_goes_through_outbox_and_logs_in(client, mailoutbox):
    user = UserFactory(email="sanne@zorg.example")
    client.post(reverse("account_request_login_code"), {"email": user.email})
    message = OutboxMessage.objects.get(to_email=user.email)
    assert message.status == "sent"
    assert message.payload == {}, "one-time code must not stay in the database"
    body = mailoutbox[-1].body
    assert "Wisselstage" in body
    code = re.search(r"^\s*([A-Z0-9]{4}-[A-Z0-9]{4})\s*$", body, re.M).group(1)
    response = client.post(reverse("account_confirm_login_code"), {"code": code})
    assert response.status_code == 302
    assert client.get(reverse("home")).context["user"] == user


def test_password_reset_mail_sent(client, mailoutbox):
    user = UserFactory(email="joost@helmond.example")
    client.post(reverse("account_reset_password"), {"email": user.email})
    assert mailoutbox[-1].to == [user.email]
    assert "/accounts/password/reset/key/" in mailoutbox[-1].body


def test_admin_login_goes_through_allauth(client):
    response = client.get("/beheer/login/")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
