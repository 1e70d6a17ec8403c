"""Reminders: rules say when, audiences say who; one periodic task sends what is due.

The apps that know the people answer two signals, connected in their AppConfig.ready():
`reminder_audiences` with the audiences they know (awards: applicants with drafts, partners
that have not confirmed, applicants asked a question; jury: jurors with evaluations to
finish) and `due_reminder_rules` with the rules due at a time (awards: the rules set on each
edition). This module imports neither.
"""

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import cast

from django.dispatch import Signal
from django.utils.functional import Promise

from .kinds import Kind
from .models import Notification
from .services import Recipient, notify

# (recipient, context, identity) of each person to remind: identity tells people apart in the key.
Reminded = Iterable[tuple[Recipient, dict, str]]


@dataclass(frozen=True)
class Audience:
    name: str
    label: str | Promise
    kind: Kind
    # (edition id, the time of the reminding) -> the people to remind.
    recipients: Callable[[int, datetime.datetime], Reminded]
    # False for an audience its app reminds on a schedule of its own (round two's deadline is
    # not one of the edition's milestones): not offered for the edition's reminder rules.
    configurable: bool = True


@dataclass(frozen=True)
class DueRule:
    # Tells the rule apart from every other app's in the message key ("12": the edition's
    # reminder rule 12; "round-two:3-1": the jury's round two, a day before its deadline).
    rule: str
    audience: str
    edition_id: int
    day: datetime.date  # the day it is due, in the edition's time zone


# Receivers return the Audiences they know.
reminder_audiences = Signal()
# Receivers return the DueRules due at `now` (a keyword argument).
due_reminder_rules = Signal()


def audiences() -> dict[str, Audience]:
    """Every audience the apps know, by name."""
    known: dict[str, Audience] = {}
    for _receiver, answer in reminder_audiences.send(sender=Audience):
        known.update((audience.name, audience) for audience in cast(list[Audience], answer))
    return known


def audience_choices() -> list[tuple[str, str | Promise]]:
    """The audiences an edition's reminder rules may name."""
    return [
        (name, audience.label)
        for name, audience in sorted(audiences().items())
        if audience.configurable
    ]


def send_due_reminders(now: datetime.datetime) -> int:
    """Queue every reminder due at `now`; each person gets one per rule and day, however
    often this runs. Returns how many were queued now."""
    known = audiences()
    queued = 0
    for _receiver, due_rules in due_reminder_rules.send(sender=DueRule, now=now):
        for due in cast(list[DueRule], due_rules):
            audience = known.get(due.audience)
            if audience is not None:
                queued += _send(audience, due, now)
    return queued


def _send(audience: Audience, due: DueRule, now: datetime.datetime) -> int:
    prefix = f"reminder:{due.rule}:{due.day.isoformat()}:"
    batch = [
        (prefix + identity, to, context)
        for to, context, identity in audience.recipients(due.edition_id, now)
    ]
    # Skip, in one query, those already reminded today (an earlier run of this task).
    done = set(
        Notification.objects.filter(key__in=[key for key, _, _ in batch]).values_list(
            "key", flat=True
        )
    )
    for key, to, context in batch:
        if key not in done:
            notify(audience.kind, to=to, context=context, key=key)
    return len(batch) - len(done)
