"""Who may do what in the jury app, as rules predicates."""

import rules

from accounts.rules import is_secretariat


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
