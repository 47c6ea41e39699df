from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AgendasConfig(AppConfig):
    name = "agendas"
    verbose_name = _("Stage-agenda's")

    def ready(self) -> None:
        from . import emails  # noqa: F401  registers message kinds
