"""Who may do what in the jury app, as rules predicates."""

import rules


@rules.predicate
def is_juror(user) -> bool:
    return (
        user.is_authenticated and user.jury_memberships.filter(accepted_at__isnull=False).exists()
    )


rules.add_perm("jury.view_juror_home", is_juror)
