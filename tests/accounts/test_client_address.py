"""Behind the reverse proxy every request comes from the proxy's address: the lock-out reads
the client's from X-Forwarded-For (core/clients.py, DJANGO_PROXY_COUNT), so that one person
cannot lock everybody out, and a forged header cannot change the address that counts."""

import pytest
from axes.models import AccessAttempt
from django.test import RequestFactory
from django.urls import reverse

from core.clients import client_address
from tests.accounts.test_lockout import lock_out, sign_in
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

PROXY = "10.0.0.2"


def test_behind_one_proxy_two_people_are_locked_out_separately(client, settings):
    settings.PROXY_COUNT = 1
    UserFactory(email="maria@example.org")
    lock_out(client, "maria@example.org", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="203.0.113.5")

    locked = sign_in(
        client, "maria@example.org", PASSWORD, REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="203.0.113.5"
    )
    other = sign_in(
        client,
        "maria@example.org",
        PASSWORD,
        REMOTE_ADDR=PROXY,
        HTTP_X_FORWARDED_FOR="198.51.100.7",
    )

    assert locked.status_code == 429
    assert other.status_code == 302
    assert other["Location"] == reverse("dashboard")


def test_behind_a_proxy_a_forged_left_entry_does_not_change_the_address_counted(client, settings):
    settings.PROXY_COUNT = 1
    UserFactory(email="maria@example.org")
    # The client writes any X-Forwarded-For it likes; the proxy appends the real address.
    for forged in ["198.51.100.1", "198.51.100.2", "unknown", "198.51.100.4", "::1"]:
        sign_in(
            client,
            "maria@example.org",
            "not-the-password",
            REMOTE_ADDR=PROXY,
            HTTP_X_FORWARDED_FOR=f"{forged}, 203.0.113.5",
        )

    response = sign_in(
        client,
        "maria@example.org",
        PASSWORD,
        REMOTE_ADDR=PROXY,
        HTTP_X_FORWARDED_FOR="198.51.100.9, 203.0.113.5",
    )

    assert response.status_code == 429
    # One record (the refused attempt counts too), under the address the proxy saw.
    assert list(AccessAttempt.objects.values_list("ip_address", "failures_since_start")) == [
        ("203.0.113.5", 6)
    ]


def test_without_a_proxy_the_forwarded_header_is_ignored(client, settings):
    settings.PROXY_COUNT = 0
    UserFactory(email="maria@example.org")
    for n in range(5):
        sign_in(
            client,
            "maria@example.org",
            "not-the-password",
            REMOTE_ADDR="192.0.2.10",
            HTTP_X_FORWARDED_FOR=f"198.51.100.{n}",
        )

    response = sign_in(
        client,
        "maria@example.org",
        PASSWORD,
        REMOTE_ADDR="192.0.2.10",
        HTTP_X_FORWARDED_FOR="198.51.100.99",
    )

    assert response.status_code == 429
    assert list(AccessAttempt.objects.values_list("ip_address", flat=True)) == ["192.0.2.10"]


@pytest.mark.parametrize(
    ("proxies", "forwarded", "expected"),
    [
        (0, "203.0.113.5", "192.0.2.10"),
        (1, "203.0.113.5", "203.0.113.5"),
        (1, "198.51.100.1,203.0.113.5", "203.0.113.5"),
        (2, "198.51.100.1, 203.0.113.5, 10.0.0.7", "203.0.113.5"),
        (2, "2001:DB8::1, 10.0.0.7", "2001:db8::1"),
        # Fewer entries than proxies, none, or no address where the client's should be:
        # the request did not come through the proxies, and its peer's address counts.
        (2, "203.0.113.5", "192.0.2.10"),
        (1, "", "192.0.2.10"),
        (1, "198.51.100.1, not-an-address", "192.0.2.10"),
    ],
)
def test_client_address_is_the_proxy_count_th_from_the_right(
    settings, proxies, forwarded, expected
):
    settings.PROXY_COUNT = proxies
    meta = {"REMOTE_ADDR": "192.0.2.10"}
    if forwarded:
        meta["HTTP_X_FORWARDED_FOR"] = forwarded

    assert client_address(RequestFactory().get("/", **meta)) == expected
