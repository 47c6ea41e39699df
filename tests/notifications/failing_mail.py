"""An email backend standing in for an SMTP server that refuses: the only thing the outbox
tests fake is the network edge."""

from django.core.mail.backends.base import BaseEmailBackend


class FailingBackend(BaseEmailBackend):
    """Raises `FailingBackend.error` on every send; set it before sending."""

    error: BaseException | None = None

    def send_messages(self, email_messages):
        if FailingBackend.error is not None:
            raise FailingBackend.error
        return len(email_messages)


class SlowBackend(BaseEmailBackend):
    """An SMTP server that never answers in time: every send hangs for SLOW_MAIL_SECONDS
    (default 60), so a worker can be killed while it is sending."""

    def send_messages(self, email_messages):
        import os
        import time

        time.sleep(float(os.environ.get("SLOW_MAIL_SECONDS", "60")))
        return 0
