"""What messages may say of the awards' objects, as primitive values for the outbox."""

from django.db.models import QuerySet

from accounts.models import User
from accounts.services import notify_user
from notifications.kinds import Kind

from .models import Entry, Organisation


def organisation_context(organisation: Organisation) -> dict:
    return {"pk": organisation.pk, "name": organisation.name}


def entry_context(entry: Entry) -> dict:
    edition = entry.edition
    return {
        "pk": entry.pk,
        "reference": entry.reference,
        "title": entry.title,
        "state": entry.state,
        "submitted_at": entry.submitted_at,
        "organisation": organisation_context(entry.organisation),
        "edition": {
            "title": edition.title,
            "timezone": edition.timezone,
            "submission_deadline": edition.submission_deadline,
            "clarification_deadline": edition.clarification_deadline,
        },
    }


def approved_members(organisation: Organisation) -> QuerySet[User]:
    return organisation.members.filter(
        organisation_memberships__is_approved=True, is_active=True
    ).order_by("pk")


def notify_members(
    organisation: Organisation,
    kind: Kind,
    *,
    context: dict,
    key: str,
    besides: User | None = None,
) -> None:
    """Queue `kind` for every approved member of `organisation` (but `besides`, who acted), each
    message keyed `<key>:<member's pk>`."""
    for member in approved_members(organisation):
        if besides is None or member.pk != besides.pk:
            notify_user(kind, user=member, context=context, key=f"{key}:{member.pk}")
