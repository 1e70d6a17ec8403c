"""The jury's scoring: a juror's draft, its submission, its reopening, and its weighted score.

Every write locks the evaluation row first, so that two tabs of the same juror (or a juror and
the secretariat) cannot interleave, and checks everything before writing anything: a refused
call leaves the database as it was, including no empty draft.
"""

import datetime
from collections.abc import Mapping
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator, ProhibitNullCharactersValidator
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.services import notify_user
from core.limits import LONG_TEXT_MAX_CHARS
from core.refusals import Refused
from notifications.kinds import Kind

from . import rounds, selectors
from .marks import NOT_APPLICABLE, Score, value_problem
from .models import (
    Assignment,
    Criterion,
    CriterionScore,
    Evaluation,
    Reopening,
)

# Every criterion's scale is mapped onto 0 to 10 before weighting.
NORMALISED_MAX = 10


class ScoringRefused(Refused):
    """A scoring write that may not happen; the message says why, for the person who tried."""


@transaction.atomic
def evaluation_for(*, assignment: Assignment) -> Evaluation:
    """The assignment's evaluation.

    Side effects: an empty draft created when the assignment has none yet.
    """
    return Evaluation.objects.get_or_create(assignment=assignment)[0]


@transaction.atomic
def save_scores(
    *,
    assignment: Assignment,
    by: User,
    scores: Mapping[int, Score] | None = None,
    comments: Mapping[int, str] | None = None,
    overall_comment: str | None = None,
    now: datetime.datetime | None = None,
) -> Evaluation:
    """Save a juror's draft; criteria in neither `scores` nor `comments` stay as they are.

    `scores` maps a criterion's id to a Decimal on its scale, NOT_APPLICABLE (stored as no
    value, never 0) or None (no score, no n/a mark): the criterion's value and n/a mark are
    both replaced. A criterion in `comments` has its comment replaced. `overall_comment` None
    keeps the evaluation's comment.

    Side effects, in order: the evaluation row locked (created as a draft if missing); the
    juror, conflicts, status, scoring window, every value (a number within the criterion's
    scale, at most two decimals) and every comment (length, no NUL) checked (ScoringRefused
    names the first problem, and nothing is written); the touched CriterionScore rows created
    or updated; the evaluation's comment and `updated_at` saved.
    """
    sheet = _Sheet.opened(assignment, by, now or timezone.now(), scores, comments, overall_comment)
    sheet.write(update_fields=["comment", "updated_at"])
    return sheet.evaluation


class EvaluationIncomplete(ScoringRefused):
    """A submission refused because a criterion is neither scored nor marked n/a."""


@transaction.atomic
def submit_evaluation(
    *,
    assignment: Assignment,
    by: User,
    scores: Mapping[int, Score] | None = None,
    comments: Mapping[int, str] | None = None,
    overall_comment: str | None = None,
    now: datetime.datetime | None = None,
) -> Evaluation:
    """Submit the juror's evaluation, with the scores and comments they send with it (as
    `save_scores` takes them), which locks it until the secretariat reopens it.

    Side effects, in order: the evaluation row locked (created as a draft if missing); the same
    checks as `save_scores`, and every criterion of the rubric scored or marked n/a once what
    is sent is applied (EvaluationIncomplete otherwise, and ScoringRefused for the rest:
    nothing written); the CriterionScore rows sent written, then the comment, status submitted
    and `submitted_at` now saved.
    """
    now = now or timezone.now()
    sheet = _Sheet.opened(assignment, by, now, scores, comments, overall_comment)
    evaluation = sheet.evaluation
    if not sheet.criteria:
        raise ScoringRefused(_("This edition has no scoring criteria yet."))
    missing = sheet.unanswered()
    if missing:
        raise EvaluationIncomplete(
            _("Score every criterion, or mark it n/a. Still open: %(criteria)s.")
            % {"criteria": ", ".join(missing)}
        )
    evaluation.status = Evaluation.Status.SUBMITTED
    evaluation.submitted_at = now
    sheet.write(update_fields=["comment", "status", "submitted_at", "updated_at"])
    return evaluation


@transaction.atomic
def reopen_evaluation(
    *,
    evaluation: Evaluation,
    by: User,
    reason: str,
    until: datetime.datetime | None = None,
    now: datetime.datetime | None = None,
) -> Evaluation:
    """Give a submitted evaluation back to its juror as a draft, on the secretariat's decision.

    `until` lets the juror change it after the scoring deadline (it is required once the
    deadline has passed: otherwise the juror could not save anything).

    Side effects, in order: refused (ScoringRefused) unless `by` is the secretariat and gives a
    reason, and unless `until` is in the future (and given, after the deadline); the evaluation
    row locked; refused unless it is submitted; status set back to draft (refused when the
    juror has since become conflicted with the entry), `submitted_at` cleared, the reason and
    `until` stored; a Reopening row (who, when, why, until when); the juror told by mail, with
    the time they have. The scores stay as they were.
    """
    now = now or timezone.now()
    if not by.has_perm("jury.manage_jury"):
        raise ScoringRefused(_("Only the secretariat may reopen an evaluation."))
    reason = reason.strip()
    if not reason:
        raise ScoringRefused(_("Say why the evaluation is reopened: a reason is required."))
    if until is not None and until <= now:
        raise ScoringRefused(_("Give the juror a time in the future to change the evaluation."))
    locked = _lock(TELLING_ROWS, pk=evaluation.pk)
    if locked.status != Evaluation.Status.SUBMITTED:
        raise ScoringRefused(_("This evaluation is not submitted, so there is nothing to reopen."))
    round_deadline = rounds.deadline(locked.assignment.entry.edition, locked.assignment.round)
    if until is None and (round_deadline is None or now > round_deadline):
        raise ScoringRefused(
            _(
                "The scoring deadline has passed: say until when the juror may change the "
                "evaluation."
            )
        )
    if selectors.has_active_conflict(locked.assignment.member, locked.assignment.entry):
        raise ScoringRefused(
            _(
                "The juror now has a conflict of interest with this entry, so the evaluation "
                "cannot be reopened; it is left out of the results."
            )
        )
    locked.status = Evaluation.Status.DRAFT
    locked.submitted_at = None
    locked.reopened_reason = reason
    locked.open_until = until
    locked.save(
        update_fields=["status", "submitted_at", "reopened_reason", "open_until", "updated_at"]
    )
    Reopening.objects.create(evaluation=locked, by=by, reason=reason, until=until)
    assignment = locked.assignment
    edition = assignment.entry.edition
    notify_user(
        Kind.JURY_EVALUATION_REOPENED,
        user=assignment.member.user,
        context={
            "edition": {
                "title": edition.title,
                "timezone": edition.timezone,
                "scoring_deadline": closes_for(locked),
            },
            "entry": {"reference": assignment.entry.reference, "title": assignment.entry.title},
            "reason": reason,
            "assignment_id": assignment.pk,
        },
        key=f"jury-reopened:{locked.pk}:{locked.reopenings.count()}",
    )
    return locked


@transaction.atomic
def give_more_time(
    *,
    assignment: Assignment,
    by: User,
    until: datetime.datetime,
    reason: str,
    now: datetime.datetime | None = None,
) -> Evaluation:
    """Let a juror who missed the scoring deadline finish an evaluation they have not submitted.

    Side effects, in order: refused (ScoringRefused) unless `by` is the secretariat, gives a
    reason and a time after both now and the deadline; the evaluation row locked (an empty
    draft made if the juror never opened the entry); refused when it is submitted (it is
    reopened instead) or the juror is conflicted with the entry; `open_until` set; a
    Reopening row (who, when, why, until when); the juror told by mail.
    """
    now = now or timezone.now()
    if not by.has_perm("jury.manage_jury"):
        raise ScoringRefused(_("Only the secretariat may give a juror more time."))
    reason = reason.strip()
    if not reason:
        raise ScoringRefused(_("Say why the juror is given more time: a reason is required."))
    edition = assignment.entry.edition
    round_deadline = rounds.deadline(edition, assignment.round) or edition.scoring_deadline
    if until <= max(now, round_deadline):
        raise ScoringRefused(_("Give a time after the scoring deadline, and in the future."))
    locked = _locked_evaluation(assignment, TELLING_ROWS)
    if locked.status == Evaluation.Status.SUBMITTED:
        raise ScoringRefused(_("This evaluation is submitted: reopen it instead."))
    assignment = locked.assignment
    if selectors.has_active_conflict(assignment.member, assignment.entry):
        raise ScoringRefused(
            _("The juror has a conflict of interest with this entry and may not score it.")
        )
    locked.open_until = until
    locked.save(update_fields=["open_until", "updated_at"])
    Reopening.objects.create(evaluation=locked, by=by, reason=reason, until=until)
    notify_user(
        Kind.JURY_MORE_TIME,
        user=assignment.member.user,
        context={
            "edition": {"title": edition.title, "timezone": edition.timezone},
            "until": until,
            "entry": {"reference": assignment.entry.reference, "title": assignment.entry.title},
            "reason": reason,
            "assignment_id": assignment.pk,
        },
        key=f"jury-more-time:{locked.pk}:{until.isoformat()}",
    )
    return locked


def closes_for(evaluation: Evaluation) -> datetime.datetime:
    """`Evaluation.closes_at` for this evaluation, by its round's deadline; reads its
    assignment's entry's edition (join them)."""
    assignment = evaluation.assignment
    edition = assignment.entry.edition
    deadline = rounds.deadline(edition, assignment.round) or edition.scoring_deadline
    return Evaluation.closes_at(deadline, evaluation.open_until)


def weighted_score(evaluation: Evaluation) -> Decimal | None:
    """The evaluation's score on 0 to 10, or None when no criterion has a value.

    Each value is first normalised to 0 to 10 by its criterion's scale,
    (value - scale_min) / (scale_max - scale_min) * 10, so a 5 on a 1 to 5 scale counts as 10;
    then the weighted mean is taken over the criteria that have a value. Criteria marked n/a,
    or not scored, are left out (they do not count as 0). None also when every scored criterion
    weighs 0. The result is not rounded: rounding is for display.

    Reads `evaluation.scores.all()` with each score's criterion: prefetch
    `scores__criterion` when scoring many evaluations.
    """
    total = Decimal(0)
    weights = Decimal(0)
    for score in evaluation.scores.all():
        if score.value is None:
            continue
        criterion = score.criterion
        span = criterion.scale_max - criterion.scale_min
        normalised = (score.value - criterion.scale_min) / span * NORMALISED_MAX
        total += criterion.weight * normalised
        weights += criterion.weight
    if not weights:
        return None
    return total / weights


# What the checks of a juror's own save read with the evaluation, and what the secretariat's
# changes also need (the juror's account, to tell them). The account is left out of a juror's
# saves: joining its wide row made the lock the dearest read of every autosave.
SCORING_ROWS = ("assignment__member", "assignment__entry__edition")
TELLING_ROWS = ("assignment__member__user", "assignment__entry__edition")


def _locked_evaluation(
    assignment: Assignment, related: tuple[str, ...] = SCORING_ROWS
) -> Evaluation:
    """The assignment's evaluation, locked (created as a draft if missing): one query for
    each autosave but a juror's first."""
    try:
        return _lock(related, assignment_id=assignment.pk)
    except Evaluation.DoesNotExist:
        # Made unless a parallel request made it first (no savepoint, no second read).
        Evaluation.objects.bulk_create([Evaluation(assignment=assignment)], ignore_conflicts=True)
        return _lock(related, assignment_id=assignment.pk)


def _lock(related: tuple[str, ...] = SCORING_ROWS, **lookup: object) -> Evaluation:
    # Read the assignment afresh with the lock, not from the caller's possibly stale instance.
    return Evaluation.objects.select_for_update(of=("self",)).select_related(*related).get(**lookup)


def _check_may_score(evaluation: Evaluation, *, by: User, now: datetime.datetime) -> None:
    assignment = evaluation.assignment
    if by.pk != assignment.member.user_id:
        raise ScoringRefused(_("Only the juror assigned to this entry may score it."))
    if selectors.has_active_conflict(assignment.member, assignment.entry):
        raise ScoringRefused(
            _("You have a conflict of interest with this entry, so you may not score it.")
        )
    if evaluation.status == Evaluation.Status.SUBMITTED:
        raise ScoringRefused(
            _("This evaluation is already submitted; only the secretariat can reopen it.")
        )
    edition = assignment.entry.edition
    opens, _deadline = rounds.window(edition, assignment.round)
    if opens is None or now < opens:
        raise ScoringRefused(_("Scoring for this edition has not opened yet."))
    if now > closes_for(evaluation):
        raise ScoringRefused(_("The scoring deadline for this edition has passed."))


class _Sheet:
    """What a save or a submission does to an evaluation's scores, worked out in memory and
    checked before anything is written: the rubric and the stored scores are read once."""

    def __init__(
        self,
        evaluation: Evaluation,
        scores: Mapping[int, Score],
        comments: Mapping[int, str],
        overall_comment: str | None,
    ) -> None:
        self.evaluation = evaluation
        # The edition's rubric, in its order.
        self.criteria = {
            criterion.pk: criterion
            for criterion in Criterion.objects.filter(
                edition_id=evaluation.assignment.entry.edition_id
            )
        }
        unknown = (set(scores) | set(comments)) - set(self.criteria)
        if unknown:
            raise ScoringRefused(
                _("There is no criterion %(criterion)s in this edition's rubric.")
                % {"criterion": min(unknown)}
            )
        self.stored = {score.criterion_id: score for score in evaluation.scores.all()}
        self.changed = self._changed(scores, comments)
        self.overall_comment = (
            None if overall_comment is None else _checked_text(overall_comment.strip(), about=None)
        )

    @classmethod
    def opened(
        cls,
        assignment: Assignment,
        by: User,
        now: datetime.datetime,
        scores: Mapping[int, Score] | None,
        comments: Mapping[int, str] | None,
        overall_comment: str | None,
    ) -> "_Sheet":
        """The assignment's evaluation locked (made if missing), `by` allowed to score it now,
        and the input checked against its rubric: what a save and a submission start with."""
        evaluation = _locked_evaluation(assignment)
        _check_may_score(evaluation, by=by, now=now)
        return cls(evaluation, scores or {}, comments or {}, overall_comment)

    def _changed(
        self, scores: Mapping[int, Score], comments: Mapping[int, str]
    ) -> list[CriterionScore]:
        """The scores that the input touches, changed in memory (new ones unsaved)."""
        changed = []
        for criterion_id, criterion in self.criteria.items():  # in rubric order: first error first
            if criterion_id not in scores and criterion_id not in comments:
                continue
            score = self.stored.get(criterion_id) or CriterionScore(
                evaluation=self.evaluation, criterion=criterion
            )
            if criterion_id in scores:
                mark = scores[criterion_id]
                score.not_applicable = mark is NOT_APPLICABLE
                score.value = None if mark is NOT_APPLICABLE else checked_value(criterion, mark)
            if criterion_id in comments:
                score.comment = _checked_text(comments[criterion_id].strip(), about=criterion)
            changed.append(score)
        return changed

    def unanswered(self) -> list[str]:
        """The names of the criteria neither scored nor marked n/a, once the input applies."""
        after = {**self.stored, **{score.criterion_id: score for score in self.changed}}
        return [
            criterion.name
            for pk, criterion in self.criteria.items()
            if pk not in after or (after[pk].value is None and not after[pk].not_applicable)
        ]

    def write(self, *, update_fields: list[str]) -> None:
        # Upserts, not a read-then-update: one statement for the new scores and one for those
        # changed (the evaluation's lock orders them), each score written once.
        if self.changed:
            CriterionScore.objects.bulk_create(
                self.changed,
                update_conflicts=True,
                unique_fields=["evaluation", "criterion"],
                update_fields=["value", "not_applicable", "comment"],
            )
        if self.overall_comment is not None:
            self.evaluation.comment = self.overall_comment
        self.evaluation.save(update_fields=update_fields)


def checked_value(criterion: Criterion, value: object) -> Decimal | None:
    """`value` as a score of `criterion`: None, or a Decimal within its scale with at most two
    decimals (ScoringRefused otherwise). Anything but a Decimal, an int or None is a
    programming error: a service takes numbers, not what a person typed."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, Decimal | int):
        raise TypeError(f"A score is a Decimal, NOT_APPLICABLE or None, not {value!r}.")
    value = Decimal(value)
    problem = value_problem(criterion, value)
    if problem:
        raise ScoringRefused(problem)
    return value


def _checked_text(text: str, *, about: Criterion | None) -> str:
    """`text` when it is a comment that can be stored; ScoringRefused, naming the criterion it
    is about, otherwise."""
    try:
        ProhibitNullCharactersValidator()(text)
        MaxLengthValidator(LONG_TEXT_MAX_CHARS)(text)
    except ValidationError as error:
        problem = " ".join(error.messages)
        if about is None:
            raise ScoringRefused(problem) from error
        raise ScoringRefused(
            _("“%(row)s”: %(problem)s") % {"row": about.name, "problem": problem}
        ) from error
    return text
