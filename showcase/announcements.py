"""The results told to everyone an entry of the edition names, when the results are published:
the answer to awards.signals.results_published, run inside the transaction that publishes
them, so that the mails are queued with the publication and leave once it commits, never
before the moment."""

import datetime

from accounts.addresses import normalise_email
from awards.models import Edition, Entry, Partner
from awards.notices import entry_context, notify_members
from awards.workflow import EntryState
from jury.models import Prize
from notifications.kinds import Kind
from notifications.services import Recipient, notify

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
    """Queue each reviewed entry's result for the members of its lead organisation and its
    partners' contacts, each in their language; returns how many entries were told."""
    prizes: dict[int, list[Prize]] = {}
    for prize in public_prizes().filter(edition=edition):
        prizes.setdefault(prize.entry_id, []).append(prize)
    entries = (
        edition.entries.filter(state__in=REVIEWED)
        .select_related("organisation", "edition")
        .prefetch_related("partners")
        .order_by("pk")
    )
    for entry in entries:
        context = _result_context(entry, prizes.get(entry.pk, []))
        notify_members(
            entry.organisation, Kind.RESULTS_PUBLISHED, context=context, key=f"results:{entry.pk}"
        )
        for partner in entry.partners.all():
            if partner.status == Partner.Status.CONFIRMED:
                notify(
                    Kind.RESULTS_PUBLISHED,
                    to=Recipient(
                        email=normalise_email(partner.contact_email),
                        name=partner.contact_name,
                        language=entry.language,
                    ),
                    context={
                        **context,
                        "recipient": {
                            "full_name": partner.contact_name,
                            "short_name": partner.contact_name,
                        },
                        "partner": {"name": partner.name},
                    },
                    key=f"results:{entry.pk}:partner:{partner.pk}",
                )
    return len(entries)


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
