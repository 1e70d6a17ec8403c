"""Rows queued before the tagged form are rewritten into it, and still render."""

import datetime
import importlib

import pytest
from django.apps import apps
from django.core import mail

from notifications.context import decode
from notifications.delivery import send_one
from notifications.models import Notification

pytestmark = pytest.mark.django_db

migration = importlib.import_module("notifications.migrations.0002_context_tagged_values")

# A receipt as DjangoJSONEncoder wrote it: times as strings, "Z" for UTC, milliseconds at most.
OLD_RECEIPT = {
    "recipient": {"short_name": "Ana", "full_name": "Ana Lima", "email": "ana@example.org"},
    "entry": {
        "pk": 7,
        "reference": "PA2031-0007",
        "title": "2026-01-01T10:00Z",
        "state": "submitted",
        "submitted_at": "2031-03-15T09:30:00.123Z",
        "organisation": {"pk": 1, "name": "2026-02-30T10:00:00Z"},
        "edition": {
            "title": "PLATFORMAwards 2031",
            "timezone": "Europe/Brussels",
            "submission_deadline": "2031-04-01T23:59:00+02:00",
            "clarification_deadline": "2031-04-15T21:59:00Z",
        },
    },
}


def old_row(context: dict, key: str = "entry-submitted:7:1") -> Notification:
    return Notification.objects.create(
        kind="entry.submitted", key=key, recipient_email="ana@example.org", context=context
    )


def test_old_rows_get_tagged_times_and_keep_every_other_string_as_text():
    row = old_row(OLD_RECEIPT)

    migration.forwards(apps, None)

    row.refresh_from_db()
    entry = decode(row.context)["entry"]
    assert entry["title"] == "2026-01-01T10:00Z"
    assert entry["organisation"]["name"] == "2026-02-30T10:00:00Z"
    assert entry["submitted_at"] == datetime.datetime(
        2031, 3, 15, 9, 30, 0, 123000, tzinfo=datetime.UTC
    )
    assert entry["edition"]["submission_deadline"] == datetime.datetime(
        2031, 4, 1, 21, 59, tzinfo=datetime.UTC
    )
    assert entry["edition"]["clarification_deadline"] == datetime.datetime(
        2031, 4, 15, 21, 59, tzinfo=datetime.UTC
    )


def test_an_old_row_renders_after_the_rewrite_with_its_title_as_typed():
    row = old_row(OLD_RECEIPT)

    migration.forwards(apps, None)

    assert send_one(row.pk) == "sent"
    [receipt] = mail.outbox
    assert (
        "We have received the entry “2026-01-01T10:00Z” for the PLATFORMAwards 2031. Its "
        "reference number is PA2031-0007; it was submitted on March 15, 2031, 10:30 a.m. "
        "(Europe/Brussels)."
    ) in receipt.body


def test_old_rows_without_times_and_a_dict_with_the_tag_key_round_trip():
    plain = old_row({"recipient": {"short_name": "Ana"}, "uid": "MQ"}, key="plain")
    tagged_lookalike = old_row({"note": {"__type__": "datetime", "value": "x"}}, key="lookalike")

    migration.forwards(apps, None)

    plain.refresh_from_db()
    tagged_lookalike.refresh_from_db()
    assert plain.context == {"recipient": {"short_name": "Ana"}, "uid": "MQ"}
    assert decode(tagged_lookalike.context) == {"note": {"__type__": "datetime", "value": "x"}}


def test_the_rewrite_reverses_to_what_django_json_encoder_wrote():
    row = old_row(OLD_RECEIPT)

    migration.forwards(apps, None)
    migration.backwards(apps, None)

    row.refresh_from_db()
    assert row.context == OLD_RECEIPT
