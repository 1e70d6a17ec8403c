"""Conflicts of interest: automatic (by country and organisation, each rule switchable),
declared by the juror, or recorded by the secretariat; lifted with a reason. The row is its
own record: who recorded it, when and why; who lifted it, when and why."""

import datetime
from collections import defaultdict
from collections.abc import Collection
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.addresses import normalise_email
from accounts.models import User
from awards.models import (
    Edition,
    Entry,
    FormerMembership,
    Organisation,
    OrganisationMembership,
    Partner,
)
from awards.models.organisations import name_key
from awards.workflow import ANNOUNCED_PHASES

from .. import selectors
from ..models import (
    Assignment,
    ConflictOfInterest,
    JuryMember,
    JurySettings,
)
from ..selectors import REVIEWED_STATES
from .common import JuryRefused, lock_edition, settings_for


def automatic_rules(settings: JurySettings) -> dict[str, bool]:
    return {
        ConflictOfInterest.Kind.SAME_COUNTRY: settings.conflict_same_country,
        ConflictOfInterest.Kind.SAME_ORGANISATION: settings.conflict_same_organisation,
    }


@dataclass
class Involvement:
    """What the rules read of an entry, as plain values: its lead organisation, and each
    partner by (contact_key, name_key, country)."""

    entry_id: int
    organisation_id: int
    lead: tuple[str, str]  # the lead's (name_key, country)
    partners: list[tuple[str, str, str]]

    def countries(self) -> set[str]:
        return {self.lead[1], *(country for _contact, _name, country in self.partners)}

    def names(self) -> set[str]:
        """The lead's and the partners' names, as name_key() folds them."""
        return {self.lead[0], *(name for _contact, name, _country in self.partners)}


def involvements(entries: QuerySet[Entry]) -> list[Involvement]:
    """What each of `entries` involves, in the order of their ids, in two queries whatever
    their number: entries and partners built as model rows made recording a large jury's
    conflicts the dearest part of seating it (some 1,500 entries read for each juror who
    shares a country with many leads)."""
    found = {
        pk: Involvement(pk, organisation_id, (name, country), [])
        for pk, organisation_id, name, country in entries.order_by("pk").values_list(
            "pk", "organisation_id", "organisation__name_key", "organisation__country"
        )
    }
    partners = Partner.objects.filter(entry__in=entries.values("pk")).order_by("pk")
    for entry_id, contact, name, country in partners.values_list(
        "entry_id", "contact_key", "name_key", "country"
    ):
        found[entry_id].partners.append((contact, name, country))
    return list(found.values())


@dataclass(frozen=True)
class Affiliation:
    """What the site knows of whom a juror acts or acted for, whatever they declared: the
    juror is involved in an entry when a member, now or before, of its lead applicant or of a
    partner government (by name and country), or the contact of a partner."""

    email: str  # as normalise_email() spells it
    organisation_ids: frozenset[int]
    # (name_key, country) of those organisations, to meet them among the partners.
    governments: frozenset[tuple[str, str]]

    def may_involve(self) -> Q:
        """The entries the juror may be involved in, as a filter: no entry outside it is."""
        partners = Q(partners__contact_key=self.email)
        for name, country in self.governments:
            partners |= Q(partners__name_key=name, partners__country=country)
        return Q(organisation__in=self.organisation_ids) | partners


def affiliations(members: list[JuryMember]) -> dict[int, Affiliation]:
    """Each member's Affiliation (by member id), from their memberships of organisations on
    the site, approved or ended: two queries whatever the jury's size."""
    by_user: dict[int, set[tuple[int, str, str]]] = {m.user_id: set() for m in members}
    users = list(by_user)
    current = OrganisationMembership.objects.filter(user_id__in=users, is_approved=True)
    former = FormerMembership.objects.filter(user_id__in=users)
    for rows in (current, former):
        for user_id, pk, name, country in rows.values_list(
            "user_id", "organisation_id", "organisation__name_key", "organisation__country"
        ):
            by_user[user_id].add((pk, name, country))
    return {
        member.pk: Affiliation(
            email=normalise_email(member.user.email),
            organisation_ids=frozenset(pk for pk, _name, _country in by_user[member.user_id]),
            governments=frozenset(
                (name, country) for _pk, name, country in by_user[member.user_id]
            ),
        )
        for member in members
    }


@transaction.atomic
def record_automatic_conflicts(
    *, edition: Edition, members: Collection[JuryMember] | None = None
) -> int:
    """For every accepted juror of the edition, or only for `members` (a juror who has just
    accepted or joined an organisation: the others' conflicts are recorded already, and
    checking each of them against every entry again made seating a jury grow with the square
    of its size).

    Side effects, in order: the edition row locked; one ConflictOfInterest per juror and
    entry that share a country or an organisation (as the edition's settings say), and per
    juror who acts or acted on this site for the lead applicant or a partner government, or is
    a partner's contact (always), unless one is active or was lifted by hand (a conflict lifted
    because its rule was switched off is recorded anew when the rule is on again; the lifted
    row stays as the record); the unopened assignments of newly conflicted jurors removed.
    Returns how many were added."""
    lock_edition(edition.pk)
    settings = settings_for(edition)
    accepted = edition.jury_members.filter(accepted_at__isnull=False)
    narrowed = members is not None
    if members is not None:
        accepted = accepted.filter(pk__in=[member.pk for member in members])
    members = list(accepted.select_related("user"))
    affiliation = affiliations(members)
    entries = edition.entries.filter(state__in=REVIEWED_STATES)
    if narrowed:
        # A few jurors: the database finds the entries they may be involved in (by the keys
        # stored beside each name), so that a juror accepting does not read every entry.
        possible = Q(pk__in=[])
        for member in members:
            possible |= _may_involve(member, settings) | affiliation[member.pk].may_involve()
        entries = entries.filter(pk__in=edition.entries.filter(possible).values("pk"))
    existing = set(
        ConflictOfInterest.objects.filter(member__in=members)
        .exclude(lifted_with_rule=True)
        .values_list("member_id", "entry_id", "kind")
    )
    rules = _MembersByKey(members, affiliation, settings)
    new = []
    for involvement in involvements(entries):
        for member, kinds in rules.conflicted_with(involvement):
            new += [
                ConflictOfInterest(member=member, entry_id=involvement.entry_id, kind=kind)
                for kind in kinds
                if (member.pk, involvement.entry_id, kind) not in existing
            ]
    ConflictOfInterest.objects.bulk_create(new)
    # As when a conflict is recorded by hand: unopened assignments of a conflicted juror go.
    Assignment.objects.filter(member__in=members, evaluation__isnull=True).filter(
        Exists(
            ConflictOfInterest.objects.filter(
                member=OuterRef("member"), entry=OuterRef("entry"), lifted_at__isnull=True
            )
        )
    ).delete()
    return len(new)


class _MembersByKey:
    """The jurors found by what an entry involves (a country, a name, an organisation, a
    contact's address) rather than each juror tried against each entry: recording a whole
    jury's conflicts grows with the entries and the conflicts, not with jurors times entries.
    The rules are the switchable ones and those of `Affiliation`."""

    def __init__(
        self,
        members: list[JuryMember],
        affiliation: dict[int, Affiliation],
        settings: JurySettings,
    ) -> None:
        self.order = {member.pk: n for n, member in enumerate(members)}
        self.by_country: dict[str, list[JuryMember]] = defaultdict(list)
        self.by_name: dict[str, list[JuryMember]] = defaultdict(list)
        self.by_organisation: dict[int, list[JuryMember]] = defaultdict(list)
        self.by_government: dict[tuple[str, str], list[JuryMember]] = defaultdict(list)
        self.by_contact: dict[str, list[JuryMember]] = defaultdict(list)
        for member in members:
            if settings.conflict_same_country and member.country:
                self.by_country[member.country.code].append(member)
            key = name_key(member.organisation)
            if settings.conflict_same_organisation and key:
                self.by_name[key].append(member)
            known = affiliation[member.pk]
            for organisation_id in known.organisation_ids:
                self.by_organisation[organisation_id].append(member)
            for government in known.governments:
                self.by_government[government].append(member)
            self.by_contact[known.email].append(member)

    def conflicted_with(self, entry: Involvement) -> list[tuple[JuryMember, list[str]]]:
        """Each juror conflicted with the entry (in the members' order) and the kinds, in the
        order country, organisation, membership."""
        found: dict[int, tuple[JuryMember, set[str]]] = {}

        def add(members: list[JuryMember], kind: str) -> None:
            for member in members:
                found.setdefault(member.pk, (member, set()))[1].add(kind)

        for country in entry.countries():
            add(self.by_country.get(country, []), ConflictOfInterest.Kind.SAME_COUNTRY)
        for name in entry.names():
            add(self.by_name.get(name, []), ConflictOfInterest.Kind.SAME_ORGANISATION)
        membership = ConflictOfInterest.Kind.MEMBERSHIP
        add(self.by_organisation.get(entry.organisation_id, []), membership)
        for contact, name, country in entry.partners:
            add(self.by_contact.get(contact, []), membership)
            add(self.by_government.get((name, country), []), membership)
        kinds_in_order = [
            ConflictOfInterest.Kind.SAME_COUNTRY,
            ConflictOfInterest.Kind.SAME_ORGANISATION,
            membership,
        ]
        return [
            (member, [kind for kind in kinds_in_order if kind in kinds])
            for member, kinds in sorted(found.values(), key=lambda pair: self.order[pair[0].pk])
        ]


def _may_involve(member: JuryMember, settings: JurySettings) -> Q:
    """The entries the switchable rules may conflict `member` with, as a filter."""
    possible = Q(pk__in=[])
    if settings.conflict_same_country and member.country:
        possible |= Q(organisation__country=member.country.code)
        possible |= Q(partners__country=member.country.code)
    if settings.conflict_same_organisation:
        key = name_key(member.organisation)
        if key:  # a juror who declared no organisation shares none
            possible |= Q(organisation__name_key=key) | Q(partners__name_key=key)
    return possible


def recheck_after_joining(*, organisation: Organisation, user: User, **kwargs: object) -> None:
    """A person now acts for `organisation` (a receiver of `awards.signals.member_joined`, in
    that transaction): where they sit on a jury still at work, they are conflicted at once with
    the entries it is involved in."""
    live = JuryMember.objects.filter(user=user, accepted_at__isnull=False).exclude(
        edition__phase__in=ANNOUNCED_PHASES
    )
    for member in live.select_related("edition"):
        record_automatic_conflicts(edition=member.edition, members=[member])


@transaction.atomic
def declare_conflict(
    *, member: JuryMember, entry: Entry, by: User, note: str
) -> ConflictOfInterest:
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
def add_conflict(*, member: JuryMember, entry: Entry, by: User, reason: str) -> ConflictOfInterest:
    """The secretariat records a conflict of interest: as `_record_conflict`, for the
    secretariat only."""
    if not by.has_perm("jury.manage_jury"):
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
    lock_edition(member.edition_id)
    if selectors.has_active_conflict(member, entry):
        if kind == ConflictOfInterest.Kind.DECLARED:
            raise JuryRefused(
                _("A conflict of interest of yours with %(entry)s is recorded already.")
                % {"entry": entry.reference}
            )
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
def lift_conflict(
    *,
    conflict: ConflictOfInterest,
    by: User,
    reason: str,
    now: datetime.datetime | None = None,
) -> ConflictOfInterest:
    """Side effects, in order: refused (JuryRefused) unless `by` is the secretariat and gives a
    reason; the conflict row locked; refused when already lifted; lifted (who, when, why). An
    automatic conflict once lifted is not recorded again."""
    if not by.has_perm("jury.manage_jury"):
        raise JuryRefused(_("Only the secretariat may lift a conflict of interest."))
    reason = reason.strip()
    if not reason:
        raise JuryRefused(_("Say why: a reason is required."))
    locked = ConflictOfInterest.objects.select_for_update().get(pk=conflict.pk)
    if locked.lifted_at is not None:
        raise JuryRefused(_("This conflict of interest was lifted already."))
    locked.lifted_at = now or timezone.now()
    locked.lifted_by = by
    locked.lift_reason = reason
    locked.save(update_fields=["lifted_at", "lifted_by", "lift_reason"])
    return locked
