"""wisselstage.logging: JSON lines and email redaction, configured through dictConfig with the
project's own LOGGING dict."""

from __future__ import annotations

import copy
import io
import json
import logging
import logging.config

import pytest
from django.conf import settings

from wisselstage.logging import JSONFormatter, RedactEmails


def project_logging(log_format: str) -> dict:
    """The project's LOGGING dict (settings.py), with the formatter LOG_FORMAT would choose."""
    config = copy.deepcopy(settings.LOGGING)
    config["handlers"]["console"]["formatter"] = "json" if log_format == "json" else "plain"
    return config


@pytest.fixture
def configure():
    """dictConfig the proposed dict with the console handler writing to a buffer; restore
    the previous logging state afterwards."""
    root = logging.getLogger()
    saved = (root.level, root.handlers[:])
    named = {name: (lg.level, lg.handlers[:], lg.propagate, lg.disabled)
             for name in ("django", "django.server", "django.db.backends", "wisselstage.test")
             for lg in [logging.getLogger(name)]}

    def _configure(log_format: str) -> io.StringIO:
        config = project_logging(log_format)
        buffer = io.StringIO()
        config["handlers"]["console"]["stream"] = buffer
        logging.config.dictConfig(config)
        return buffer

    yield _configure
    root.handlers[:] = saved[1]
    root.setLevel(saved[0])
    for name, (level, handlers, propagate, disabled) in named.items():
        lg = logging.getLogger(name)
        lg.setLevel(level)
        lg.handlers[:] = handlers
        lg.propagate = propagate
        lg.disabled = disabled


def make_record(msg, args=(), **extra) -> logging.LogRecord:
    record = logging.LogRecord("wisselstage.test", logging.WARNING, __file__, 1, msg, args, None)
    for key, value in extra.items():
        setattr(record, key, value)
    return record


def test_email_in_args_is_redacted():
    record = make_record("Sending to %s failed: %s", ("jan.de-vries+test@gemeente.example.nl",
                                                      "550 <a.b@zorg.nl> unknown"))
    assert RedactEmails().filter(record) is True
    message = record.getMessage()
    assert message == "Sending to [e-mail] failed: 550 <[e-mail]> unknown"
    assert "@" not in message


def test_email_in_message_non_string_args_and_extras_is_redacted():
    class User:
        def __str__(self):
            return "Marieke <coordinator@demo.wisselstage.nl>"

    record = make_record("login by %s (%d tries), mail piet@example.org",
                         (User(), 3), to="x@y.nl", attempts=3)
    RedactEmails().filter(record)
    assert record.getMessage() == "login by Marieke <[e-mail]> (3 tries), mail [e-mail]"
    assert record.to == "[e-mail]"
    assert record.attempts == 3


def test_dict_args_and_url_encoded_address_are_redacted():
    record = make_record("%(who)s opened /?next=%(url)s",
                         {"who": "an@example.com", "url": "/x?email=an%40example.com"})
    RedactEmails().filter(record)
    assert record.getMessage() == "[e-mail] opened /?next=/x?email=[e-mail]"


def test_text_without_addresses_is_unchanged():
    record = make_record("Cohort %s anonymised: %d participants @ 10:00.", (7, 28))
    RedactEmails().filter(record)
    assert record.getMessage() == "Cohort 7 anonymised: 28 participants @ 10:00."


def test_json_output_parses_and_has_the_keys(configure):
    buffer = configure("json")
    logger = logging.getLogger("wisselstage.test")
    logger.warning("Outbox message %s to %s failed", 12, "p.jansen@example.nl",
                   extra={"request_id": "req-123", "message_id": 12, "cohort": {"pk": 3}})
    try:
        raise ValueError("bad address kees@example.org")
    except ValueError:
        logger.exception("Sending failed")
    lines = buffer.getvalue().splitlines()
    assert len(lines) == 2
    first, second = (json.loads(line) for line in lines)
    assert {"time", "level", "logger", "message", "request_id"} <= first.keys()
    assert first["level"] == "WARNING"
    assert first["logger"] == "wisselstage.test"
    assert first["message"] == "Outbox message 12 to [e-mail] failed"
    assert first["request_id"] == "req-123"
    assert first["message_id"] == 12
    assert first["cohort"] == {"pk": 3}
    assert first["time"].endswith("+00:00")
    assert second["level"] == "ERROR"
    assert "ValueError: bad address [e-mail]" in second["exception"]
    assert "request_id" not in second
    assert "@" not in buffer.getvalue()


def test_json_request_extra_gives_request_id_and_path_only(configure):
    class FakeRequest:
        method = "GET"
        path = "/cohorten/1/"
        META = {"HTTP_X_REQUEST_ID": "abc-1", "HTTP_COOKIE": "secret"}

    buffer = configure("json")
    logging.getLogger("django.request").error("Internal Server Error: %s", "/cohorten/1/",
                                              extra={"status_code": 500,
                                                     "request": FakeRequest()})
    entry = json.loads(buffer.getvalue())
    assert entry["request_id"] == "abc-1"
    assert entry["request"] == {"method": "GET", "path": "/cohorten/1/"}
    assert entry["status_code"] == 500
    assert "secret" not in buffer.getvalue()


def test_plain_format_is_redacted_too(configure):
    buffer = configure("plain")
    logging.getLogger("wisselstage.test").info("Account of %s deleted.", "a@b.nl")
    line = buffer.getvalue().strip()
    assert line.endswith("INFO wisselstage.test Account of [e-mail] deleted.")
    with pytest.raises(json.JSONDecodeError):
        json.loads(line)


def test_formatter_alone_writes_one_line_per_record():
    record = make_record("multi\nline %s", ("text",))
    line = JSONFormatter().format(record)
    assert "\n" not in line
    assert json.loads(line)["message"] == "multi\nline text"
