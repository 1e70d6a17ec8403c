from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template import loader
from django.utils import translation

from .context import decode
from .kinds import Kind
from .models import Notification


def render(kind: str, stored_context: dict, language: str) -> tuple[str, str, str]:
    """(subject, text, html) of a message, in `language`, from its context as the outbox
    stores it (`notifications.context.encode()`): the one place it is read back."""
    template = Kind(kind).template
    full_context = {"site_url": settings.SITE_URL, **decode(stored_context)}
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
