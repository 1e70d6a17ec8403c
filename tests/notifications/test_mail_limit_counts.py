"""The limits on mail that anyone can make the site send count by who caused a message and to
whom it went, from columns an index serves: counting does not read every message of the hour
(the outbox of a large edition holds tens of thousands of partner requests within one)."""

import importlib

import pytest
from django.apps import apps
from django.db import connection
from django.test.utils import CaptureQueriesContext

from awards.services.organisations import COLLEAGUE_INVITATIONS, invite_colleague
from awards.services.partners import PARTNER_REQUESTS, ask_partners
from jury.services.invitations import JURY_INVITATIONS, invite_juror
from notifications.models import Notification
from tests.factories import (
    EditionFactory,
    PartnerFactory,
    SecretariatFactory,
    UserFactory,
    applicant_with_entry,
)

pytestmark = pytest.mark.django_db

migration = importlib.import_module("notifications.migrations.0003_caused_by")


def test_each_message_a_person_can_cause_records_who_caused_it():
    user, entry = applicant_with_entry()
    PartnerFactory(entry=entry, contact_email="partner@example.org")
    ask_partners(entry=entry, by=user)
    invite_colleague(organisation=entry.organisation, by=user, email="colleague@example.org")
    secretariat = SecretariatFactory()
    invite_juror(
        edition=EditionFactory(), by=secretariat, email="judge@example.org", full_name="Judge"
    )

    assert dict(Notification.objects.values_list("kind", "caused_by")) == {
        PARTNER_REQUESTS.kind.value: user.email,
        COLLEAGUE_INVITATIONS.kind.value: user.email,
        JURY_INVITATIONS.kind.value: secretariat.email,
    }
    assert PARTNER_REQUESTS.sent_by(user) == 1
    assert COLLEAGUE_INVITATIONS.sent_by(user) == 1
    assert JURY_INVITATIONS.sent_by(secretariat) == 1
    assert JURY_INVITATIONS.sent_by(user) == 0


def test_a_person_is_counted_by_the_column_not_by_what_the_context_says():
    """The context is the message's text: it may name anyone (a sender's name in it is for
    the reader); the count follows the row's caused_by."""
    user, _entry = applicant_with_entry()
    Notification.objects.create(
        kind=PARTNER_REQUESTS.kind.value,
        key="written-elsewhere",
        recipient_email="partner@example.org",
        context={"asked_by": {"email": "somebody-else@example.org"}},
        caused_by=user.email,
    )

    assert PARTNER_REQUESTS.sent_by(user) == 1


def test_rows_queued_before_get_their_sender_from_the_context():
    rows = {
        "partner": ("entry.partner_confirmation", {"asked_by": {"email": "ana@example.org"}}),
        "colleague": ("organisation.colleague_invited", {"inviter": {"email": "bo@example.org"}}),
        "juror": ("jury.invitation", {"invited_by": {"email": "cy@example.org"}}),
        "receipt": ("entry.submitted", {"asked_by": {"email": "not-a-sender@example.org"}}),
        "odd": ("jury.invitation", {"invited_by": "not a person"}),
    }
    for key, (kind, context) in rows.items():
        Notification.objects.create(
            kind=kind, key=key, recipient_email="to@example.org", context=context
        )

    migration.fill_caused_by(apps, None)

    assert dict(Notification.objects.values_list("key", "caused_by")) == {
        "partner": "ana@example.org",
        "colleague": "bo@example.org",
        "juror": "cy@example.org",
        "receipt": "",
        "odd": "",
    }


def fill_a_busy_hour() -> None:
    """An hour of a large edition: many senders and addresses, several kinds, analysed so the
    planner chooses from what the table holds rather than from an empty one's guesses."""
    kinds = [PARTNER_REQUESTS.kind.value, COLLEAGUE_INVITATIONS.kind.value, "entry.submitted"]
    Notification.objects.bulk_create(
        Notification(
            kind=kinds[n % len(kinds)],
            key=f"busy-{n}",
            recipient_email=f"partner{n}@example.org",
            caused_by=f"applicant{n % 400}@example.org",
            context={},
        )
        for n in range(3000)
    )
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {Notification._meta.db_table}")


def plan_of_count(count) -> str:
    """The plan of the one query `count()` runs."""
    with CaptureQueriesContext(connection) as queries:
        count()
    (sql,) = [query["sql"] for query in queries.captured_queries]
    with connection.cursor() as cursor:
        cursor.execute(
            ("EXPLAIN " if connection.vendor == "postgresql" else "EXPLAIN QUERY PLAN ") + sql
        )
        return "\n".join(str(row) for row in cursor.fetchall())


def test_counting_reads_an_index_for_the_person_and_for_the_address():
    fill_a_busy_hour()
    user = UserFactory(email="applicant7@example.org")

    assert "outbox_caused_by" in plan_of_count(lambda: PARTNER_REQUESTS.sent_by(user))
    assert "outbox_recipient" in plan_of_count(
        lambda: PARTNER_REQUESTS.sent_to("partner7@example.org")
    )
