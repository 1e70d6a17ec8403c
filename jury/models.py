from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from awards.models import Edition


class JuryMember(models.Model):
    """A person sitting on one edition's jury; one of them chairs it."""

    edition = models.ForeignKey(Edition, on_delete=models.CASCADE, related_name="jury_members")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="jury_memberships"
    )
    is_chair = models.BooleanField(_("chair"), default=False)
    country = CountryField(_("country"), blank=True)
    organisation = models.CharField(_("organisation"), max_length=200, blank=True)
    invited_at = models.DateTimeField(_("invited"), auto_now_add=True)
    accepted_at = models.DateTimeField(_("accepted"), null=True, blank=True)

    class Meta:
        verbose_name = _("jury member")
        verbose_name_plural = _("jury members")
        ordering = ["-is_chair", "user__full_name"]
        constraints = [
            models.UniqueConstraint(fields=["edition", "user"], name="jury_member_unique"),
            models.UniqueConstraint(
                fields=["edition"],
                condition=Q(is_chair=True),
                name="jury_one_chair_per_edition",
                violation_error_message=_("This edition's jury already has a chair."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} ({self.edition.year})"
