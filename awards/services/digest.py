"""The secretariat's daily digest of what needs action."""

import datetime

from django.utils import timezone

from accounts.models import SECRETARIAT_GROUP, User
from accounts.services import notify_user
from notifications.kinds import Kind
from notifications.models import Notification

from .. import selectors


def send_secretariat_digest(now: datetime.datetime | None = None) -> int:
    """Side effects: one digest per secretariat member and day, when anything needs action.
    Returns how many were queued."""
    now = now or timezone.now()
    edition = selectors.current_edition()
    if edition is None:
        return 0
    counts = selectors.needs_action(edition, now=now)
    counts["failed_messages"] = Notification.objects.filter(
        status=Notification.Status.FAILED
    ).count()
    if not any(counts.values()):
        return 0
    day = now.astimezone(edition.tzinfo).date().isoformat()
    members = User.objects.filter(groups__name=SECRETARIAT_GROUP, is_active=True).order_by("pk")
    for member in members:
        notify_user(
            Kind.SECRETARIAT_DIGEST,
            user=member,
            context={
                "edition": {"title": edition.title, "phase": edition.get_phase_display()},
                "counts": counts,
            },
            key=f"digest:{edition.pk}:{day}:{member.pk}",
        )
    return len(members)
