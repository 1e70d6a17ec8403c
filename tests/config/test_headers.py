"""The headers every response carries: a strict Content-Security-Policy, a Permissions-Policy,
and no storing of anything private."""

import pytest
from django.core.files.base import ContentFile
from django.test import Client
from django.urls import reverse

from awards.models import Attachment
from awards.services.partners import partner_token
from core.headers import permissions_policy
from tests.factories import (
    PartnerFactory,
    SecretariatFactory,
    UserFactory,
    applicant_with_entry,
    complete_entry,
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
PRIVATE = "private, no-store"


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


def test_entry_pdf_is_never_stored(client):
    user, entry = applicant_with_entry()
    complete_entry(entry)
    client.force_login(user)

    response = client.get(reverse("awards:entry_pdf", kwargs={"pk": entry.pk}))

    assert response["Content-Type"] == "application/pdf"
    assert response["Cache-Control"] == PRIVATE


def test_attachment_is_never_stored(client):
    user, entry = applicant_with_entry()
    attachment = Attachment.objects.create(
        entry=entry,
        file=ContentFile(b"%PDF-1.4 a letter", name="letter.pdf"),
        original_name="letter.pdf",
        content_type="application/pdf",
        size=17,
        sha256="0" * 64,
    )
    client.force_login(user)

    response = client.get(
        reverse(
            "awards:attachment_download", kwargs={"pk": entry.pk, "attachment_pk": attachment.pk}
        )
    )

    assert b"".join(response.streaming_content) == b"%PDF-1.4 a letter"
    response.close()
    assert response["Cache-Control"] == PRIVATE


@pytest.mark.parametrize(
    "name", ["notifications:outbox_preview", "notifications:outbox_preview_html"]
)
def test_mail_previews_are_never_stored(client, name):
    client.force_login(SecretariatFactory())

    response = client.get(reverse(name, kwargs={"kind": "entry.submitted"}))

    assert response.status_code == 200
    assert response["Cache-Control"] == PRIVATE


@pytest.mark.parametrize("name", ["dashboard", "accounts:profile", "notifications:outbox"])
def test_signed_in_pages_are_never_stored(client, name):
    client.force_login(SecretariatFactory())

    response = client.get(reverse(name))

    assert response.status_code == 200
    assert response["Cache-Control"] == PRIVATE


def test_page_reached_by_a_signed_link_is_never_stored(client):
    partner = PartnerFactory()

    response = client.get(
        reverse("awards:partner_respond", kwargs={"token": partner_token(partner)})
    )

    assert response.status_code == 200
    assert response["Cache-Control"] == PRIVATE


@pytest.mark.parametrize("name", ["home", "accounts:sign_up"])
def test_anonymous_pages_are_not_stored_either(client, name):
    response = client.get(reverse(name))

    assert response.status_code == 200
    assert response["Cache-Control"] == PRIVATE


def test_a_response_that_sets_its_own_caching_keeps_it(client):
    assert client.get(reverse("favicon"))["Cache-Control"] == "public, max-age=86400"
    assert client.get(reverse("healthz"))["Cache-Control"] == (
        "max-age=0, no-cache, no-store, must-revalidate, private"
    )


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
