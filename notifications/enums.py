"""States of an outgoing message."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class OutboxStatus(models.TextChoices):
    PENDING = "pending", _("Gepland")
    HELD = "held", _("Aangehouden")
    SENDING = "sending", _("Wordt verstuurd")
    SENT = "sent", _("Verstuurd")
    FAILED = "failed", _("Mislukt")
    CANCELLED = "cancelled", _("Geannuleerd")

    @classmethod
    def open(cls) -> list[str]:
        """States in which a message may still go out."""
        return [cls.PENDING, cls.HELD]
