import pytest
from django.urls import reverse

from awards.models import Partner
from awards.services.partners import PARTNER_LINK, partner_token
from tests.awards.conftest import formset_data
from tests.factories import PartnerFactory

pytestmark = pytest.mark.django_db


def respond_url(partner):
    return reverse("awards:partner_respond", kwargs={"token": partner_token(partner)})


def test_partner_confirms_without_account(client):
    partner = PartnerFactory(entry__title="Water first")

    page = client.get(respond_url(partner))
    response = client.post(respond_url(partner), {"decision": "confirm", "note": "Gladly."})

    assert "Water first" in page.content.decode()
    assert "has been recorded" in response.content.decode()
    partner.refresh_from_db()
    assert (partner.status, partner.response_note) == (Partner.Status.CONFIRMED, "Gladly.")


def test_partner_declines(client):
    partner = PartnerFactory()

    client.post(respond_url(partner), {"decision": "decline"})

    partner.refresh_from_db()
    assert partner.status == Partner.Status.DECLINED


def test_forged_link_refused(client):
    partner = PartnerFactory()
    token = partner_token(partner)[:-2] + "xx"

    response = client.get(reverse("awards:partner_respond", kwargs={"token": token}))

    assert response.status_code == 404
    assert "This link is not valid." in response.content.decode()


def test_link_void_once_contact_changes(client, applicant_entry):
    user, entry = applicant_entry
    partner = PartnerFactory(entry=entry, status=Partner.Status.CONFIRMED)
    old_url = respond_url(partner)
    client.force_login(user)
    row = {
        "id": partner.pk,
        "name": partner.name,
        "country": "SN",
        "contact_name": "Someone Else",
        "contact_email": "else@example.sn",
    }

    client.post(
        reverse("awards:entry_edit", kwargs={"pk": entry.pk, "step": "partners"}),
        formset_data("partners", [row], initial=1),
    )

    partner.refresh_from_db()
    assert partner.status == Partner.Status.NOT_ASKED
    client.logout()
    response = client.get(old_url)
    assert response.status_code == 404
    assert "partners have changed" in response.content.decode()


def test_token_for_unknown_partner_refused(client):
    token = PARTNER_LINK.make(p=999999, e="x@example.org")

    response = client.get(reverse("awards:partner_respond", kwargs={"token": token}))

    assert response.status_code == 404


def test_retyping_a_partners_address_in_other_letters_keeps_its_confirmation(
    client, applicant_entry
):
    user, entry = applicant_entry
    partner = PartnerFactory(
        entry=entry, contact_email="awa@dakar.example", status=Partner.Status.CONFIRMED
    )
    client.force_login(user)
    row = {
        "id": partner.pk,
        "name": partner.name,
        "country": partner.country,
        "contact_name": partner.contact_name,
        "contact_email": " AWA@Dakar.Example",
    }

    client.post(
        reverse("awards:entry_edit", kwargs={"pk": entry.pk, "step": "partners"}),
        formset_data("partners", [row], initial=1),
    )

    partner.refresh_from_db()
    assert (partner.status, partner.contact_email) == (
        Partner.Status.CONFIRMED,
        "awa@dakar.example",
    )
