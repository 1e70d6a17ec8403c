"""Who may do what in the awards app, as rules predicates."""

import rules

from accounts.rules import is_secretariat


@rules.predicate
def is_applicant(user) -> bool:
    return user.is_authenticated and user.organisation_memberships.filter(is_approved=True).exists()


rules.add_perm("awards.view_applicant_home", is_applicant)
rules.add_perm("awards.manage_editions", is_secretariat)
