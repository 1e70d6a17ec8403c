"""Writes of organisations: creating one, joining one, approving members, inviting colleagues."""

import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from accounts.addresses import normalise_email
from accounts.limits import MailLimit, lock_for_counting
from accounts.models import User
from accounts.services import lock_person, mark_email_verified, notify_user, person
from core.links import SignedLink
from core.refusals import Refused
from notifications.kinds import Kind
from notifications.services import Recipient, notify

from .. import signals
from ..models import (
    FormerMembership,
    Organisation,
    OrganisationInvitation,
    OrganisationMembership,
)
from ..notices import notify_members, organisation_context


class MembershipError(Refused):
    """A membership change that cannot be made; the message is for the person who asked."""


INVITATION_LINK = SignedLink(
    salt="awards.organisation-invitation",
    max_age=datetime.timedelta(days=14),
    expired=_lazy("This invitation has expired. Ask your colleague to invite you again."),
    invalid=_lazy("This invitation link is not valid."),
    refusal=MembershipError,
)


@transaction.atomic
def create_organisation(
    *, by: User, name: str, kind: str, country: str, website: str = ""
) -> Organisation:
    """Side effects: the organisation, and its creator as its first (approved) member."""
    organisation = Organisation.objects.create(
        name=name, kind=kind, country=country, website=website
    )
    OrganisationMembership.objects.create(organisation=organisation, user=by, is_approved=True)
    signals.member_joined.send(sender=Organisation, organisation=organisation, user=by)
    return organisation


# Limits that keep the site from being used to flood people with mail.
PENDING_REQUESTS_MAX = 5
INVITATIONS_PER_HOUR = 20
INVITATIONS_PER_ADDRESS_PER_HOUR = 3
COLLEAGUE_INVITATIONS = MailLimit(
    kind=Kind.COLLEAGUE_INVITED,
    per_person=INVITATIONS_PER_HOUR,
    per_address=INVITATIONS_PER_ADDRESS_PER_HOUR,
)


@transaction.atomic
def request_membership(*, organisation: Organisation, by: User) -> OrganisationMembership:
    """Side effects: refused (MembershipError) while the person already has
    PENDING_REQUESTS_MAX requests waiting; a pending membership; an email to each approved
    member asking to decide."""
    lock_person(by)
    waiting = OrganisationMembership.objects.filter(user=by, is_approved=False).count()
    if waiting >= PENDING_REQUESTS_MAX:
        raise MembershipError(
            _(
                "You have %(count)s requests to join waiting for an answer. Ask again once one "
                "of them is decided."
            )
            % {"count": waiting}
        )
    try:
        with transaction.atomic():
            membership = OrganisationMembership.objects.create(organisation=organisation, user=by)
    except IntegrityError as error:
        raise MembershipError(_("You have already asked to join this organisation.")) from error
    notify_members(
        organisation,
        Kind.MEMBERSHIP_REQUESTED,
        context={"organisation": organisation_context(organisation), "applicant": person(by)},
        key=f"membership-requested:{membership.pk}",
    )
    return membership


def check_acts_for(organisation: Organisation, by: User) -> None:
    """Refused (MembershipError) unless `by` acts for the organisation (or is the secretariat):
    every change to an organisation asks this, whoever calls the service."""
    if not by.has_perm("awards.manage_organisation", organisation):
        raise MembershipError(_("Only the people acting for this organisation may change it."))


@transaction.atomic
def decide_membership(*, membership: OrganisationMembership, by: User, approve: bool) -> None:
    """Side effects: refused unless `by` acts for the organisation; the membership approved (or
    deleted); an email to the person who asked."""
    membership = OrganisationMembership.objects.select_for_update().get(pk=membership.pk)
    check_acts_for(membership.organisation, by)
    if membership.is_approved:
        return
    if approve:
        membership.is_approved = True
        membership.save(update_fields=["is_approved"])
        signals.member_joined.send(
            sender=Organisation, organisation=membership.organisation, user=membership.user
        )
    else:
        membership.delete()
    notify_user(
        Kind.MEMBERSHIP_DECIDED,
        user=membership.user,
        context={
            "organisation": organisation_context(membership.organisation),
            "approved": approve,
        },
        key=f"membership-decided:{membership.pk}",
    )


@transaction.atomic
def invite_colleague(*, organisation: Organisation, by: User, email: str) -> OrganisationInvitation:
    """Side effects, in order: refused (MembershipError) unless `by` acts for the organisation;
    the person's row and the address locked; refused (MembershipError) once `by` has sent
    INVITATIONS_PER_HOUR invitations in the last hour, or
    the address has received INVITATIONS_PER_ADDRESS_PER_HOUR (from anyone); an invitation
    row; an email with a signed link valid for 14 days."""
    check_acts_for(organisation, by)
    email = normalise_email(email)
    # Two tabs (or two people) inviting at once count one after the other. The mails sent
    # are counted, not the invitations: a revoked invitation's mail was sent all the same.
    lock_for_counting(by, [email])
    if not COLLEAGUE_INVITATIONS.person_may_send(by):
        raise MembershipError(
            _(
                "You have sent %(count)s invitations in the last hour, the most the site allows. "
                "Please send the next ones a little later."
            )
            % {"count": INVITATIONS_PER_HOUR}
        )
    if not COLLEAGUE_INVITATIONS.address_may_receive(email):
        raise MembershipError(
            _(
                "%(email)s has been sent %(count)s invitations in the last hour, the most the "
                "site allows. Please invite this colleague again a little later."
            )
            % {"email": email, "count": INVITATIONS_PER_ADDRESS_PER_HOUR}
        )
    invitation = OrganisationInvitation.objects.create(
        organisation=organisation, email=email, invited_by=by
    )
    notify(
        Kind.COLLEAGUE_INVITED,
        to=Recipient(email=invitation.email, language=by.preferred_language),
        context={
            "organisation": organisation_context(organisation),
            "inviter": person(by),
            "token": invitation_token(invitation),
        },
        key=f"invitation:{invitation.pk}",
        caused_by=by.email,
    )
    return invitation


def invitation_token(invitation: OrganisationInvitation) -> str:
    return INVITATION_LINK.make(i=invitation.pk)


def invitation_from_token(token: str) -> OrganisationInvitation:
    """The invitation behind a link; MembershipError when the link is forged, expired or used."""
    data = INVITATION_LINK.read(token)
    invitation = (
        OrganisationInvitation.objects.select_related("organisation")
        .filter(pk=data.get("i", 0), accepted_at__isnull=True)
        .first()
    )
    if invitation is None:
        raise MembershipError(
            _("This invitation has been used already, or withdrawn. Ask your colleague again.")
        )
    return invitation


@transaction.atomic
def accept_invitation(
    *, invitation: OrganisationInvitation, user: User, now: datetime.datetime | None = None
) -> OrganisationMembership:
    """Side effects: the invitation marked used; the person an approved member; their address
    confirmed (the invitation was mailed to it).

    Only the invited address may accept, once.
    """
    invitation = OrganisationInvitation.objects.select_for_update().get(pk=invitation.pk)
    if invitation.accepted_at is not None:
        raise MembershipError(_("This invitation has been used already."))
    if normalise_email(invitation.email) != normalise_email(user.email):
        raise MembershipError(
            _("This invitation was sent to %(email)s. Sign in with that address to accept it.")
            % {"email": invitation.email}
        )
    now = now or timezone.now()
    invitation.accepted_at = now
    invitation.save(update_fields=["accepted_at"])
    membership, _created = OrganisationMembership.objects.update_or_create(
        organisation=invitation.organisation, user=user, defaults={"is_approved": True}
    )
    mark_email_verified(user, now=now)
    signals.member_joined.send(sender=Organisation, organisation=invitation.organisation, user=user)
    return membership


@transaction.atomic
def update_organisation(*, organisation: Organisation, by: User, **fields: str) -> Organisation:
    """Side effects: refused unless `by` acts for the organisation; the organisation's profile
    saved (name, kind, country, website)."""
    check_acts_for(organisation, by)
    for name in ("name", "kind", "country", "website"):
        if name in fields:
            setattr(organisation, name, fields[name])
    organisation.full_clean()
    organisation.save()
    return organisation


@transaction.atomic
def remove_member(*, membership: OrganisationMembership, by: User) -> None:
    """Side effects: the person no longer acts for the organisation (or leaves it); a
    FormerMembership kept when they had been approved (a juror who acted for an applicant stays
    conflicted with its entries).

    Refused unless `by` leaves or acts for the organisation. The last approved member cannot go:
    the organisation's entries would have nobody.
    """
    membership = OrganisationMembership.objects.select_for_update().get(pk=membership.pk)
    if membership.user_id != by.pk:
        check_acts_for(membership.organisation, by)
    others = OrganisationMembership.objects.filter(
        organisation_id=membership.organisation_id, is_approved=True
    ).exclude(pk=membership.pk)
    if membership.is_approved and not others.exists():
        raise MembershipError(
            _(
                "The last person acting for an organisation cannot leave it; "
                "invite a colleague first."
            )
        )
    if membership.is_approved:
        FormerMembership.objects.create(
            organisation_id=membership.organisation_id, user_id=membership.user_id, removed_by=by
        )
    membership.delete()


def revoke_invitation(*, invitation: OrganisationInvitation, by: User) -> None:
    """Side effects: refused unless `by` acts for the organisation; an invitation not yet
    accepted is deleted; its link stops working."""
    check_acts_for(invitation.organisation, by)
    OrganisationInvitation.objects.filter(pk=invitation.pk, accepted_at__isnull=True).delete()
