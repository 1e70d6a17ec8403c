"""Partner confirmation requests mail an address the applicant typed, with the applicant's
text: at most PARTNER_REQUESTS_PER_HOUR per person (whoever the partners) and
PARTNER_REQUESTS_PER_ADDRESS_PER_HOUR per address (whoever asks)."""

import datetime

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from awards.models import Partner
from awards.services.partners import (
    PARTNER_REQUESTS_PER_ADDRESS_PER_HOUR,
    PARTNER_REQUESTS_PER_HOUR,
    PartnersAsked,
    ask_partners,
)
from awards.services.transitions import transition_entry
from notifications.models import Notification
from tests.awards.conftest import formset_data
from tests.factories import PartnerFactory, applicant_with_entry, complete_entry

pytestmark = pytest.mark.django_db

KIND = "entry.partner_confirmation"


def mails_to(address: str) -> int:
    return Notification.objects.filter(kind=KIND, recipient_email=address).count()


def change_contact(client, entry, partner, email):
    row = {
        "id": partner.pk,
        "name": partner.name,
        "country": partner.country,
        "contact_name": "Written by the applicant",
        "contact_email": email,
    }
    return client.post(
        reverse("awards:entry_edit", kwargs={"pk": entry.pk, "step": "partners"}),
        formset_data("partners", [row], initial=1),
    )


def ask(client, entry):
    return client.post(reverse("awards:partners_ask", kwargs={"pk": entry.pk}), follow=True)


def test_changing_a_partners_address_back_and_forth_stops_mailing_it(client):
    user, entry = applicant_with_entry()
    partner = PartnerFactory(entry=entry, contact_email="decoy@example.org")
    client.force_login(user)

    for _ in range(6):
        for address in ("victim@example.org", "decoy@example.org"):
            change_contact(client, entry, partner, address)
            response = ask(client, entry)

    assert mails_to("victim@example.org") == PARTNER_REQUESTS_PER_ADDRESS_PER_HOUR
    assert mails_to("decoy@example.org") == PARTNER_REQUESTS_PER_ADDRESS_PER_HOUR
    assert (
        "1 partner(s) could not be asked now: the site sends at most 20 confirmation "
        "requests an hour for one person, and 3 to one address. Ask them again a little later."
    ) in response.content.decode()
    partner.refresh_from_db()
    assert partner.status == Partner.Status.NOT_ASKED  # held back, still to be asked


def test_one_person_asks_at_most_the_hourly_limit_whoever_the_partners(
    client, django_capture_on_commit_callbacks
):
    user, entry = applicant_with_entry()
    PartnerFactory.create_batch(PARTNER_REQUESTS_PER_HOUR + 5, entry=entry)
    start = timezone.now()

    with time_machine.travel(start, tick=False):
        first = ask_partners(entry=entry, by=user)
        second = ask_partners(entry=entry, by=user)
    with time_machine.travel(start + datetime.timedelta(hours=1, seconds=1), tick=False):
        later = ask_partners(entry=entry, by=user)

    assert first == PartnersAsked(asked=PARTNER_REQUESTS_PER_HOUR, held_back=5)
    assert second == PartnersAsked(asked=0, held_back=5)
    assert later == PartnersAsked(asked=5)
    assert Notification.objects.filter(kind=KIND).count() == PARTNER_REQUESTS_PER_HOUR + 5
    assert set(entry.partners.values_list("status", flat=True)) == {Partner.Status.PENDING}


def test_the_hourly_limit_counts_the_persons_requests_for_every_entry():
    user, entry = applicant_with_entry()
    _, other_entry = applicant_with_entry()
    other_entry.organisation = entry.organisation
    other_entry.save()
    PartnerFactory.create_batch(PARTNER_REQUESTS_PER_HOUR - 1, entry=entry)
    PartnerFactory.create_batch(2, entry=other_entry)

    ask_partners(entry=entry, by=user)

    assert ask_partners(entry=other_entry, by=user) == PartnersAsked(asked=1, held_back=1)


def test_an_address_receives_at_most_its_limit_whoever_asks():
    entries = [applicant_with_entry() for _ in range(PARTNER_REQUESTS_PER_ADDRESS_PER_HOUR + 1)]
    for _user, entry in entries:
        PartnerFactory(entry=entry, contact_email="Same.Person@Example.org")

    results = [ask_partners(entry=entry, by=user) for user, entry in entries]

    assert results == [PartnersAsked(asked=1)] * PARTNER_REQUESTS_PER_ADDRESS_PER_HOUR + [
        PartnersAsked(asked=0, held_back=1)
    ]
    assert mails_to("same.person@example.org") == PARTNER_REQUESTS_PER_ADDRESS_PER_HOUR


def test_a_submission_goes_through_when_the_limit_holds_its_partners_back(
    client, django_capture_on_commit_callbacks
):
    user, entry = applicant_with_entry()
    complete_entry(entry)
    address = entry.partners.get().contact_email
    for _ in range(PARTNER_REQUESTS_PER_ADDRESS_PER_HOUR):
        _other_user, other_entry = applicant_with_entry()
        PartnerFactory(entry=other_entry, contact_email=address)
        ask_partners(entry=other_entry, by=_other_user)

    with django_capture_on_commit_callbacks(execute=True):
        transition_entry(entry=entry, name="submit", by=user)

    entry.refresh_from_db()
    assert entry.state == "submitted"
    assert entry.partners.get().status == Partner.Status.NOT_ASKED
    assert mails_to(address) == PARTNER_REQUESTS_PER_ADDRESS_PER_HOUR
