"""Two secretariat members deciding the same entry at the same moment (PostgreSQL only).

Each decision runs in its own thread with its own database connection; a barrier releases
both at once. The row lock in `transition_entry` must let exactly one through.
"""

import threading

import pytest
from django.db import connections

from accounts.models import User
from awards.models import EligibilityAnswer, EligibilityCriterion, Entry, EntryTransition
from awards.services.transitions import TransitionRefused, transition_entry
from tests.factories import SecretariatFactory, applicant_with_entry, complete_entry

# Real commits: each round ends with a flush, so the rows made by migrations (the SDGs, the
# secretariat group) are made again before each one (see tests/conftest.py). Not
# serialized_rollback: restoring a snapshot clashes with the content types a flush recreates.
pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("rows_made_by_migrations"),
]

ROUNDS = 5
DECISIONS = {
    "mark_eligible": ("eligible", ""),
    "mark_ineligible": ("ineligible", "The lead applicant is not a local government."),
}
LOSER_MESSAGES = (
    "Someone else changed this entry a moment ago",
    "This step is not possible while the entry is",
)


def submitted_entry_ready_for_either_decision() -> Entry:
    _, entry = applicant_with_entry()
    complete_entry(entry)
    criterion = EligibilityCriterion.objects.create(
        edition=entry.edition, position=1, text="The lead applicant is a local government."
    )
    EligibilityAnswer.objects.create(entry=entry, criterion=criterion, answer=True)
    Entry.objects.filter(pk=entry.pk).update(state="submitted")
    return Entry.objects.get(pk=entry.pk)


def decide(
    entry_pk: int, user_pk: int, name: str, barrier: threading.Barrier, outcomes: dict
) -> None:
    """One person's decision, in its own thread and database connection."""
    try:
        entry = Entry.objects.get(pk=entry_pk)
        by = User.objects.get(pk=user_pk)
        barrier.wait(timeout=10)
        transition_entry(entry=entry, name=name, by=by, note=DECISIONS[name][1])
        outcomes[name] = None
    except Exception as error:
        outcomes[name] = error
    finally:
        connections.close_all()


def race(entry: Entry, people: dict[str, User]) -> dict:
    barrier = threading.Barrier(len(people))
    outcomes: dict = {}
    threads = [
        threading.Thread(target=decide, args=(entry.pk, user.pk, name, barrier, outcomes))
        for name, user in people.items()
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert not any(thread.is_alive() for thread in threads)
    return outcomes


@pytest.mark.parametrize("round_", range(ROUNDS))
def test_two_simultaneous_decisions_exactly_one_wins(postgresql, round_):
    entry = submitted_entry_ready_for_either_decision()
    people = {name: SecretariatFactory() for name in DECISIONS}

    outcomes = race(entry, people)

    winners = [name for name, outcome in outcomes.items() if outcome is None]
    losers = {name: outcome for name, outcome in outcomes.items() if outcome is not None}
    assert len(winners) == 1, outcomes
    [winner] = winners
    [refusal] = losers.values()
    assert isinstance(refusal, TransitionRefused), repr(refusal)
    assert str(refusal).startswith(LOSER_MESSAGES), str(refusal)
    target = DECISIONS[winner][0]
    assert Entry.objects.get(pk=entry.pk).state == target
    log = EntryTransition.objects.get(entry=entry)
    assert (log.transition, log.source_state, log.target_state, log.by) == (
        winner,
        "submitted",
        target,
        people[winner],
    )
    assert EntryTransition.objects.count() == 1
