"""Partner governments confirm their part in an entry through a signed link, without an account."""

import datetime

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from accounts.models import User
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


@transaction.atomic
def ask_partners(
    *, entry: Entry, by: User, again: bool = False, now: datetime.datetime | None = None
) -> int:
    """Email each partner not yet asked (or, with `again`, each one not yet replied and not
    asked in the last ASK_AGAIN_AFTER, so that a partner is never flooded).

    Side effects, in order: the partners due locked, then marked as awaiting a reply (one
    query); one email per partner, in the entry's language where the site speaks it. Returns
    how many were asked.
    """
    if entry.state not in PARTNER_STATES:
        return 0
    now = now or timezone.now()
    due = Q(status=Partner.Status.NOT_ASKED)
    if again:
        due |= Q(status=Partner.Status.PENDING, requested_at__lte=now - ASK_AGAIN_AFTER)
    partners = list(entry.partners.select_for_update().filter(due))
    Partner.objects.filter(pk__in=[partner.pk for partner in partners]).update(
        status=Partner.Status.PENDING, requested_at=now
    )
    about_entry = entry_context(entry)
    for partner in partners:
        notify(
            Kind.PARTNER_CONFIRMATION,
            to=Recipient(
                email=partner.contact_email, name=partner.contact_name, language=entry.language
            ),
            context={
                "partner": {"name": partner.name, "contact_name": partner.contact_name},
                "entry": about_entry,
                "token": partner_token(partner),
            },
            key=f"partner-confirmation:{partner.pk}:{now.isoformat()}",
        )
    return len(partners)


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
