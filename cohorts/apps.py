from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CohortsConfig(AppConfig):
    name = "cohorts"
    verbose_name = _("Cohorten")

    def ready(self) -> None:
        from . import emails, receivers  # noqa: F401  registers message kinds and receivers
