"""Limits that keep the site from being used to flood people with mail: invitations per hour,
requests to join waiting at once, partners asked again at most once a day, password-reset
links per hour. Each refusal says why; nothing is lost."""

import datetime

import pytest
import time_machine
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from awards.models import OrganisationInvitation, OrganisationMembership, Partner
from awards.services.organisations import (
    INVITATIONS_PER_ADDRESS_PER_HOUR,
    INVITATIONS_PER_HOUR,
    PENDING_REQUESTS_MAX,
)
from awards.services.partners import PartnersAsked, ask_partners
from notifications.models import Notification
from tests.factories import (
    MembershipFactory,
    OrganisationFactory,
    PartnerFactory,
    UserFactory,
    applicant_with_entry,
)

pytestmark = pytest.mark.django_db


def test_invitations_stop_at_the_hourly_limit_and_resume_an_hour_later(client):
    member = MembershipFactory()
    client.force_login(member.user)
    url = reverse("awards:colleague_invite", kwargs={"pk": member.organisation.pk})
    start = timezone.now()

    with time_machine.travel(start, tick=False):
        for n in range(INVITATIONS_PER_HOUR):
            client.post(url, {"email": f"colleague{n}@example.org"})
        refused = client.post(url, {"email": "one-too-many@example.org"})
    with time_machine.travel(start + datetime.timedelta(hours=1, seconds=1), tick=False):
        later = client.post(url, {"email": "one-too-many@example.org"})

    assert refused.status_code == 200
    content = refused.content.decode()
    assert "You have sent 20 invitations in the last hour, the most the site allows." in content
    assert 'value="one-too-many@example.org"' in content  # what was typed is kept
    assert later.status_code == 302
    assert OrganisationInvitation.objects.filter(invited_by=member.user).count() == 21


def test_requests_to_join_are_limited_while_they_wait(client):
    person = UserFactory()
    client.force_login(person)
    organisations = OrganisationFactory.create_batch(PENDING_REQUESTS_MAX + 1)
    for organisation in organisations[:-1]:
        client.post(reverse("awards:organisation_join"), {"organisation": organisation.pk})

    response = client.post(
        reverse("awards:organisation_join"), {"organisation": organisations[-1].pk}, follow=True
    )

    assert (
        "You have 5 requests to join waiting for an answer. Ask again once one of them is "
        "decided." in response.content.decode()
    )
    assert OrganisationMembership.objects.filter(user=person).count() == PENDING_REQUESTS_MAX
    # One decided: the next request goes through.
    OrganisationMembership.objects.filter(user=person).first().delete()
    client.post(reverse("awards:organisation_join"), {"organisation": organisations[-1].pk})
    assert OrganisationMembership.objects.filter(
        user=person, organisation=organisations[-1]
    ).exists()


def test_a_partner_is_asked_again_at_most_once_a_day(django_capture_on_commit_callbacks):
    user, entry = applicant_with_entry()
    PartnerFactory(entry=entry)
    start = timezone.now()

    with time_machine.travel(start, tick=False):
        assert ask_partners(entry=entry, by=user) == PartnersAsked(asked=1)
        assert ask_partners(entry=entry, by=user, again=True) == PartnersAsked(asked=0)
    with time_machine.travel(start + datetime.timedelta(hours=23), tick=False):
        assert ask_partners(entry=entry, by=user, again=True) == PartnersAsked(asked=0)
    with time_machine.travel(start + datetime.timedelta(days=1, seconds=1), tick=False):
        assert ask_partners(entry=entry, by=user, again=True) == PartnersAsked(asked=1)

    assert Notification.objects.filter(kind="entry.partner_confirmation").count() == 2
    assert Partner.objects.get(entry=entry).status == "pending"


def test_password_reset_links_are_limited_per_hour_without_saying_so(
    client, django_capture_on_commit_callbacks
):
    UserFactory(email="maria@example.org")
    url = reverse("accounts:password_reset")
    start = timezone.now()

    responses = []
    for minute in range(5):  # a new link each time: the token changes with the time
        with (
            time_machine.travel(start + datetime.timedelta(minutes=minute), tick=False),
            django_capture_on_commit_callbacks(execute=True),
        ):
            responses.append(client.post(url, {"email": "maria@example.org"}))
    assert len(mail.outbox) == 3
    with (
        time_machine.travel(start + datetime.timedelta(hours=1, minutes=1), tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        client.post(url, {"email": "maria@example.org"})

    assert len(mail.outbox) == 4
    assert {r["Location"] for r in responses} == {reverse("accounts:password_reset_done")}


def test_revoking_invitations_does_not_reset_the_hourly_limit(client):
    member = MembershipFactory()
    client.force_login(member.user)
    invite = reverse("awards:colleague_invite", kwargs={"pk": member.organisation.pk})

    for n in range(INVITATIONS_PER_HOUR):
        client.post(invite, {"email": f"colleague{n}@example.org"})
        invitation = OrganisationInvitation.objects.get()
        client.post(
            reverse(
                "awards:invitation_revoke",
                kwargs={"pk": member.organisation.pk, "invitation_pk": invitation.pk},
            )
        )
    refused = client.post(invite, {"email": "one-more@example.org"})

    assert "You have sent 20 invitations in the last hour" in refused.content.decode()
    assert Notification.objects.filter(kind="organisation.colleague_invited").count() == 20
    assert not OrganisationInvitation.objects.exists()


def test_asking_partners_again_too_soon_says_when(client):
    user, entry = applicant_with_entry()
    PartnerFactory(entry=entry)
    ask_partners(entry=entry, by=user)
    client.force_login(user)

    response = client.post(
        reverse("awards:partners_ask", kwargs={"pk": entry.pk}), {"again": "1"}, follow=True
    )

    assert (
        "Partners who have not replied are asked again at most once a day"
        in response.content.decode()
    )


def test_an_address_is_sent_a_few_invitations_an_hour_whoever_invites(client):
    inviters = MembershipFactory.create_batch(INVITATIONS_PER_ADDRESS_PER_HOUR + 1)
    for member in inviters[:-1]:
        client.force_login(member.user)
        client.post(
            reverse("awards:colleague_invite", kwargs={"pk": member.organisation.pk}),
            {"email": "colleague@example.org"},
        )
    client.force_login(inviters[-1].user)

    refused = client.post(
        reverse("awards:colleague_invite", kwargs={"pk": inviters[-1].organisation.pk}),
        {"email": "Colleague@Example.ORG"},
    )

    content = refused.content.decode()
    assert (
        "colleague@example.org has been sent 3 invitations in the last hour, the most the site "
        "allows. Please invite this colleague again a little later."
    ) in content
    assert 'value="Colleague@Example.ORG"' in content  # what was typed is kept
    assert OrganisationInvitation.objects.filter(email="colleague@example.org").count() == 3
