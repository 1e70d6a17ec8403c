"""The services that move entries and editions through their state machines (workflow.py)."""

from collections.abc import Callable
from functools import partial
from typing import cast

from django.db import transaction
from django.utils.translation import gettext as _
from django_fsm import ConcurrentTransition

from accounts.models import User

from ..models import Edition, EditionPhaseChange, Entry, EntryTransition
from ..workflow import PHASE_MOVES_ENTRIES

# What happens after a move, once its transaction has committed, by transition name.
# Each function receives the entry and the person who moved it.
AFTER_COMMIT: dict[str, list[Callable]] = {}


class TransitionRefused(Exception):
    """A move that may not happen now; the message says why, for the person who tried."""


def after_commit(name: str) -> Callable:
    def register(function: Callable) -> Callable:
        AFTER_COMMIT.setdefault(name, []).append(function)
        return function

    return register


def transition_names(instance: Entry | Edition) -> set[str]:
    # get_all_<field>_transitions is added to the model by FSMField at class creation.
    field = "state" if isinstance(instance, Entry) else "phase"
    return {t.name for t in getattr(instance, f"get_all_{field}_transitions")()}


def lock_entry(pk: int) -> Entry:
    # Only the entry's row: locking the joined edition too would queue every save of the
    # edition's entries behind each other.
    return Entry.objects.select_for_update(of=("self",)).select_related("edition").get(pk=pk)


def transition_entry(
    *, entry: Entry, name: str, by: User | None, note: str = "", internal_note: str = ""
) -> Entry:
    """Move `entry` by transition `name` on behalf of `by` (None: the scheduler).

    Side effects, in order: the entry row locked; permission and conditions checked (a refusal
    raises TransitionRefused naming why); the transition's own changes and the new state saved;
    one EntryTransition row; after commit, the functions registered for `name`.
    """
    if name not in transition_names(entry):
        raise TransitionRefused(_("There is no such step for an entry."))
    try:
        with transaction.atomic():
            locked = lock_entry(entry.pk)
            if locked.state != entry.state:
                raise TransitionRefused(_stale_message(locked))
            locked.transition_note = note
            method = getattr(locked, name)
            _check(locked, locked.state, method, by)
            source = locked.state
            method()
            locked.save()
            EntryTransition.objects.create(
                entry=locked,
                transition=name,
                source_state=source,
                target_state=locked.state,
                by=by,
                note=note,
                internal_note=internal_note,
            )
            for function in AFTER_COMMIT.get(name, []):
                # Each side effect on its own: one failing must not stop the others.
                transaction.on_commit(partial(function, locked, by), robust=True)
    except ConcurrentTransition as error:
        # Another request moved the entry between our read and our write.
        raise TransitionRefused(_stale_message(Entry.objects.get(pk=entry.pk))) from error
    return locked


def change_phase(*, edition: Edition, name: str, by: User | None) -> Edition:
    """Move `edition` to its next phase, and its entries with it where the phase says so.

    Side effects, in order: the edition row locked; permission and conditions checked; the new
    phase saved; every entry the phase moves (PHASE_MOVES_ENTRIES) moved through
    `transition_entry`, all in the same transaction; one EditionPhaseChange row.
    """
    if name not in transition_names(edition):
        raise TransitionRefused(_("There is no such step for an edition."))
    with transaction.atomic():
        locked = Edition.objects.select_for_update().get(pk=edition.pk)
        if locked.phase != edition.phase:
            raise TransitionRefused(
                _("Someone else changed the phase a moment ago; it is now “%(phase)s”.")
                % {"phase": locked.get_phase_display()}
            )
        method = getattr(locked, name)
        _check(locked, locked.phase, method, by)
        source = locked.phase
        method()
        locked.save()
        moved = _move_entries(locked, name, by)
        EditionPhaseChange.objects.create(
            edition=locked,
            transition=name,
            source_phase=source,
            target_phase=locked.phase,
            by=by,
            entries_moved=moved,
        )
    return locked


def _move_entries(edition: Edition, phase_transition: str, by: User | None) -> int:
    if phase_transition not in PHASE_MOVES_ENTRIES:
        return 0
    entry_transition = PHASE_MOVES_ENTRIES[phase_transition]
    # Every entry in a state the entry transition starts from, as workflow.py declares it.
    sources = getattr(Entry, entry_transition)._django_fsm.transitions.keys()
    entries = edition.entries.filter(state__in=sources).order_by("pk")
    for entry in entries:
        transition_entry(entry=entry, name=entry_transition, by=by)
    return len(entries)


def _check(instance, current: str, method, by: User | None) -> None:
    meta = method._django_fsm
    if not meta.has_transition(current):
        raise TransitionRefused(_not_possible(instance))
    # The scheduler (by=None) acts for the programme's timeline, not for a person.
    if by is not None and not meta.has_transition_perm(instance, current, by):
        raise TransitionRefused(_("You are not allowed to take this step."))
    for condition in meta.get_transition(current).conditions:
        if not condition(instance):
            raise TransitionRefused(str(condition.refusal))


def _not_possible(instance: Entry | Edition) -> str:
    if isinstance(instance, Edition):
        return _("This step is not possible while the edition is in “%(phase)s”.") % {
            "phase": instance.get_phase_display()
        }
    # The state as the applicant may see it: a refusal must not reveal the jury's decision.
    return _("This step is not possible while the entry is “%(state)s”.") % {
        "state": cast(Entry, instance).announced_state_label
    }


def _stale_message(current: Entry) -> str:
    return _(
        "Someone else changed this entry a moment ago; it is now “%(state)s”. "
        "The page shows its current state."
    ) % {"state": current.announced_state_label}
