from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AwardsConfig(AppConfig):
    name = "awards"
    verbose_name = _("Awards")

    def ready(self) -> None:
        # Who the programme reminds, and when (notifications evaluates them).
        from notifications.reminders import due_reminder_rules, reminder_audiences

        from . import reminders

        reminder_audiences.connect(reminders.audiences, dispatch_uid="awards.audiences")
        due_reminder_rules.connect(reminders.due_rules, dispatch_uid="awards.due_rules")
