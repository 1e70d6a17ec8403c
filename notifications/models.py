from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Notification(models.Model):
    """One message in the outbox: written in the sender's transaction, delivered by a worker.

    The unique key makes sending idempotent: a second notify() with the same key, a retry or a
    second sweep never produces a second message.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting to be sent")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")

    kind = models.CharField(_("kind"), max_length=60)
    key = models.CharField(_("key"), max_length=200, unique=True)
    recipient_email = models.EmailField(_("recipient"))
    recipient_name = models.CharField(_("recipient's name"), max_length=200, blank=True)
    language = models.CharField(_("language"), max_length=8, default=settings.LANGUAGE_CODE)
    # Written by notifications.context.encode(): JSON, with times and decimals tagged.
    context = models.JSONField(_("context"), default=dict)
    # The person whose action sent the message, for mail that anyone can make the site send
    # (accounts.limits counts it per person); empty for the site's own messages.
    caused_by = models.EmailField(_("caused by"), blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    next_attempt_at = models.DateTimeField(_("next attempt"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["status", "next_attempt_at"], name="outbox_due"),
            # What the limits on mail count: by whom, and to whom, of a kind, lately.
            models.Index(fields=["kind", "caused_by", "created_at"], name="outbox_caused_by"),
            models.Index(fields=["kind", "recipient_email", "created_at"], name="outbox_recipient"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} → {self.recipient_email} ({self.status})"
