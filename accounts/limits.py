"""Limits on mail that a person makes the site send to an address somebody typed.

Without them the site can be used to flood a mailbox (90 partner requests with text of the
sender's choosing reached one address in 15 seconds) or to mail many addresses. Each kind of
such message has a `MailLimit`: how many one person may cause in an hour, whoever receives
them, and how many one address may receive in an hour, whoever causes them. Both are counted
on the outbox, so a message counts whatever became of what caused it (a revoked invitation's
mail was sent all the same).

Counting and sending happen in one transaction that first locks the person's row and then the
addresses (`lock_for_counting`): two requests at once count one after the other and cannot
both pass a limit that only one of them may.
"""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import connection

from notifications.kinds import Kind
from notifications.services import sent_recently

from .addresses import normalise_email
from .models import User
from .services import lock_person

HOUR = datetime.timedelta(hours=1)


@dataclass(frozen=True)
class MailLimit:
    """At most `per_person` messages of `kind` caused by one person, and `per_address` to one
    address, in any `within`. Who caused a message is the outbox row's `caused_by`, which the
    sender gives to notify()."""

    kind: Kind
    per_person: int
    per_address: int
    within: datetime.timedelta = HOUR

    def sent_by(self, user: User, *, now: datetime.datetime | None = None) -> int:
        """How many messages `user` caused in the last `within`."""
        return sent_recently(self.kind, within=self.within, now=now, caused_by=user.email)

    def sent_to(self, address: str, *, now: datetime.datetime | None = None) -> int:
        """How many messages went to `address` (in any spelling) in the last `within`."""
        return sent_recently(
            self.kind, within=self.within, now=now, recipient_email=normalise_email(address)
        )

    def person_may_send(self, user: User, *, now: datetime.datetime | None = None) -> bool:
        return self.sent_by(user, now=now) < self.per_person

    def address_may_receive(self, address: str, *, now: datetime.datetime | None = None) -> bool:
        return self.sent_to(address, now=now) < self.per_address


def lock_for_counting(user: User, addresses: Iterable[str]) -> None:
    """Lock the person's row, then each address, until the transaction ends.

    Addresses are locked in one order (sorted) so that two transactions never wait on each
    other. On PostgreSQL an address is a transaction-level advisory lock on its hash (two
    addresses sharing a hash only wait for each other); SQLite runs one write at a time anyway.
    """
    lock_person(user)
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        for address in sorted({normalise_email(address) for address in addresses}):
            cursor.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", [address])
