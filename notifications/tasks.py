from celery import shared_task
from django.utils import timezone

from . import delivery
from .reminders import send_due_reminders


@shared_task(name="notifications.deliver", acks_late=True, ignore_result=True)
def deliver(*, notification_id: int) -> str:
    """One message: what a worker of an earlier release queued, still in the broker."""
    return delivery.send_one(notification_id)


@shared_task(name="notifications.deliver_batch", acks_late=True, ignore_result=True)
def deliver_batch(*, notification_ids: list[int]) -> dict[str, int]:
    """Several messages over one connection to the mail server (services.DELIVERY_BATCH)."""
    outcomes = delivery.send_batch(notification_ids).values()
    return {outcome: list(outcomes).count(outcome) for outcome in set(outcomes)}


@shared_task(name="notifications.sweep", ignore_result=True)
def sweep() -> int:
    """Send again what the broker or a worker lost, and what is due for another attempt."""
    return delivery.sweep()


@shared_task(name="notifications.send_reminders", ignore_result=True)
def send_reminders() -> int:
    """Queue the reminders that are due today (safe to run as often as wanted)."""
    return send_due_reminders(timezone.now())
