"""The secretariat's eligibility screening: the checklist and the three decisions."""

from collections.abc import Mapping

from django.db import transaction
from django.utils.translation import gettext_noop

from accounts.models import User

from ..eligibility import checklist, computed_answer
from ..models import Edition, EligibilityAnswer, EligibilityCriterion, Entry
from .transitions import TransitionRefused, transition_entry

# The checklist of the 2024 edition; each becomes an item an edition can edit.
Rule = EligibilityCriterion.Rule
DEFAULT_CHECKLIST = [
    (
        gettext_noop(
            "The lead applicant is a local or regional government of an EU-27 member state, "
            "or an association of them."
        ),
        EligibilityCriterion.Rule.LEAD_EU,
    ),
    (
        gettext_noop(
            "At least one partner is a local or regional government of a partner country."
        ),
        EligibilityCriterion.Rule.PARTNER_COUNTRY,
    ),
    (
        gettext_noop("Every partner has confirmed taking part."),
        EligibilityCriterion.Rule.PARTNERS_CONFIRMED,
    ),
    (
        gettext_noop("A linked project is ongoing or ended within the edition's window."),
        EligibilityCriterion.Rule.PROJECT_WINDOW,
    ),
    (
        gettext_noop("The entry names at least one Sustainable Development Goal."),
        EligibilityCriterion.Rule.HAS_SDG,
    ),
]

DECISIONS = {
    "eligible": "mark_eligible",
    "ineligible": "mark_ineligible",
    "clarify": "request_clarification",
}


def add_default_checklist(*, edition: Edition) -> list[EligibilityCriterion]:
    return EligibilityCriterion.objects.bulk_create(
        EligibilityCriterion(edition=edition, position=i, text=text, rule=rule)
        for i, (text, rule) in enumerate(DEFAULT_CHECKLIST, start=1)
    )


@transaction.atomic
def save_checklist(
    *, entry: Entry, by: User, answers: Mapping[int, bool | None], notes: Mapping[int, str]
) -> None:
    """Side effects: one EligibilityAnswer per checklist item given, by `by`, written in one
    statement."""
    # What the rules read of the entry, read once for all of them (not from the caller's
    # instance, whose relations may be stale or not read).
    entry = (
        Entry.objects.select_related("organisation", "edition")
        .prefetch_related("partners", "projects", "sdgs", "edition__eligibility_criteria")
        .get(pk=entry.pk)
    )
    rows = []
    for criterion in entry.edition.eligibility_criteria.all():
        if criterion.pk not in answers:
            continue
        answer = answers[criterion.pk]
        computed = computed_answer(criterion.rule, entry) if criterion.rule else None
        rows.append(
            EligibilityAnswer(
                entry=entry,
                criterion=criterion,
                answer=answer,
                computed=criterion.rule != "" and answer == computed,
                note=notes.get(criterion.pk, ""),
                answered_by=by,
            )
        )
    EligibilityAnswer.objects.bulk_create(
        rows,
        update_conflicts=True,
        unique_fields=["entry", "criterion"],
        update_fields=["answer", "computed", "note", "answered_by", "answered_at"],
    )


def decide(*, entry: Entry, by: User, decision: str, note: str, internal_note: str = "") -> Entry:
    """Mark an entry eligible or ineligible, or ask its applicant a question.

    Side effects: those of `transition_entry` (the applicants' message among them).
    """
    return transition_entry(
        entry=entry, name=DECISIONS[decision], by=by, note=note, internal_note=internal_note
    )


def decide_many(
    *, entries: list[Entry], by: User, decision: str, note: str
) -> tuple[list[Entry], list[tuple[Entry, str]]]:
    """The same decision for several entries, each in its own transaction.

    For "eligible", checklist items still unanswered take their computed answer first (the
    secretariat accepts what the entry's data shows). Returns (decided, refused with why).
    """
    decided, refused = [], []
    for entry in entries:
        try:
            with transaction.atomic():
                if decision == "eligible":
                    _accept_computed_answers(entry, by)
                decided.append(decide(entry=entry, by=by, decision=decision, note=note))
        except TransitionRefused as refusal:
            refused.append((entry, str(refusal)))
    return decided, refused


def _accept_computed_answers(entry: Entry, by: User) -> None:
    """Side effects: each checklist item not yet answered gets the answer the entry's data gives
    (items the data cannot tell stay open)."""
    computed = {row.criterion.pk: row.computed for row in checklist(entry) if row.is_computed_only}
    save_checklist(entry=entry, by=by, answers=computed, notes={})
