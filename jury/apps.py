from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class JuryConfig(AppConfig):
    name = "jury"
    verbose_name = _("Jury")

    def ready(self) -> None:
        from awards import signals

        from .services import carry_over_jury_pool, set_up_jury

        # awards knows nothing of the jury; the jury adds its parts to an edition's creation
        # and clone, in the same transaction.
        signals.edition_created.connect(set_up_jury, dispatch_uid="jury.set_up_jury")
        signals.edition_cloned.connect(carry_over_jury_pool, dispatch_uid="jury.carry_over")

        # Jurors with evaluations to finish join the reminder audiences.
        from notifications.reminders import reminder_audiences

        from . import reminders

        reminder_audiences.connect(reminders.audiences, dispatch_uid="jury.audiences")
