"""Writes of the jury app: the rubric, conflicts of interest and the assignment of entries."""

import hashlib

from django.core import signing
from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from accounts.models import User
from accounts.rules import is_secretariat
from accounts.services import notify_user
from awards.models import Edition, Entry
from awards.workflow import EntryState
from notifications.kinds import Kind
from notifications.models import Notification

from . import assignment as planner
from . import selectors
from .models import (
    Assignment,
    ConflictOfInterest,
    Criterion,
    CriterionScore,
    Evaluation,
    JuryMember,
    JurySettings,
)
from .reminders import add_default_rules as add_jury_reminder_rules

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


def set_up_jury(edition: Edition) -> None:
    """A new edition's jury defaults: the five 2024 criteria, the settings, and the jurors'
    reminder rules (T-5, T-1 and T+1 on the scoring deadline)."""
    add_default_criteria(edition=edition)
    settings_for(edition)
    add_jury_reminder_rules(edition=edition)


def settings_for(edition: Edition) -> JurySettings:
    return JurySettings.objects.get_or_create(edition=edition)[0]


def _automatic_rules(settings: JurySettings) -> dict[str, bool]:
    return {
        ConflictOfInterest.Kind.SAME_COUNTRY: settings.conflict_same_country,
        ConflictOfInterest.Kind.SAME_ORGANISATION: settings.conflict_same_organisation,
    }


@transaction.atomic
def save_settings(*, settings: JurySettings, by: User) -> JurySettings:
    """Save the jury settings edited by the secretariat.

    Side effects, in order: the settings saved; the active automatic conflicts of a rule that is
    now off lifted (marked as lifted with the rule, so that switching it on brings them back);
    the automatic conflicts of the rules that are on recorded.
    """
    if not is_secretariat.test(by):
        raise JuryRefused(_("Only the secretariat may change the jury's settings."))
    settings.save()
    ConflictOfInterest.objects.filter(
        member__edition_id=settings.edition_id,
        lifted_at__isnull=True,
        kind__in=[kind for kind, on in _automatic_rules(settings).items() if not on],
    ).update(
        lifted_at=timezone.now(),
        lifted_by=by,
        lift_reason=_("The rule that recorded it was switched off."),
        lifted_with_rule=True,
    )
    record_automatic_conflicts(edition=settings.edition)
    return settings


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
    """Side effects, in order: the conflicts lifted when their rule was switched off brought
    back if it is on again; one ConflictOfInterest per juror and entry that share a country or
    an organisation (as the edition's settings say), unless recorded before (a conflict the
    secretariat lifted by hand stays lifted). Returns how many were added."""
    settings = settings_for(edition)
    members = list(edition.jury_members.filter(accepted_at__isnull=False))
    entries = (
        edition.entries.filter(state__in=REVIEWED_STATES)
        .select_related("organisation")
        .prefetch_related("partners")
    )
    ConflictOfInterest.objects.filter(
        member__edition=edition,
        lifted_with_rule=True,
        kind__in=[kind for kind, on in _automatic_rules(settings).items() if on],
    ).update(lifted_at=None, lifted_by=None, lift_reason="", lifted_with_rule=False)
    # Active ones, and those the secretariat lifted by hand, are not recorded again.
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
    # As when a conflict is recorded by hand: unopened assignments of a conflicted juror go.
    Assignment.objects.filter(member__edition=edition, evaluation__isnull=True).filter(
        Exists(
            ConflictOfInterest.objects.filter(
                member=OuterRef("member"), entry=OuterRef("entry"), lifted_at__isnull=True
            )
        )
    ).delete()
    return len(new)


@transaction.atomic
def assign_automatically(*, edition: Edition, by: User, seed: int, round: int = 1):
    """Assign the edition's reviewed entries to its accepted jurors.

    Side effects, in order: refused (JuryRefused) unless `by` is the secretariat; automatic
    conflicts recorded; this round's automatic assignments that nobody has opened to score
    replaced by the planner's. Assignments set by hand and those being scored stay, and the
    planner balances the loads around them. Returns the planner's result (with its shortfalls).
    """
    if not is_secretariat.test(by):
        raise JuryRefused(_("Only the secretariat may change the assignments."))
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
    jurors, entry_ids = {m.pk for m in members}, {e.pk for e in entries}
    plan = planner.assign(
        jurors=sorted(jurors),
        entries=sorted(entry_ids),
        conflicts={(j, e) for j, e in conflicts if j in jurors and e in entry_ids},
        per_entry=settings_for(edition).jurors_per_entry,
        seed=seed,
        # A kept assignment of a conflicted juror stays hidden and does not count.
        fixed={
            (juror, entry)
            for juror, entry in kept
            if juror in jurors and entry in entry_ids and (juror, entry) not in conflicts
        },
    )
    Assignment.objects.bulk_create(
        Assignment(member_id=juror, entry_id=entry, round=round)
        for entry, panel in plan.by_entry.items()
        for juror in panel
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


# Conflicts of interest declared by a juror or set and lifted by the secretariat. The row is
# its own record: who recorded it, when and why; who lifted it, when and why.


@transaction.atomic
def declare_conflict(*, member: JuryMember, entry: Entry, by: User, note: str):
    """A juror declares a conflict of interest with an entry they were given.

    Side effects, in order: refused (JuryRefused) unless `by` is the accepted juror, the entry
    is in their edition and the note says why; then as `_record_conflict`.
    """
    if member.user_id != by.pk or member.accepted_at is None:
        raise JuryRefused(_("Only the juror concerned may declare a conflict of interest."))
    return _record_conflict(
        member=member, entry=entry, by=by, kind=ConflictOfInterest.Kind.DECLARED, note=note
    )


@transaction.atomic
def add_conflict(*, member: JuryMember, entry: Entry, by: User, reason: str):
    """The secretariat records a conflict of interest: as `_record_conflict`, for the
    secretariat only."""
    if not is_secretariat.test(by):
        raise JuryRefused(_("Only the secretariat may record a conflict of interest."))
    return _record_conflict(
        member=member, entry=entry, by=by, kind=ConflictOfInterest.Kind.SECRETARIAT, note=reason
    )


def _record_conflict(
    *, member: JuryMember, entry: Entry, by: User, kind: str, note: str
) -> ConflictOfInterest:
    """Side effects, in order: refused (JuryRefused) without a note, for an entry of another
    edition, or when an active conflict of the juror with the entry exists; the conflict saved;
    the juror's assignments of the entry that nobody has started to score removed (those being
    scored stay, hidden from the juror, so that nothing typed is lost if the conflict is
    lifted)."""
    note = note.strip()
    if not note:
        raise JuryRefused(_("Say why: a reason is required."))
    if entry.edition_id != member.edition_id:
        raise JuryRefused(_("This entry is not in the edition of this jury."))
    JuryMember.objects.select_for_update().get(pk=member.pk)
    if selectors.has_active_conflict(member, entry):
        raise JuryRefused(
            _("%(juror)s already has a conflict of interest with %(entry)s.")
            % {"juror": member.user, "entry": entry.reference}
        )
    conflict = ConflictOfInterest.objects.create(
        member=member, entry=entry, kind=kind, note=note, created_by=by
    )
    Assignment.objects.filter(member=member, entry=entry, evaluation__isnull=True).delete()
    return conflict


@transaction.atomic
def lift_conflict(*, conflict: ConflictOfInterest, by: User, reason: str) -> ConflictOfInterest:
    """Side effects, in order: refused (JuryRefused) unless `by` is the secretariat and gives a
    reason; the conflict row locked; refused when already lifted; lifted (who, when, why). An
    automatic conflict once lifted is not recorded again."""
    if not is_secretariat.test(by):
        raise JuryRefused(_("Only the secretariat may lift a conflict of interest."))
    reason = reason.strip()
    if not reason:
        raise JuryRefused(_("Say why: a reason is required."))
    locked = ConflictOfInterest.objects.select_for_update().get(pk=conflict.pk)
    if locked.lifted_at is not None:
        raise JuryRefused(_("This conflict of interest was lifted already."))
    locked.lifted_at = timezone.now()
    locked.lifted_by = by
    locked.lift_reason = reason
    locked.save(update_fields=["lifted_at", "lifted_by", "lift_reason"])
    return locked


# The rubric, editable until scoring opens.


def rubric_locked(edition: Edition, *, now=None) -> bool:
    """Once scoring has opened, or anyone has scored, the rubric stays as it is."""
    now = now or timezone.now()
    return (
        now >= edition.scoring_opens
        or CriterionScore.objects.filter(criterion__edition=edition).exists()
    )


@transaction.atomic
def save_rubric(*, edition: Edition, by: User, formset) -> None:
    """Side effects, in order: refused (JuryRefused) unless `by` is the secretariat; the edition
    row locked; refused once the rubric is
    locked or when no criterion would be left; the formset's criteria saved and deleted."""
    if not is_secretariat.test(by):
        raise JuryRefused(_("Only the secretariat may change the rubric."))
    Edition.objects.select_for_update().get(pk=edition.pk)
    if rubric_locked(edition):
        raise JuryRefused(
            _(
                "Scoring has opened, so the rubric can no longer change: scores already given "
                "would no longer mean the same."
            )
        )
    left = [
        form
        for form in formset.forms
        if form not in formset.deleted_forms and (form.instance.pk or form.has_changed())
    ]
    if not left:
        raise JuryRefused(_("Keep at least one criterion in the rubric."))
    for criterion in formset.save(commit=False):
        criterion.edition = edition
        criterion.save()
    for criterion in formset.deleted_objects:
        criterion.delete()


# Assignments set by hand, and the jurors told of theirs.


@transaction.atomic
def set_assignment(
    *, member: JuryMember, entry: Entry, by: User, assigned: bool, round: int = 1
) -> Assignment | None:
    """The secretariat puts a juror on an entry, or takes them off it.

    Side effects, in order: refused (JuryRefused) unless `by` is the secretariat, the entry is
    under review in the juror's edition and the juror has accepted; the juror row locked;
    putting on: refused for a conflicted juror, then the assignment created (or kept) and marked
    as set by hand, so that automatic assignment keeps it; taking off: refused once the juror
    has scored anything, then the assignment removed (with its empty draft, if any).
    """
    if not is_secretariat.test(by):
        raise JuryRefused(_("Only the secretariat may change the assignments."))
    if entry.edition_id != member.edition_id or entry.state not in REVIEWED_STATES:
        raise JuryRefused(_("This entry is not under review in the edition of this jury."))
    if member.accepted_at is None:
        raise JuryRefused(
            _("%(juror)s has not accepted the invitation yet.") % {"juror": member.user}
        )
    JuryMember.objects.select_for_update().get(pk=member.pk)
    existing = Assignment.objects.filter(member=member, entry=entry, round=round).first()
    if assigned:
        if selectors.has_active_conflict(member, entry):
            raise JuryRefused(
                _("%(juror)s has a conflict of interest with %(entry)s.")
                % {"juror": member.user, "entry": entry.reference}
            )
        if existing is None:
            return Assignment.objects.create(
                member=member, entry=entry, round=round, is_manual=True
            )
        existing.is_manual = True
        existing.save(update_fields=["is_manual"])
        return existing
    if existing is None:
        return None
    if (
        Evaluation.objects.filter(assignment=existing)
        .filter(Q(status=Evaluation.Status.SUBMITTED) | Q(scores__isnull=False) | ~Q(comment=""))
        .exists()
    ):
        raise JuryRefused(
            _("%(juror)s has started scoring %(entry)s, so the assignment stays.")
            % {"juror": member.user, "entry": entry.reference}
        )
    existing.delete()
    return None


def tell_jurors_their_assignments(*, edition: Edition) -> int:
    """Mail every accepted juror the entries they are to score.

    Side effects: one message per juror whose list of entries differs from the last one they
    were sent (the key holds the list and how many lists were sent before, so sending again
    after no change sends nothing, and a list that went back to an earlier one is sent again).
    Returns how many messages were queued.
    """
    queued = 0
    members = edition.jury_members.filter(accepted_at__isnull=False).select_related("user")
    for member in members:
        assignments = list(selectors.assignments_for_juror(member))
        if not assignments:
            continue
        ids = ",".join(str(a.entry_id) for a in sorted(assignments, key=lambda a: a.entry_id))
        digest = hashlib.sha256(ids.encode()).hexdigest()[:16]
        sent = Notification.objects.filter(key__startswith=f"jury-assigned:{member.pk}:")
        last = sent.order_by("-pk").values_list("key", flat=True).first()
        if last is not None and last.split(":")[2] == digest:
            continue
        key = f"jury-assigned:{member.pk}:{digest}:{sent.count()}"
        notify_user(
            Kind.JURY_ASSIGNED,
            user=member.user,
            context={
                "edition": _edition_context(edition),
                "entries": [
                    {"reference": a.entry.reference, "title": a.entry.title} for a in assignments
                ],
            },
            key=key,
        )
        queued += 1
    return queued


def remind_juror(*, member: JuryMember, by: User, now=None) -> bool:
    """The secretariat's "remind" on the progress board: one reminder of the evaluations left.

    Side effects: refused (JuryRefused) unless `by` is the secretariat; a reminder queued, at
    most one per juror and hour (a second click in the same
    hour sends nothing). Returns False when there was nothing to remind of or it was sent in
    this hour already.
    """
    if not is_secretariat.test(by):
        raise JuryRefused(_("Only the secretariat may send a juror a reminder."))
    now = now or timezone.now()
    progress = selectors.juror_progress(member)
    left = progress["total"] - progress["submitted"]
    key = f"jury-remind:{member.pk}:{now:%Y-%m-%dT%H}"
    if not left or Notification.objects.filter(key=key).exists():
        return False
    notify_user(
        Kind.REMINDER_JUROR,
        user=member.user,
        context={
            "edition": _edition_context(member.edition),
            "left": left,
            "total": progress["total"],
        },
        key=key,
    )
    return True


def _edition_context(edition: Edition) -> dict:
    return {
        "title": edition.title,
        "timezone": edition.timezone,
        "scoring_opens": edition.scoring_opens,
        "scoring_deadline": edition.scoring_deadline,
    }
