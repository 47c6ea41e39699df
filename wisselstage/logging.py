"""Structured logs without personal data. Standard library only.

* ``RedactEmails``: a logging filter that replaces anything that looks like an email address
  with ``[e-mail]``. It merges ``msg % args`` first and redacts the result (so an address
  inside an object's ``str()`` or a ``%s`` argument is caught, whatever the argument type),
  and also redacts the traceback text, ``stack_info`` and string ``extra`` fields. Put it on
  the *handlers* (filters on a logger do not see records propagated from child loggers).
* ``JSONFormatter``: one JSON object per line with ``time`` (UTC, ISO 8601, ms), ``level``,
  ``logger``, ``message``, ``request_id`` when available (an ``extra={"request_id": ...}``, or
  the ``X-Request-ID`` header of a Django ``request`` passed as extra, as django.request
  does), ``exception`` / ``stack`` when present, plus every other ``extra`` field. A Django
  ``request`` extra is written as method and path (no query string), not as its repr.

Settings (see the LOGGING dict there) select the JSON formatter with ``LOG_FORMAT=json``.
"""

from __future__ import annotations

import json
import logging
import re
from datetime import UTC, datetime

EMAIL_RE = re.compile(r"[\w.%+-]+(?:@|%40)[\w-]+(?:\.[\w-]+)+")
REDACTED = "[e-mail]"

# Attributes every LogRecord has; anything else on a record came in through ``extra``.
_RECORD_ATTRS = frozenset(vars(logging.LogRecord("", 0, "", 0, "", (), None))) | {
    "message", "asctime", "taskName",
}


def redact(text: str) -> str:
    return EMAIL_RE.sub(REDACTED, text)


def extra_fields(record: logging.LogRecord) -> dict:
    return {k: v for k, v in vars(record).items()
            if k not in _RECORD_ATTRS and not k.startswith("_")}


class RedactEmails(logging.Filter):
    """Replace email addresses in the message, its args, tracebacks and string extras."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # noqa: BLE001 - malformed args: let logging report it as usual
            message = None
        if message is not None:
            record.msg = redact(message)
            record.args = ()
        if record.exc_info and not record.exc_text:
            # Render the traceback now (Formatter.format reuses exc_text), so it is redacted too.
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        if record.stack_info:
            record.stack_info = redact(record.stack_info)
        for key, value in extra_fields(record).items():
            if isinstance(value, str):
                setattr(record, key, redact(value))
        return True


def _request_summary(request) -> dict:
    return {"method": getattr(request, "method", None), "path": getattr(request, "path", None)}


def _request_id(record: logging.LogRecord) -> str | None:
    request_id = getattr(record, "request_id", None)
    if request_id:
        return str(request_id)
    meta = getattr(getattr(record, "request", None), "META", None)
    if isinstance(meta, dict):
        return meta.get("HTTP_X_REQUEST_ID") or None
    return None


class JSONFormatter(logging.Formatter):
    """One JSON object per line; values json cannot encode are written as ``str(value)``."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        request_id = _request_id(record)
        if request_id:
            entry["request_id"] = request_id
        if record.exc_info and not record.exc_text:
            record.exc_text = self.formatException(record.exc_info)
        if record.exc_text:
            entry["exception"] = record.exc_text
        if record.stack_info:
            entry["stack"] = self.formatStack(record.stack_info)
        for key, value in extra_fields(record).items():
            if key == "request_id" or key in entry:
                continue
            if key == "request" and hasattr(value, "META"):
                value = _request_summary(value)
            entry[key] = value
        return json.dumps(entry, default=str, ensure_ascii=False)
