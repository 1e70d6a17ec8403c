from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class JuryConfig(AppConfig):
    name = "jury"
    verbose_name = _("Jury")

    def ready(self) -> None:
        from awards.services.editions import CLONE_STEPS

        from .services import carry_over_jury_pool

        # awards knows nothing of the jury; the jury adds its own step to an edition's clone.
        if carry_over_jury_pool not in CLONE_STEPS:
            CLONE_STEPS.append(carry_over_jury_pool)

        # Jurors with evaluations to finish join the reminder audiences.
        from .reminders import register

        register()
