"""What a sent email looks like: language, time zone, From header, pre-rendered payloads."""

import pytest
from django.core.management import call_command

from notifications.enums import OutboxStatus
from notifications.models import OutboxMessage
from notifications.services import outbox_dispatch_due, outbox_plan

from .conftest import note_kwargs

pytestmark = pytest.mark.django_db


def test_send_renders_dutch_in_amsterdam_time(alice, mailoutbox):
    outbox_plan(**note_kwargs(alice))  # starts_at 13:30 UTC on 2 March 2026

    outbox_dispatch_due()

    email = mailoutbox[0]
    assert "Hallo Alice," in email.body
    assert "maandag 2 maart 2026 om 14:30" in email.body
    assert "Deze e-mail is verstuurd door Wisselstage." in email.body
    html, mimetype = email.alternatives[0]
    assert mimetype == "text/html"
    assert '<html lang="nl">' in html
    assert "maandag 2 maart 2026 om 14:30" in html
    assert email.from_email == "Wisselstage <noreply@wisselstage.localhost>"
    assert email.extra_headers["Auto-Submitted"] == "auto-generated"


def test_send_renders_in_recipients_language(make_user, mailoutbox):
    user = make_user("jo@example.nl", language="en")
    outbox_plan(**note_kwargs(user))

    outbox_dispatch_due()

    assert "Monday 2 March 2026" in mailoutbox[0].body or \
        "Monday 2 March 2026" in mailoutbox[0].alternatives[0][0]
    assert '<html lang="en">' in mailoutbox[0].alternatives[0][0]


def test_send_text_part_is_not_html_escaped(alice, mailoutbox):
    outbox_plan(**note_kwargs(alice, context={"title": "Zorg & Welzijn <live>",
                                              "starts_at": "2026-03-02T13:30:00+00:00"}))

    outbox_dispatch_due()

    email = mailoutbox[0]
    assert email.subject == "Herinnering: Zorg & Welzijn <live>"
    assert "Zorg & Welzijn <live> begint" in email.body
    assert "Zorg &amp; Welzijn &lt;live&gt;" in email.alternatives[0][0]


def test_send_uses_cohort_sender_name(alice, make_cohort, mailoutbox):
    cohort = make_cohort(sender_name="Wisselstage Brabant")
    outbox_plan(**note_kwargs(alice, cohort=cohort))

    outbox_dispatch_due()

    assert mailoutbox[0].from_email == (
        "Wisselstage Brabant via Wisselstage <noreply@wisselstage.localhost>")


def test_send_quotes_sender_name_with_special_characters(alice, make_cohort, mailoutbox):
    cohort = make_cohort(sender_name="Regio Noord, Oost")
    outbox_plan(**note_kwargs(alice, cohort=cohort))

    outbox_dispatch_due()

    assert mailoutbox[0].message()["From"] == (
        '"Regio Noord, Oost via Wisselstage" <noreply@wisselstage.localhost>')


def test_send_resolves_address_at_send_time(alice, mailoutbox):
    outbox_plan(**note_kwargs(alice))
    alice.email = "alice.nieuw@gemeente.example.nl"
    alice.save()

    outbox_dispatch_due()

    assert mailoutbox[0].to == ["alice.nieuw@gemeente.example.nl"]


def test_send_prerendered_payload_is_cleared_after_sending(mailoutbox):
    message = outbox_plan(
        kind="prerendered", dedupe_key="account:login-code:1", to_email="nieuw@example.nl",
        payload={"subject": "[Wisselstage] Uw inlogcode", "text": "Uw code is 123456.",
                 "html": "<p>Uw code is <b>123456</b>.</p>"},
    )

    outbox_dispatch_due()

    email = mailoutbox[0]
    assert email.to == ["nieuw@example.nl"]
    assert email.subject == "[Wisselstage] Uw inlogcode"
    assert email.body == "Uw code is 123456."
    assert email.alternatives[0][0] == "<p>Uw code is <b>123456</b>.</p>"
    message.refresh_from_db()
    assert message.status == OutboxStatus.SENT
    assert message.payload == {}


def test_prerendered_without_payload_is_refused():
    with pytest.raises(ValueError):
        outbox_plan(kind="prerendered", dedupe_key="x", to_email="a@example.nl", payload={})


def test_outbox_loop_once_sends_due_messages(alice, mailoutbox, capsys):
    outbox_plan(**note_kwargs(alice))
    outbox_plan(**note_kwargs(alice))

    call_command("outbox_loop", "--once")

    assert len(mailoutbox) == 2
    assert OutboxMessage.objects.filter(status=OutboxStatus.SENT).count() == 2
    assert "2 verstuurd" in capsys.readouterr().out


def _login_code(key: str):
    return outbox_plan(
        kind="prerendered", dedupe_key=key, to_email="nieuw@example.nl",
        payload={"subject": "Uw inlogcode", "text": "Uw code is 123456."},
    )


def test_prerendered_payload_cleared_when_cancelled():
    from notifications.services import outbox_cancel

    message = _login_code("account:code:cancel")
    OutboxMessage.objects.filter(pk=message.pk).update(subject_type="x", subject_id=1)
    outbox_cancel(subject_type="x", subject_id=1)
    message.refresh_from_db()
    assert message.status == OutboxStatus.CANCELLED and message.payload == {}


def test_prerendered_payload_cleared_when_failed_permanently(settings, monkeypatch):
    import smtplib

    from tests.notifications.failing_mail import FailingBackend

    settings.EMAIL_BACKEND = "tests.notifications.failing_mail.FailingBackend"
    monkeypatch.setattr(FailingBackend, "error",
                        smtplib.SMTPRecipientsRefused({"nieuw@example.nl": (550, b"no")}))
    message = _login_code("account:code:fail")
    outbox_dispatch_due()
    message.refresh_from_db()
    assert message.status == OutboxStatus.FAILED and message.payload == {}


def test_prerendered_older_than_an_hour_not_sent(mailoutbox):
    from datetime import timedelta

    from django.utils import timezone

    message = _login_code("account:code:old")
    OutboxMessage.objects.filter(pk=message.pk).update(
        created_at=timezone.now() - timedelta(hours=2))
    outbox_dispatch_due()
    message.refresh_from_db()
    assert not mailoutbox
    assert message.status == OutboxStatus.CANCELLED and message.payload == {}
    assert "verlopen" in message.last_error


def test_send_to_inactive_account_cancelled(alice, mailoutbox):
    outbox_plan(kind="prerendered", dedupe_key="to-inactive", recipient=alice,
                payload={"subject": "Herinnering", "text": "Tot morgen."})
    alice.is_active = False
    alice.save()
    outbox_dispatch_due()
    assert not mailoutbox
    assert OutboxMessage.objects.get().status == OutboxStatus.CANCELLED
