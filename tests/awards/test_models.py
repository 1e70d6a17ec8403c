import datetime

import pytest
from django.core.exceptions import ValidationError

from tests.factories import EditionFactory, JuryMemberFactory, OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_edition_timeline_out_of_order_names_the_field():
    edition = EditionFactory.build()
    edition.scoring_deadline = edition.scoring_opens - datetime.timedelta(seconds=1)

    with pytest.raises(ValidationError) as error:
        edition.full_clean()

    assert list(error.value.message_dict) == ["scoring_deadline"]
    assert error.value.message_dict["scoring_deadline"] == [
        "This date must fall on or after “scoring opens”."
    ]


def test_edition_unknown_timezone_refused():
    edition = EditionFactory.build(timezone="Europe/Atlantis")

    with pytest.raises(ValidationError) as error:
        edition.full_clean()

    assert error.value.message_dict["timezone"] == ["Europe/Atlantis is not a known time zone."]


def test_edition_next_milestone_is_first_future_date():
    edition = EditionFactory.build()
    moment = edition.submission_deadline + datetime.timedelta(seconds=1)

    assert edition.next_milestone(moment) == (
        "clarification deadline",
        edition.clarification_deadline,
    )
    assert edition.next_milestone(edition.announcement_at) is None


def test_organisation_name_unique_per_country_in_any_case():
    OrganisationFactory(name="Ville de Lyon", country="FR")
    duplicate = OrganisationFactory.build(name="ville de lyon", country="FR")

    with pytest.raises(ValidationError) as error:
        duplicate.full_clean()

    assert error.value.messages == ["An organisation with this name exists in this country."]
    OrganisationFactory.build(name="Ville de Lyon", country="BE").full_clean()


def test_jury_has_one_chair_per_edition():
    chair = JuryMemberFactory(is_chair=True)
    second = JuryMemberFactory.build(edition=chair.edition, user=UserFactory(), is_chair=True)

    with pytest.raises(ValidationError) as error:
        second.full_clean()

    assert error.value.messages == ["This edition's jury already has a chair."]


def test_the_keys_conflicts_compare_follow_every_save_of_a_name_or_an_address():
    from tests.factories import PartnerFactory

    partner = PartnerFactory(name="Ville de ŁÓDŹ", contact_email="Awa@Example.SN")
    organisation = OrganisationFactory(name="STRASSE")
    assert (partner.name_key, partner.contact_key) == ("ville de łódź", "awa@example.sn")

    partner.name, partner.contact_email = "Łódź", "AWA.DIOP@example.sn"
    partner.save(update_fields=["name", "contact_email"])
    organisation.name = "Straße"
    organisation.save(update_fields=["name"])

    partner.refresh_from_db()
    organisation.refresh_from_db()
    assert (partner.name_key, partner.contact_key) == ("łódź", "awa.diop@example.sn")
    assert organisation.name_key == "strasse"
