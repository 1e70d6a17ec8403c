"""Two secretariat tabs changing the same jury at the same moment (PostgreSQL only).

Each change runs in its own thread with its own database connection; a barrier releases both
at once. The edition lock in the jury's services must make them run one after the other:
both succeed, and nothing is inserted twice.
"""

import threading
from collections import Counter

import pytest
from django.db import connections

from accounts.models import User
from awards.models import Edition, Entry
from jury.models import Assignment, ConflictOfInterest, JuryMember, JurySettings
from jury.services import assign_automatically, set_assignment
from tests.factories import EditionFactory, EntryFactory, JuryMemberFactory, SecretariatFactory

# Real commits: each round ends with a flush, so the rows made by migrations (the SDGs, the
# secretariat group) are made again before each one (see tests/conftest.py). Not
# serialized_rollback: restoring a snapshot clashes with the content types a flush recreates.
pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("rows_made_by_migrations"),
]

ROUNDS = 3


def jury_of(size: int, entries: int, per_entry: int) -> Edition:
    edition = EditionFactory()
    for country in ["DE", "FR", "IT", "PL", "SE", "FI"][:size]:
        JuryMemberFactory(edition=edition, country=country)
    for _ in range(entries):
        EntryFactory(edition=edition, organisation__country="FR")
    Entry.objects.filter(edition=edition).update(state="in_review")
    JurySettings.objects.update_or_create(edition=edition, defaults={"jurors_per_entry": per_entry})
    return edition


def at_once(*calls) -> list:
    """Run each call in its own thread and connection, released together; their outcomes
    (None, or the exception raised) in order."""
    barrier = threading.Barrier(len(calls))
    outcomes: list = [None] * len(calls)

    def run(index, call):
        try:
            barrier.wait(timeout=10)
            call()
        except Exception as error:
            outcomes[index] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, call)) for i, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert not any(thread.is_alive() for thread in threads)
    return outcomes


@pytest.mark.parametrize("round_", range(ROUNDS))
def test_two_automatic_assignments_at_once_both_succeed_without_duplicates(postgresql, round_):
    edition = jury_of(size=5, entries=12, per_entry=2)
    people = [SecretariatFactory(), SecretariatFactory()]

    def assign(user_pk, seed):
        return lambda: assign_automatically(
            edition=Edition.objects.get(pk=edition.pk), by=User.objects.get(pk=user_pk), seed=seed
        )

    outcomes = at_once(assign(people[0].pk, 1), assign(people[1].pk, 2))

    assert outcomes == [None, None]
    panels = Counter(Assignment.objects.values_list("entry_id", flat=True))
    # The French juror is conflicted with every entry (all French); four others share them.
    assert sorted(panels.values()) == [2] * 12
    assert ConflictOfInterest.objects.filter(kind="country").count() == 12


@pytest.mark.parametrize("round_", range(ROUNDS))
def test_the_same_cell_assigned_in_two_tabs_at_once_gives_one_assignment(postgresql, round_):
    edition = jury_of(size=2, entries=1, per_entry=1)
    member = JuryMember.objects.get(edition=edition, country="DE")
    entry = Entry.objects.get(edition=edition)
    people = [SecretariatFactory(), SecretariatFactory()]

    def assign(user_pk):
        return lambda: set_assignment(
            member=JuryMember.objects.get(pk=member.pk),
            entry=Entry.objects.get(pk=entry.pk),
            by=User.objects.get(pk=user_pk),
            assigned=True,
        )

    outcomes = at_once(assign(people[0].pk), assign(people[1].pk))

    assert outcomes == [None, None]
    assert list(Assignment.objects.values_list("member_id", "is_manual")) == [(member.pk, True)]
