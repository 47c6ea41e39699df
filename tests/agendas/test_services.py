from __future__ import annotations

from datetime import time, timedelta

import pytest
from django.core.exceptions import ValidationError

from agendas import services
from agendas.enums import ItemStatus, VisitMode, Week
from agendas.models import AgendaItem, Visit
from agendas.selectors import visit_warnings
from matching.models import Preference
from notifications.models import OutboxMessage
from tests.agendas.conftest import make_exchange
from tests.factories import ParticipantFactory

pytestmark = pytest.mark.django_db


def _item(visit, actor, **extra):
    values = {"day": visit.exchange.cohort.week_a_start, "start": time(9), "end": time(10),
              "title": "Teamoverleg"} | extra
    return services.agenda_item_create(visit=visit, actor=actor, **values)


def test_visits_ensure_pair_is_idempotent(exchange, host, guest):
    first = services.visits_ensure(exchange=exchange)
    again = services.visits_ensure(exchange=exchange)
    assert [v.pk for v in first] == [v.pk for v in again]
    assert Visit.objects.filter(exchange=exchange).count() == 2
    assert (first[0].host, first[0].guest, first[0].week) == (host, guest, Week.A)
    assert (first[1].host, first[1].guest, first[1].week) == (guest, host, Week.B)


def test_visits_ensure_triad_has_three_legs(cohort):
    people = [ParticipantFactory(cohort=cohort) for _ in range(3)]
    visits = services.visits_ensure(exchange=make_exchange(cohort, people))
    assert [(v.host, v.guest) for v in visits] == [
        (people[0], people[1]), (people[1], people[2]), (people[2], people[0])]


def test_visit_update_rejects_day_outside_week(visit_a, host):
    with pytest.raises(ValidationError) as error:
        services.visit_update(visit=visit_a, actor=host.user,
                              days=[visit_a.exchange.cohort.week_b_start],
                              mode=VisitMode.ON_SITE)
    assert "stageweek" in str(error.value.message_dict["days"])


def test_visit_update_rejects_too_many_days(visit_a, host):
    with pytest.raises(ValidationError):
        services.visit_update(visit=visit_a, actor=host.user,
                              days=visit_a.exchange.cohort.week_a_days[:3],
                              mode=VisitMode.ON_SITE)


def test_visit_update_fewer_days_warns(visit_a, host):
    services.visit_update(visit=visit_a, actor=host.user,
                          days=[visit_a.exchange.cohort.week_a_start], mode=VisitMode.ON_SITE)
    warnings = visit_warnings(visit=visit_a, items=[])
    assert "U hebt 1 van de 2 dagen gekozen." in warnings


def test_item_create_proposed(visit_a, host):
    item = _item(visit_a, host.user)
    assert item.status == ItemStatus.PROPOSED and item.proposed_by == host.user
    assert item.version == 1


def test_item_create_rejects_end_before_start(visit_a, host):
    with pytest.raises(ValidationError) as error:
        _item(visit_a, host.user, start=time(11), end=time(10))
    assert "eindtijd" in str(error.value.message_dict["end"])
    assert not AgendaItem.objects.exists()


def test_item_update_with_moved_version_raises_stale_edit(visit_a, host, guest):
    item = _item(visit_a, host.user)
    services.agenda_item_update(item=item, expected_version=1, actor=guest.user,
                                title="Teamoverleg sociaal domein")
    with pytest.raises(services.StaleEdit) as stale:
        services.agenda_item_update(item=item, expected_version=1, actor=host.user,
                                    title="Mijn versie")
    assert stale.value.current.title == "Teamoverleg sociaal domein"
    item.refresh_from_db()
    assert item.title == "Teamoverleg sociaal domein" and item.version == 2


def test_item_accept_by_other_partner(visit_a, host, guest):
    item = _item(visit_a, host.user)
    with pytest.raises(ValidationError):
        services.agenda_item_accept(item=item, actor=host.user)
    services.agenda_item_accept(item=item, actor=guest.user)
    item.refresh_from_db()
    assert item.status == ItemStatus.ACCEPTED


def test_agree_then_change_reopens_and_notifies(visit_a, host, guest):
    services.visit_update(visit=visit_a, actor=host.user,
                          days=visit_a.exchange.cohort.week_a_days[:2], mode=VisitMode.ON_SITE)
    item = _item(visit_a, host.user)
    services.visit_agree(visit=visit_a, participant=host)
    services.visit_agree(visit=visit_a, participant=guest)
    visit_a.refresh_from_db()
    assert visit_a.agreed
    OutboxMessage.objects.all().delete()

    services.agenda_item_comment(item=item, actor=host.user, comment="Graag om 9 uur")
    visit_a.refresh_from_db()
    assert not visit_a.agreed_by_host_at and not visit_a.agreed_by_guest_at
    message = OutboxMessage.objects.get()
    assert message.kind == "agenda_digest" and message.recipient == guest.user
    assert visit_a.changes.last().summary.endswith("het akkoord is vervallen")


def test_agree_accepts_the_other_partners_proposals_only(visit_a, host, guest):
    services.visit_update(visit=visit_a, actor=host.user,
                          days=visit_a.exchange.cohort.week_a_days[:2], mode=VisitMode.ON_SITE)
    by_host = _item(visit_a, host.user, title="Teamoverleg")
    by_guest = _item(visit_a, guest.user, title="Vragen over inkoop", start=time(13),
                     end=time(14))
    services.visit_agree(visit=visit_a, participant=guest)
    by_host.refresh_from_db()
    by_guest.refresh_from_db()
    assert by_host.status == ItemStatus.ACCEPTED and by_host.version == 2
    assert by_guest.status == ItemStatus.PROPOSED
    visit_a.refresh_from_db()
    assert visit_a.agreed_by_guest_at and not visit_a.agreed_by_host_at


def test_agree_by_outsider_refused(visit_a, other_participant, host):
    services.visit_update(visit=visit_a, actor=host.user,
                          days=[visit_a.exchange.cohort.week_a_start], mode=VisitMode.ON_SITE)
    with pytest.raises(ValidationError):
        services.visit_agree(visit=visit_a, participant=other_participant)


def test_cancel_raises_sequence(visit_a, host):
    item = _item(visit_a, host.user)
    services.agenda_item_cancel(item=item, actor=host.user)
    item.refresh_from_db()
    assert item.cancelled and item.sequence == 1


def test_suggestion_adds_proposed_item(visit_a, guest):
    item = services.agenda_item_suggest(visit=visit_a, actor=guest.user, key="keukentafel")
    assert item.title == "Keukentafelgesprek (met toestemming)"
    assert item.involves_clients and item.status == ItemStatus.PROPOSED


def test_digest_batches_many_edits_into_one_message(visit_a, host, guest, settings):
    settings.SITE_URL = "https://wisselstage.example"
    item = _item(visit_a, host.user)
    for n in range(4):
        item = services.agenda_item_update(item=item, expected_version=item.version,
                                           actor=host.user, title=f"Versie {n}")
    messages = OutboxMessage.objects.filter(kind="agenda_digest")
    assert messages.count() == 1
    message = messages.get()
    assert message.recipient == guest.user
    assert message.due_at - message.created_at >= timedelta(minutes=14)

    from notifications import kinds

    context = kinds.get("agenda_digest").get_context(message)
    summaries = [c.summary for c in context["changes"]]
    assert len(summaries) == 5 and "Versie 3" in summaries[-1]


def test_digest_cancelled_when_only_own_changes(visit_a, host, guest):
    from notifications import kinds

    _item(visit_a, guest.user)  # plans a digest to host
    message = OutboxMessage.objects.get(recipient=host.user)
    visit_a.changes.all().delete()
    assert kinds.get("agenda_digest").get_context(message) is None


def test_warnings_overlap_outside_unavailable_and_empty(visit_a, host, guest):
    cohort = visit_a.exchange.cohort
    monday, tuesday = cohort.week_a_days[:2]
    Preference.objects.create(participant=guest, days_a=["ma"])
    services.visit_update(visit=visit_a, actor=host.user, days=[monday, tuesday],
                          mode=VisitMode.ON_SITE)
    assert any("niet te kunnen" in w for w in visit_warnings(visit=visit_a, items=[]))
    assert any("geen agenda" in w for w in visit_warnings(
        visit=visit_a, items=[], today=monday - timedelta(days=3)))
    a = _item(visit_a, host.user, start=time(9), end=time(11))
    b = _item(visit_a, host.user, start=time(10), end=time(12), title="Meelopen")
    c = _item(visit_a, host.user, day=cohort.week_a_days[3], title="Donderdag")
    warnings = visit_warnings(visit=visit_a, items=[a, b, c])
    assert any("overlappen" in w for w in warnings)
    assert any("Donderdag" in w and "geen gekozen dag" in w for w in warnings)


def test_nudge_plans_one_message_per_member_per_day(exchange, coordinator):
    assert services.exchange_nudge(exchange=exchange, actor=coordinator) == 2
    assert services.exchange_nudge(exchange=exchange, actor=coordinator) == 0
    assert OutboxMessage.objects.filter(kind="agenda_nudge").count() == 2
