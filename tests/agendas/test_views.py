from __future__ import annotations

from datetime import time

import pytest
from django.urls import reverse
from django.utils import timezone

from agendas import services
from agendas.enums import VisitMode
from agendas.models import AgendaItem
from tests.agendas.conftest import make_exchange
from tests.factories import ParticipantFactory

pytestmark = pytest.mark.django_db


def _planning(exchange):
    return reverse("agendas:planning", args=[exchange.pk])


def _make_item(visit, actor, title="Teamoverleg"):
    return services.agenda_item_create(visit=visit, actor=actor,
                                       day=visit.exchange.cohort.week_a_start,
                                       start=time(9), end=time(10), title=title)


def test_planning_shows_both_visits_to_partner(client, exchange, host, guest):
    client.force_login(guest.user)
    response = client.get(_planning(exchange))
    text = response.content.decode()
    assert "Gert Gast op bezoek bij Hanna Host" in text
    assert "Hanna Host op bezoek bij Gert Gast" in text
    assert exchange.visits.count() == 2


@pytest.mark.parametrize("persona,expected", [
    ("host", 200), ("coordinator", 200), ("admin_user", 200),
    ("other_participant", 404), ("other_coordinator", 404), ("outsider", 404),
])
def test_planning_permissions(client, request, exchange, persona, expected):
    user = request.getfixturevalue(persona)
    client.force_login(getattr(user, "user", user))
    response = client.get(_planning(exchange))
    assert response.status_code == expected
    if expected == 200:
        assert "Stageplanning" in response.content.decode()


def test_planning_anonymous_goes_to_login(client, exchange):
    response = client.get(_planning(exchange))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_unpublished_exchange_is_404(client, cohort, host):
    exchange = make_exchange(cohort, [host, ParticipantFactory(cohort=cohort)], published=False)
    client.force_login(host.user)
    assert client.get(_planning(exchange)).status_code == 404


def test_item_of_other_exchange_cannot_be_changed_by_id(client, cohort, visit_a, host,
                                                         other_participant):
    item = _make_item(visit_a, host.user)
    own_exchange = other_participant.exchange_memberships.get().exchange
    client.force_login(other_participant.user)
    for url in (reverse("agendas:item_edit", args=[own_exchange.pk, item.pk]),
                reverse("agendas:item_edit", args=[visit_a.exchange_id, item.pk])):
        response = client.post(url, {"day": item.day, "start": "09:00", "end": "10:00",
                                     "title": "Gekaapt", "kind": "anders", "version": 1})
        assert response.status_code == 404
    response = client.post(reverse("agendas:item_action",
                                   args=[own_exchange.pk, item.pk, "schrappen"]),
                           {"confirm": "1"})
    assert response.status_code == 404
    item.refresh_from_db()
    assert item.title == "Teamoverleg" and not item.cancelled


def test_item_create_bad_input_keeps_text(client, visit_a, host):
    client.force_login(host.user)
    prefix = f"v{visit_a.pk}-"
    response = client.post(
        reverse("agendas:item_create", args=[visit_a.exchange_id, visit_a.pk]),
        {prefix + "day": visit_a.exchange.cohort.week_b_start.isoformat(),
         prefix + "start": "11:00", prefix + "end": "10:00",
         prefix + "title": "Mijn getypte titel", prefix + "kind": "gesprek",
         prefix + "description": "x" * 2001})
    text = response.content.decode()
    assert response.status_code == 200
    assert "De eindtijd moet na de begintijd liggen." in text
    assert "Mijn getypte titel" in text
    assert "2000 tekens" in text or "2000 characters" in text
    assert not AgendaItem.objects.exists()


def test_item_create_day_outside_week_message(client, visit_a, host):
    client.force_login(host.user)
    prefix = f"v{visit_a.pk}-"
    response = client.post(
        reverse("agendas:item_create", args=[visit_a.exchange_id, visit_a.pk]),
        {prefix + "day": visit_a.exchange.cohort.week_b_start.isoformat(),
         prefix + "start": "09:00", prefix + "end": "10:00",
         prefix + "title": "Mijn getypte titel", prefix + "kind": "gesprek"})
    assert "Deze dag valt buiten de stageweek van dit bezoek." in response.content.decode()
    assert not AgendaItem.objects.exists()


def test_stale_edit_shows_message_current_text_and_keeps_typed(client, visit_a, host, guest):
    item = _make_item(visit_a, host.user)
    services.agenda_item_update(item=item, expected_version=1, actor=guest.user,
                                title="Versie van Gert")
    client.force_login(host.user)
    response = client.post(
        reverse("agendas:item_edit", args=[visit_a.exchange_id, item.pk]),
        {"day": item.day.isoformat(), "start": "09:00", "end": "10:00",
         "title": "Versie van Hanna", "kind": "overleg", "version": 1})
    text = response.content.decode()
    assert "Iemand anders heeft dit onderdeel intussen gewijzigd" in text
    assert "Versie van Gert" in text and 'value="Versie van Hanna"' in text
    assert 'name="version" value="2"' in text
    item.refresh_from_db()
    assert item.title == "Versie van Gert"


def test_visit_edit_saves_days(client, visit_a, host):
    client.force_login(host.user)
    days = visit_a.exchange.cohort.week_a_days[:2]
    response = client.post(
        reverse("agendas:visit_edit", args=[visit_a.exchange_id, visit_a.pk]),
        {"days": [d.isoformat() for d in days], "mode": VisitMode.ON_SITE,
         "address": "Stadhuisplein 1"})
    assert response.status_code == 302
    visit_a.refresh_from_db()
    assert visit_a.day_dates == days and visit_a.address == "Stadhuisplein 1"


def test_agree_button_records_agreement(client, visit_a, host):
    services.visit_update(visit=visit_a, actor=host.user,
                          days=[visit_a.exchange.cohort.week_a_start], mode=VisitMode.ON_SITE)
    client.force_login(host.user)
    client.post(reverse("agendas:agree", args=[visit_a.exchange_id, visit_a.pk]))
    visit_a.refresh_from_db()
    assert visit_a.agreed_by_host_at and not visit_a.agreed_by_guest_at


def test_coordinator_marks_held_participant_cannot(client, visit_a, coordinator, host):
    from agendas.models import Visit

    url = reverse("agendas:mark_held", args=[visit_a.exchange_id, visit_a.pk])
    client.force_login(host.user)
    assert client.post(url, {"held": "1"}).status_code == 404
    client.force_login(coordinator)
    page = client.post(url, {"held": "1"}, follow=True).content.decode()
    visit_a.refresh_from_db()
    assert not visit_a.held and "vanaf de eerste stagedag" in page
    # Once the first stage day has come, it can be marked.
    Visit.objects.filter(pk=visit_a.pk).update(days=[timezone.localdate().isoformat()])
    client.post(url, {"held": "1"})
    visit_a.refresh_from_db()
    assert visit_a.held


def test_print_page_lists_items(client, visit_a, host):
    services.visit_update(visit=visit_a, actor=host.user,
                          days=[visit_a.exchange.cohort.week_a_start], mode=VisitMode.ON_SITE)
    _make_item(visit_a, host.user, title="Kennismaken met het team")
    client.force_login(host.user)
    text = client.get(reverse("agendas:visit_print",
                              args=[visit_a.exchange_id, visit_a.pk])).content.decode()
    assert "Kennismaken met het team" in text and "agendas/print.css" in text


def test_board_permissions_and_content(client, cohort, exchange, coordinator, host,
                                       other_coordinator):
    url = reverse("agendas:board", args=[cohort.pk])
    for user in (host.user, other_coordinator):
        client.force_login(user)
        assert client.get(url).status_code == 404
    client.force_login(coordinator)
    text = client.get(url).content.decode()
    assert "Hanna Host – Gert Gast" in text and "nog niet begonnen" in text


def test_board_nudge_plans_messages(client, cohort, exchange, coordinator):
    from notifications.models import OutboxMessage

    client.force_login(coordinator)
    client.post(reverse("agendas:nudge", args=[cohort.pk, exchange.pk]))
    assert OutboxMessage.objects.filter(kind="agenda_nudge").count() == 2


def _board_world(cohort, size):
    for _ in range(size):
        people = [ParticipantFactory(cohort=cohort) for _ in range(2)]
        exchange = make_exchange(cohort, people)
        for visit in services.visits_ensure(exchange=exchange):
            visit.days = [cohort.week_a_start.isoformat()]
            visit.save()


@pytest.mark.parametrize("size", [3, 30])
def test_board_query_count(client, cohort, coordinator, size, django_assert_max_num_queries):
    _board_world(cohort, size)
    client.force_login(coordinator)
    url = reverse("agendas:board", args=[cohort.pk])
    with django_assert_max_num_queries(12):
        response = client.get(url)
    assert response.content.decode().count("data-exchange=") == size


def test_item_cancel_asks_first_and_names_the_partner(client, visit_a, host, guest):
    item = _make_item(visit_a, guest.user)
    visit_a.agreed_by_guest_at = timezone.now()
    visit_a.save()
    client.force_login(host.user)
    url = reverse("agendas:item_action", args=[visit_a.exchange_id, item.pk, "schrappen"])
    for response in (client.get(url), client.post(url)):
        page = response.content.decode()
        assert response.status_code == 200
        assert "‘Teamoverleg’ op" in page and "09:00–10:00, wordt geschrapt" in page
        assert ("Het akkoord op dit bezoek vervalt: u en Gert Gast moeten opnieuw akkoord "
                "geven.") in page
        assert "Gert Gast krijgt hiervan binnen een kwartier bericht" in page
        assert "Ja, schrappen" in page
    item.refresh_from_db()
    visit_a.refresh_from_db()
    assert not item.cancelled and visit_a.agreed_by_guest_at is not None

    client.post(url, {"confirm": "1"})
    item.refresh_from_db()
    visit_a.refresh_from_db()
    assert item.cancelled and visit_a.agreed_by_guest_at is None


def test_item_cancel_by_coordinator_names_both_partners(client, visit_a, host, coordinator):
    item = _make_item(visit_a, host.user)
    client.force_login(coordinator)
    url = reverse("agendas:item_action", args=[visit_a.exchange_id, item.pk, "schrappen"])
    page = client.get(url).content.decode()
    assert "krijgen hiervan binnen een kwartier bericht" in page
    assert "Hanna Host" in page and "Gert Gast" in page


def test_item_actions_other_than_cancel_stay_post_only(client, visit_a, host, guest):
    item = _make_item(visit_a, guest.user)
    client.force_login(host.user)
    url = reverse("agendas:item_action", args=[visit_a.exchange_id, item.pk, "accepteren"])
    assert client.get(url).status_code == 405
    client.post(url)
    item.refresh_from_db()
    assert item.status == "akkoord"


@pytest.mark.parametrize("persona", ["other_participant", "other_coordinator", "outsider"])
def test_item_cancel_confirmation_404_for_others(client, request, visit_a, host, persona):
    item = _make_item(visit_a, host.user)
    user = request.getfixturevalue(persona)
    client.force_login(getattr(user, "user", user))
    url = reverse("agendas:item_action", args=[visit_a.exchange_id, item.pk, "schrappen"])
    assert client.get(url).status_code == 404
    assert client.post(url, {"confirm": "1"}).status_code == 404
    item.refresh_from_db()
    assert not item.cancelled


def test_feed_settings_renew_asks_first(client, host):
    client.force_login(host.user)
    first = client.get(reverse("agendas:feed_settings")).context["feed_url"]
    # The link on the page, and an old form posting to the settings page.
    for response in (client.get(reverse("agendas:feed_renew")),
                     client.post(reverse("agendas:feed_settings"))):
        page = response.content.decode()
        assert "De huidige link werkt dan niet meer" in page
        assert "Ja, nieuwe link maken" in page
    assert client.get(reverse("agendas:feed_settings")).context["feed_url"] == first


def test_feed_settings_renews_token(client, host):
    client.force_login(host.user)
    first = client.get(reverse("agendas:feed_settings")).context["feed_url"]
    client.post(reverse("agendas:feed_renew"), {"confirm": "1"})
    second = client.get(reverse("agendas:feed_settings")).context["feed_url"]
    assert first != second
    client.logout()
    assert client.get(first).status_code == 404
    assert client.get(second).status_code == 200


def test_item_edit_form_carries_iso_date_and_version(client, visit_a, host):
    item = _make_item(visit_a, host.user)
    client.force_login(host.user)
    text = client.get(reverse("agendas:item_edit",
                              args=[visit_a.exchange_id, item.pk])).content.decode()
    assert f'value="{item.day.isoformat()}"' in text and 'value="09:00"' in text
    assert 'name="version" value="1"' in text


def test_planning_shows_warnings(client, visit_a, host):
    services.visit_update(visit=visit_a, actor=host.user,
                          days=[visit_a.exchange.cohort.week_a_start], mode=VisitMode.ON_SITE)
    client.force_login(host.user)
    text = client.get(_planning(visit_a.exchange)).content.decode()
    assert "U hebt 1 van de 2 dagen gekozen." in text
