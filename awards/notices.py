"""What messages may say of the awards' objects, as primitive values for the outbox."""

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


def approved_members(organisation: Organisation):
    return organisation.members.filter(
        organisation_memberships__is_approved=True, is_active=True
    ).order_by("pk")
