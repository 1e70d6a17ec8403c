"""The jury's reminder audience, given to notifications through its signal."""

import datetime

from django.utils.translation import gettext_lazy as _

from accounts.services import person, recipient_of
from awards.models import Edition, ReminderRule
from notifications.kinds import Kind
from notifications.reminders import Audience, Reminded

from . import selectors
from .models import JuryMember

# Added to an edition's reminder rules with the jury: (audience, milestone, days).
DEFAULT_RULES = [
    ("jurors_with_unsubmitted", "scoring_deadline", -5),
    ("jurors_with_unsubmitted", "scoring_deadline", -1),
    ("jurors_with_unsubmitted", "scoring_deadline", 1),
]


def jurors_with_unsubmitted(edition_id: int, now: datetime.datetime) -> Reminded:
    """Accepted, active jurors with evaluations not yet submitted: two queries in all."""
    members = list(
        JuryMember.objects.filter(edition_id=edition_id, accepted_at__isnull=False)
        .select_related("user", "edition")
        .order_by("pk")
    )
    if not members:
        return
    by_member = selectors.progress_by_member(members[0].edition)
    for member in members:
        progress = by_member.get(member.pk, {"total": 0, "submitted": 0})
        left = progress["total"] - progress["submitted"]
        if left and member.user.is_active:
            yield (
                recipient_of(member.user),
                {
                    "recipient": person(member.user),
                    "edition": {
                        "title": member.edition.title,
                        "timezone": member.edition.timezone,
                        "scoring_deadline": member.edition.scoring_deadline,
                    },
                    "left": left,
                    "total": progress["total"],
                    # After the deadline (the T+1 reminder) the juror can no longer submit
                    # alone: the message says whom to ask for more time.
                    "closed": now > member.edition.scoring_deadline,
                },
                str(member.pk),
            )


def audiences(**kwargs: object) -> list[Audience]:
    """Whom the jury reminds (the answer to `notifications.reminders.reminder_audiences`)."""
    return [
        Audience(
            "jurors_with_unsubmitted",
            _("Jurors with evaluations not yet submitted"),
            Kind.REMINDER_JUROR,
            jurors_with_unsubmitted,
        )
    ]


def add_default_rules(*, edition: Edition) -> None:
    ReminderRule.objects.bulk_create(
        ReminderRule(edition=edition, audience=a, milestone=m, days=d) for a, m, d in DEFAULT_RULES
    )
