"""Sending outbox rows: once, retried with pauses, every error kept on the row."""

import datetime
import logging
from collections.abc import Iterable
from smtplib import SMTPException

from django.core.mail import get_connection
from django.core.mail.backends.base import BaseEmailBackend
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from .models import Notification
from .rendering import build_message
from .services import FIRST_SWEEP_AFTER, MAX_ATTEMPTS, RETRY_PAUSES, dispatch

logger = logging.getLogger(__name__)


def send_one(notification_id: int) -> str:
    """Send one message unless it was sent already or another worker is sending it: "sent",
    "failed" or "skipped"."""
    return send_batch([notification_id])[notification_id]


def send_batch(notification_ids: Iterable[int]) -> dict[int, str]:
    """Send each of these messages that is pending and not being sent by another worker, over
    one connection to the mail server. Returns what happened to each: "sent", "failed" (the
    error kept on the row, to be tried again after its pause) or "skipped".

    The rows stay locked while the mail server is talked to and until the outcomes are written,
    so a second delivery of the same rows (a retry, the sweeper, a redelivered task) skips them.
    A worker killed before the outcomes are written leaves every row of the batch unsent, to be
    sent again: the messages the server had accepted by then go twice. Batches are kept small
    (services.DELIVERY_BATCH) so that a rare kill costs a few duplicates at most.
    """
    outcomes = dict.fromkeys(notification_ids, "skipped")
    with transaction.atomic():
        pending = list(
            Notification.objects.select_for_update(skip_locked=True)
            .filter(pk__in=outcomes, status=Notification.Status.PENDING)
            .order_by("pk")
        )
        if not pending:
            return outcomes
        sent = []
        connection = get_connection()
        try:
            for notification in pending:
                if _send(notification, connection):
                    sent.append(notification.pk)
                    outcomes[notification.pk] = "sent"
                else:
                    outcomes[notification.pk] = "failed"
        finally:
            connection.close()
        Notification.objects.filter(pk__in=sent).update(
            status=Notification.Status.SENT,
            sent_at=timezone.now(),
            attempts=F("attempts") + 1,
            last_error="",
        )
    return outcomes


def _send(notification: Notification, connection: BaseEmailBackend) -> bool:
    """Whether the mail server took the message; a failure is recorded on its row."""
    try:
        message = build_message(notification)
        # A connection a failure closed is opened afresh for the next message; an open one
        # carries the whole batch.
        connection.open()
        connection.send_messages([message])
    except (SMTPException, OSError) as error:
        _record_failure(notification, error)
        connection.close()
        return False
    except Exception as error:
        # A template or data fault: counted like a refusal, so that it is not retried forever.
        logger.exception("Notification %s could not be built", notification.pk)
        _record_failure(notification, error)
        return False
    return True


def _record_failure(notification: Notification, error: Exception) -> None:
    """Written under the same lock as the attempt, so no other delivery can interleave."""
    attempts = notification.attempts + 1
    gave_up = attempts >= MAX_ATTEMPTS
    notification.attempts = attempts
    notification.last_error = f"{type(error).__name__}: {error}"[:2000]
    notification.status = Notification.Status.FAILED if gave_up else Notification.Status.PENDING
    notification.next_attempt_at = None if gave_up else timezone.now() + RETRY_PAUSES[attempts - 1]
    notification.save(update_fields=["attempts", "last_error", "status", "next_attempt_at"])
    logger.warning("Notification %s not sent (attempt %s): %s", notification.pk, attempts, error)


def sweep(now: datetime.datetime | None = None, limit: int = 500) -> int:
    """Hand every pending message that is due to a worker again; returns how many."""
    now = now or timezone.now()
    due = list(
        Notification.objects.filter(
            status=Notification.Status.PENDING, next_attempt_at__lte=now
        ).values_list("pk", flat=True)[:limit]
    )
    # Not due again before the workers have had time: a queue that is behind must not fill
    # up with the same rows every minute.
    Notification.objects.filter(pk__in=due).update(next_attempt_at=now + FIRST_SWEEP_AFTER)
    if due:
        dispatch(*due)
    return len(due)
