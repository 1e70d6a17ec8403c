"""Invitations to the jury: sent by the secretariat, accepted by link."""

import datetime

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from accounts.addresses import normalise_email
from accounts.limits import MailLimit, lock_for_counting
from accounts.models import User
from accounts.services import mark_email_verified, notify_user, person
from awards.models import Edition
from core.links import SignedLink
from notifications.kinds import Kind

from .. import selectors
from ..models import (
    ConflictOfInterest,
    Evaluation,
    JuryMember,
)
from .common import JuryRefused, lock_edition
from .conflicts import record_automatic_conflicts

INVITATION_LINK = SignedLink(
    salt="jury.invitation",
    max_age=datetime.timedelta(days=21),
    expired=_lazy("This invitation has expired. Ask the secretariat to invite you again."),
    invalid=_lazy("This invitation link is not valid."),
    refusal=JuryRefused,
)

# A jury is invited in one sitting, so a secretariat member may send many in an hour; one
# address is invited a few times at most (a second invitation replaces the first).
JURY_INVITATIONS = MailLimit(kind=Kind.JURY_INVITATION, per_person=60, per_address=3)


@transaction.atomic
def invite_juror(
    *,
    edition: Edition,
    by: User,
    email: str,
    full_name: str,
    country: str = "",
    organisation: str = "",
    is_chair: bool = False,
    language: str = "en",
    now: datetime.datetime | None = None,
) -> JuryMember:
    """Side effects, in order: the person's row and the address locked; refused (JuryRefused)
    when `by` has sent JURY_INVITATIONS.per_person invitations in the last hour or the address
    has received JURY_INVITATIONS.per_address; an account made for a newcomer (no password
    until they accept); the jury membership (not accepted yet); an invitation mailed with a
    link valid 21 days."""
    email = normalise_email(email)
    _check_invitation_limits(by, email)
    user = User.objects.filter(email=email).first()
    if user is None:
        user = User.objects.create_user(
            email=email, full_name=full_name, preferred_language=language, password=None
        )
    member, created = JuryMember.objects.get_or_create(
        edition=edition,
        user=user,
        defaults={"country": country, "organisation": organisation},
    )
    if not created and member.accepted_at:
        raise JuryRefused(_("%(name)s is on this jury already.") % {"name": user})
    if is_chair and edition.jury_members.filter(is_chair=True).exclude(pk=member.pk).exists():
        raise JuryRefused(_("This edition's jury already has a chair."))
    member.is_chair = is_chair
    member.invited_at = now or timezone.now()
    member.save(update_fields=["is_chair", "invited_at"])
    notify_user(
        Kind.JURY_INVITATION,
        user=user,
        context={
            "edition": {"title": edition.title, "scoring_opens": edition.scoring_opens},
            "is_chair": is_chair,
            "token": invitation_token(member),
            "invited_by": person(by),
        },
        key=f"jury-invitation:{member.pk}:{member.invited_at.isoformat()}",
        caused_by=by,
    )
    return member


def _check_invitation_limits(by: User, email: str) -> None:
    lock_for_counting(by, [email])
    if not JURY_INVITATIONS.person_may_send(by):
        raise JuryRefused(
            _(
                "You have sent %(count)s jury invitations in the last hour, the most the site "
                "allows. Please send the next ones a little later."
            )
            % {"count": JURY_INVITATIONS.per_person}
        )
    if not JURY_INVITATIONS.address_may_receive(email):
        raise JuryRefused(
            _(
                "%(email)s has been sent %(count)s jury invitations in the last hour, the most "
                "the site allows. Please invite this person again a little later."
            )
            % {"email": email, "count": JURY_INVITATIONS.per_address}
        )


def invitation_token(member: JuryMember) -> str:
    return INVITATION_LINK.make(m=member.pk)


def member_from_token(token: str) -> JuryMember:
    data = INVITATION_LINK.read(token)
    member = (
        JuryMember.objects.select_related("edition", "user").filter(pk=data.get("m", 0)).first()
    )
    if member is None:
        raise JuryRefused(_("This invitation has been withdrawn."))
    return member


@transaction.atomic
def accept_invitation(
    *,
    member: JuryMember,
    user: User,
    password: str | None = None,
    country: str | None = None,
    organisation: str | None = None,
    now: datetime.datetime | None = None,
) -> JuryMember:
    """Side effects, in order: the password set when the person has none yet; their address
    confirmed (the invitation was mailed to it); at the first acceptance only, the country and
    organisation the juror gave saved (a link used again cannot change what the conflicts are
    computed from); the membership accepted; the juror's automatic conflicts with the entries under
    review recorded, so that the assignment matrix shows them at once."""
    if member.user_id != user.pk:
        raise JuryRefused(_("This invitation was sent to another person."))
    now = now or timezone.now()
    if password:
        user.set_password(password)
        user.save(update_fields=["password"])
    mark_email_verified(user, now=now)
    if member.accepted_at is None:
        if country is not None:
            member.country = country
        if organisation is not None:
            member.organisation = organisation.strip()
    member.accepted_at = member.accepted_at or now
    member.save(update_fields=["country", "organisation", "accepted_at"])
    record_automatic_conflicts(edition=member.edition, members=[member])
    return member


@transaction.atomic
def remove_juror(*, member: JuryMember, by: User) -> None:
    """The secretariat withdraws an invitation, or takes a juror off the jury.

    Side effects, in order: refused (JuryRefused) unless `by` is the secretariat; the edition row
    locked, and the juror's evaluations; refused once the juror has scored anything (their
    evaluations stay, to be reopened or left out, not lost), or when a conflict of theirs was
    declared, set or lifted by a person (those decisions are part of the jury's record); the
    juror's empty drafts and automatic conflicts deleted, then the membership with its
    assignments (the invitation link then says it was withdrawn); the account too when it was
    made for this invitation and never used (no password, no other role).
    """
    if not by.has_perm("jury.manage_jury"):
        raise JuryRefused(_("Only the secretariat may change the jury."))
    lock_edition(member.edition_id)
    evaluations = list(Evaluation.objects.select_for_update().filter(assignment__member=member))
    started = Evaluation.objects.filter(selectors.STARTED, pk__in=[e.pk for e in evaluations])
    if started.exists():
        raise JuryRefused(
            _(
                "%(juror)s has started scoring, so they stay on the jury: their evaluations "
                "are part of its record. Reassign their remaining entries instead."
            )
            % {"juror": member.user}
        )
    if member.ballots.exists():
        raise JuryRefused(
            _("%(juror)s has cast a ballot, so they stay on the jury: it is part of its record.")
            % {"juror": member.user}
        )
    decided = member.conflicts.filter(
        Q(kind__in=[ConflictOfInterest.Kind.DECLARED, ConflictOfInterest.Kind.SECRETARIAT])
        | Q(lifted_at__isnull=False, lifted_with_rule=False)
    )
    if decided.exists():
        raise JuryRefused(
            _(
                "%(juror)s has conflicts of interest on record that were declared or decided by "
                "a person, so they stay on the jury. Take them off their entries instead."
            )
            % {"juror": member.user}
        )
    user = member.user
    # What is left is no record (nothing scored, every conflict automatic) and goes by name:
    # evaluations and conflicts are protected from the cascade of deleting the membership.
    Evaluation.objects.filter(pk__in=[evaluation.pk for evaluation in evaluations]).delete()
    member.conflicts.all().delete()
    member.delete()
    other_roles = (
        user.is_staff
        or user.groups.exists()
        or user.jury_memberships.exists()
        or user.organisation_memberships.exists()
    )
    if not user.has_usable_password() and not other_roles:
        user.delete()
