"""Confirming one's email address: mailed at sign-up, needed before acting for an organisation,
sent again on request (a few times an hour at most), and implied by an accepted invitation."""

import datetime
import re

import pytest
import time_machine
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from accounts import services
from accounts.models import User
from awards.models import Organisation, OrganisationInvitation, OrganisationMembership
from awards.services.organisations import accept_invitation, invite_colleague
from jury.services import accept_invitation as accept_jury_invitation
from tests.factories import (
    JuryMemberFactory,
    MembershipFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def sign_up(client, capture, email="lena@graz.example", language="en"):
    with capture(execute=True):
        client.post(
            reverse("accounts:sign_up"),
            {
                "email": email,
                "full_name": "Lena Grazer",
                "preferred_language": language,
                "password1": "a-long-passphrase-9",
                "password2": "a-long-passphrase-9",
            },
        )
    return User.objects.get(email=email)


def confirmation_link(message) -> str:
    return re.search(r"http://\S+(/accounts/confirm/\S+/)", message.body).group(1)


def test_sign_up_mails_a_link_that_confirms_the_address(client, django_capture_on_commit_callbacks):
    user = sign_up(client, django_capture_on_commit_callbacks, language="fr")

    assert user.email_verified_at is None
    [message] = mail.outbox
    assert message.to == ["lena@graz.example"]
    assert message.subject == "Confirmez votre adresse e-mail pour PLATFORMAwards"
    response = client.get(confirmation_link(message), follow=True)

    user.refresh_from_db()
    assert user.email_verified_at is not None
    assert response.redirect_chain[-1][0] == reverse("dashboard")
    # The same link again does no harm.
    assert client.get(confirmation_link(message)).status_code == 302


def test_a_link_opened_signed_out_confirms_and_leads_to_sign_in(
    client, django_capture_on_commit_callbacks
):
    user = sign_up(client, django_capture_on_commit_callbacks)
    client.logout()

    response = client.get(confirmation_link(mail.outbox[0]))

    assert response["Location"] == reverse("accounts:login")
    user.refresh_from_db()
    assert user.email_verified


def test_an_expired_or_forged_link_says_why_and_confirms_nothing(
    client, django_capture_on_commit_callbacks
):
    user = sign_up(client, django_capture_on_commit_callbacks)
    link = confirmation_link(mail.outbox[0])

    with time_machine.travel(timezone.now() + datetime.timedelta(days=7, minutes=1)):
        expired = client.get(link)
    forged = client.get(reverse("accounts:confirm_email", args=["not-a-real-token"]))

    assert expired.status_code == 404
    assert "This link has expired." in expired.content.decode()
    assert "Send me a new link" in expired.content.decode()
    assert forged.status_code == 404
    assert "This link is not valid." in forged.content.decode()
    user.refresh_from_db()
    assert user.email_verified_at is None


def test_a_link_for_an_address_the_account_no_longer_has_is_refused(
    client, django_capture_on_commit_callbacks
):
    user = sign_up(client, django_capture_on_commit_callbacks)
    User.objects.filter(pk=user.pk).update(email="lena@elsewhere.example")

    response = client.get(confirmation_link(mail.outbox[0]))

    assert response.status_code == 404
    assert not User.objects.get(pk=user.pk).email_verified


@pytest.mark.parametrize(
    ("method", "url", "data"),
    [
        ("get", lambda: reverse("awards:organisation_create"), {}),
        (
            "post",
            lambda: reverse("awards:organisation_create"),
            {"name": "Stadt Graz", "kind": "municipality", "country": "AT"},
        ),
        ("get", lambda: reverse("awards:organisation_join"), {}),
        (
            "post",
            lambda: reverse("awards:organisation_join"),
            {"organisation": lambda: MembershipFactory().organisation.pk},
        ),
        ("get", lambda: reverse("awards:entry_create"), {}),
        (
            "post",
            lambda: reverse(
                "awards:colleague_invite",
                kwargs={"pk": MembershipFactory(user__email="x@graz.example").organisation.pk},
            ),
            {"email": "colleague@graz.example"},
        ),
    ],
)
def test_an_unconfirmed_person_is_sent_to_the_dashboard_to_confirm_first(
    client, django_capture_on_commit_callbacks, method, url, data
):
    person = UserFactory(email="x@graz.example", email_verified_at=None)
    client.force_login(person)
    data = {key: value() if callable(value) else value for key, value in data.items()}
    target = url()
    organisations_before = Organisation.objects.count()

    with django_capture_on_commit_callbacks(execute=True):
        response = getattr(client, method)(target, data, follow=True)

    assert response.redirect_chain[-1][0] == reverse("dashboard")
    content = response.content.decode()
    assert "Confirm your email address first: open the link we mailed to x@graz.example" in content
    assert "Send me a new link" in content
    assert not OrganisationMembership.objects.filter(user=person, is_approved=False).exists()
    assert Organisation.objects.count() == organisations_before
    assert not OrganisationInvitation.objects.exists()
    assert mail.outbox == []


def test_a_new_link_on_request_at_most_three_an_hour(client, django_capture_on_commit_callbacks):
    person = UserFactory(email_verified_at=None)
    client.force_login(person)
    url = reverse("accounts:resend_confirmation")
    start = timezone.now()

    shown = []
    for minute in range(4):
        with (
            time_machine.travel(start + datetime.timedelta(minutes=minute), tick=False),
            django_capture_on_commit_callbacks(execute=True),
        ):
            shown.append(client.post(url, follow=True).content.decode())

    assert len(mail.outbox) == 3
    assert f"A new link is on its way to {person.email}." in shown[0]
    assert f"3 links went to {person.email} in the last hour" in shown[3]
    client.get(confirmation_link(mail.outbox[0]))
    assert (
        "Your email address is confirmed already." in client.post(url, follow=True).content.decode()
    )


def test_accepting_an_invitation_confirms_the_address():
    member = MembershipFactory()
    colleague = UserFactory(email="colleague@graz.example", email_verified_at=None)
    invitation = invite_colleague(
        organisation=member.organisation, by=member.user, email="colleague@graz.example"
    )
    juror = JuryMemberFactory(user__email_verified_at=None, accepted_at=None)

    accept_invitation(invitation=invitation, user=colleague)
    accept_jury_invitation(member=juror, user=juror.user)

    assert User.objects.get(pk=colleague.pk).email_verified
    assert User.objects.get(pk=juror.user_id).email_verified


def test_the_dashboard_reminds_only_those_who_have_not_confirmed(client):
    client.force_login(UserFactory(email_verified_at=None))
    waiting = client.get(reverse("dashboard")).content.decode()
    client.force_login(UserFactory())
    confirmed = client.get(reverse("dashboard")).content.decode()

    assert "Confirm your email address" in waiting
    assert "Confirm your email address" not in confirmed


def test_send_confirmation_does_nothing_for_a_confirmed_address():
    assert services.send_email_confirmation(user=UserFactory()) is False
    assert mail.outbox == []


def test_a_superuser_made_at_the_command_line_needs_no_confirmation():
    admin = User.objects.create_superuser(email="admin@example.org", password="x-long-pass-99")

    assert admin.email_verified


def test_choosing_a_new_password_through_the_mailed_link_confirms_the_address(
    client, django_capture_on_commit_callbacks
):
    person = UserFactory(email="reset@graz.example", email_verified_at=None)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("accounts:password_reset"), {"email": "reset@graz.example"})
    link = re.search(r"http://\S+(/accounts/password/reset/\S+/)", mail.outbox[0].body).group(1)
    form = client.get(link, follow=True)

    client.post(
        form.redirect_chain[-1][0],
        {"new_password1": "a-fresh-passphrase-77", "new_password2": "a-fresh-passphrase-77"},
    )

    person.refresh_from_db()
    assert person.check_password("a-fresh-passphrase-77")
    assert person.email_verified
