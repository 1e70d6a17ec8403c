"""Writes to accounts. Each function takes keyword arguments and no request."""

import datetime

from django.conf import settings
from django.contrib.auth import password_validation
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _lazy

from core.links import SignedLink
from core.locks import lock
from core.refusals import Refused
from notifications.kinds import Kind
from notifications.services import Message, Recipient, notify, sent_recently

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


def notify_user(
    kind: Kind, *, user: User, context: dict, key: str, caused_by: User | None = None
) -> None:
    """Queue a message for a person with an account, addressed by name, in their language."""
    message = message_to(user, kind, context=context, key=key, caused_by=caused_by)
    notify(
        message.kind,
        to=message.to,
        context=message.context,
        key=message.key,
        caused_by=message.caused_by,
    )


def message_to(
    user: User, kind: Kind, *, context: dict, key: str, caused_by: User | None = None
) -> Message:
    """The message `notify_user` queues, for `notifications.services.notify_many`."""
    return Message(
        kind=kind,
        to=recipient_of(user),
        context={"recipient": person(user), **context},
        key=key,
        caused_by=caused_by.email if caused_by else "",
    )


def sign_up(*, email: str, full_name: str, preferred_language: str, password: str) -> User:
    """Create an account; the password was validated by the form.

    Side effects: the account saved, its address not yet confirmed; a link to confirm it mailed.
    """
    password_validation.validate_password(password)
    user = User.objects.create_user(
        email=email, full_name=full_name, preferred_language=preferred_language, password=password
    )
    send_email_confirmation(user=user)
    return user


HOUR = datetime.timedelta(hours=1)
PASSWORD_RESETS_PER_HOUR = 3


def lock_person(user: User) -> None:
    """Lock the person's row until the transaction ends: their limited actions (mails they
    trigger) are counted one after the other, never side by side."""
    lock(User.objects.filter(pk=user.pk))


@transaction.atomic
def send_password_reset(*, user: User, uid: str, token: str) -> bool:
    """Mail `user` the link to choose a new password (uid and token from Django's reset form).

    Side effects: the person's row locked; one message, unless PASSWORD_RESETS_PER_HOUR links
    went to the address in the last hour: more would let anyone flood a mailbox. The page says
    the same either way, so this reveals nothing about the account. Returns whether it went.
    """
    lock_person(user)
    if sent_recently(Kind.PASSWORD_RESET, within=HOUR, recipient_email=user.email) >= (
        PASSWORD_RESETS_PER_HOUR
    ):
        return False
    notify_user(
        Kind.PASSWORD_RESET,
        user=user,
        context={"uid": uid, "token": token},
        key=f"password-reset:{user.pk}:{token}",
    )
    return True


class ConfirmationInvalid(Refused):
    """A confirmation link that cannot be used; the message says why."""


# Confirming one's email address: a signed link, valid a week, for this account and address.
CONFIRMATION_LINK = SignedLink(
    salt="accounts.confirm-email",
    max_age=datetime.timedelta(days=7),
    expired=_lazy("This link has expired. Sign in and ask for a new one from your dashboard."),
    invalid=_lazy("This link is not valid."),
    refusal=ConfirmationInvalid,
)
CONFIRMATIONS_PER_HOUR = 3


@transaction.atomic
def send_email_confirmation(*, user: User, now: datetime.datetime | None = None) -> bool:
    """Mail `user` a link that confirms their address.

    Side effects: the person's row locked; one message, unless the address is confirmed already
    or CONFIRMATIONS_PER_HOUR links went to it in the last hour (then nothing, and False is
    returned).
    """
    now = now or timezone.now()
    lock_person(user)
    if user.email_verified:
        return False
    if sent_recently(Kind.VERIFY_EMAIL, within=HOUR, now=now, recipient_email=user.email) >= (
        CONFIRMATIONS_PER_HOUR
    ):
        return False
    token = CONFIRMATION_LINK.make(u=user.pk, e=user.email)
    notify_user(
        Kind.VERIFY_EMAIL,
        user=user,
        context={"token": token},
        key=f"confirm-email:{user.pk}:{now.isoformat()}",
    )
    return True


def confirm_email(token: str) -> User:
    """The account whose address the link confirms, now confirmed (ConfirmationInvalid when the
    link is forged, expired, or for an address the account no longer has)."""
    data = CONFIRMATION_LINK.read(token)
    user = User.objects.filter(pk=data.get("u", 0), email=data.get("e", "")).first()
    if user is None:
        raise CONFIRMATION_LINK.refusal(CONFIRMATION_LINK.invalid)
    mark_email_verified(user)
    return user


def mark_email_verified(user: User, *, now: datetime.datetime | None = None) -> None:
    """The person showed they read mail sent to their address (a confirmation link, or an
    invitation sent to it)."""
    if user.email_verified_at is None:
        user.email_verified_at = now or timezone.now()
        user.save(update_fields=["email_verified_at"])
