from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ShowcaseConfig(AppConfig):
    """The public site: published results, the gallery of best practices, open data."""

    name = "showcase"
    verbose_name = _("Public results and gallery")

    def ready(self) -> None:
        from awards import signals

        from . import freshness
        from .announcements import tell_results
        from .cache import forget_on_commit

        # Publishing the results tells every applicant and partner theirs, in the same
        # transaction (the mails leave once it commits, never before).
        signals.results_published.connect(tell_results, dispatch_uid="showcase.tell_results")
        # What the public pages kept is stale once the publication commits.
        signals.results_published.connect(forget_on_commit, dispatch_uid="showcase.cache")
        # Any other change to what the public pages show.
        freshness.connect()
