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


def fill_a_large_edition():
    """2,000 entries of which 20 are public, beside a past edition's 1,500 public ones, analysed
    so the planner chooses from what the tables hold (on an empty table every index costs the
    same and its choice is a coin toss)."""
    from django.utils import timezone

    from awards.models import Entry
    from tests.factories import EditionFactory, applicant_with_entry

    _user, entry = applicant_with_entry()
    past = EditionFactory()
    clones = []
    for number in range(1, 3500):
        clone = Entry.objects.get(pk=entry.pk)
        clone.pk = None
        clone.number = entry.number + number
        if number < 2000:
            clone.published_at = timezone.now() if number % 100 == 0 else None
        else:
            clone.edition, clone.published_at = past, timezone.now()
        clones.append(clone)
    Entry.objects.bulk_create(clones)
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {Entry._meta.db_table}")
    return entry.edition


def plan(sql: str, params) -> str:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"EXPLAIN {sql}", params)
        else:
            cursor.execute(f"EXPLAIN QUERY PLAN {sql}", params)
        return "\n".join(str(row) for row in cursor.fetchall())


def test_a_change_to_an_edition_reads_only_its_public_entries():
    """A juror invited, a prize or the edition saved marks the edition's public entries: the
    database finds them from an index of public entries, not by reading each entry of the
    edition (a juror invited to a 10,000-entry edition read all of them, three times)."""
    from django.db.models import Q
    from django.db.models.sql.subqueries import UpdateQuery
    from django.utils import timezone

    from awards.models import Entry
    from showcase.freshness import touch

    edition = fill_a_large_edition()
    with CaptureQueriesContext(connection) as captured:
        touch(Q(edition=edition))
    [update] = entry_updates(captured)

    # The same statement compiled with its parameters apart (the captured text inlines them).
    query = Entry.objects.filter(edition=edition, published_at__isnull=False).query.chain(
        UpdateQuery
    )
    query.add_update_values({"updated_at": timezone.now()})
    sql, params = query.get_compiler(connection.alias).as_sql()
    assert sql.split(" WHERE ")[1] in update.replace(str(edition.pk), "%s")
    assert "entry_public_by_edition" in plan(sql, params)


def test_a_new_organisation_or_edition_touches_no_entry():
    """Neither has an entry to show it until after it exists."""
    from awards.services.organisations import create_organisation
    from tests.factories import EditionFactory, UserFactory

    by = UserFactory()
    with CaptureQueriesContext(connection) as captured:
        EditionFactory()
        create_organisation(by=by, name="Ville nouvelle", kind="municipality", country="FR")

    assert entry_updates(captured) == []
