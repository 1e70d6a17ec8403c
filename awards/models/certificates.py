"""Certificates of the programme: what was issued to whom, the file as issued, and how anyone
checks it later (the code printed on it, the file's sha256, the seal in the PDF)."""

import secrets

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from core.limits import NOTE_MAX_CHARS, text_field

from ..workflow import ANNOUNCED_PHASES
from .editions import Edition
from .entries import Entry

# Crockford's base32: no I, L, O or U, so a code read off paper is typed back right.
CODE_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
CODE_GROUPS, CODE_GROUP_LENGTH = 3, 4  # 12 characters, 60 bits: "7KQM-3XPA-9TDR"
# What a person may type for a character of the alphabet.
CODE_READS_AS = str.maketrans({"O": "0", "I": "1", "L": "1"})


def new_code() -> str:
    characters = "".join(
        secrets.choice(CODE_ALPHABET) for _ in range(CODE_GROUPS * CODE_GROUP_LENGTH)
    )
    return "-".join(
        characters[start : start + CODE_GROUP_LENGTH]
        for start in range(0, len(characters), CODE_GROUP_LENGTH)
    )


def normalise_code(typed: str) -> str | None:
    """The code a person typed, as stored ("7kqm 3xpa 9tdr" -> "7KQM-3XPA-9TDR"); None when it
    cannot be one."""
    characters = "".join(c for c in typed.upper() if c.isalnum()).translate(CODE_READS_AS)
    if len(characters) != CODE_GROUPS * CODE_GROUP_LENGTH or any(
        c not in CODE_ALPHABET for c in characters
    ):
        return None
    return "-".join(
        characters[start : start + CODE_GROUP_LENGTH]
        for start in range(0, len(characters), CODE_GROUP_LENGTH)
    )


def signature_path(signatory: "Signatory", filename: str) -> str:
    return f"signatures/{signatory.edition_id}/{secrets.token_hex(8)}.img"


def certificate_path(certificate: "Certificate", filename: str) -> str:
    return f"certificates/{certificate.edition_id}/{certificate.code}-{secrets.token_hex(4)}.pdf"


class Signatory(models.Model):
    """Who signs the edition's certificates, in the order they sign."""

    edition = models.ForeignKey(Edition, on_delete=models.CASCADE, related_name="signatories")
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    name = models.CharField(_("name"), max_length=200)
    role = models.CharField(_("role"), max_length=200)
    # A PNG or JPEG checked by awards.uploads, stored under a name of ours.
    signature = models.FileField(
        _("signature image"), upload_to=signature_path, max_length=300, blank=True
    )

    class Meta:
        verbose_name = _("signatory")
        verbose_name_plural = _("signatories")
        ordering = ["edition", "position", "pk"]

    def __str__(self) -> str:
        return f"{self.name}, {self.role}"


class CertificateQuerySet(models.QuerySet):
    def issued(self) -> "CertificateQuerySet":
        """Those whose file is made (revoked ones included)."""
        return self.exclude(sha256="")

    def announced(self) -> "CertificateQuerySet":
        """Those of editions whose results are public: nobody else's may be seen."""
        return self.filter(edition__phase__in=ANNOUNCED_PHASES)


class Certificate(models.Model):
    """One certificate: a prize, a finalist's place, a special prize or the thanks of a juror.

    What it says is kept as it was when issued (prize name, citation, the names and countries of
    the lead applicant and every partner), so the file can be issued again alike. `pdf` is the
    sealed file; until it is made the certificate is pending."""

    class Kind(models.TextChoices):
        PRIZE = "prize", _("Prize")
        FINALIST = "finalist", _("Finalist")
        SPECIAL_PRIZE = "special_prize", _("Special prize")
        JURY_THANKS = "jury_thanks", _("Thanks to a jury member")

    edition = models.ForeignKey(Edition, on_delete=models.PROTECT, related_name="certificates")
    entry = models.ForeignKey(
        Entry, on_delete=models.PROTECT, null=True, blank=True, related_name="certificates"
    )
    # The juror thanked; entries' certificates name organisations, not accounts.
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="certificates",
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    # What asked for it, once per edition ("prize:12", "juror:4"): asking again is a no-op.
    source = models.CharField(_("source"), max_length=60)
    prize_name = models.CharField(_("prize"), max_length=200)
    citation = text_field(_("citation"), max_length=NOTE_MAX_CHARS, blank=True)
    # [{"name": ..., "country": "FR" or "", "role": "lead" | "partner" | "juror" | "chair"}]
    recipients = models.JSONField(_("recipients"), default=list)
    language = models.CharField(_("language"), max_length=8)
    code = models.CharField(_("verification code"), max_length=20, unique=True, default=new_code)
    pdf = models.FileField(_("file"), upload_to=certificate_path, max_length=300, blank=True)
    sha256 = models.CharField(_("SHA-256 of the file"), max_length=64, blank=True)
    # The Open Badges 3.0 credential of a prize or finalist certificate, as a VC-JWT.
    credential = models.TextField(_("credential"), blank=True)
    requested_at = models.DateTimeField(_("requested"))
    issued_at = models.DateTimeField(_("issued"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    revoked_reason = text_field(_("reason for revoking"), max_length=NOTE_MAX_CHARS, blank=True)

    objects = CertificateQuerySet.as_manager()

    class Meta:
        verbose_name = _("certificate")
        verbose_name_plural = _("certificates")
        ordering = ["edition", "kind", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["edition", "source"], name="certificate_per_source"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.prize_name}"

    @property
    def is_issued(self) -> bool:
        return bool(self.sha256)

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None

    @property
    def lead(self) -> dict | None:
        return next((r for r in self.recipients if r.get("role") == "lead"), None)

    @property
    def partners(self) -> list[dict]:
        return [r for r in self.recipients if r.get("role") == "partner"]


class SupersededFile(models.Model):
    """A certificate's earlier file, replaced when the certificate was issued again after a
    correction: the code stays, this file's hash no longer verifies, and why is kept."""

    certificate = models.ForeignKey(
        Certificate, on_delete=models.CASCADE, related_name="superseded_files"
    )
    sha256 = models.CharField(_("SHA-256 of the file"), max_length=64, db_index=True)
    issued_at = models.DateTimeField(_("issued"))
    superseded_at = models.DateTimeField(_("replaced"))
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    reason = text_field(_("reason"), max_length=NOTE_MAX_CHARS)

    class Meta:
        verbose_name = _("replaced certificate file")
        verbose_name_plural = _("replaced certificate files")
        ordering = ["certificate", "superseded_at"]

    def __str__(self) -> str:
        return f"{self.certificate.code} {self.sha256[:12]}"
