import pytest

from awards.models import Entry
from jury.models import Assignment, ConflictOfInterest, JurySettings
from jury.services import add_default_criteria, assign_automatically, record_automatic_conflicts
from tests.factories import (
    EditionFactory,
    EntryFactory,
    JuryMemberFactory,
    PartnerFactory,
    SecretariatFactory,
)

pytestmark = pytest.mark.django_db


def eligible_entry(edition, country="FR", partner_country="SN", **kwargs):
    entry = EntryFactory(edition=edition, organisation__country=country, **kwargs)
    PartnerFactory(entry=entry, country=partner_country)
    Entry.objects.filter(pk=entry.pk).update(state="eligible")
    return entry


def test_conflicts_by_country_of_lead_or_partner_and_by_organisation():
    edition = EditionFactory()
    french = JuryMemberFactory(edition=edition, country="FR", organisation="UNDP")
    senegalese = JuryMemberFactory(edition=edition, country="SN", organisation="")
    insider = JuryMemberFactory(edition=edition, country="DE", organisation="Ville de Lyon")
    neutral = JuryMemberFactory(edition=edition, country="DE", organisation="UNDP")
    entry = eligible_entry(edition, organisation__name="Ville de Lyon")

    assert record_automatic_conflicts(edition=edition) == 3
    assert record_automatic_conflicts(edition=edition) == 0
    assert sorted(ConflictOfInterest.objects.values_list("member_id", "kind")) == sorted(
        [(french.pk, "country"), (senegalese.pk, "country"), (insider.pk, "organisation")]
    )
    assert not ConflictOfInterest.objects.filter(member=neutral, entry=entry).exists()


def test_conflict_rules_can_be_switched_off():
    edition = EditionFactory()
    JurySettings.objects.create(edition=edition, conflict_same_country=False)
    JuryMemberFactory(edition=edition, country="FR")
    eligible_entry(edition)

    assert record_automatic_conflicts(edition=edition) == 0


def test_assignment_never_gives_a_conflicted_juror_and_reports_shortfalls():
    edition = EditionFactory()
    JurySettings.objects.create(edition=edition, jurors_per_entry=2)
    jurors = [JuryMemberFactory(edition=edition, country=c) for c in ["FR", "DE", "IT", "PL"]]
    entries = [eligible_entry(edition, country="ES") for _ in range(4)]
    lonely = eligible_entry(edition, country="DE", partner_country="IT")
    JuryMemberFactory(edition=edition, country="NL", accepted_at=None)  # not accepted: no work

    plan = assign_automatically(edition=edition, by=SecretariatFactory(), seed=7)

    pairs = set(Assignment.objects.values_list("member__country", "entry_id"))
    assert ("DE", lonely.pk) not in pairs and ("IT", lonely.pk) not in pairs
    assert all(Assignment.objects.filter(entry=e).count() == 2 for e in [*entries, lonely])
    loads = [Assignment.objects.filter(member=j).count() for j in jurors]
    assert max(loads) - min(loads) <= 1
    assert plan.shortfalls == ()
    assert Assignment.objects.filter(member__country="NL").count() == 0


def test_assignment_is_repeatable_for_a_seed():
    edition = EditionFactory()
    JurySettings.objects.create(edition=edition, jurors_per_entry=1)
    for country in ["FR", "DE", "IT"]:
        JuryMemberFactory(edition=edition, country=country)
    for _ in range(6):
        eligible_entry(edition, country="ES")
    secretariat = SecretariatFactory()

    assign_automatically(edition=edition, by=secretariat, seed=3)
    first = set(Assignment.objects.values_list("member_id", "entry_id"))
    assign_automatically(edition=edition, by=secretariat, seed=3)

    assert set(Assignment.objects.values_list("member_id", "entry_id")) == first


def test_default_rubric_has_the_five_criteria_of_2024():
    edition = EditionFactory()

    add_default_criteria(edition=edition)

    assert [(c.name, c.weight, c.scale_min, c.scale_max) for c in edition.criteria.all()] == [
        ("Strategic approach and objectives", 1, 0, 10),
        ("Results and local impact", 1, 0, 10),
        ("Local democracy", 1, 0, 10),
        ("Active citizenship", 1, 0, 10),
        ("Development effectiveness and policy coherence", 1, 0, 10),
    ]
