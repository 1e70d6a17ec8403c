from django.conf import settings
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.fields import CountryField


def name_key(name: str) -> str:
    """A government's name as conflicts of interest compare it: case folded, so that "ŁÓDŹ"
    and "Łódź" are one. Stored beside the name, so that the database finds the entries a
    juror may be involved in without reading every entry of the edition."""
    return name.casefold()


def with_keys(update_fields, keys: dict[str, str]):
    """The `update_fields` of a save, with the key of each field saved: keys never lag."""
    if update_fields is None:
        return None
    saved = set(update_fields)
    return saved | {key for field, key in keys.items() if field in saved}


class Organisation(models.Model):
    """A local or regional government (or an association of them) that applies."""

    class Kind(models.TextChoices):
        MUNICIPALITY = "municipality", _("Municipality (town or city)")
        REGION = "region", _("Region or province")
        ASSOCIATION = "association", _("Association of local or regional governments")
        OTHER = "other", _("Other")

    name = models.CharField(_("name"), max_length=200)
    # name_key(name), kept by save().
    name_key = models.CharField(max_length=600, editable=False, db_index=True, default="")
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

    def save(self, *args, **kwargs) -> None:
        self.name_key = name_key(self.name)
        kwargs["update_fields"] = with_keys(kwargs.get("update_fields"), {"name": "name_key"})
        super().save(*args, **kwargs)


class OrganisationMembership(models.Model):
    """A person acting for an organisation; joining needs an existing member's approval."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="memberships"
    )
    # Goes with the person: entries belong to the organisation, not to its members.
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


class FormerMembership(models.Model):
    """A person who acted for an organisation and no longer does. Kept because having acted
    for an applicant still makes a juror conflicted with its entries."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="former_memberships"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="former_memberships"
    )
    left_at = models.DateTimeField(_("left"), default=timezone.now)
    removed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        verbose_name = _("former membership")
        verbose_name_plural = _("former memberships")
        ordering = ["organisation", "-left_at"]

    def __str__(self) -> str:
        return f"{self.user} (formerly {self.organisation})"


class OrganisationInvitation(models.Model):
    """A member's invitation to a colleague, by email, to act for the organisation."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="invitations"
    )
    email = models.EmailField(_("email address"))
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(_("invited"), auto_now_add=True)
    accepted_at = models.DateTimeField(_("accepted"), null=True, blank=True)

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.email} ({self.organisation})"
