"""Writes of the jury app: the rubric, conflicts of interest and the assignment of entries."""

from django.core import signing
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from accounts.models import User
from accounts.services import notify_user
from awards.models import Edition, Entry
from awards.workflow import EntryState
from notifications.kinds import Kind

from . import assignment as planner
from .models import Assignment, ConflictOfInterest, Criterion, JuryMember, JurySettings

# The five selection criteria of the 2024 edition, with equal weights on a 0 to 10 scale.
DEFAULT_CRITERIA = [
    gettext_noop("Strategic approach and objectives"),
    gettext_noop("Results and local impact"),
    gettext_noop("Local democracy"),
    gettext_noop("Active citizenship"),
    gettext_noop("Development effectiveness and policy coherence"),
]
# The entries the jury works on.
REVIEWED_STATES = (EntryState.ELIGIBLE, EntryState.IN_REVIEW)


def carry_over_jury_pool(source: Edition, target: Edition) -> None:
    """A cloned edition starts with the previous jury as its pool, each member to be invited
    again (nobody sits on a jury without accepting it for that edition), with its rubric and
    jury settings."""
    JuryMember.objects.bulk_create(
        [
            JuryMember(
                edition=target,
                user_id=member.user_id,
                is_chair=member.is_chair,
                country=member.country,
                organisation=member.organisation,
            )
            for member in source.jury_members.all()
        ],
        ignore_conflicts=True,
    )
    Criterion.objects.bulk_create(
        Criterion(
            edition=target,
            position=c.position,
            name=c.name,
            guidance=c.guidance,
            weight=c.weight,
            scale_min=c.scale_min,
            scale_max=c.scale_max,
        )
        for c in source.criteria.all()
    )
    settings = settings_for(source)
    settings.pk = None
    settings.edition = target
    JurySettings.objects.filter(edition=target).delete()
    settings.save()


def settings_for(edition: Edition) -> JurySettings:
    return JurySettings.objects.get_or_create(edition=edition)[0]


def add_default_criteria(*, edition: Edition) -> list[Criterion]:
    return Criterion.objects.bulk_create(
        Criterion(edition=edition, position=i, name=name)
        for i, name in enumerate(DEFAULT_CRITERIA, start=1)
    )


def _involved(entry: Entry) -> tuple[set[str], set[str]]:
    """The countries and the organisation names an entry involves (lead and partners)."""
    countries = {entry.organisation.country.code}
    names = {entry.organisation.name.casefold()}
    for partner in entry.partners.all():
        countries.add(partner.country.code)
        names.add(partner.name.casefold())
    return countries, names


@transaction.atomic
def record_automatic_conflicts(*, edition: Edition) -> int:
    """Side effects: one ConflictOfInterest per juror and entry that share a country or an
    organisation (as the edition's settings say), not recorded before. Returns how many."""
    settings = settings_for(edition)
    members = list(edition.jury_members.filter(accepted_at__isnull=False))
    entries = (
        edition.entries.filter(state__in=REVIEWED_STATES)
        .select_related("organisation")
        .prefetch_related("partners")
    )
    existing = set(
        ConflictOfInterest.objects.filter(member__edition=edition).values_list(
            "member_id", "entry_id", "kind"
        )
    )
    new = []
    for entry in entries:
        countries, names = _involved(entry)
        for member in members:
            kinds = []
            if (
                settings.conflict_same_country
                and member.country
                and member.country.code in countries
            ):
                kinds.append(ConflictOfInterest.Kind.SAME_COUNTRY)
            if settings.conflict_same_organisation and member.organisation.casefold() in names:
                kinds.append(ConflictOfInterest.Kind.SAME_ORGANISATION)
            new += [
                ConflictOfInterest(member=member, entry=entry, kind=kind)
                for kind in kinds
                if (member.pk, entry.pk, kind) not in existing
            ]
    ConflictOfInterest.objects.bulk_create(new)
    return len(new)


@transaction.atomic
def assign_automatically(*, edition: Edition, by: User, seed: int, round: int = 1):
    """Assign the edition's reviewed entries to its accepted jurors.

    Side effects, in order: automatic conflicts recorded; this round's automatic assignments
    that nobody has started to score replaced by the planner's (manual ones and those with an
    evaluation stay, and count). Returns the planner's result (with its shortfalls).
    """
    record_automatic_conflicts(edition=edition)
    members = list(edition.jury_members.filter(accepted_at__isnull=False).order_by("pk"))
    entries = list(edition.entries.filter(state__in=REVIEWED_STATES).order_by("pk"))
    conflicts = set(
        ConflictOfInterest.objects.filter(
            member__edition=edition, lifted_at__isnull=True
        ).values_list("member_id", "entry_id")
    )
    Assignment.objects.filter(
        member__edition=edition, round=round, is_manual=False, evaluation__isnull=True
    ).delete()
    kept = set(
        Assignment.objects.filter(member__edition=edition, round=round).values_list(
            "member_id", "entry_id"
        )
    )
    plan = planner.assign(
        jurors=[m.pk for m in members],
        entries=[e.pk for e in entries],
        conflicts=conflicts,
        per_entry=settings_for(edition).jurors_per_entry,
        seed=seed,
    )
    Assignment.objects.bulk_create(
        Assignment(member_id=juror, entry_id=entry, round=round)
        for entry, jurors in plan.by_entry.items()
        for juror in jurors
        if (juror, entry) not in kept
    )
    return plan


INVITATION_SALT = "jury.invitation"
INVITATION_MAX_AGE = 60 * 60 * 24 * 21


class JuryRefused(Exception):
    """A jury change that cannot be made; the message is for the person who asked."""


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
) -> JuryMember:
    """Side effects, in order: an account made for a newcomer (no password until they accept);
    the jury membership (not accepted yet); an invitation mailed with a link valid 21 days."""
    email = User.objects.normalize_email(email).lower()
    user = User.objects.filter(email__iexact=email).first()
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
    member.invited_at = timezone.now()
    member.save(update_fields=["is_chair", "invited_at"])
    notify_user(
        Kind.JURY_INVITATION,
        user=user,
        context={
            "edition": {"title": edition.title, "scoring_opens": edition.scoring_opens},
            "is_chair": is_chair,
            "token": invitation_token(member),
        },
        key=f"jury-invitation:{member.pk}:{member.invited_at.isoformat()}",
    )
    return member


def invitation_token(member: JuryMember) -> str:
    return signing.dumps({"m": member.pk}, salt=INVITATION_SALT)


def member_from_token(token: str) -> JuryMember:
    try:
        data = signing.loads(token, salt=INVITATION_SALT, max_age=INVITATION_MAX_AGE)
    except signing.SignatureExpired as error:
        raise JuryRefused(
            _("This invitation has expired. Ask the secretariat to invite you again.")
        ) from error
    except signing.BadSignature as error:
        raise JuryRefused(_("This invitation link is not valid.")) from error
    member = JuryMember.objects.select_related("edition", "user").filter(pk=data.get("m")).first()
    if member is None:
        raise JuryRefused(_("This invitation has been withdrawn."))
    return member


@transaction.atomic
def accept_invitation(*, member: JuryMember, user: User, password: str | None = None) -> JuryMember:
    """Side effects: the password set when the person has none yet; the membership accepted."""
    if member.user_id != user.pk:
        raise JuryRefused(_("This invitation was sent to another person."))
    if password:
        user.set_password(password)
        user.save(update_fields=["password"])
    if member.accepted_at is None:
        member.accepted_at = timezone.now()
        member.save(update_fields=["accepted_at"])
    return member
