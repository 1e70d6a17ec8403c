"""Who may do what in the jury app, as rules predicates."""

import rules

from accounts.rules import is_secretariat
from awards.rules import is_entry_editor


@rules.predicate
def is_juror(user) -> bool:
    return (
        user.is_authenticated and user.jury_memberships.filter(accepted_at__isnull=False).exists()
    )


rules.add_perm("jury.view_juror_home", is_juror)


@rules.predicate
def chairs_jury_of_entry(user, entry) -> bool:
    return (
        entry is not None
        and user.is_authenticated
        and user.jury_memberships.filter(
            edition_id=entry.edition_id, is_chair=True, accepted_at__isnull=False
        ).exists()
    )


# The chair and the secretariat record the jury's decisions (shortlist, prizes).
rules.set_perm("awards.decide_prizes", is_secretariat | chairs_jury_of_entry)


@rules.predicate
def scores_entry(user, entry) -> bool:
    """Assigned to the entry, and not in conflict with it."""
    if entry is None or not user.is_authenticated:
        return False
    from .models import Assignment, ConflictOfInterest

    assigned = Assignment.objects.filter(member__user=user, entry=entry).exists()
    conflicted = ConflictOfInterest.objects.filter(
        member__user=user, entry=entry, lifted_at__isnull=True
    ).exists()
    return assigned and not conflicted


rules.set_perm("awards.view_attachments", is_entry_editor | is_secretariat | scores_entry)
