from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class JuryConfig(AppConfig):
    name = "jury"
    verbose_name = _("Jury")

    def ready(self) -> None:
        from awards.services.editions import CLONE_STEPS, CREATE_STEPS

        from .services import carry_over_jury_pool, set_up_jury

        # awards knows nothing of the jury; the jury adds its own steps to an edition's
        # creation and clone.
        if set_up_jury not in CREATE_STEPS:
            CREATE_STEPS.append(set_up_jury)
        if carry_over_jury_pool not in CLONE_STEPS:
            CLONE_STEPS.append(carry_over_jury_pool)

        # Jurors with evaluations to finish join the reminder audiences.
        from .reminders import register

        register()
