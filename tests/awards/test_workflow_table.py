"""The entry and edition state machines as tables.

Every (state, transition, role) of an entry and every (phase, transition, role) of an edition is
tried through the services, and the outcome compared with the tables below. The tables are
written out by hand from the programme's rules (docs/workflow.md), not read from
awards/workflow.py: a change to the machine must change them too.
"""

import datetime
from dataclasses import dataclass

import pytest
import time_machine
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from awards.models import (
    Edition,
    EditionPhaseChange,
    EligibilityAnswer,
    EligibilityCriterion,
    Entry,
    EntryTransition,
)
from awards.services.transitions import TransitionRefused, change_phase, transition_entry
from jury.models import JuryMember
from tests.factories import (
    EditionFactory,
    EntryFactory,
    JuryMemberFactory,
    MembershipFactory,
    QuestionFactory,
    SecretariatFactory,
    UserFactory,
    complete_entry,
)

pytestmark = pytest.mark.django_db

OUTSIDER = "outsider"
APPLICANT = "applicant"
OTHER_APPLICANT = "other_applicant"
SECRETARIAT = "secretariat"
JUROR = "juror"
CHAIR = "chair"
ROLES = (OUTSIDER, APPLICANT, OTHER_APPLICANT, SECRETARIAT, JUROR, CHAIR)

# Every state of an entry, with the label a person reads.
STATE_LABELS = {
    "draft": "Draft",
    "submitted": "Submitted",
    "clarification_requested": "Clarification requested",
    "eligible": "Eligible",
    "ineligible": "Not eligible",
    "in_review": "In jury review",
    "shortlisted": "Shortlisted",
    "not_shortlisted": "Not shortlisted",
    "awarded": "Awarded",
    "finalist": "Finalist",
    "withdrawn": "Withdrawn",
}
STATES = tuple(STATE_LABELS)

# transition -> (the states it leaves from, the state it leads to, the roles that may take it)
ENTRY_TABLE = {
    "submit": (("draft",), "submitted", {APPLICANT}),
    "request_clarification": (("submitted",), "clarification_requested", {SECRETARIAT}),
    "resubmit": (("clarification_requested",), "submitted", {APPLICANT}),
    "mark_eligible": (("submitted",), "eligible", {SECRETARIAT}),
    "mark_ineligible": (("submitted", "clarification_requested"), "ineligible", {SECRETARIAT}),
    "open_review": (("eligible",), "in_review", {SECRETARIAT}),
    "shortlist": (("in_review",), "shortlisted", {SECRETARIAT, CHAIR}),
    "not_shortlist": (("in_review",), "not_shortlisted", {SECRETARIAT, CHAIR}),
    "award": (("shortlisted",), "awarded", {SECRETARIAT, CHAIR}),
    "mark_finalist": (("shortlisted",), "finalist", {SECRETARIAT, CHAIR}),
    "undo_shortlist": (("shortlisted", "not_shortlisted"), "in_review", {SECRETARIAT, CHAIR}),
    "reopen_decision": (("awarded", "finalist"), "shortlisted", {SECRETARIAT}),
    "withdraw": (("draft", "submitted", "clarification_requested"), "withdrawn", {APPLICANT}),
}
# The edition phase a transition's condition needs; the others run while the call is open.
PHASE_NEEDED = {
    "open_review": "jury_review",
    "shortlist": "deliberation",
    "not_shortlist": "deliberation",
    "award": "deliberation",
    "mark_finalist": "deliberation",
    "undo_shortlist": "deliberation",
    "reopen_decision": "deliberation",
}
NEEDS_REASON = {"request_clarification", "mark_ineligible", "undo_shortlist", "reopen_decision"}

PHASE_LABELS = {
    "draft": "In preparation",
    "call_open": "Call for entries open",
    "screening": "Eligibility screening",
    "jury_review": "Jury review",
    "deliberation": "Deliberation",
    "published": "Results published",
    "archived": "Archived",
}
PHASES = tuple(PHASE_LABELS)
# phase transition -> (the phase it leaves from, the phase it leads to); only the secretariat.
EDITION_TABLE = {
    "open_call": ("draft", "call_open"),
    "close_call": ("call_open", "screening"),
    "open_jury_review": ("screening", "jury_review"),
    "open_deliberation": ("jury_review", "deliberation"),
    "publish_results": ("deliberation", "published"),
    "archive": ("published", "archived"),
}
EDITION_ROLES = (SECRETARIAT, APPLICANT)

NOT_ALLOWED = "You are not allowed to take this step."


# Until the results are published, a refusal names the jury's decisions as "In jury review".
UNANNOUNCED = {"shortlisted", "not_shortlisted", "awarded", "finalist"}


def not_possible(state: str, phase: str) -> str:
    hidden = state in UNANNOUNCED and phase not in ("published", "archived")
    label = STATE_LABELS["in_review" if hidden else state]
    return f"This step is not possible while the entry is “{label}”."


def phase_not_possible(phase: str) -> str:
    return f"This step is not possible while the edition is in “{PHASE_LABELS[phase]}”."


@dataclass
class World:
    edition: Edition  # call open, deadlines ahead
    past_edition: Edition  # every milestone passed, results locked, no entry
    entry: Entry  # complete, of the applicant's organisation, checklist all "yes"
    users: dict[str, User]


def put(entry: Entry, state: str, phase: str | None = None) -> Entry:
    """The entry in `state` (and its edition in `phase`), bypassing the protected fields."""
    Entry.objects.filter(pk=entry.pk).update(state=state)
    if phase is not None:
        Edition.objects.filter(pk=entry.edition_id).update(phase=phase)
    return Entry.objects.get(pk=entry.pk)


def put_edition(edition: Edition, phase: str) -> Edition:
    Edition.objects.filter(pk=edition.pk).update(phase=phase)
    return Edition.objects.get(pk=edition.pk)


def answer_checklist(entry: Entry, answers: list[bool | None]) -> None:
    criteria = list(entry.edition.eligibility_criteria.all())
    assert len(criteria) == len(answers)
    for criterion, answer in zip(criteria, answers, strict=True):
        EligibilityAnswer.objects.update_or_create(
            entry=entry, criterion=criterion, defaults={"answer": answer}
        )


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    """The people and editions every case shares, made once and rolled back after the module."""
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        edition = EditionFactory()
        QuestionFactory(edition=edition)
        if not edition.eligibility_criteria.exists():
            for position in (1, 2):
                EligibilityCriterion.objects.create(
                    edition=edition, position=position, text=f"Checklist item {position}"
                )
        membership = MembershipFactory()
        entry = complete_entry(EntryFactory(edition=edition, organisation=membership.organisation))
        answer_checklist(entry, [True] * edition.eligibility_criteria.count())
        long_ago = timezone.now() - datetime.timedelta(days=400)
        past_edition = EditionFactory(call_opens=long_ago, results_locked_at=timezone.now())
        QuestionFactory(edition=past_edition)
        users = {
            OUTSIDER: UserFactory(),
            APPLICANT: membership.user,
            OTHER_APPLICANT: MembershipFactory().user,
            SECRETARIAT: SecretariatFactory(),
            JUROR: JuryMemberFactory(edition=edition).user,
            CHAIR: JuryMemberFactory(edition=edition, is_chair=True).user,
        }
    yield World(edition=edition, past_edition=past_edition, entry=entry, users=users)
    with django_db_blocker.unblock():
        transaction.set_rollback(True)
        outer.__exit__(None, None, None)


# The entry table ----------------------------------------------------------------------------


def test_entry_table_names_every_state_and_transition():
    field = Entry._meta.get_field("state")
    transitions = {t.name for t in field.get_all_transitions(Entry)}

    assert set(STATES) == {value for value, _ in field.choices}
    assert transitions == set(ENTRY_TABLE)
    assert len(STATES) == 11
    assert len(ENTRY_TABLE) == 13


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", ENTRY_TABLE)
@pytest.mark.parametrize("state", STATES)
def test_entry_transition_table(world, state, name, role):
    sources, target, allowed_roles = ENTRY_TABLE[name]
    phase = PHASE_NEEDED.get(name, "call_open")
    entry = put(world.entry, state, phase)
    by = world.users[role]
    note = "Please say more about the partners." if name in NEEDS_REASON else ""

    if state in sources and role in allowed_roles:
        transition_entry(entry=entry, name=name, by=by, note=note)

        assert Entry.objects.get(pk=entry.pk).state == target
        log = EntryTransition.objects.get()
        assert (log.entry_id, log.transition, log.source_state, log.target_state, log.by) == (
            entry.pk,
            name,
            state,
            target,
            by,
        )
        assert log.note == note
    else:
        with pytest.raises(TransitionRefused) as refusal:
            transition_entry(entry=entry, name=name, by=by, note=note)

        # Permission is asked first: who may not take a step learns nothing of the state.
        expected = NOT_ALLOWED if role not in allowed_roles else not_possible(state, phase)
        assert str(refusal.value) == expected
        assert Entry.objects.get(pk=entry.pk).state == state
        assert EntryTransition.objects.count() == 0


def test_unknown_entry_transition_refused(world):
    entry = put(world.entry, "draft")

    with pytest.raises(TransitionRefused) as refusal:
        transition_entry(entry=entry, name="delete", by=world.users[SECRETARIAT])

    assert str(refusal.value) == "There is no such step for an entry."
    assert EntryTransition.objects.count() == 0


# Entry conditions, state by state -----------------------------------------------------------


def assert_refused(entry: Entry, name: str, by: User, message: str, note: str = "") -> None:
    state = entry.state
    with pytest.raises(TransitionRefused) as refusal:
        transition_entry(entry=entry, name=name, by=by, note=note)
    assert str(refusal.value) == message
    assert Entry.objects.get(pk=entry.pk).state == state
    assert EntryTransition.objects.count() == 0


def test_submit_after_deadline_refused(world):
    entry = put(world.entry, "draft")
    one_second_late = entry.deadline + datetime.timedelta(seconds=1)

    with time_machine.travel(one_second_late, tick=False):
        assert_refused(
            entry, "submit", world.users[APPLICANT], "The submission deadline has passed."
        )


def test_submit_after_deadline_within_extension_allowed(world):
    Entry.objects.filter(pk=world.entry.pk).update(
        deadline_extension=world.edition.submission_deadline + datetime.timedelta(days=2)
    )
    entry = put(world.entry, "draft")

    with time_machine.travel(
        world.edition.submission_deadline + datetime.timedelta(days=1), tick=False
    ):
        transition_entry(entry=entry, name="submit", by=world.users[APPLICANT])

    assert Entry.objects.get(pk=entry.pk).state == "submitted"


def test_submit_after_extension_refused(world):
    extension = world.edition.submission_deadline + datetime.timedelta(days=2)
    Entry.objects.filter(pk=world.entry.pk).update(deadline_extension=extension)
    entry = put(world.entry, "draft")

    with time_machine.travel(extension + datetime.timedelta(seconds=1), tick=False):
        assert_refused(
            entry, "submit", world.users[APPLICANT], "The submission deadline has passed."
        )


@pytest.mark.parametrize(
    ("state", "name"), [("draft", "submit"), ("clarification_requested", "resubmit")]
)
def test_incomplete_entry_refused(world, state, name):
    world.entry.partners.all().delete()
    entry = put(world.entry, state)

    assert_refused(
        entry,
        name,
        world.users[APPLICANT],
        "The entry is not complete yet: the review page lists what is missing.",
    )


def test_resubmit_after_clarification_deadline_refused(world):
    entry = put(world.entry, "clarification_requested")
    one_second_late = world.edition.clarification_deadline + datetime.timedelta(seconds=1)

    with time_machine.travel(one_second_late, tick=False):
        assert_refused(
            entry,
            "resubmit",
            world.users[APPLICANT],
            "The deadline for answering the clarification has passed.",
        )


def test_resubmit_at_clarification_deadline_allowed(world):
    entry = put(world.entry, "clarification_requested")

    with time_machine.travel(world.edition.clarification_deadline, tick=False):
        transition_entry(entry=entry, name="resubmit", by=world.users[APPLICANT])

    assert Entry.objects.get(pk=entry.pk).state == "submitted"


@pytest.mark.parametrize("note", ["", "   \n"])
@pytest.mark.parametrize(
    ("state", "name"),
    [
        ("submitted", "request_clarification"),
        ("submitted", "mark_ineligible"),
        ("clarification_requested", "mark_ineligible"),
    ],
)
def test_decision_without_reason_refused(world, state, name, note):
    entry = put(world.entry, state)

    assert_refused(
        entry,
        name,
        world.users[SECRETARIAT],
        "Say why: a reason or a question is required for this step.",
        note=note,
    )


@pytest.mark.parametrize("failing", [False, None])
def test_mark_eligible_with_one_item_not_yes_refused(world, failing):
    count = world.edition.eligibility_criteria.count()
    answer_checklist(world.entry, [True] * (count - 1) + [failing])
    entry = put(world.entry, "submitted")

    assert_refused(
        entry,
        "mark_eligible",
        world.users[SECRETARIAT],
        "Every item of the eligibility checklist must be answered “yes” first.",
    )


def test_mark_eligible_with_one_item_unanswered_refused(world):
    world.entry.eligibility_answers.order_by("pk").last().delete()
    entry = put(world.entry, "submitted")

    assert_refused(
        entry,
        "mark_eligible",
        world.users[SECRETARIAT],
        "Every item of the eligibility checklist must be answered “yes” first.",
    )


@pytest.mark.parametrize("phase", [p for p in PHASES if p != "jury_review"])
def test_open_review_outside_jury_review_refused(world, phase):
    entry = put(world.entry, "eligible", phase)

    assert_refused(
        entry,
        "open_review",
        world.users[SECRETARIAT],
        "The jury review of this edition has not been opened.",
    )


@pytest.mark.parametrize("phase", [p for p in PHASES if p != "deliberation"])
@pytest.mark.parametrize(
    ("state", "name"),
    [
        ("in_review", "shortlist"),
        ("in_review", "not_shortlist"),
        ("shortlisted", "award"),
        ("shortlisted", "mark_finalist"),
    ],
)
def test_prize_decision_outside_deliberation_refused(world, state, name, phase):
    entry = put(world.entry, state, phase)

    assert_refused(
        entry,
        name,
        world.users[CHAIR],
        "The jury's deliberation for this edition has not started.",
    )


@pytest.mark.parametrize("state", ["shortlisted", "not_shortlisted"])
def test_shortlist_undone_after_the_deliberation_started_refused(world, state):
    entry = put(world.entry, state, "deliberation")
    Edition.objects.filter(pk=entry.edition_id).update(deliberation_started_at=timezone.now())
    entry = Entry.objects.get(pk=entry.pk)

    try:
        assert_refused(
            entry,
            "undo_shortlist",
            world.users[SECRETARIAT],
            "The deliberation has started: the shortlist stays as it was confirmed.",
            note="A juror asked to look again.",
        )
    finally:
        Edition.objects.filter(pk=entry.edition_id).update(deliberation_started_at=None)


def test_chair_of_another_edition_may_not_decide_prizes(world):
    chair_elsewhere = JuryMemberFactory(is_chair=True).user
    entry = put(world.entry, "in_review", "deliberation")

    assert_refused(entry, "shortlist", chair_elsewhere, NOT_ALLOWED)


def test_chair_not_yet_accepted_may_not_decide_prizes(world):
    chair = world.users[CHAIR]
    JuryMember.objects.filter(user=chair, edition=world.edition).update(accepted_at=None)
    entry = put(world.entry, "in_review", "deliberation")

    assert_refused(entry, "shortlist", chair, NOT_ALLOWED)


def test_unapproved_member_may_not_submit(world):
    pending = MembershipFactory(organisation=world.entry.organisation, is_approved=False).user
    entry = put(world.entry, "draft")

    assert_refused(entry, "submit", pending, NOT_ALLOWED)


def test_stale_entry_refused_naming_current_state(world):
    entry = put(world.entry, "submitted")
    Entry.objects.filter(pk=entry.pk).update(state="withdrawn")

    with pytest.raises(TransitionRefused) as refusal:
        transition_entry(entry=entry, name="mark_eligible", by=world.users[SECRETARIAT])

    assert str(refusal.value) == (
        "Someone else changed this entry a moment ago; it is now “Withdrawn”. "
        "The page shows its current state."
    )
    assert Entry.objects.get(pk=entry.pk).state == "withdrawn"
    assert EntryTransition.objects.count() == 0


# The edition table --------------------------------------------------------------------------


def test_edition_table_names_every_phase_and_transition():
    field = Edition._meta.get_field("phase")
    transitions = {t.name for t in field.get_all_transitions(Edition)}

    assert set(PHASES) == {value for value, _ in field.choices}
    assert transitions == set(EDITION_TABLE)


@pytest.mark.parametrize("role", EDITION_ROLES)
@pytest.mark.parametrize("name", EDITION_TABLE)
@pytest.mark.parametrize("phase", PHASES)
def test_edition_phase_table(world, phase, name, role):
    source, target = EDITION_TABLE[name]
    edition = put_edition(world.past_edition, phase)
    by = world.users[role]

    if phase == source and role == SECRETARIAT:
        change_phase(edition=edition, name=name, by=by)

        assert Edition.objects.get(pk=edition.pk).phase == target
        log = EditionPhaseChange.objects.get()
        assert (log.edition_id, log.transition, log.source_phase, log.target_phase, log.by) == (
            edition.pk,
            name,
            phase,
            target,
            by,
        )
        assert log.entries_moved == 0
    else:
        with pytest.raises(TransitionRefused) as refusal:
            change_phase(edition=edition, name=name, by=by)

        expected = NOT_ALLOWED if role != SECRETARIAT else phase_not_possible(phase)
        assert str(refusal.value) == expected
        assert Edition.objects.get(pk=edition.pk).phase == phase
        assert EditionPhaseChange.objects.count() == 0


def assert_phase_refused(edition: Edition, name: str, by: User, message: str) -> None:
    phase = edition.phase
    with pytest.raises(TransitionRefused) as refusal:
        change_phase(edition=edition, name=name, by=by)
    assert str(refusal.value) == message
    assert Edition.objects.get(pk=edition.pk).phase == phase
    assert EditionPhaseChange.objects.count() == 0


def test_open_call_without_questions_refused(world):
    edition = EditionFactory(phase="draft")

    assert_phase_refused(
        edition,
        "open_call",
        world.users[SECRETARIAT],
        "The edition needs at least one question before its call opens.",
    )


def test_close_call_before_deadline_refused(world):
    edition = put_edition(world.edition, "call_open")

    with time_machine.travel(edition.submission_deadline, tick=False):
        assert_phase_refused(
            edition,
            "close_call",
            world.users[SECRETARIAT],
            "The submission deadline has not passed yet.",
        )


def test_close_call_leaves_drafts_as_drafts(world):
    edition = put_edition(world.past_edition, "call_open")
    draft = EntryFactory(edition=edition)
    submitted = put(EntryFactory(edition=edition), "submitted")

    change_phase(edition=edition, name="close_call", by=world.users[SECRETARIAT])

    states = dict(Entry.objects.filter(edition=edition).values_list("pk", "state"))
    assert states == {draft.pk: "draft", submitted.pk: "submitted"}
    assert EntryTransition.objects.count() == 0
    assert EditionPhaseChange.objects.get().entries_moved == 0


@pytest.mark.parametrize("waiting", ["submitted", "clarification_requested"])
def test_open_jury_review_while_entry_awaits_screening_refused(world, waiting):
    edition = put_edition(world.past_edition, "screening")
    put(EntryFactory(edition=edition), "eligible")
    put(EntryFactory(edition=edition), waiting)

    assert_phase_refused(
        edition,
        "open_jury_review",
        world.users[SECRETARIAT],
        "Some entries still await an eligibility decision.",
    )
    assert sorted(Entry.objects.filter(edition=edition).values_list("state", flat=True)) == sorted(
        ["eligible", waiting]
    )


def test_open_jury_review_moves_every_eligible_entry(world):
    edition = put_edition(world.past_edition, "screening")
    by = world.users[SECRETARIAT]
    eligible = [put(EntryFactory(edition=edition), "eligible") for _ in range(3)]
    untouched = {
        put(EntryFactory(edition=edition), state).pk: state
        for state in ("draft", "ineligible", "withdrawn")
    }

    change_phase(edition=edition, name="open_jury_review", by=by)

    states = dict(Entry.objects.filter(edition=edition).values_list("pk", "state"))
    assert states == {**{e.pk: "in_review" for e in eligible}, **untouched}
    logs = EntryTransition.objects.order_by("entry_id")
    assert [(t.entry_id, t.transition, t.source_state, t.target_state, t.by) for t in logs] == [
        (e.pk, "open_review", "eligible", "in_review", by) for e in eligible
    ]
    change = EditionPhaseChange.objects.get()
    assert (change.source_phase, change.target_phase, change.entries_moved) == (
        "screening",
        "jury_review",
        3,
    )


def test_publish_results_before_results_locked_refused(world):
    Edition.objects.filter(pk=world.past_edition.pk).update(results_locked_at=None)
    edition = put_edition(world.past_edition, "deliberation")

    assert_phase_refused(
        edition,
        "publish_results",
        world.users[SECRETARIAT],
        "The jury's decision must be locked before the results are published.",
    )


def test_publish_results_before_announcement_refused(world):
    edition = put_edition(world.past_edition, "deliberation")
    one_second_early = edition.announcement_at - datetime.timedelta(seconds=1)

    with time_machine.travel(one_second_early, tick=False):
        assert_phase_refused(
            edition,
            "publish_results",
            world.users[SECRETARIAT],
            "The announcement time has not come yet.",
        )


def test_publish_results_leaves_every_entry_its_outcome(world):
    """Publication is the edition's: an awarded entry stays awarded, so that its certificate
    and the public results can say so for good."""
    edition = put_edition(world.past_edition, "deliberation")
    by = world.users[SECRETARIAT]
    outcomes = {
        put(EntryFactory(edition=edition), state).pk: state
        for state in ("awarded", "finalist", "not_shortlisted", "ineligible", "withdrawn", "draft")
    }

    with time_machine.travel(edition.announcement_at, tick=False):
        change_phase(edition=edition, name="publish_results", by=by)

    assert dict(Entry.objects.filter(edition=edition).values_list("pk", "state")) == outcomes
    assert not EntryTransition.objects.exists()
    assert EditionPhaseChange.objects.get().entries_moved == 0
    awarded = Entry.objects.get(pk=next(pk for pk, s in outcomes.items() if s == "awarded"))
    assert awarded.announced_state_label == "Awarded"
