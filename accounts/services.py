"""Writes to accounts. Each function takes keyword arguments and no request."""

from django.conf import settings
from django.db import transaction

from .models import User
from .tasks import send_email


def update_profile(*, user: User, full_name: str, preferred_language: str) -> User:
    """Save a person's name and language; the language applies to pages and emails at once."""
    user.full_name = full_name
    user.preferred_language = preferred_language
    user.save(update_fields=["full_name", "preferred_language"])
    return user


def set_preferred_language(*, user: User, language: str) -> None:
    if language not in dict(settings.LANGUAGES):
        raise ValueError(f"Unknown language {language!r}")
    if user.preferred_language != language:
        user.preferred_language = language
        user.save(update_fields=["preferred_language"])


def queue_email(*, subject: str, body: str, to: str, html_body: str | None = None) -> None:
    """Hand a rendered email to the worker once the surrounding transaction has committed."""
    transaction.on_commit(
        lambda: send_email.delay(subject=subject, body=body, to=to, html_body=html_body)
    )
