"""Recording a jury's conflicts finds the jurors by what each entry involves; it records exactly
what trying every juror against every entry by the rules would, with every rule on or off."""

import random

import pytest

from awards.models import Entry, FormerMembership
from awards.models.organisations import name_key
from jury.models import ConflictOfInterest, JurySettings
from jury.services import record_automatic_conflicts
from tests.factories import (
    EditionFactory,
    EntryFactory,
    JuryMemberFactory,
    MembershipFactory,
    OrganisationFactory,
    PartnerFactory,
)

pytestmark = pytest.mark.django_db

COUNTRIES = ["FR", "SN", "DE", "BJ"]
NAMES = ["Ville de Lyon", "Commune de Dakar", "Stadt Köln", "Ville de Cotonou"]
Kind = ConflictOfInterest.Kind


def expected(edition, members, entries, settings) -> set[tuple[int, int, str]]:
    """Every (juror, entry, kind) the rules give, juror by juror, entry by entry."""
    pairs = set()
    for member in members:
        memberships = set(
            member.user.organisation_memberships.filter(is_approved=True).values_list(
                "organisation__pk", "organisation__name_key", "organisation__country"
            )
        ) | set(
            FormerMembership.objects.filter(user=member.user).values_list(
                "organisation__pk", "organisation__name_key", "organisation__country"
            )
        )
        for entry in entries:
            partners = list(entry.partners.all())
            countries = {entry.organisation.country.code} | {p.country.code for p in partners}
            names = {entry.organisation.name_key} | {p.name_key for p in partners}
            if (
                settings.conflict_same_country
                and member.country
                and member.country.code in countries
            ):
                pairs.add((member.pk, entry.pk, Kind.SAME_COUNTRY))
            declared = name_key(member.organisation)
            if settings.conflict_same_organisation and declared and declared in names:
                pairs.add((member.pk, entry.pk, Kind.SAME_ORGANISATION))
            involved = any(pk == entry.organisation_id for pk, _, _ in memberships) or any(
                p.contact_key == member.user.email.lower()
                or any((p.name_key, p.country.code) == (n, c) for _, n, c in memberships)
                for p in partners
            )
            if involved:
                pairs.add((member.pk, entry.pk, Kind.MEMBERSHIP))
    return pairs


@pytest.mark.parametrize("seed", range(4))
@pytest.mark.parametrize(
    ("same_country", "same_organisation"),
    [(True, True), (False, True), (True, False), (False, False)],
)
def test_the_recorded_conflicts_are_the_rules_pair_by_pair(seed, same_country, same_organisation):
    rng = random.Random(seed)
    edition = EditionFactory(phase="jury_review")
    settings = JurySettings.objects.create(
        edition=edition,
        conflict_same_country=same_country,
        conflict_same_organisation=same_organisation,
    )
    organisations = [
        OrganisationFactory(name=name, country=country)
        for name, country in zip(NAMES, COUNTRIES, strict=True)
    ]
    entries = []
    for n in range(12):
        entry = EntryFactory(edition=edition, organisation=rng.choice(organisations))
        for p in range(rng.randint(0, 2)):
            PartnerFactory(
                entry=entry,
                name=rng.choice(NAMES).upper() if rng.random() < 0.5 else f"Partner {n}.{p}",
                country=rng.choice(COUNTRIES),
                contact_email=f"Contact-{rng.randint(0, 5)}@Example.org",
            )
        entries.append(entry)
    Entry.objects.filter(pk__in=[e.pk for e in entries]).update(state="in_review")
    members = []
    for n in range(6):
        member = JuryMemberFactory(
            edition=edition,
            country=rng.choice([*COUNTRIES, ""]),
            organisation=rng.choice([*NAMES, "UNDP", ""]),
            user__email=f"contact-{n}@example.org",
        )
        if rng.random() < 0.5:
            MembershipFactory(user=member.user, organisation=rng.choice(organisations))
        if rng.random() < 0.3:
            FormerMembership.objects.create(
                user=member.user, organisation=rng.choice(organisations)
            )
        members.append(member)

    record_automatic_conflicts(edition=edition)

    recorded = set(
        ConflictOfInterest.objects.filter(entry__edition=edition).values_list(
            "member_id", "entry_id", "kind"
        )
    )
    assert recorded == expected(edition, members, entries, settings)
    # A juror checked alone (on accepting, on joining) finds the same, and adds nothing.
    assert record_automatic_conflicts(edition=edition, members=[members[0]]) == 0


def test_recording_reads_the_entries_as_values_not_rows(monkeypatch):
    """The rules read a few values of each entry and partner: no entry or partner row is
    built, however many there are."""
    from awards.models import Partner

    edition = EditionFactory()
    for country in ("GE", "SN", "GE"):
        entry = EntryFactory(edition=edition, organisation__country=country)
        PartnerFactory(entry=entry, country="GE")
    Entry.objects.filter(edition=edition).update(state="in_review")
    JuryMemberFactory(edition=edition, country="GE")

    def refused(cls, *args, **kwargs):
        raise AssertionError(f"a {cls.__name__} row was built")

    for model in (Entry, Partner):
        monkeypatch.setattr(model, "from_db", classmethod(refused))

    assert record_automatic_conflicts(edition=edition) == 3
