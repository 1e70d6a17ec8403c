"""Reads of the awards app, each returning a queryset ready for its page."""

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from accounts.models import User

from .models import Edition, Entry, EntryTransition, Organisation, OrganisationMembership
from .workflow import EntryState


def editions_overview() -> QuerySet[Edition]:
    return Edition.objects.order_by("-year")


def organisation_counts() -> dict[str, int]:
    return Organisation.objects.aggregate(
        organisations=Count("pk", distinct=True),
        pending_memberships=Count("memberships", filter=Q(memberships__is_approved=False)),
    )


def pending_memberships() -> QuerySet[OrganisationMembership]:
    return OrganisationMembership.objects.filter(is_approved=False).select_related(
        "organisation", "user"
    )


def memberships_for_user(user: User) -> QuerySet[OrganisationMembership]:
    return (
        OrganisationMembership.objects.filter(user=user)
        .select_related("organisation")
        .order_by("organisation__name")
    )


def entries_for_user(user: User) -> QuerySet[Entry]:
    """The entries of the organisations a person acts for, ready for `missing_items()`."""
    return (
        Entry.objects.filter(
            organisation__memberships__user=user, organisation__memberships__is_approved=True
        )
        .select_related("edition", "organisation")
        .prefetch_related(*ENTRY_COMPLETENESS)
        .order_by("-edition__year", "number")
    )


# What `Entry.missing_items()` reads; prefetch it wherever a page lists entries.
ENTRY_COMPLETENESS = ("sdgs", "partners", "projects", "answers", "edition__questions")


def entry_for_page(pk: int) -> Entry:
    return (
        Entry.objects.select_related("edition", "organisation")
        .prefetch_related(*ENTRY_COMPLETENESS, "attachments")
        .get(pk=pk)
    )


def open_editions(now=None) -> QuerySet[Edition]:
    """Editions whose call is open now, deadline included."""
    now = now or timezone.now()
    return Edition.objects.filter(call_opens__lte=now, submission_deadline__gte=now)


def entry_history(entry: Entry, *, internal: bool) -> QuerySet[EntryTransition]:
    history = entry.transitions.select_related("by").order_by("at", "pk")
    return history if internal else history.defer("internal_note")


def editions_with_entry_counts() -> QuerySet[Edition]:
    """Every edition, newest first, with its submitted and draft entries counted in one query."""
    return Edition.objects.annotate(
        submitted_count=Count("entries", filter=Q(entries__state=EntryState.SUBMITTED)),
        draft_count=Count("entries", filter=Q(entries__state=EntryState.DRAFT)),
    ).order_by("-year")
