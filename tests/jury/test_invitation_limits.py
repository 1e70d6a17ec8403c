"""Jury invitations mail an address the secretariat typed: at most JURY_INVITATIONS.per_person
an hour from one person, JURY_INVITATIONS.per_address to one address."""

import pytest
from django.urls import reverse

from jury.models import JuryMember
from jury.services.invitations import JURY_INVITATIONS
from notifications.models import Notification
from tests.factories import EditionFactory, SecretariatFactory

pytestmark = pytest.mark.django_db


def invite(client, edition, email, **fields):
    data = {
        "email": email,
        "full_name": "Judith Judge",
        "country": "NL",
        "organisation": "VNG International",
        "language": "en",
        **fields,
    }
    return client.post(reverse("jury:members", kwargs={"slug": edition.slug}), data)


def test_an_address_is_invited_at_most_a_few_times_an_hour(client):
    edition = EditionFactory()
    client.force_login(SecretariatFactory())
    for _ in range(JURY_INVITATIONS.per_address):
        assert invite(client, edition, "judge@example.org").status_code == 302

    refused = invite(client, edition, "JUDGE@example.org", full_name="Typed again")

    assert refused.status_code == 200
    content = refused.content.decode()
    assert (
        "judge@example.org has been sent 3 jury invitations in the last hour, the most the site "
        "allows. Please invite this person again a little later."
    ) in content
    assert 'value="Typed again"' in content
    assert Notification.objects.filter(kind="jury.invitation").count() == 3


def test_one_person_sends_at_most_the_hourly_number_of_invitations(client):
    edition = EditionFactory()
    client.force_login(SecretariatFactory())
    for n in range(JURY_INVITATIONS.per_person):
        invite(client, edition, f"juror{n}@example.org")

    refused = invite(client, edition, "one-more@example.org")

    assert (
        "You have sent 60 jury invitations in the last hour, the most the site allows."
        in refused.content.decode()
    )
    assert JuryMember.objects.filter(edition=edition).count() == JURY_INVITATIONS.per_person
    # Another member of the secretariat has their own count.
    client.force_login(SecretariatFactory())
    assert invite(client, edition, "one-more@example.org").status_code == 302
