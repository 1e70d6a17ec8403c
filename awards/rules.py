"""Who may do what in the awards app, as rules predicates (the one place for these rules)."""

import rules

from accounts.rules import is_secretariat


def approved_organisation_ids(user) -> frozenset[int]:
    """The organisations a person acts for, read once per request and kept on the user."""
    if not user.is_authenticated:
        return frozenset()
    if not hasattr(user, "_approved_organisation_ids"):
        user._approved_organisation_ids = frozenset(
            user.organisation_memberships.filter(is_approved=True).values_list(
                "organisation_id", flat=True
            )
        )
    return user._approved_organisation_ids


@rules.predicate
def is_applicant(user) -> bool:
    return bool(approved_organisation_ids(user))


@rules.predicate
def is_organisation_member(user, organisation) -> bool:
    return organisation is not None and organisation.pk in approved_organisation_ids(user)


@rules.predicate
def is_entry_editor(user, entry) -> bool:
    return entry is not None and entry.organisation_id in approved_organisation_ids(user)


@rules.predicate
def is_editable(user, entry) -> bool:
    return entry is not None and entry.is_editable


rules.add_perm("awards.view_applicant_home", is_applicant)
rules.add_perm("awards.manage_editions", is_secretariat)
rules.add_perm("awards.manage_organisation", is_organisation_member | is_secretariat)
rules.add_perm("awards.manage_organisations", is_secretariat)
rules.add_perm("awards.create_entry", is_applicant)
rules.add_perm("awards.view_entry", is_entry_editor | is_secretariat)
# Jurors read the documents of the entries they score through the jury's own pages.
rules.add_perm("awards.view_attachments", is_entry_editor | is_secretariat)
rules.add_perm("awards.change_entry", is_entry_editor & is_editable)
rules.add_perm("awards.submit_entry", is_entry_editor)
rules.add_perm("awards.withdraw_entry", is_entry_editor)
rules.add_perm("awards.delete_entry", is_entry_editor)
rules.add_perm("awards.grant_extension", is_secretariat)
rules.add_perm("awards.screen_entry", is_secretariat)
rules.add_perm("awards.manage_phases", is_secretariat)
rules.add_perm("awards.manage_certificates", is_secretariat)
# An entry's certificates: whoever acts for its organisation, and the secretariat.
rules.add_perm("awards.download_certificates", is_entry_editor | is_secretariat)
