"""Writes of the jury app: the rubric, conflicts of interest and the assignment of entries."""

from django.db import transaction
from django.utils.translation import gettext_noop

from accounts.models import User
from awards.models import Edition, Entry
from awards.workflow import EntryState

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
