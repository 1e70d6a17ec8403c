"""The results told to everyone an entry of the edition names, when the results are published:
the answer to awards.signals.results_published, run inside the transaction that publishes
them, so that the mails are queued with the publication and leave once it commits, never
before the moment."""

import datetime

from django.db.models import Prefetch

from accounts.addresses import normalise_email
from accounts.services import message_to
from awards.models import Edition, Entry, OrganisationMembership, Partner
from awards.notices import entry_context
from awards.workflow import EntryState
from jury.models import Prize
from notifications.kinds import Kind
from notifications.services import Message, Recipient, notify_many

from .selectors import PRIZE_ORDER, public_prizes

# The entries that went to the jury: each hears its result. Entries found ineligible or
# withdrawn were told so at the time.
REVIEWED = (
    EntryState.IN_REVIEW,
    EntryState.SHORTLISTED,
    EntryState.NOT_SHORTLISTED,
    EntryState.AWARDED,
    EntryState.FINALIST,
)


def tell_results(*, edition: Edition, now: datetime.datetime, **kwargs: object) -> int:
    """Queue each reviewed entry's result for the approved members of its lead organisation
    and its confirmed partners' contacts, each in their language; returns how many entries were
    told. The messages are queued TOLD_TOGETHER entries at a time, a few statements each."""
    prizes: dict[int, list[Prize]] = {}
    for prize in public_prizes().filter(edition=edition):
        prizes.setdefault(prize.entry_id, []).append(prize)
    approved = (
        OrganisationMembership.objects.filter(is_approved=True, user__is_active=True)
        .select_related("user")
        .order_by("user_id")
    )
    entries = (
        edition.entries.filter(state__in=REVIEWED)
        .select_related("organisation", "edition")
        .prefetch_related(
            "partners",
            Prefetch("organisation__memberships", queryset=approved, to_attr="approved"),
        )
        .order_by("pk")
    )
    told, messages = 0, []
    for entry in entries.iterator(chunk_size=TOLD_TOGETHER):
        messages += _result_messages(entry, prizes.get(entry.pk, []))
        told += 1
        if told % TOLD_TOGETHER == 0:
            notify_many(messages)
            messages = []
    notify_many(messages)
    return told


# How many entries' results are queued together (a few thousand messages at most in memory).
TOLD_TOGETHER = 500


def _result_messages(entry: Entry, prizes: list[Prize]) -> list[Message]:
    context = _result_context(entry, prizes)
    key = f"results:{entry.pk}"
    messages = [
        message_to(
            membership.user,
            Kind.RESULTS_PUBLISHED,
            context=context,
            key=f"{key}:{membership.user_id}",
        )
        for membership in entry.organisation.approved
    ]
    for partner in entry.partners.all():
        if partner.status == Partner.Status.CONFIRMED:
            recipient = {"full_name": partner.contact_name, "short_name": partner.contact_name}
            messages.append(
                Message(
                    kind=Kind.RESULTS_PUBLISHED,
                    to=Recipient(
                        email=normalise_email(partner.contact_email),
                        name=partner.contact_name,
                        language=entry.language,
                    ),
                    context={**context, "recipient": recipient, "partner": {"name": partner.name}},
                    key=f"{key}:partner:{partner.pk}",
                )
            )
    return messages


def _result_context(entry: Entry, prizes: list[Prize]) -> dict:
    prizes = sorted(prizes, key=lambda prize: PRIZE_ORDER.index(Prize.Kind(prize.kind)))
    return {
        "entry": entry_context(entry),
        "edition_slug": entry.edition.slug,
        "prizes": [
            {"kind": prize.kind, "name": prize.name, "citation": prize.citation} for prize in prizes
        ],
        "public": entry.published_at is not None,
    }
