"""The services that move entries and editions through their state machines (workflow.py)."""

import datetime
from collections.abc import Iterable
from typing import cast

from django.db import transaction
from django.db.models import prefetch_related_objects
from django.utils import timezone
from django.utils.translation import gettext as _
from django_fsm import ConcurrentTransition

from accounts.models import User
from core.refusals import Conflict, Refused

from .. import signals
from ..models import Edition, EditionPhaseChange, Entry, EntryTransition
from ..selectors import ENTRY_COMPLETENESS
from ..workflow import PHASE_MOVES_ENTRIES, checklist_passed, is_complete
from . import announcements


class TransitionRefused(Refused):
    """A move that may not happen now; the message says why, for the person who tried."""


class MovedMeanwhile(TransitionRefused, Conflict):
    """Someone else moved the entry or edition between the person's look and their step."""


def transition_names(instance: Entry | Edition) -> set[str]:
    # get_all_<field>_transitions is added to the model by FSMField at class creation.
    field = "state" if isinstance(instance, Entry) else "phase"
    return {t.name for t in getattr(instance, f"get_all_{field}_transitions")()}


def lock_entry(pk: int) -> Entry:
    # Only the entry's row: locking the joined edition too would queue every save of the
    # edition's entries behind each other.
    return Entry.objects.select_for_update(of=("self",)).select_related("edition").get(pk=pk)


def transition_entry(
    *,
    entry: Entry,
    name: str,
    by: User | None,
    note: str = "",
    internal_note: str = "",
    now: datetime.datetime | None = None,
) -> Entry:
    """Move `entry` by transition `name` on behalf of `by` (None: the scheduler) at `now`.

    Side effects, in order, all in one transaction: the entry row locked; refused
    (TransitionRefused) unless `by` may take this step at all — asked before anything about the
    entry's state, so that a person who may not take a step learns nothing from the answer —,
    unless the step leaves from the entry's state (named as the person may see it) and unless
    every condition holds; the transition's own changes and the new state saved; one
    EntryTransition row; the messages the move sends queued in the outbox
    (`announcements.announce`), delivered once the transaction has committed.
    """
    if name not in transition_names(entry):
        raise TransitionRefused(_("There is no such step for an entry."))
    now = now or timezone.now()
    try:
        with transaction.atomic():
            locked = lock_entry(entry.pk)
            if locked.state != entry.state:
                raise MovedMeanwhile(_stale_message(locked))
            locked.transition_note, locked.transition_now = note, now
            _read_what_conditions_read(locked, name)
            _check(locked, locked.state, name, by)
            source = locked.state
            getattr(locked, name)()
            locked.save()
            step = EntryTransition.objects.create(
                entry=locked,
                transition=name,
                source_state=source,
                target_state=locked.state,
                by=by,
                at=now,
                note=note,
                internal_note=internal_note,
            )
            announcements.announce(step, by=by)
    except ConcurrentTransition as error:
        # Another request moved the entry between our read and our write.
        raise MovedMeanwhile(_stale_message(Entry.objects.get(pk=entry.pk))) from error
    return locked


# What a step's conditions read of the entry beyond its row, for each condition that reads more.
CONDITION_READS = {
    is_complete: ENTRY_COMPLETENESS,
    checklist_passed: ("eligibility_answers", "edition__eligibility_criteria"),
}


def _read_what_conditions_read(entry: Entry, name: str) -> None:
    """The entry's parts that the step's conditions read, read once: the conditions are asked
    twice (by `_check`, for its message, and by the transition itself)."""
    meta = getattr(Entry, name)._django_fsm
    if not meta.has_transition(entry.state):
        return
    reads = [
        lookup
        for condition in meta.get_transition(entry.state).conditions
        for lookup in CONDITION_READS.get(condition, ())
    ]
    if reads:
        prefetch_related_objects([entry], *reads)


def check_transition(
    *, entry: Entry, name: str, by: User | None, now: datetime.datetime | None = None
) -> None:
    """Refused (TransitionRefused) exactly as `transition_entry` would refuse now, without
    moving anything: what a page asks before offering to confirm a step."""
    if name not in transition_names(entry):
        raise TransitionRefused(_("There is no such step for an entry."))
    entry.transition_now = now or timezone.now()
    try:
        _check(entry, entry.state, name, by)
    finally:
        entry.transition_now = None


def change_phase(
    *, edition: Edition, name: str, by: User | None, now: datetime.datetime | None = None
) -> Edition:
    """Move `edition` to its next phase at `now`, and its entries with it where the phase says so.

    Side effects, in order, all in one transaction: the edition row locked; permission, then
    the phase, then the conditions checked (TransitionRefused); the new phase saved; every entry
    the phase moves (PHASE_MOVES_ENTRIES) moved through `transition_entry`; one
    EditionPhaseChange row; on publication, the public entries marked published
    (awards.services.publication) and `signals.results_published` sent (certificates, the
    results told to the applicants), so that all of it commits at the moment or none of it.
    """
    if name not in transition_names(edition):
        raise TransitionRefused(_("There is no such step for an edition."))
    now = now or timezone.now()
    with transaction.atomic():
        locked = Edition.objects.select_for_update().get(pk=edition.pk)
        if locked.phase != edition.phase:
            raise MovedMeanwhile(
                _("Someone else changed the phase a moment ago; it is now “%(phase)s”.")
                % {"phase": locked.get_phase_display()}
            )
        locked.transition_now = now
        _check(locked, locked.phase, name, by)
        source = locked.phase
        getattr(locked, name)()
        locked.save()
        moved = _move_entries(locked, name, by, now)
        EditionPhaseChange.objects.create(
            edition=locked,
            transition=name,
            source_phase=source,
            target_phase=locked.phase,
            by=by,
            at=now,
            entries_moved=moved,
        )
        if name == "publish_results":
            from .publication import publish_entries

            publish_entries(locked, now)
            signals.results_published.send(sender=Edition, edition=locked, by=by, now=now)
    return locked


def _move_entries(
    edition: Edition, phase_transition: str, by: User | None, now: datetime.datetime
) -> int:
    if phase_transition not in PHASE_MOVES_ENTRIES:
        return 0
    entry_transition = PHASE_MOVES_ENTRIES[phase_transition]
    # Every entry in a state the entry transition starts from, as workflow.py declares it.
    sources = getattr(Entry, entry_transition)._django_fsm.transitions.keys()
    entries = edition.entries.filter(state__in=sources).order_by("pk")
    for entry in entries:
        transition_entry(entry=entry, name=entry_transition, by=by, now=now)
    return len(entries)


def steps_for(
    instance: Entry | Edition, by: User | None, *, names: Iterable[str] | None = None
) -> list[str]:
    """The steps (of `names`, or all) that `by` may take from the instance's state or phase now,
    in the workflow's order. Conditions are left aside: one that fails (a deadline passed, the
    entry incomplete) says why when the step is tried, so a page may still offer the step."""
    field = "state" if isinstance(instance, Entry) else "phase"
    current = getattr(instance, field)
    leaving = {t.name for t in getattr(instance, f"get_all_{field}_transitions")()}
    leaving = {
        name
        for name in leaving
        if getattr(type(instance), name)._django_fsm.has_transition(current)
    }
    ordered = _in_workflow_order(type(instance)) if names is None else list(names)
    return [name for name in ordered if name in leaving and may_take(instance, name, by)]


def _in_workflow_order(model: type[Entry] | type[Edition]) -> list[str]:
    """The model's transition methods in the order workflow.py declares them."""
    return [
        name
        for klass in reversed(model.__mro__)
        for name, member in vars(klass).items()
        if hasattr(member, "_django_fsm")
    ]


def may_take(instance: Entry | Edition, name: str, by: User | None) -> bool:
    """Whether `by` may take the step `name` at all, whatever the state: the question asked
    before any other, so that the answer to a person who may not reveals nothing."""
    if by is None:
        # The scheduler acts for the programme's timeline, not for a person.
        return True
    meta = getattr(type(instance), name)._django_fsm
    # Every source of one transition method carries the same permission (workflow.py).
    permission = next(iter(meta.transitions.values())).permission
    return permission is None or by.has_perm(permission, instance)


def _check(instance: Entry | Edition, current: str, name: str, by: User | None) -> None:
    meta = getattr(type(instance), name)._django_fsm
    if not may_take(instance, name, by):
        raise TransitionRefused(_("You are not allowed to take this step."))
    if not meta.has_transition(current):
        raise TransitionRefused(_not_possible(instance))
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
