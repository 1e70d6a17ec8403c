"""A row locked only to order writers is read for its key alone."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.services import lock_person
from awards.services.entries import create_entry
from tests.factories import EditionFactory, OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db


def reads_of(table: str, captured) -> list[str]:
    return [
        q["sql"]
        for q in captured.captured_queries
        if q["sql"].startswith("SELECT") and f'FROM "{table}"' in q["sql"]
    ]


def selected(sql: str) -> str:
    """The columns a SELECT reads, without their aliases."""
    columns = sql.removeprefix("SELECT ").split(" FROM ", 1)[0]
    return ", ".join(column.split(" AS ")[0] for column in columns.split(", "))


def test_locking_a_person_reads_only_their_key():
    user = UserFactory()

    with CaptureQueriesContext(connection) as captured:
        lock_person(user)

    [read] = reads_of("accounts_user", captured)
    assert selected(read) == '"accounts_user"."id"'


def test_numbering_a_new_entry_locks_the_edition_without_reading_it():
    edition, organisation = EditionFactory(), OrganisationFactory()

    with CaptureQueriesContext(connection) as captured:
        create_entry(edition=edition, organisation=organisation, by=UserFactory())

    [read] = reads_of("awards_edition", captured)
    assert selected(read) == '"awards_edition"."id"'
