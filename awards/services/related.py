"""An entry's partners and linked projects as typed rows, and the rules each change must keep
whoever asks for it (a page's formset, the demo, a simulation).

`save_related` in `entries` locks the entry and calls `apply_partner_changes` and
`apply_project_changes`; nothing here locks or commits.
"""

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import ngettext_lazy

from core.refusals import Refused
from core.rows import RowChanges, prepare_rows

from ..models import Entry, Partner


class EntryRefused(Refused):
    """A change to an entry that breaks one of its rules; the message says which."""


@dataclass(frozen=True)
class PartnerRow:
    name: str
    country: str
    contact_name: str
    contact_email: str


@dataclass(frozen=True)
class ProjectRow:
    title: str
    start_year: int
    end_year: int | None = None
    budget: Decimal | None = None
    currency: str = "EUR"
    funding_sources: str = ""


TOO_MANY_PARTNERS = ngettext_lazy(
    "An entry has at most %(num)d partner in this edition.",
    "An entry has at most %(num)d partners in this edition.",
    "num",
)
TOO_MANY_PROJECTS = ngettext_lazy(
    "An entry has at most %(num)d linked project in this edition.",
    "An entry has at most %(num)d linked projects in this edition.",
    "num",
)
# A partner's confirmation is for this government, in this country, through this contact:
# changing any of them voids it.
CONFIRMED_FIELDS = ("name", "country", "contact_email")


def apply_partner_changes(entry: Entry, changes: RowChanges[PartnerRow]) -> None:
    """Side effects, in order: refused (EntryRefused) unless every changed or removed id is a
    partner of `entry`, every row keeps the model's rules and the edition's limit holds; the
    removed partners deleted; the changed ones saved, a partner whose government, country or
    contact address changed asked again (its confirmation, request and note cleared); the
    added ones created, not yet asked."""
    rows = _prepared(entry, changes, entry.partners.all(), entry.edition.max_partners)
    for partner, before in rows:
        if before is not None and any(
            getattr(before, name) != getattr(partner, name) for name in CONFIRMED_FIELDS
        ):
            partner.status = Partner.Status.NOT_ASKED
            partner.requested_at = partner.responded_at = None
            partner.response_note = ""
        partner.save()


def apply_project_changes(entry: Entry, changes: RowChanges[ProjectRow]) -> None:
    """Side effects, in order: the same checks as `apply_partner_changes`, for linked
    projects; the removed projects deleted, the changed ones saved, the added ones created."""
    rows = _prepared(entry, changes, entry.projects.all(), entry.edition.max_projects)
    for project, _before in rows:
        project.save()


def _prepared(
    entry: Entry, changes: RowChanges[Any], existing: QuerySet[Any], limit: int
) -> list[Any]:
    """The checked rows to save (see core.rows.prepare_rows), the removed ones deleted."""
    too_many = TOO_MANY_PARTNERS if existing.model is Partner else TOO_MANY_PROJECTS
    rows = prepare_rows(
        changes,
        existing=existing,
        new=lambda: existing.model(entry=entry),
        limit=limit,
        too_many=too_many,
        refusal=EntryRefused,
        exclude=["entry"],
    )
    existing.filter(pk__in=changes.removed).delete()
    return rows
