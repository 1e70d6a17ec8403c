"""Partner governments confirm their part in an entry through a signed link, without an account."""

import datetime
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from accounts.addresses import normalise_email
from accounts.limits import MailLimit, lock_for_counting
from accounts.models import User
from accounts.services import person
from core.links import SignedLink
from core.refusals import Refused
from notifications.kinds import Kind
from notifications.services import Recipient, notify

from ..models import Entry, Partner
from ..notices import entry_context
from ..workflow import EntryState


class PartnerLinkInvalid(Refused):
    pass


# Long enough to cover the call and the screening that checks confirmations.
PARTNER_LINK = SignedLink(
    salt="awards.partner-confirmation",
    max_age=datetime.timedelta(days=120),
    expired=_lazy("This link has expired. Ask the lead applicant for a new one."),
    invalid=_lazy("This link is not valid. Check that it was copied whole."),
    refusal=PartnerLinkInvalid,
)


# Partners are asked, and may answer, until the secretariat has decided on eligibility.
PARTNER_STATES = (EntryState.DRAFT, EntryState.SUBMITTED, EntryState.CLARIFICATION_REQUESTED)


def partner_token(partner: Partner) -> str:
    # The address is part of the signed value: changing the contact voids links sent before.
    return PARTNER_LINK.make(p=partner.pk, e=partner.contact_email.lower())


def partner_from_token(token: str) -> Partner:
    data = PARTNER_LINK.read(token)
    partner = (
        Partner.objects.select_related("entry__edition", "entry__organisation")
        .filter(pk=data.get("p", 0))
        .first()
    )
    if partner is None or partner.contact_email.lower() != data.get("e"):
        raise PartnerLinkInvalid(
            _("This link is no longer valid: the entry's partners have changed since it was sent.")
        )
    return partner


# A partner who has not replied is asked again at most once a day.
ASK_AGAIN_AFTER = datetime.timedelta(days=1)
# An applicant changing a partner's address back and forth would otherwise mail any address,
# with text of their own, as often as they like: the same hourly limit per person as
# colleague invitations, and a few requests per address whoever asks.
PARTNER_REQUESTS_PER_HOUR = 20
PARTNER_REQUESTS_PER_ADDRESS_PER_HOUR = 3
PARTNER_REQUESTS = MailLimit(
    kind=Kind.PARTNER_CONFIRMATION,
    per_person=PARTNER_REQUESTS_PER_HOUR,
    per_address=PARTNER_REQUESTS_PER_ADDRESS_PER_HOUR,
)


@dataclass(frozen=True)
class PartnersAsked:
    """What `ask_partners` did: how many partners it asked, and how many it held back because
    the person or the partner's address had reached its hourly limit (they are still due, and
    asked by the next request once the hour has passed)."""

    asked: int
    held_back: int = 0


@transaction.atomic
def ask_partners(
    *, entry: Entry, by: User, again: bool = False, now: datetime.datetime | None = None
) -> PartnersAsked:
    """Email each partner not yet asked (or, with `again`, each one not yet replied and not
    asked in the last ASK_AGAIN_AFTER, so that a partner is never flooded).

    Side effects, in order: the person's row, the partners due and their addresses locked;
    the partners within PARTNER_REQUESTS' limits (per person and per address, counted on the
    outbox) marked as awaiting a reply (one query); one email to each of them, in the entry's
    language where the site speaks it. Never refuses: on submission, a limit reached leaves the
    partners held back to be asked later.
    """
    if entry.state not in PARTNER_STATES:
        return PartnersAsked(asked=0)
    now = now or timezone.now()
    due = Q(status=Partner.Status.NOT_ASKED)
    if again:
        due |= Q(status=Partner.Status.PENDING, requested_at__lte=now - ASK_AGAIN_AFTER)
    partners = list(entry.partners.select_for_update().filter(due).order_by("pk"))
    lock_for_counting(by, [partner.contact_email for partner in partners])
    asked = _within_limits(partners, by, now)
    Partner.objects.filter(pk__in=[partner.pk for partner in asked]).update(
        status=Partner.Status.PENDING, requested_at=now
    )
    about_entry = entry_context(entry)
    for partner in asked:
        notify(
            Kind.PARTNER_CONFIRMATION,
            to=Recipient(
                email=normalise_email(partner.contact_email),
                name=partner.contact_name,
                language=entry.language,
            ),
            context={
                "partner": {"name": partner.name, "contact_name": partner.contact_name},
                "entry": about_entry,
                "token": partner_token(partner),
                "asked_by": person(by),
            },
            key=f"partner-confirmation:{partner.pk}:{now.isoformat()}",
            caused_by=by.email,
        )
    return PartnersAsked(asked=len(asked), held_back=len(partners) - len(asked))


def _within_limits(partners: list[Partner], by: User, now: datetime.datetime) -> list[Partner]:
    """The partners that may be mailed now, in order, counting this request's own mails."""
    allowance = PARTNER_REQUESTS.per_person - PARTNER_REQUESTS.sent_by(by, now=now)
    per_address: dict[str, int] = {}
    chosen: list[Partner] = []
    for partner in partners:
        address = normalise_email(partner.contact_email)
        if address not in per_address:
            per_address[address] = PARTNER_REQUESTS.per_address - PARTNER_REQUESTS.sent_to(
                address, now=now
            )
        if len(chosen) < allowance and per_address[address] > 0:
            chosen.append(partner)
            per_address[address] -= 1
    return chosen


@transaction.atomic
def respond(
    *, partner: Partner, confirmed: bool, note: str = "", now: datetime.datetime | None = None
) -> Partner:
    """Side effects: the partner's reply recorded (it may change its mind until screening)."""
    partner = Partner.objects.select_for_update().select_related("entry").get(pk=partner.pk)
    if partner.entry.state not in PARTNER_STATES:
        raise PartnerLinkInvalid(
            _("This entry is no longer open to replies from partners; thank you all the same.")
        )
    partner.status = Partner.Status.CONFIRMED if confirmed else Partner.Status.DECLINED
    partner.responded_at = now or timezone.now()
    partner.response_note = note
    partner.save(update_fields=["status", "responded_at", "response_note"])
    return partner
