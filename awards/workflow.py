"""The state machines of entries and editions: every state and every transition.

Nothing else writes `state` or `phase`. Transitions are ordered as the lifecycle. Each names
its conditions (small pure functions below, each carrying the message shown when it fails)
and its permission (a rules permission, see awards/rules.py; the jury app widens the
deliberation permissions to the jury's chair). They run only through the services in
awards/services/transitions.py, which lock, check, log and schedule side effects.
"""

import datetime
from collections.abc import Callable

from django.db import models
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransitionMixin, FSMField, transition


class EntryState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    CLARIFICATION_REQUESTED = "clarification_requested", _("Clarification requested")
    ELIGIBLE = "eligible", _("Eligible")
    INELIGIBLE = "ineligible", _("Not eligible")
    IN_REVIEW = "in_review", _("In jury review")
    SHORTLISTED = "shortlisted", _("Shortlisted")
    NOT_SHORTLISTED = "not_shortlisted", _("Not shortlisted")
    AWARDED = "awarded", _("Awarded")
    FINALIST = "finalist", _("Finalist")
    WITHDRAWN = "withdrawn", _("Withdrawn")


# The jury's decisions stay secret until the results are published: outside the secretariat
# (and the jury), an entry in one of these states shows as "in jury review". Publication is
# the edition's phase: an entry keeps its outcome (awarded, finalist, not shortlisted) for
# good, so that certificates and the public results read it; the prizes themselves are the
# jury's records (jury.models.Prize).
UNANNOUNCED_STATES = frozenset(
    {EntryState.SHORTLISTED, EntryState.NOT_SHORTLISTED, EntryState.AWARDED, EntryState.FINALIST}
)


# The jury's own second thoughts (a shortlist undone, a decision reopened) and their reasons:
# the jury's record, never an applicant's, before or after the announcement.
JURY_INTERNAL_STEPS = frozenset({"undo_shortlist", "reopen_decision"})


# Submitted entries still waiting for the secretariat's eligibility decision.
AWAITING_DECISION = (EntryState.SUBMITTED, EntryState.CLARIFICATION_REQUESTED)


class EditionPhase(models.TextChoices):
    DRAFT = "draft", _("In preparation")
    CALL_OPEN = "call_open", _("Call for entries open")
    SCREENING = "screening", _("Eligibility screening")
    JURY_REVIEW = "jury_review", _("Jury review")
    DELIBERATION = "deliberation", _("Deliberation")
    PUBLISHED = "published", _("Results published")
    ARCHIVED = "archived", _("Archived")


# The phases in which an edition's results are public.
ANNOUNCED_PHASES = (EditionPhase.PUBLISHED, EditionPhase.ARCHIVED)


def refusal(message: str | Promise) -> Callable:
    """Attach the message a person sees when this condition stops a transition."""

    def mark(condition: Callable) -> Callable:
        condition.refusal = message  # type: ignore[attr-defined]
        return condition

    return mark


def clock(instance: models.Model) -> datetime.datetime:
    """The time a condition judges by: the one the transition service was given (`now=`), so
    that a whole edition can run on a given clock; the real time when nothing was given (a page
    asking which steps are open)."""
    return getattr(instance, "transition_now", None) or timezone.now()


# Conditions on an entry ---------------------------------------------------------------------


@refusal(_("The submission deadline has passed."))
def before_deadline(entry) -> bool:
    return clock(entry) <= entry.deadline


@refusal(_("The entry is not complete yet: the review page lists what is missing."))
def is_complete(entry) -> bool:
    return not entry.missing_items()


@refusal(_("The deadline for answering the clarification has passed."))
def before_clarification_deadline(entry) -> bool:
    return clock(entry) <= entry.edition.clarification_deadline


@refusal(_("Say why: a reason or a question is required for this step."))
def reason_given(entry) -> bool:
    return bool(entry.transition_note.strip())


@refusal(_("Every item of the eligibility checklist must be answered “yes” first."))
def checklist_passed(entry) -> bool:
    return entry.checklist_passed()


@refusal(_("The jury review of this edition has not been opened."))
def review_opened(entry) -> bool:
    return entry.edition.phase == EditionPhase.JURY_REVIEW


@refusal(_("The jury's deliberation for this edition has not started."))
def in_deliberation(entry) -> bool:
    return entry.edition.phase == EditionPhase.DELIBERATION


@refusal(_("The deliberation has started: the shortlist stays as it was confirmed."))
def deliberation_not_started(entry) -> bool:
    return entry.edition.deliberation_started_at is None


# The jury's decisions are the jury app's permission (jury/rules.py: the secretariat and the
# edition's chair), named here as Django names another app's permissions, without importing it.
JURY_DECISION = "jury.decide_prizes"


class EntryWorkflow(ConcurrentTransitionMixin, models.Model):
    state = FSMField(
        _("state"), default=EntryState.DRAFT, choices=EntryState.choices, protected=True
    )
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    # Not stored: the note typed with a decision and the time of the move, put on the instance
    # by the transition service before the conditions are checked (see `reason_given`, `clock`).
    transition_note = ""
    transition_now: datetime.datetime | None = None

    class Meta:
        abstract = True

    def clean_fields(self, exclude=None) -> None:
        # Validation writes every field back; the state may only be written by transitions.
        super().clean_fields(exclude={*(exclude or ()), "state"})

    @transition(
        field=state,
        source=EntryState.DRAFT,
        target=EntryState.SUBMITTED,
        conditions=[before_deadline, is_complete],
        permission="awards.submit_entry",
    )
    def submit(self) -> None:
        self.submitted_at = clock(self)

    @transition(
        field=state,
        source=EntryState.SUBMITTED,
        target=EntryState.CLARIFICATION_REQUESTED,
        conditions=[reason_given],
        permission="awards.screen_entry",
    )
    def request_clarification(self) -> None:
        pass

    @transition(
        field=state,
        source=EntryState.CLARIFICATION_REQUESTED,
        target=EntryState.SUBMITTED,
        conditions=[before_clarification_deadline, is_complete],
        permission="awards.submit_entry",
    )
    def resubmit(self) -> None:
        pass

    @transition(
        field=state,
        source=EntryState.SUBMITTED,
        target=EntryState.ELIGIBLE,
        conditions=[checklist_passed],
        permission="awards.screen_entry",
    )
    def mark_eligible(self) -> None:
        pass

    @transition(
        field=state,
        source=[EntryState.SUBMITTED, EntryState.CLARIFICATION_REQUESTED],
        target=EntryState.INELIGIBLE,
        conditions=[reason_given],
        permission="awards.screen_entry",
    )
    def mark_ineligible(self) -> None:
        pass

    @transition(
        field=state,
        source=EntryState.ELIGIBLE,
        target=EntryState.IN_REVIEW,
        conditions=[review_opened],
        permission="awards.manage_phases",
    )
    def open_review(self) -> None:
        pass

    @transition(
        field=state,
        source=EntryState.IN_REVIEW,
        target=EntryState.SHORTLISTED,
        conditions=[in_deliberation],
        permission=JURY_DECISION,
    )
    def shortlist(self) -> None:
        pass

    @transition(
        field=state,
        source=EntryState.IN_REVIEW,
        target=EntryState.NOT_SHORTLISTED,
        conditions=[in_deliberation],
        permission=JURY_DECISION,
    )
    def not_shortlist(self) -> None:
        pass

    @transition(
        field=state,
        source=EntryState.SHORTLISTED,
        target=EntryState.AWARDED,
        conditions=[in_deliberation],
        permission=JURY_DECISION,
    )
    def award(self) -> None:
        pass

    @transition(
        field=state,
        source=EntryState.SHORTLISTED,
        target=EntryState.FINALIST,
        conditions=[in_deliberation],
        permission=JURY_DECISION,
    )
    def mark_finalist(self) -> None:
        pass

    @transition(
        field=state,
        source=[EntryState.SHORTLISTED, EntryState.NOT_SHORTLISTED],
        target=EntryState.IN_REVIEW,
        conditions=[in_deliberation, deliberation_not_started, reason_given],
        permission=JURY_DECISION,
    )
    def undo_shortlist(self) -> None:
        pass

    @transition(
        field=state,
        source=[EntryState.AWARDED, EntryState.FINALIST],
        target=EntryState.SHORTLISTED,
        conditions=[in_deliberation, reason_given],
        permission="awards.manage_phases",
    )
    def reopen_decision(self) -> None:
        # The secretariat reopens a locked decision; the chair confirms it again.
        pass

    @transition(
        field=state,
        source=[EntryState.DRAFT, EntryState.SUBMITTED, EntryState.CLARIFICATION_REQUESTED],
        target=EntryState.WITHDRAWN,
        permission="awards.withdraw_entry",
    )
    def withdraw(self) -> None:
        pass


# Conditions on an edition -------------------------------------------------------------------


@refusal(_("The edition needs at least one question before its call opens."))
def has_questions(edition) -> bool:
    return edition.questions.exists()


@refusal(_("The submission deadline has not passed yet."))
def deadline_passed(edition) -> bool:
    return clock(edition) > edition.submission_deadline


@refusal(_("Some entries still await an eligibility decision."))
def screening_finished(edition) -> bool:
    return not edition.entries.filter(state__in=AWAITING_DECISION).exists()


@refusal(_("The jury's decision must be locked before the results are published."))
def results_locked(edition) -> bool:
    return edition.results_locked_at is not None


@refusal(_("The announcement time has not come yet."))
def announcement_reached(edition) -> bool:
    return clock(edition) >= edition.announcement_at


class EditionWorkflow(ConcurrentTransitionMixin, models.Model):
    phase = FSMField(
        _("phase"), default=EditionPhase.DRAFT, choices=EditionPhase.choices, protected=True
    )
    results_locked_at = models.DateTimeField(_("results locked"), null=True, blank=True)
    # When the jury began deliberating on the shortlist (a meeting, a second round, a ballot,
    # a prize): from then on the shortlist is no longer undone.
    deliberation_started_at = models.DateTimeField(_("deliberation started"), null=True, blank=True)
    # Not stored: the time of the move, put on the instance by the phase service (see `clock`).
    transition_now: datetime.datetime | None = None

    class Meta:
        abstract = True

    def clean_fields(self, exclude=None) -> None:
        # Validation writes every field back; the phase may only be written by transitions.
        super().clean_fields(exclude={*(exclude or ()), "phase"})

    @transition(
        field=phase,
        source=EditionPhase.DRAFT,
        target=EditionPhase.CALL_OPEN,
        conditions=[has_questions],
        permission="awards.manage_phases",
    )
    def open_call(self) -> None:
        pass

    @transition(
        field=phase,
        source=EditionPhase.CALL_OPEN,
        target=EditionPhase.SCREENING,
        conditions=[deadline_passed],
        permission="awards.manage_phases",
    )
    def close_call(self) -> None:
        # Unsubmitted drafts stay drafts: nothing is submitted on anyone's behalf.
        pass

    @transition(
        field=phase,
        source=EditionPhase.SCREENING,
        target=EditionPhase.JURY_REVIEW,
        conditions=[screening_finished],
        permission="awards.manage_phases",
    )
    def open_jury_review(self) -> None:
        pass

    @transition(
        field=phase,
        source=EditionPhase.JURY_REVIEW,
        target=EditionPhase.DELIBERATION,
        permission="awards.manage_phases",
    )
    def open_deliberation(self) -> None:
        pass

    @transition(
        field=phase,
        source=EditionPhase.DELIBERATION,
        target=EditionPhase.PUBLISHED,
        conditions=[results_locked, announcement_reached],
        permission="awards.manage_phases",
    )
    def publish_results(self) -> None:
        pass

    @transition(
        field=phase,
        source=EditionPhase.PUBLISHED,
        target=EditionPhase.ARCHIVED,
        permission="awards.manage_phases",
    )
    def archive(self) -> None:
        pass


# What an edition's phase change does to its entries: phase transition -> the entry transition
# that every entry in one of that transition's source states takes with it.
PHASE_MOVES_ENTRIES = {
    "open_jury_review": "open_review",
}
