"""The sign-in lock-out counts one account under one key, whatever the spelling of its address:
the lock-out and the sign-in's lookup normalise the address the same way."""

import pytest
from axes.models import AccessAttempt
from django.urls import reverse

from tests.accounts.spellings import CAPITAL_I_WITH_DOT, DOTLESS_I, IDEOGRAPHIC_SPACE, fullwidth
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


def sign_in(client, email, password, **meta):
    return client.post(reverse("accounts:login"), {"username": email, "password": password}, **meta)


def lock_out(client, email="chair@example.org", **meta):
    for _ in range(5):
        sign_in(client, email, "not-the-password", **meta)


@pytest.mark.parametrize(
    ("spelling", "status"),
    [
        # Other addresses that look alike: PostgreSQL's UPPER() made the first one chair@.
        (f"cha{DOTLESS_I}r@example.org", 200),
        (f"CHA{CAPITAL_I_WITH_DOT}R@example.org", 200),
        # The same address: locked out with it.
        ("CHAIR@EXAMPLE.ORG", 429),
        (fullwidth("chair") + "@example.org", 429),
        ("chair@" + fullwidth("example.org"), 429),
        (f"  chair@example.org{IDEOGRAPHIC_SPACE}", 429),
    ],
)
def test_a_locked_out_account_gets_no_fresh_guesses_in_another_spelling(
    client, postgresql, spelling, status
):
    UserFactory(email="chair@example.org")
    lock_out(client)

    response = sign_in(client, spelling, PASSWORD)

    assert response.status_code == status
    assert "_auth_user_id" not in client.session


def test_a_look_alike_address_never_signs_in_to_the_account(client, postgresql):
    UserFactory(email="chair@example.org")

    response = sign_in(client, f"cha{DOTLESS_I}r@example.org", PASSWORD)

    assert response.status_code == 200
    assert "do not match an account" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_guesses_in_different_spellings_of_one_address_count_together(client):
    UserFactory(email="maria@example.org")
    for spelling in [
        fullwidth("maria") + "@example.org",
        " maria@example.org",
        "MARIA@example.org",
        "maria@EXAMPLE.ORG",
        fullwidth("M") + "aria@example.org",
    ]:
        sign_in(client, spelling, "not-the-password")

    response = sign_in(client, "maria@example.org", PASSWORD)

    assert response.status_code == 429
    # One record: the five failures and the refused sixth attempt, under one spelling.
    assert list(AccessAttempt.objects.values_list("username", "failures_since_start")) == [
        ("maria@example.org", 6)
    ]
