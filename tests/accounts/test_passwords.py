import re

import pytest
from django.core import mail
from django.urls import reverse

from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


def request_reset(client, email, capture):
    with capture(execute=True):
        return client.post(reverse("accounts:password_reset"), {"email": email})


def test_password_reset_sends_working_link(client, django_capture_on_commit_callbacks, settings):
    settings.SITE_URL = "https://awards.example.org"
    user = UserFactory(email="maria@example.org")

    response = request_reset(client, "maria@example.org", django_capture_on_commit_callbacks)

    assert response.status_code == 302
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["maria@example.org"]
    assert message.subject == "Choose a new PLATFORMAwards password"
    assert message.alternatives[0][1] == "text/html"
    link = re.search(r"https://awards\.example\.org(/accounts/password/reset/\S+/)", message.body)
    assert link is not None

    confirm = client.get(link.group(1), follow=True)
    assert confirm.status_code == 200
    client.post(
        confirm.redirect_chain[-1][0],
        {"new_password1": "a-fresh-passphrase-77", "new_password2": "a-fresh-passphrase-77"},
    )
    user.refresh_from_db()
    assert user.check_password("a-fresh-passphrase-77")


def test_password_reset_mail_in_recipients_language(client, django_capture_on_commit_callbacks):
    UserFactory(email="jeanne@example.org", preferred_language="fr")

    request_reset(client, "jeanne@example.org", django_capture_on_commit_callbacks)

    assert mail.outbox[0].subject == "Choisissez un nouveau mot de passe PLATFORMAwards"


def test_password_reset_unknown_email_sends_nothing_and_reveals_nothing(
    client, django_capture_on_commit_callbacks
):
    response = request_reset(client, "nobody@example.org", django_capture_on_commit_callbacks)

    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:password_reset_done")
    assert mail.outbox == []


def test_password_change_requires_old_password(client):
    user = UserFactory()
    client.force_login(user)

    response = client.post(
        reverse("accounts:password_change"),
        {
            "old_password": "wrong",
            "new_password1": "x-new-pass-99",
            "new_password2": "x-new-pass-99",
        },
    )

    assert response.status_code == 200
    user.refresh_from_db()
    assert user.check_password(PASSWORD)


def test_password_change_succeeds_and_keeps_session(client):
    user = UserFactory()
    client.force_login(user)

    response = client.post(
        reverse("accounts:password_change"),
        {
            "old_password": PASSWORD,
            "new_password1": "x-new-pass-99",
            "new_password2": "x-new-pass-99",
        },
    )

    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password("x-new-pass-99")
    assert client.get(reverse("dashboard")).status_code == 200
