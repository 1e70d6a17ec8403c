"""The jury's reminder audiences and round two's reminder schedule, given to notifications
through its signals.

Round one is reminded by the edition's rules, set against its scoring deadline. Round two's
deadline is the one the chair gave when opening it, not a milestone of the edition: the jury
reminds it on a schedule of its own (ROUND_TWO_DAYS), to the jurors with round-two
evaluations left, and never counts one round's work in the other's reminder.
"""

import datetime

from django.utils.translation import gettext_lazy as _

from accounts.services import person, recipient_of
from awards.models import Edition, ReminderRule
from awards.workflow import EditionPhase
from notifications.kinds import Kind
from notifications.reminders import Audience, DueRule, Reminded

from . import selectors
from .models import Deliberation, JuryMember
from .rounds import ROUND_ONE, ROUND_TWO, deadline

# Added to an edition's reminder rules with the jury: (audience, milestone, days).
DEFAULT_RULES = [
    ("jurors_with_unsubmitted", "scoring_deadline", -5),
    ("jurors_with_unsubmitted", "scoring_deadline", -1),
    ("jurors_with_unsubmitted", "scoring_deadline", 1),
]
# Round two lasts days, not weeks: three days and one day before its deadline, and the day
# after it (the juror can then only ask for more time). None falls on or before the day the
# round opened: the mail that opened it gave the dates.
ROUND_TWO_DAYS = (-3, -1, 1)
ROUND_TWO_AUDIENCE = "jurors_with_unsubmitted_round_two"


def jurors_with_unsubmitted(edition_id: int, now: datetime.datetime) -> Reminded:
    """Accepted, active jurors with round-one evaluations not yet submitted."""
    return _with_unsubmitted(edition_id, now, ROUND_ONE)


def jurors_with_unsubmitted_round_two(edition_id: int, now: datetime.datetime) -> Reminded:
    """Accepted, active jurors with round-two evaluations not yet submitted."""
    return _with_unsubmitted(edition_id, now, ROUND_TWO)


def _with_unsubmitted(edition_id: int, now: datetime.datetime, round: int) -> Reminded:
    """Three queries in all, whatever the jury's size: the members, the round's deadline, the
    round's progress of every member."""
    members = list(
        JuryMember.objects.filter(edition_id=edition_id, accepted_at__isnull=False)
        .select_related("user", "edition")
        .order_by("pk")
    )
    if not members:
        return
    edition = members[0].edition
    closes = deadline(edition, round)
    if closes is None:
        return
    by_member = selectors.progress_by_member(edition, round)
    for member in members:
        progress = by_member.get(member.pk, {"total": 0, "submitted": 0})
        left = progress["total"] - progress["submitted"]
        if left and member.user.is_active:
            yield (
                recipient_of(member.user),
                {
                    "recipient": person(member.user),
                    "edition": {
                        "title": edition.title,
                        "timezone": edition.timezone,
                        "scoring_deadline": closes,
                    },
                    "round": round,
                    "left": left,
                    "total": progress["total"],
                    # After the deadline (the reminder of the day after) the juror can no
                    # longer submit alone: the message says whom to ask for more time.
                    "closed": now > closes,
                },
                str(member.pk),
            )


def due_rules(*, now: datetime.datetime, **kwargs: object) -> list[DueRule]:
    """Round two's reminders due on the edition's local day of `now`, for every edition whose
    round two is open and whose decision is not confirmed (the answer to
    `notifications.reminders.due_reminder_rules`). One query."""
    deliberations = Deliberation.objects.filter(
        edition__phase=EditionPhase.DELIBERATION,
        round_two_opens__isnull=False,
        round_two_deadline__isnull=False,
        confirmed_at__isnull=True,
    ).select_related("edition")
    due = []
    for deliberation in deliberations:
        deadline_at, opened_at = deliberation.round_two_deadline, deliberation.round_two_opens
        if deadline_at is None or opened_at is None:  # excluded by the query
            continue
        zone = deliberation.edition.tzinfo
        today = now.astimezone(zone).date()
        closes = deadline_at.astimezone(zone).date()
        opened = opened_at.astimezone(zone).date()
        for days in ROUND_TWO_DAYS:
            day = closes + datetime.timedelta(days=days)
            if day == today and day > opened:
                due.append(
                    DueRule(
                        f"round-two:{deliberation.pk}{days:+d}",
                        ROUND_TWO_AUDIENCE,
                        deliberation.edition_id,
                        today,
                    )
                )
    return due


def audiences(**kwargs: object) -> list[Audience]:
    """Whom the jury reminds (the answer to `notifications.reminders.reminder_audiences`)."""
    return [
        Audience(
            "jurors_with_unsubmitted",
            _("Jurors with evaluations not yet submitted"),
            Kind.REMINDER_JUROR,
            jurors_with_unsubmitted,
        ),
        Audience(
            ROUND_TWO_AUDIENCE,
            _("Jurors with round-two evaluations not yet submitted"),
            Kind.REMINDER_JUROR,
            jurors_with_unsubmitted_round_two,
            configurable=False,
        ),
    ]


def add_default_rules(*, edition: Edition) -> None:
    ReminderRule.objects.bulk_create(
        ReminderRule(edition=edition, audience=a, milestone=m, days=d) for a, m, d in DEFAULT_RULES
    )
