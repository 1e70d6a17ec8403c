"""Writes to accounts. Each function takes keyword arguments and no request."""

from django.conf import settings
from django.contrib.auth import password_validation

from notifications.kinds import Kind
from notifications.services import Recipient, notify

from .models import User


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


def recipient_of(user: User) -> Recipient:
    """Where and in which language a person receives messages."""
    return Recipient(email=user.email, name=user.full_name, language=user.preferred_language)


def person(user: User) -> dict:
    """What messages may say of a person (primitive values, for the outbox)."""
    return {
        "full_name": user.full_name,
        "short_name": user.get_short_name(),
        "email": user.email,
    }


def notify_user(kind: Kind, *, user: User, context: dict, key: str) -> None:
    """Queue a message for a person with an account, addressed by name, in their language."""
    notify(kind, to=recipient_of(user), context={"recipient": person(user), **context}, key=key)


def sign_up(*, email: str, full_name: str, preferred_language: str, password: str) -> User:
    """Create an account; the password was validated by the form."""
    password_validation.validate_password(password)
    return User.objects.create_user(
        email=email, full_name=full_name, preferred_language=preferred_language, password=password
    )
