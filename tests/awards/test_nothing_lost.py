"""Every message a move of an entry sends is written in the move's own transaction.

A process that dies right after the commit runs none of the on-commit callbacks: what they
would have written is lost for good, while a row written before the commit is sent by the
sweeper. These tests drop the callbacks, as such a death does, and look for the rows.
"""

import datetime

import pytest
from django.core import mail
from django.utils import timezone

from awards.services.transitions import transition_entry
from notifications.delivery import sweep
from notifications.kinds import Kind
from notifications.models import Notification
from notifications.services import FIRST_SWEEP_AFTER
from tests.factories import (
    MembershipFactory,
    SecretariatFactory,
    applicant_with_entry,
    complete_entry,
)

pytestmark = pytest.mark.django_db

LATER = FIRST_SWEEP_AFTER + datetime.timedelta(seconds=1)


def rows(kind: Kind) -> list[tuple[str, str]]:
    return sorted(
        Notification.objects.filter(kind=kind.value).values_list("recipient_email", "status")
    )


def test_submission_receipt_kept_when_the_process_dies_after_commit(
    django_capture_on_commit_callbacks,
):
    user, entry = applicant_with_entry()
    complete_entry(entry)
    colleague = MembershipFactory(organisation=entry.organisation).user
    partner = entry.partners.get()

    # Nothing registered for after the commit runs: the process died right after it.
    with django_capture_on_commit_callbacks(execute=False):
        transition_entry(entry=entry, name="submit", by=user)

    assert rows(Kind.ENTRY_SUBMITTED) == sorted(
        [(user.email, "pending"), (colleague.email, "pending")]
    )
    assert rows(Kind.PARTNER_CONFIRMATION) == [(partner.contact_email, "pending")]
    assert mail.outbox == []

    assert sweep(now=timezone.now() + LATER) == 3

    assert sorted(message.to[0] for message in mail.outbox) == sorted(
        [user.email, colleague.email, partner.contact_email]
    )
    assert rows(Kind.ENTRY_SUBMITTED) == sorted([(user.email, "sent"), (colleague.email, "sent")])


@pytest.mark.parametrize(
    ("decision", "kind"),
    [
        ("request_clarification", Kind.CLARIFICATION_REQUESTED),
        ("mark_ineligible", Kind.ELIGIBILITY_DECIDED),
    ],
)
def test_screening_message_kept_when_the_process_dies_after_commit(
    django_capture_on_commit_callbacks, decision, kind
):
    user, entry = applicant_with_entry()
    complete_entry(entry)
    transition_entry(entry=entry, name="submit", by=user)
    entry.refresh_from_db()

    with django_capture_on_commit_callbacks(execute=False):
        transition_entry(entry=entry, name=decision, by=SecretariatFactory(), note="Why?")

    assert rows(kind) == [(user.email, "pending")]
    assert Notification.objects.get(kind=kind.value).context["note"] == "Why?"


def test_withdrawal_message_kept_when_the_process_dies_after_commit(
    django_capture_on_commit_callbacks,
):
    user, entry = applicant_with_entry()
    secretariat = SecretariatFactory()

    with django_capture_on_commit_callbacks(execute=False):
        transition_entry(entry=entry, name="withdraw", by=user, note="Plans changed.")

    assert rows(Kind.ENTRY_WITHDRAWN) == sorted(
        [(user.email, "pending"), (secretariat.email, "pending")]
    )


def test_messages_roll_back_with_a_refused_move():
    user, entry = applicant_with_entry()  # incomplete: submission is refused

    with pytest.raises(Exception, match="not complete"):
        transition_entry(entry=entry, name="submit", by=user)

    assert Notification.objects.count() == 0
