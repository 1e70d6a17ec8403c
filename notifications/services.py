"""The one way the project sends a message: `notify()` writes it to the outbox.

This app imports none of the others: callers pass a Recipient and a context of primitive
values (text, numbers, booleans, None, aware datetimes, dates, Decimals, and dicts and lists of
them), stored as `notifications.context.encode()` writes them so that they come back exactly.
"""

import datetime
import threading
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
# How many messages one task sends, over one connection to the mail server.
DELIVERY_BATCH = 20


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
    _deliver_after_commit(notification.pk)
    return notification


# The messages queued by this thread and not yet handed to a worker: a transaction that
# queues many (a publication tells every entrant) hands them over together once it commits.
_waiting = threading.local()


def _deliver_after_commit(notification_id: int) -> None:
    """Hand the message to a worker once the caller's transaction commits, in a batch with
    the others it queued.

    Every message registers the hand-over, so that a savepoint rolled back with one message's
    callback does not strand the messages queued after it: the first callback to run hands
    over all that are waiting, the others find none. An id left by a rolled-back transaction
    goes with the next batch and is skipped there, its row never having been written.
    """
    if not hasattr(_waiting, "ids"):
        _waiting.ids = []
    _waiting.ids.append(notification_id)
    transaction.on_commit(_hand_over_waiting, robust=True)


def _hand_over_waiting() -> None:
    ids, _waiting.ids = _waiting.ids, []
    if ids:
        dispatch(*dict.fromkeys(ids))


def sent_recently(
    kind: Kind, *, within: datetime.timedelta, now: datetime.datetime | None = None, **lookups: Any
) -> int:
    """How many messages of `kind` matching `lookups` (Notification fields, e.g.
    `recipient_email=...`) were queued in the last `within`: what the limits on mail that anyone
    can trigger count. Callers lock the person's row first, so parallel requests count in turn."""
    since = (now or timezone.now()) - within
    return Notification.objects.filter(kind=kind.value, created_at__gte=since, **lookups).count()


def dispatch(*notification_ids: int) -> None:
    """Hand these messages to the workers, DELIVERY_BATCH to a task."""
    from .tasks import deliver_batch

    for start in range(0, len(notification_ids), DELIVERY_BATCH):
        deliver_batch.delay(notification_ids=notification_ids[start : start + DELIVERY_BATCH])


def resend(*, notification: Notification) -> Notification:
    """Give a failed message a fresh set of attempts (the secretariat's "resend")."""
    Notification.objects.filter(pk=notification.pk).exclude(status=Notification.Status.SENT).update(
        status=Notification.Status.PENDING,
        attempts=0,
        next_attempt_at=timezone.now() + FIRST_SWEEP_AFTER,
    )
    _deliver_after_commit(notification.pk)
    notification.refresh_from_db()
    return notification
