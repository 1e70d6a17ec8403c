import datetime
import zoneinfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField


def validate_timezone(value: str) -> None:
    if value not in zoneinfo.available_timezones():
        raise ValidationError(_("%(value)s is not a known time zone."), params={"value": value})


class Edition(models.Model):
    """One call for entries of the programme, with its timeline (all instants are aware)."""

    year = models.PositiveSmallIntegerField(_("year"), unique=True)
    title = models.CharField(_("title"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    timezone = models.CharField(
        _("time zone"),
        max_length=64,
        default="Europe/Brussels",
        validators=[validate_timezone],
        help_text=_("Deadlines are enforced and shown in this time zone."),
    )
    call_opens = models.DateTimeField(_("call opens"))
    submission_deadline = models.DateTimeField(_("submission deadline"))
    clarification_deadline = models.DateTimeField(_("clarification deadline"))
    scoring_opens = models.DateTimeField(_("scoring opens"))
    scoring_deadline = models.DateTimeField(_("scoring deadline"))
    deliberation_at = models.DateTimeField(_("jury deliberation"))
    announcement_at = models.DateTimeField(_("announcement of results"))
    rules_text = models.TextField(_("rules"), blank=True)
    shortlist_size = models.PositiveSmallIntegerField(_("shortlist size"), default=8)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    # The order in which the programme's milestones must fall.
    TIMELINE = (
        "call_opens",
        "submission_deadline",
        "clarification_deadline",
        "scoring_opens",
        "scoring_deadline",
        "deliberation_at",
        "announcement_at",
    )

    class Meta:
        verbose_name = _("edition")
        verbose_name_plural = _("editions")
        ordering = ["-year"]

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        super().clean()
        errors = {}
        for earlier, later in zip(self.TIMELINE, self.TIMELINE[1:], strict=False):
            first, second = getattr(self, earlier), getattr(self, later)
            if first and second and second < first:
                errors[later] = _("This date must fall on or after “%(earlier)s”.") % {
                    "earlier": self.milestone_label(earlier)
                }
        if errors:
            raise ValidationError(errors)

    @property
    def tzinfo(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.timezone)

    @classmethod
    def milestone_label(cls, name: str) -> str:
        field = cls._meta.get_field(name)
        assert isinstance(field, models.DateTimeField)
        return str(field.verbose_name)

    def milestones(self) -> list[tuple[str, datetime.datetime]]:
        """(label, instant) for every milestone, in timeline order."""
        return [(self.milestone_label(name), getattr(self, name)) for name in self.TIMELINE]

    def next_milestone(
        self, now: datetime.datetime | None = None
    ) -> tuple[str, datetime.datetime] | None:
        now = now or timezone.now()
        return next(((label, at) for label, at in self.milestones() if at > now), None)


class Organisation(models.Model):
    """A local or regional government (or an association of them) that applies."""

    class Kind(models.TextChoices):
        MUNICIPALITY = "municipality", _("Municipality (town or city)")
        REGION = "region", _("Region or province")
        ASSOCIATION = "association", _("Association of local or regional governments")
        OTHER = "other", _("Other")

    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    country = CountryField(_("country"))
    website = models.URLField(_("website"), blank=True)
    members: models.ManyToManyField = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        through="OrganisationMembership",
        related_name="organisations",
        verbose_name=_("members"),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                "country",
                Lower("name"),
                name="organisation_unique_name_per_country",
                violation_error_message=_("An organisation with this name exists in this country."),
            )
        ]

    def __str__(self) -> str:
        return self.name


class OrganisationMembership(models.Model):
    """A person acting for an organisation; joining needs an existing member's approval."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="memberships"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="organisation_memberships"
    )
    is_approved = models.BooleanField(_("approved"), default=False)
    created_at = models.DateTimeField(_("requested"), auto_now_add=True)

    class Meta:
        verbose_name = _("organisation membership")
        verbose_name_plural = _("organisation memberships")
        constraints = [
            models.UniqueConstraint(fields=["organisation", "user"], name="membership_unique")
        ]

    def __str__(self) -> str:
        return f"{self.user} ({self.organisation})"
