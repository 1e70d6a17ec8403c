from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AwardsConfig(AppConfig):
    name = "awards"
    verbose_name = _("Awards")

    def ready(self) -> None:
        # Registers what follows each transition (receipts, partner requests).
        # Who the programme reminds, and when (notifications evaluates them).
        from .reminders import register
        from .services import entries, partners, screening  # noqa: F401

        register()
