import datetime
import re

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template import loader
from django.utils import translation

from .kinds import Kind
from .models import Notification

ISO_DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?([+-]\d{2}:\d{2}|Z)$")


def revive(value):
    """The context as stored (JSON) back into values templates format: datetimes."""
    if isinstance(value, dict):
        return {key: revive(item) for key, item in value.items()}
    if isinstance(value, list):
        return [revive(item) for item in value]
    if isinstance(value, str) and ISO_DATETIME.match(value):
        return datetime.datetime.fromisoformat(value.replace("Z", "+00:00"))
    return value


def render(kind: str, context: dict, language: str) -> tuple[str, str, str]:
    """(subject, text, html) of a message, in `language`."""
    template = Kind(kind).template
    full_context = {"site_url": settings.SITE_URL, **revive(context)}
    with translation.override(language):
        subject = "".join(
            loader.render_to_string(f"{template}_subject.txt", full_context).splitlines()
        )
        text = loader.render_to_string(f"{template}.txt", full_context)
        html = loader.render_to_string(f"{template}.html", full_context)
    return subject, text, html


def build_message(notification: Notification) -> EmailMultiAlternatives:
    subject, text, html = render(notification.kind, notification.context, notification.language)
    message = EmailMultiAlternatives(
        subject, text, settings.DEFAULT_FROM_EMAIL, [notification.recipient_email]
    )
    message.attach_alternative(html, "text/html")
    message.extra_headers["X-Notification-Key"] = notification.key[:200]
    return message
