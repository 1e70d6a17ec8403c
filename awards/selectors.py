"""Reads of the awards app, each returning a queryset ready for its page."""

from django.db.models import Count, Q, QuerySet

from accounts.models import User

from .models import Edition, Organisation, OrganisationMembership


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
