import datetime
import re

import pytest
import time_machine
from django.core import mail
from django.urls import reverse

from accounts.models import User
from jury.models import JuryMember
from tests.factories import (
    PASSWORD,
    EditionFactory,
    JuryMemberFactory,
    SecretariatFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def invite(client, edition, capture, **fields):
    data = {
        "email": "judge@example.org",
        "full_name": "Judith Judge",
        "country": "NL",
        "organisation": "VNG International",
        "language": "fr",
        **fields,
    }
    client.force_login(SecretariatFactory())
    with capture(execute=True):
        return client.post(reverse("jury:members", kwargs={"slug": edition.slug}), data)


def link_in(message) -> str:
    return re.search(r"(/jury/invitations/\S+/)", message.body).group(1)


def test_newcomer_invited_sets_a_password_and_joins(client, django_capture_on_commit_callbacks):
    edition = EditionFactory(title="PLATFORMAwards 2031")
    invite(client, edition, django_capture_on_commit_callbacks)
    message = mail.outbox[0]
    assert message.subject == "Invitation au jury des PLATFORMAwards 2031"
    user = User.objects.get(email="judge@example.org")
    assert not user.has_usable_password()
    client.logout()

    page = client.get(link_in(message))
    response = client.post(
        link_in(message),
        {"new_password1": "a-juror-pass-2031", "new_password2": "a-juror-pass-2031"},
    )

    assert "Choose a password for your account (judge@example.org)." in page.content.decode()
    assert response["Location"] == reverse("dashboard")
    member = JuryMember.objects.get(user=user)
    assert member.accepted_at is not None
    user.refresh_from_db()
    assert user.check_password("a-juror-pass-2031")
    assert (member.country.code, member.organisation) == ("NL", "VNG International")


def test_existing_account_signs_in_before_accepting(client, django_capture_on_commit_callbacks):
    edition = EditionFactory()
    user = UserFactory(email="judge@example.org")
    invite(client, edition, django_capture_on_commit_callbacks)
    link = link_in(mail.outbox[0])
    client.logout()

    assert client.get(link)["Location"].startswith(reverse("accounts:login"))
    client.force_login(user)
    client.post(link)

    assert JuryMember.objects.get(user=user).accepted_at is not None
    user.refresh_from_db()
    assert user.check_password(PASSWORD)


def test_invitation_expires_after_three_weeks(client, django_capture_on_commit_callbacks):
    edition = EditionFactory()
    invite(client, edition, django_capture_on_commit_callbacks)
    link = link_in(mail.outbox[0])
    client.logout()

    with time_machine.travel(datetime.timedelta(days=22)):
        response = client.get(link)

    assert response.status_code == 404
    assert "This invitation has expired." in response.content.decode()


def test_second_chair_refused_and_input_kept(client, django_capture_on_commit_callbacks):
    edition = EditionFactory()
    JuryMemberFactory(edition=edition, is_chair=True)

    response = invite(client, edition, django_capture_on_commit_callbacks, is_chair="on")

    html = response.content.decode()
    assert "This edition&#x27;s jury already has a chair." in html
    assert 'value="Judith Judge"' in html
    assert not JuryMember.objects.filter(user__email="judge@example.org", is_chair=True).exists()


def test_jury_page_closed_to_jurors(client):
    member = JuryMemberFactory()
    client.force_login(member.user)

    response = client.get(reverse("jury:members", kwargs={"slug": member.edition.slug}))

    assert response.status_code == 403
