"""The one service that moves an entry through its state machine (awards/workflow.py)."""

from collections.abc import Callable
from functools import partial

from django.db import transaction
from django.utils.translation import gettext as _
from django_fsm import ConcurrentTransition

from accounts.models import User

from ..models import Entry, EntryTransition
from ..workflow import EntryState

# What happens after a move, once its transaction has committed, by transition name.
# Each function receives the entry and the person who moved it.
AFTER_COMMIT: dict[str, list[Callable[[Entry, User], None]]] = {}


class TransitionRefused(Exception):
    """A move that may not happen now; the message says why, for the person who tried."""


def after_commit(name: str) -> Callable:
    def register(function: Callable[[Entry, User], None]) -> Callable[[Entry, User], None]:
        AFTER_COMMIT.setdefault(name, []).append(function)
        return function

    return register


def transition_names(entry: Entry) -> set[str]:
    # get_all_state_transitions is added to the model by FSMField at class creation.
    return {t.name for t in entry.get_all_state_transitions()}  # type: ignore[attr-defined]


def transition_entry(
    *, entry: Entry, name: str, by: User, note: str = "", internal_note: str = ""
) -> Entry:
    """Move `entry` by transition `name` on behalf of `by`.

    Side effects, in order: the entry row locked; permission and conditions checked (a refusal
    raises TransitionRefused naming why); the transition's own changes and the new state saved;
    one EntryTransition row; after commit, the functions registered for `name`.
    """
    if name not in transition_names(entry):
        raise TransitionRefused(_("There is no such step for an entry."))
    try:
        with transaction.atomic():
            locked = Entry.objects.select_for_update().select_related("edition").get(pk=entry.pk)
            if locked.state != entry.state:
                raise TransitionRefused(_stale_message(locked))
            method = getattr(locked, name)
            _check(locked, method, by)
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
                transaction.on_commit(partial(function, locked, by))
    except ConcurrentTransition as error:
        # Another request moved the entry between our read and our write.
        raise TransitionRefused(_stale_message(Entry.objects.get(pk=entry.pk))) from error
    return locked


def _check(entry: Entry, method, by: User) -> None:
    meta = method._django_fsm
    if not meta.has_transition(entry.state):
        raise TransitionRefused(
            _("This step is not possible while the entry is “%(state)s”.")
            % {"state": entry.get_state_display()}
        )
    if not meta.has_transition_perm(entry, entry.state, by):
        raise TransitionRefused(_("You are not allowed to take this step for this entry."))
    for condition in meta.get_transition(entry.state).conditions:
        if not condition(entry):
            raise TransitionRefused(str(condition.refusal))


def _stale_message(current: Entry) -> str:
    return _(
        "Someone else changed this entry a moment ago; it is now “%(state)s”. "
        "The page shows its current state."
    ) % {"state": current.get_state_display()}


__all__ = ["EntryState", "TransitionRefused", "after_commit", "transition_entry"]
