from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class JuryConfig(AppConfig):
    name = "jury"
    verbose_name = _("Jury")

    def ready(self) -> None:
        from awards import signals

        from .services import carry_over_jury_pool, set_up_jury
        from .services.conflicts import recheck_after_joining

        # awards knows nothing of the jury; the jury adds its parts to an edition's creation
        # and clone, in the same transaction.
        signals.edition_created.connect(set_up_jury, dispatch_uid="jury.set_up_jury")
        signals.edition_cloned.connect(carry_over_jury_pool, dispatch_uid="jury.carry_over")
        # A juror who starts acting for an involved organisation is conflicted at once.
        signals.member_joined.connect(recheck_after_joining, dispatch_uid="jury.recheck")
        # Publishing the results asks for the certificates of the prizes and of the jury.
        from .certificates import request_certificates

        signals.results_published.connect(request_certificates, dispatch_uid="jury.certificates")

        # Jurors with evaluations to finish join the reminder audiences; round two, whose
        # deadline is not one of the edition's milestones, is reminded on the jury's schedule.
        from notifications.reminders import due_reminder_rules, reminder_audiences

        from . import reminders

        reminder_audiences.connect(reminders.audiences, dispatch_uid="jury.audiences")
        due_reminder_rules.connect(reminders.due_rules, dispatch_uid="jury.due_rules")
