"""The one way the project sends a message: `notify()` writes it to the outbox.

This app imports none of the others: callers pass a Recipient and a context of primitive
values (text, numbers, booleans, None, aware datetimes, dates, Decimals, and dicts and lists of
them), stored as `notifications.context.encode()` writes them so that they come back exactly.
"""

import datetime
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from .context import encode
from .kinds import Kind
from .models import Notification

# How long a message may wait for its first delivery before the sweeper sends it again
# (the broker was down, the worker died), and the pauses between failed attempts.
FIRST_SWEEP_AFTER = datetime.timedelta(minutes=2)
RETRY_PAUSES = [
    datetime.timedelta(minutes=1),
    datetime.timedelta(minutes=5),
    datetime.timedelta(minutes=30),
    datetime.timedelta(hours=2),
    datetime.timedelta(hours=12),
]
MAX_ATTEMPTS = len(RETRY_PAUSES) + 1


@dataclass(frozen=True)
class Recipient:
    email: str
    name: str = ""
    language: str = ""


def notify(
    kind: Kind, *, to: Recipient, context: dict, key: str, caused_by: str = ""
) -> Notification:
    """Queue one message, once. `caused_by` is the address of the person whose action sends
    it, where the site limits how much mail a person may cause (accounts.limits).

    Side effects, in order: refused (`UnstorableValue`, nothing written) when the context holds
    a value that could not be given back exactly; an outbox row written in the caller's
    transaction (nothing when a row with this key exists: the message was queued before); after
    commit, its delivery handed to a worker (a broker that is down is no error: the sweeper
    sends it later).
    """
    stored = encode(context)
    try:
        with transaction.atomic():
            notification = Notification.objects.create(
                kind=kind.value,
                key=key,
                recipient_email=to.email,
                recipient_name=to.name,
                language=to.language or settings.LANGUAGE_CODE,
                context=stored,
                caused_by=caused_by,
                next_attempt_at=timezone.now() + FIRST_SWEEP_AFTER,
            )
    except IntegrityError:
        return Notification.objects.get(key=key)
    transaction.on_commit(lambda: dispatch(notification.pk), robust=True)
    return notification


def sent_recently(
    kind: Kind, *, within: datetime.timedelta, now: datetime.datetime | None = None, **lookups: Any
) -> int:
    """How many messages of `kind` matching `lookups` (Notification fields, e.g.
    `recipient_email=...`) were queued in the last `within`: what the limits on mail that anyone
    can trigger count. Callers lock the person's row first, so parallel requests count in turn."""
    since = (now or timezone.now()) - within
    return Notification.objects.filter(kind=kind.value, created_at__gte=since, **lookups).count()


def dispatch(notification_id: int) -> None:
    from .tasks import deliver

    deliver.delay(notification_id=notification_id)


def resend(*, notification: Notification) -> Notification:
    """Give a failed message a fresh set of attempts (the secretariat's "resend")."""
    Notification.objects.filter(pk=notification.pk).exclude(status=Notification.Status.SENT).update(
        status=Notification.Status.PENDING,
        attempts=0,
        next_attempt_at=timezone.now() + FIRST_SWEEP_AFTER,
    )
    transaction.on_commit(lambda: dispatch(notification.pk), robust=True)
    notification.refresh_from_db()
    return notification
