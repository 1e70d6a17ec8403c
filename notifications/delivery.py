"""Sending an outbox row: once, retried with pauses, every error kept on the row."""

import datetime
import logging
from smtplib import SMTPException

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from .models import Notification
from .rendering import build_message
from .services import FIRST_SWEEP_AFTER, MAX_ATTEMPTS, RETRY_PAUSES, dispatch

logger = logging.getLogger(__name__)


def send_one(notification_id: int) -> str:
    """Send one message unless it was sent already or another worker is sending it.

    The row stays locked while the mail server is talked to and until the outcome is written:
    a second delivery of the same row (a retry, the sweeper, a redelivered task) skips it. A
    worker killed before the server accepted the message leaves the row unsent, to be sent
    again; one killed after the server accepted it but before the row was marked may, rarely,
    send it twice. Returns what happened.
    """
    with transaction.atomic():
        notification = (
            Notification.objects.select_for_update(skip_locked=True)
            .filter(pk=notification_id, status=Notification.Status.PENDING)
            .first()
        )
        if notification is None:
            return "skipped"
        try:
            build_message(notification).send()
        except (SMTPException, OSError) as error:
            _record_failure(notification, error)
            return "failed"
        except Exception as error:
            # A template or data fault: counted like a refusal, so that it is not retried forever.
            logger.exception("Notification %s could not be built", notification_id)
            _record_failure(notification, error)
            return "failed"
        notification.status = Notification.Status.SENT
        notification.sent_at = timezone.now()
        notification.attempts = F("attempts") + 1
        notification.last_error = ""
        notification.save(update_fields=["status", "sent_at", "attempts", "last_error"])
        return "sent"


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
    for pk in due:
        dispatch(pk)
    return len(due)
