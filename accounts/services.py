"""Writes to accounts. Each function takes keyword arguments and no request."""

from django.conf import settings
from django.contrib.auth import password_validation
from django.db import transaction
from django.template import loader
from django.utils import translation

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
    # robust: a broker that is down must not turn the person's completed action into an error.
    transaction.on_commit(
        lambda: send_email.delay(subject=subject, body=body, to=to, html_body=html_body),
        robust=True,
    )


def email_in_language(
    *, to: str, language: str, template: str, context: dict, extra: dict | None = None
) -> None:
    """Render `<template>_subject.txt`, `.txt` and `.html` in `language` and queue the mail.

    Side effects: one email handed to the worker when the caller's transaction commits.
    """
    context = {"site_url": settings.SITE_URL, **context, **(extra or {})}
    if language not in dict(settings.LANGUAGES):
        language = settings.LANGUAGE_CODE
    with translation.override(language):
        subject = "".join(loader.render_to_string(f"{template}_subject.txt", context).splitlines())
        body = loader.render_to_string(f"{template}.txt", context)
        html_body = loader.render_to_string(f"{template}.html", context)
    queue_email(subject=subject, body=body, to=to, html_body=html_body)


def email_user(*, user: User, template: str, context: dict) -> None:
    email_in_language(
        to=user.email,
        language=user.preferred_language,
        template=template,
        context={"recipient": user, **context},
    )


def sign_up(*, email: str, full_name: str, preferred_language: str, password: str) -> User:
    """Create an account; the password was validated by the form."""
    password_validation.validate_password(password)
    return User.objects.create_user(
        email=email, full_name=full_name, preferred_language=preferred_language, password=password
    )
