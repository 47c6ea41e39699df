from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReflectionsConfig(AppConfig):
    name = "reflections"
    verbose_name = _("Reflecties")

    def ready(self) -> None:
        from . import emails  # noqa: F401  registers the reflection_nudge message kind
