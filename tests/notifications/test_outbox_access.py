"""Who sees which outbox messages, and the admin list with its actions."""

import pytest

from notifications.enums import OutboxStatus
from notifications.selectors import outbox_visible_to
from notifications.services import outbox_plan

from .conftest import note_kwargs

pytestmark = pytest.mark.django_db


@pytest.fixture
def messages(cohort, make_cohort, alice):
    ours = outbox_plan(**note_kwargs(alice, key="ours", cohort=cohort))
    theirs = outbox_plan(**note_kwargs(alice, key="theirs", cohort=make_cohort()))
    return ours, theirs


def test_outbox_visible_to_coordinator_only_own_cohort(coordinator, messages):
    ours, _theirs = messages

    assert list(outbox_visible_to(coordinator)) == [ours]


def test_outbox_visible_to_admin_all(admin_user, messages):
    assert set(outbox_visible_to(admin_user)) == set(messages)


def test_outbox_visible_to_outsider_nothing(outsider, messages):
    assert not outbox_visible_to(outsider).exists()


def test_admin_outbox_list_shows_messages_and_holds(client, admin_user, alice):
    message = outbox_plan(**note_kwargs(alice, key="admin-test"))
    client.force_login(admin_user)

    page = client.get("/beheer/notifications/outboxmessage/?status=pending")
    assert "alice@gemeente.example.nl" in page.content.decode()
    assert "test_note" in page.content.decode()

    client.post("/beheer/notifications/outboxmessage/",
                {"action": "hold", "_selected_action": [message.pk]})
    message.refresh_from_db()
    assert message.status == OutboxStatus.HELD
    detail = client.get(f"/beheer/notifications/outboxmessage/{message.pk}/change/")
    assert "admin-test" in detail.content.decode()
