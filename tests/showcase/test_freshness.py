"""Saves that can change nothing public ask nothing of the public entries."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.models import User
from tests.factories import JuryMemberFactory

pytestmark = pytest.mark.django_db


def entry_updates(captured) -> list[str]:
    return [
        q["sql"] for q in captured.captured_queries if q["sql"].startswith('UPDATE "awards_entry"')
    ]


def test_an_account_just_made_touches_no_entry():
    with CaptureQueriesContext(connection) as captured:
        User.objects.create_user(email="new@example.org", full_name="New Person", password="x" * 12)

    assert entry_updates(captured) == []


def test_a_jurors_new_name_touches_the_editions_they_judged():
    member = JuryMemberFactory()
    user = member.user

    with CaptureQueriesContext(connection) as captured:
        user.full_name = "Renamed Juror"
        user.save()

    assert len(entry_updates(captured)) == 1


def plan(sql: str) -> str:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL enable_seqscan = off")
            cursor.execute(f"EXPLAIN {sql}")
        else:
            cursor.execute(f"EXPLAIN QUERY PLAN {sql}")
        return "\n".join(str(row) for row in cursor.fetchall())


def test_a_change_to_an_edition_reads_only_its_public_entries():
    """A juror invited, a prize or the edition saved marks the edition's public entries: the
    database finds them from an index of public entries, not by reading each entry of the
    edition (a juror invited to a 10,000-entry edition read all of them, three times)."""
    from django.db.models import Q

    from showcase.freshness import touch

    with CaptureQueriesContext(connection) as captured:
        touch(Q(edition=1))
    [update] = entry_updates(captured)

    assert "entry_public_by_edition" in plan(update)


def test_a_new_organisation_or_edition_touches_no_entry():
    """Neither has an entry to show it until after it exists."""
    from awards.services.organisations import create_organisation
    from tests.factories import EditionFactory, UserFactory

    by = UserFactory()
    with CaptureQueriesContext(connection) as captured:
        EditionFactory()
        create_organisation(by=by, name="Ville nouvelle", kind="municipality", country="FR")

    assert entry_updates(captured) == []
