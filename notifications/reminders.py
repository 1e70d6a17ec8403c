"""Reminders: rules say when, audiences say who; one periodic task sends what is due.

The apps that know the people register their audiences (awards: applicants with drafts,
partners that have not confirmed, applicants asked a question; jury: jurors with evaluations
to finish) and the source of their rules (awards: the rules set on each edition). This module
imports neither.
"""

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.utils.functional import Promise

from .kinds import Kind
from .models import Notification
from .services import Recipient, notify


@dataclass(frozen=True)
class Audience:
    name: str
    label: str | Promise
    kind: Kind
    # edition id -> (recipient, context, identity): identity tells people apart in the key.
    recipients: Callable[[int], Iterable[tuple[Recipient, dict, str]]]


@dataclass(frozen=True)
class DueRule:
    rule_id: int
    audience: str
    edition_id: int
    day: datetime.date  # the day it is due, in the edition's time zone


AUDIENCES: dict[str, Audience] = {}
RULE_SOURCES: list[Callable[[datetime.datetime], Iterable[DueRule]]] = []


def register_audience(audience: Audience) -> None:
    AUDIENCES[audience.name] = audience


def register_rule_source(source: Callable[[datetime.datetime], Iterable[DueRule]]) -> None:
    if source not in RULE_SOURCES:
        RULE_SOURCES.append(source)


def audience_choices() -> list[tuple[str, str | Promise]]:
    return [(name, audience.label) for name, audience in sorted(AUDIENCES.items())]


def send_due_reminders(now: datetime.datetime) -> int:
    """Queue every reminder due at `now`; each person gets one per rule and day, however
    often this runs. Returns how many were queued now."""
    queued = 0
    for source in RULE_SOURCES:
        for due in source(now):
            audience = AUDIENCES.get(due.audience)
            if audience is not None:
                queued += _send(audience, due)
    return queued


def _send(audience: Audience, due: DueRule) -> int:
    prefix = f"reminder:{due.rule_id}:{due.day.isoformat()}:"
    batch = [
        (prefix + identity, to, context)
        for to, context, identity in audience.recipients(due.edition_id)
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
