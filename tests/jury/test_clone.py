import pytest

from awards.services.editions import clone_edition
from jury.models import JuryMember
from tests.factories import EditionFactory, JuryMemberFactory, SecretariatFactory

pytestmark = pytest.mark.django_db


def test_clone_carries_over_jury_pool_as_invitations():
    source = EditionFactory(year=2024, title="PLATFORMAwards 2024")
    chair = JuryMemberFactory(edition=source, is_chair=True, country="IT")
    juror = JuryMemberFactory(edition=source, organisation="UNDP")

    target = clone_edition(source=source, by=SecretariatFactory())

    pool = JuryMember.objects.filter(edition=target).order_by("pk")
    assert [(m.user, m.is_chair, m.accepted_at) for m in pool] == [
        (chair.user, True, None),
        (juror.user, False, None),
    ]
    assert pool[0].country == "IT"
    assert pool[1].organisation == "UNDP"


def test_clone_carries_over_rubric_and_jury_settings():
    from jury.models import JurySettings
    from jury.services import add_default_criteria

    source = EditionFactory(year=2026, title="PLATFORMAwards 2026")
    add_default_criteria(edition=source)
    JurySettings.objects.create(edition=source, jurors_per_entry=3, conflict_same_country=False)

    target = clone_edition(source=source, by=SecretariatFactory())

    assert list(target.criteria.values_list("name", flat=True)) == list(
        source.criteria.values_list("name", flat=True)
    )
    settings = JurySettings.objects.get(edition=target)
    assert (settings.jurors_per_entry, settings.conflict_same_country) == (3, False)
