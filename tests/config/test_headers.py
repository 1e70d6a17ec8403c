"""The headers every response carries: a strict Content-Security-Policy and a
Permissions-Policy."""

import pytest
from django.test import Client
from django.urls import reverse

from core.headers import permissions_policy
from tests.factories import (
    SecretariatFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

SITE_POLICY = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self' data:",
    "font-src": "'self'",
    "connect-src": "'self'",
    "frame-ancestors": "'none'",
    "form-action": "'self'",
    "base-uri": "'self'",
    "object-src": "'none'",
}
MAIL_PREVIEW_POLICY = {
    "default-src": "'none'",
    "style-src": "'unsafe-inline'",
    "img-src": "data:",
    "base-uri": "'none'",
    "form-action": "'none'",
    "frame-ancestors": "'self'",
    "sandbox": "",
}


def directives(header: str) -> dict[str, str]:
    """A policy header as {directive: sources}; django-csp writes directives in any order."""
    return {name: value for name, _, value in (part.partition(" ") for part in header.split("; "))}


def test_pages_carry_the_strict_policy(client):
    response = client.get(reverse("accounts:login"))

    assert directives(response["Content-Security-Policy"]) == SITE_POLICY


def test_signed_in_pages_carry_the_strict_policy(client):
    client.force_login(SecretariatFactory())

    response = client.get(reverse("dashboard"))

    assert directives(response["Content-Security-Policy"]) == SITE_POLICY


def test_permissions_policy_lists_each_feature_with_its_origins():
    features = {"camera": [], "fullscreen": ["self"], "payment": ["self", "https://pay.example"]}

    assert permissions_policy(features) == (
        'camera=(), fullscreen=(self), payment=(self "https://pay.example")'
    )


@pytest.mark.parametrize(
    "path", ["/accounts/sign-in/", "/healthz", "/no-such-page/", "/static/css/site.css"]
)
def test_every_response_carries_the_permissions_policy(client, settings, path):
    response = client.get(path)
    response.close()

    assert response["Permissions-Policy"] == permissions_policy(settings.PERMISSIONS_POLICY)
    assert "camera=()" in response["Permissions-Policy"]
    assert "geolocation=()" in response["Permissions-Policy"]


def test_favicon_leads_to_the_icon(client):
    response = client.get("/favicon.ico")

    assert (response.status_code, response["Location"]) == (302, "/static/img/favicon.svg")


def test_mail_preview_page_frames_the_mail_from_its_own_address(client):
    client.force_login(SecretariatFactory())

    response = client.get(
        reverse("notifications:outbox_preview", kwargs={"kind": "entry.submitted"}),
        {"language": "fr"},
    )

    html = response.content.decode()
    assert "srcdoc" not in html
    assert 'src="/outbox/preview/entry.submitted/html/?language=fr"' in html
    assert directives(response["Content-Security-Policy"]) == SITE_POLICY


def test_mail_preview_html_has_a_policy_of_its_own(client):
    client.force_login(SecretariatFactory())

    response = client.get(
        reverse("notifications:outbox_preview_html", kwargs={"kind": "entry.submitted"}),
        {"language": "fr"},
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert html.startswith("<!doctype html>")
    assert '<body style="font-family: sans-serif;' in html
    assert "Le secrétariat des PLATFORMAwards" in html
    assert directives(response["Content-Security-Policy"]) == MAIL_PREVIEW_POLICY
    assert response["X-Frame-Options"] == "SAMEORIGIN"


def test_mail_preview_html_is_closed_to_others(client):
    client.force_login(UserFactory())

    response = client.get(
        reverse("notifications:outbox_preview_html", kwargs={"kind": "entry.submitted"})
    )

    assert response.status_code == 403
    assert "Le secrétariat" not in response.content.decode()


def test_mail_preview_html_of_an_unknown_kind_is_not_found(client):
    client.force_login(SecretariatFactory())

    response = client.get(reverse("notifications:outbox_preview_html", kwargs={"kind": "nope"}))

    assert response.status_code == 404


def test_refused_form_shows_the_sites_own_page_under_the_policy():
    client = Client(enforce_csrf_checks=True)

    response = client.post(reverse("accounts:login"), {"username": "a@example.org"})

    html = response.content.decode()
    assert response.status_code == 403
    assert "<style" not in html
    assert "<h1>The form could not be sent</h1>" in html
    assert directives(response["Content-Security-Policy"]) == SITE_POLICY
