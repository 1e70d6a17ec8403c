"""Who may do what in the jury app, as rules predicates (the one place for these rules).

The jury's permissions are its own (`jury.*`): awards' permissions are never redefined here.
The entry state machine names `jury.decide_prizes` for the jury's decisions (shortlist,
prizes), as one app names another's permission, without importing it.
"""

import rules

from accounts.rules import is_secretariat


@rules.predicate
def is_juror(user) -> bool:
    return (
        user.is_authenticated and user.jury_memberships.filter(accepted_at__isnull=False).exists()
    )


@rules.predicate
def chairs_jury_of_entry(user, entry) -> bool:
    return (
        entry is not None
        and user.is_authenticated
        and user.jury_memberships.filter(
            edition_id=entry.edition_id, is_chair=True, accepted_at__isnull=False
        ).exists()
    )


@rules.predicate
def chairs_jury_of_edition(user, edition) -> bool:
    return (
        edition is not None
        and user.is_authenticated
        and user.jury_memberships.filter(
            edition_id=edition.pk, is_chair=True, accepted_at__isnull=False
        ).exists()
    )


@rules.predicate
def sits_on_jury_of_edition(user, edition) -> bool:
    return (
        edition is not None
        and user.is_authenticated
        and user.jury_memberships.filter(edition_id=edition.pk, accepted_at__isnull=False).exists()
    )


@rules.predicate
def edition_shows_jurors_the_ranking(user, edition) -> bool:
    """The edition lets its jurors see the ranking, and scoring is over for everyone."""
    if edition is None:
        return False
    from django.utils import timezone

    from .models import JurySettings
    from .selectors import scoring_closes_for_all

    shows = JurySettings.objects.filter(edition=edition, jurors_see_ranking=True).exists()
    return shows and timezone.now() > scoring_closes_for_all(edition)


@rules.predicate
def jury_scores_not_hidden(user, edition) -> bool:
    """The edition does not keep the jurors' scores from each other until scoring closes, or
    scoring is over for everyone."""
    if edition is None:
        return False
    from django.utils import timezone

    from .selectors import scores_hidden_until_closed

    return not scores_hidden_until_closed(edition, timezone.now())


@rules.predicate
def scores_entry(user, entry) -> bool:
    """Assigned to the entry, and not in conflict with it."""
    if entry is None or not user.is_authenticated:
        return False
    from .models import Assignment, ConflictOfInterest

    assigned = Assignment.objects.filter(
        member__user=user, member__accepted_at__isnull=False, entry=entry
    ).exists()
    conflicted = ConflictOfInterest.objects.filter(
        member__user=user, entry=entry, lifted_at__isnull=True
    ).exists()
    return assigned and not conflicted


rules.add_perm("jury.view_juror_home", is_juror)
# An entry's documents, for the jurors who score it (their own download links).
rules.add_perm("jury.view_entry", scores_entry)
# The secretariat runs the jury: members, rubric, conflicts, assignments, the progress board,
# reopening an evaluation or giving more time.
rules.add_perm("jury.manage_jury", is_secretariat)
# The chair and the secretariat record the jury's decisions (shortlist, prizes).
rules.add_perm("jury.decide_prizes", is_secretariat | chairs_jury_of_entry)
# Of an edition: the chair and the secretariat run the deliberation (meeting, prizes); the
# chair alone confirms the decision, which locks it; the whole jury reads the board.
rules.add_perm("jury.run_deliberation", is_secretariat | chairs_jury_of_edition)
rules.add_perm("jury.confirm_decision", chairs_jury_of_edition)
rules.add_perm("jury.view_deliberation", is_secretariat | sits_on_jury_of_edition)
# The ranking: the secretariat and the chair (a juror too: not while the edition keeps the
# jurors' scores from each other); the jurors once scoring is over, if allowed.
rules.add_perm(
    "jury.view_ranking",
    is_secretariat
    | (chairs_jury_of_edition & jury_scores_not_hidden)
    | (sits_on_jury_of_edition & edition_shows_jurors_the_ranking),
)
