"""Reads of the jury app."""

from django.db.models import Count, Q, QuerySet

from accounts.models import User
from awards.models import Edition

from .models import JuryMember


def jury_memberships_for_user(user: User) -> QuerySet[JuryMember]:
    return (
        JuryMember.objects.filter(user=user, accepted_at__isnull=False)
        .select_related("edition")
        .order_by("-edition__year")
    )


def editions_with_jury_size(editions: QuerySet[Edition]) -> QuerySet[Edition]:
    return editions.annotate(
        jurors=Count("jury_members", distinct=True),
        jurors_accepted=Count(
            "jury_members", filter=Q(jury_members__accepted_at__isnull=False), distinct=True
        ),
    )
