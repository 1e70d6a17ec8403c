"""Reads of the awards app, each returning a queryset ready for its page."""

import datetime

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from accounts.models import User

from .models import (
    Edition,
    Entry,
    EntryTransition,
    Organisation,
    OrganisationMembership,
    Partner,
    SustainableDevelopmentGoal,
)
from .workflow import (
    AWAITING_DECISION,
    JURY_INTERNAL_STEPS,
    UNANNOUNCED_STATES,
    EditionPhase,
    EntryState,
)


def editions_overview() -> QuerySet[Edition]:
    return Edition.objects.order_by("-year")


def announced_editions() -> QuerySet[Edition]:
    """Editions the public may know of: every one whose call has been opened."""
    return Edition.objects.exclude(phase=EditionPhase.DRAFT).order_by("-year")


def organisation_counts() -> dict[str, int]:
    return Organisation.objects.aggregate(
        organisations=Count("pk", distinct=True),
        pending_memberships=Count("memberships", filter=Q(memberships__is_approved=False)),
    )


def organisations_overview(*, name: str = "", country: str = "") -> QuerySet[Organisation]:
    """Organisations for the secretariat, matching `name` (contained) and `country`, each with
    its members, requests waiting and entries counted, in one query."""
    organisations = Organisation.objects.all()
    if name:
        organisations = organisations.filter(name__icontains=name)
    if country:
        organisations = organisations.filter(country=country)
    return organisations.annotate(
        members_count=Count("memberships", filter=Q(memberships__is_approved=True), distinct=True),
        waiting_count=Count("memberships", filter=Q(memberships__is_approved=False), distinct=True),
        entries_count=Count("entries", distinct=True),
    ).order_by("name", "pk")


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


def open_editions(now: datetime.datetime | None = None) -> QuerySet[Edition]:
    """Editions whose call is open now, deadline included."""
    now = now or timezone.now()
    return Edition.objects.filter(
        phase=EditionPhase.CALL_OPEN, call_opens__lte=now, submission_deadline__gte=now
    )


def entry_history(entry: Entry, *, internal: bool) -> QuerySet[EntryTransition]:
    """The entry's moves; outside the secretariat without internal notes, and without the
    jury's decisions before they are announced."""
    history = entry.transitions.select_related("by").order_by("at", "pk")
    if internal:
        return history
    history = history.defer("internal_note").exclude(transition__in=JURY_INTERNAL_STEPS)
    if entry.edition.results_announced:
        return history
    return history.exclude(
        Q(target_state__in=UNANNOUNCED_STATES) | Q(source_state__in=UNANNOUNCED_STATES)
    )


def editions_with_entry_counts() -> QuerySet[Edition]:
    """Every edition, newest first, with its submitted and draft entries counted in one query."""
    return Edition.objects.annotate(
        submitted_count=Count("entries", filter=Q(entries__state=EntryState.SUBMITTED)),
        draft_count=Count("entries", filter=Q(entries__state=EntryState.DRAFT)),
    ).order_by("-year")


SCREENING_STATES = (
    EntryState.SUBMITTED,
    EntryState.CLARIFICATION_REQUESTED,
    EntryState.ELIGIBLE,
    EntryState.INELIGIBLE,
)


def current_edition() -> Edition | None:
    """The edition the secretariat works on: the latest one not archived."""
    return Edition.objects.exclude(phase=EditionPhase.ARCHIVED).order_by("-year").first()


def screening_queue(edition: Edition) -> QuerySet[Entry]:
    """Entries the secretariat screens, with their partners' confirmations counted."""
    return (
        Entry.objects.filter(edition=edition, state__in=SCREENING_STATES)
        .select_related("organisation", "edition")
        .prefetch_related("sdgs")
        .annotate(
            partners_total=Count("partners", distinct=True),
            partners_confirmed=Count(
                "partners", filter=Q(partners__status=Partner.Status.CONFIRMED), distinct=True
            ),
        )
        .order_by("submitted_at", "number")
    )


def entry_for_screening(pk: int) -> Entry:
    return (
        Entry.objects.select_related("edition", "organisation")
        .prefetch_related(
            *ENTRY_COMPLETENESS,
            "attachments",
            "eligibility_answers",
            "edition__eligibility_criteria",
        )
        .get(pk=pk)
    )


def edition_statistics(edition: Edition) -> dict:
    """Counts for the secretariat's dashboard: per state, and per country and per SDG of the
    entries that were submitted (whatever became of them since)."""
    entries = Entry.objects.filter(edition=edition)
    submitted = entries.exclude(state__in=[EntryState.DRAFT, EntryState.WITHDRAWN])
    by_state = dict(entries.values_list("state").annotate(n=Count("pk")).order_by())
    return {
        "by_state": [(label, by_state.get(value, 0)) for value, label in EntryState.choices],
        "by_country": list(
            submitted.values_list("organisation__country")
            .annotate(n=Count("pk"))
            .order_by("-n", "organisation__country")
        ),
        "by_sdg": list(
            SustainableDevelopmentGoal.objects.annotate(
                n=Count("entries", filter=Q(entries__in=submitted))
            )
            .filter(n__gt=0)
            .order_by("number")
            .values_list("number", "n")
        ),
    }


def needs_action(edition: Edition, now: datetime.datetime | None = None) -> dict[str, int]:
    """What the secretariat should look at today, counted in one query."""
    now = now or timezone.now()
    soon = now + datetime.timedelta(days=7)
    entries = Entry.objects.filter(edition=edition)
    return entries.aggregate(
        awaiting_screening=Count("pk", filter=Q(state=EntryState.SUBMITTED)),
        resubmitted=Count(
            "pk",
            filter=Q(state=EntryState.SUBMITTED, transitions__transition="resubmit"),
            distinct=True,
        ),
        awaiting_clarification=Count("pk", filter=Q(state=EntryState.CLARIFICATION_REQUESTED)),
        unconfirmed_partners=Count(
            "pk",
            filter=Q(
                state__in=AWAITING_DECISION,
                partners__status__in=[
                    Partner.Status.NOT_ASKED,
                    Partner.Status.PENDING,
                    Partner.Status.DECLINED,
                ],
            ),
            distinct=True,
        ),
        drafts_due_soon=Count(
            "pk",
            filter=Q(state=EntryState.DRAFT)
            & (
                Q(deadline_extension__isnull=True, edition__submission_deadline__lte=soon)
                | Q(deadline_extension__lte=soon)
            ),
            distinct=True,
        ),
    )


def publication_counts(edition: Edition) -> dict[str, int]:
    """What the edition's publication makes public: its outcomes, and the other reviewed entries
    whose applicants consented to be shown."""
    from .services.publication import ALWAYS_SHOWN, SHOWN_WITH_CONSENT

    return edition.entries.aggregate(
        outcomes=Count("pk", filter=Q(state__in=ALWAYS_SHOWN)),
        consented=Count("pk", filter=Q(state__in=SHOWN_WITH_CONSENT, public_display=True)),
        published=Count("pk", filter=Q(published_at__isnull=False)),
    )
