from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AwardsConfig(AppConfig):
    name = "awards"
    verbose_name = _("Awards")

    def ready(self) -> None:
        # Who the programme reminds, and when (notifications evaluates them).
        from .reminders import register

        register()
