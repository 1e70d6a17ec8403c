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
    message = Message(kind=kind, to=to, context=context, key=key, caused_by=caused_by)
    notification = _row(message, first_attempt=timezone.now() + FIRST_SWEEP_AFTER)
    if not _queue(notification):
        return Notification.objects.get(key=key)
    return notification


def _queue(notification: Notification) -> bool:
    """Write the unsaved `notification` and hand it over after commit, unless a row with its
    key exists (False, nothing written)."""
    try:
        with transaction.atomic():
            notification.save(force_insert=True)
    except IntegrityError:
        return False
    _deliver_after_commit(notification.pk)
    return True


@dataclass(frozen=True)
class Message:
    """One message for `notify_many`: `notify`'s arguments."""

    kind: Kind
    to: Recipient
    context: dict
    key: str
    caused_by: str = ""


def notify_many(messages: list[Message]) -> int:
    """Queue many messages, each once, as `notify` would one by one, in a few statements: what
    a publication that tells every entrant does. Returns how many were new.

    Side effects, in order: refused (`UnstorableValue`, nothing written) when a context holds a
    value that could not be given back exactly; the outbox rows whose keys are not there yet
    written in the caller's transaction (a key given twice is queued once); after commit,
    their delivery handed to the workers. When a parallel transaction queues one of the keys
    meanwhile, the messages are queued one by one instead, so each is still queued once.
    """
    first_attempt = timezone.now() + FIRST_SWEEP_AFTER
    rows: dict[str, Notification] = {}
    for message in messages:
        rows.setdefault(message.key, _row(message, first_attempt=first_attempt))
    queued = _queued_keys(list(rows))
    new = [row for key, row in rows.items() if key not in queued]
    if not new:
        return 0
    try:
        with transaction.atomic():
            Notification.objects.bulk_create(new, batch_size=KEYS_PER_READ)
    except IntegrityError:
        # Someone queued one of these keys since they were looked up: each on its own, as
        # rows never written (the statement that failed took back any id it gave).
        for row in new:
            row.pk, row._state.adding = None, True
        return sum(_queue(row) for row in new)
    _deliver_after_commit(*(row.pk for row in new))
    return len(new)


def _row(message: Message, *, first_attempt: datetime.datetime) -> Notification:
    """The outbox row of `message`, unsaved (UnstorableValue for a context it cannot store)."""
    return Notification(
        kind=message.kind.value,
        key=message.key,
        recipient_email=message.to.email,
        recipient_name=message.to.name,
        language=message.to.language or settings.LANGUAGE_CODE,
        context=encode(message.context),
        caused_by=message.caused_by,
        next_attempt_at=first_attempt,
    )


def _queued_keys(keys: list[str]) -> set[str]:
    """Those of `keys` that the outbox holds already."""
    queued: set[str] = set()
    for start in range(0, len(keys), KEYS_PER_READ):
        chunk = keys[start : start + KEYS_PER_READ]
        queued.update(Notification.objects.filter(key__in=chunk).values_list("key", flat=True))
    return queued


# How many keys one statement looks up (SQLite takes at most 32,766 parameters).
KEYS_PER_READ = 500


# The messages queued by this thread and not yet handed to a worker: a transaction that
# queues many (a publication tells every entrant) hands them over together once it commits.
_waiting = threading.local()


def _deliver_after_commit(*notification_ids: int) -> None:
    """Hand the messages to the workers once the caller's transaction commits, in batches with
    the others it queued.

    Every message registers the hand-over, so that a savepoint rolled back with one message's
    callback does not strand the messages queued after it: the first callback to run hands
    over all that are waiting, the others find none. An id left by a rolled-back transaction
    goes with the next batch and is skipped there, its row never having been written.
    """
    if not hasattr(_waiting, "ids"):
        _waiting.ids = []
    _waiting.ids.extend(notification_ids)
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
