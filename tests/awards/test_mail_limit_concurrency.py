"""Two requests at once near a mail limit (PostgreSQL only): the person's row and the
address are locked before counting, so exactly one of them is sent.

Each request runs in its own thread with its own database connection; a barrier releases
them together.
"""

import threading
from collections.abc import Callable

import pytest
from django.db import connections

from accounts.models import User
from awards.models import Entry, Organisation
from awards.services.organisations import (
    INVITATIONS_PER_HOUR,
    MembershipError,
    invite_colleague,
)
from awards.services.partners import PARTNER_REQUESTS_PER_ADDRESS_PER_HOUR, ask_partners
from notifications.models import Notification
from tests.factories import MembershipFactory, PartnerFactory, applicant_with_entry

# Real commits, as in tests/awards/test_concurrency.py.
pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("rows_made_by_migrations"),
]

ROUNDS = 5


def race(*requests: Callable[[], object]) -> list:
    barrier = threading.Barrier(len(requests))
    outcomes: list = [None] * len(requests)

    def run(index: int, request: Callable[[], object]) -> None:
        try:
            barrier.wait(timeout=10)
            outcomes[index] = request()
        except Exception as error:
            outcomes[index] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=pair) for pair in enumerate(requests)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert not any(thread.is_alive() for thread in threads)
    return outcomes


@pytest.mark.parametrize("round_", range(ROUNDS))
def test_two_invitations_at_once_by_one_person_at_the_limit_send_one(postgresql, round_):
    member = MembershipFactory()
    for n in range(INVITATIONS_PER_HOUR - 1):
        invite_colleague(organisation=member.organisation, by=member.user, email=f"c{n}@x.org")

    def invitation(email: str) -> Callable[[], object]:
        def send() -> object:
            return invite_colleague(
                organisation=Organisation.objects.get(pk=member.organisation_id),
                by=User.objects.get(pk=member.user_id),
                email=email,
            )

        return send

    outcomes = race(invitation("last@x.org"), invitation("too-many@x.org"))

    refusals = [outcome for outcome in outcomes if isinstance(outcome, Exception)]
    assert [type(refusal) for refusal in refusals] == [MembershipError], outcomes
    assert Notification.objects.filter(kind="organisation.colleague_invited").count() == (
        INVITATIONS_PER_HOUR
    )


@pytest.mark.parametrize("round_", range(ROUNDS))
def test_two_people_asking_one_address_at_once_at_its_limit_send_one(postgresql, round_):
    address = "partner@example.sn"
    for _ in range(PARTNER_REQUESTS_PER_ADDRESS_PER_HOUR - 1):
        user, entry = applicant_with_entry()
        PartnerFactory(entry=entry, contact_email=address)
        ask_partners(entry=entry, by=user)
    askers = []
    for _ in range(2):
        user, entry = applicant_with_entry()
        PartnerFactory(entry=entry, contact_email=address)
        askers.append((user.pk, entry.pk))

    def request(user_pk: int, entry_pk: int) -> Callable[[], object]:
        def ask() -> object:
            entry = Entry.objects.get(pk=entry_pk)
            return ask_partners(entry=entry, by=User.objects.get(pk=user_pk)).asked

        return ask

    outcomes = race(*(request(*asker) for asker in askers))

    assert sorted(outcomes) == [0, 1], outcomes
    assert Notification.objects.filter(recipient_email=address).count() == (
        PARTNER_REQUESTS_PER_ADDRESS_PER_HOUR
    )
