"""The country fields check a code against the country list, not its translated choices."""

import pytest
from django.core.exceptions import ValidationError
from django_countries import Countries

from awards.models import Organisation, Partner
from jury.models import JuryMember


@pytest.fixture
def no_country_list(monkeypatch):
    """Walking the choices would build the whole list, translated and sorted: refused here."""

    def walked(self):
        raise AssertionError("the country choices were walked")

    monkeypatch.setattr(Countries, "__iter__", walked)


def test_a_known_country_is_valid_without_walking_the_choices(no_country_list):
    Partner(name="Dakar", country="SN", contact_name="A", contact_email="a@example.org").full_clean(
        exclude=["entry"]
    )
    Organisation(name="Lyon", kind="municipality", country="FR").full_clean(
        validate_unique=False, validate_constraints=False
    )


@pytest.mark.parametrize("code", ["XX", "Senegal", "S"])
def test_an_unknown_code_is_refused(no_country_list, code):
    partner = Partner(name="P", country=code, contact_name="A", contact_email="a@example.org")

    with pytest.raises(ValidationError) as refused:
        partner.full_clean(exclude=["entry"])

    assert refused.value.error_dict["country"][0].code == "invalid_choice"


def test_a_required_country_is_required_and_an_optional_one_may_be_empty(no_country_list):
    partner = Partner(name="P", country="", contact_name="A", contact_email="a@example.org")
    with pytest.raises(ValidationError) as refused:
        partner.full_clean(exclude=["entry"])
    assert refused.value.error_dict["country"][0].code == "blank"

    JuryMember._meta.get_field("country").clean("", None)  # a juror's country is optional
