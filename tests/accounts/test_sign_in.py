import pytest
from django.urls import reverse

from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


def sign_in(client, email, password):
    return client.post(reverse("accounts:login"), {"username": email, "password": password})


def test_sign_in_with_email_any_case_lands_on_dashboard(client):
    UserFactory(email="maria@example.org")

    response = sign_in(client, "Maria@Example.ORG", PASSWORD)

    assert response.status_code == 302
    assert response["Location"] == reverse("dashboard")


def test_sign_in_wrong_password_keeps_email_and_explains(client):
    UserFactory(email="maria@example.org")

    response = sign_in(client, "maria@example.org", "not-the-password")

    assert response.status_code == 200
    html = response.content.decode()
    assert 'value="maria@example.org"' in html
    assert "do not match an account" in html


def test_sign_in_sets_language_cookie_from_profile(client):
    UserFactory(email="ana@example.org", preferred_language="es")

    response = sign_in(client, "ana@example.org", PASSWORD)

    assert response.cookies["django_language"].value == "es"


def test_sign_in_locked_out_after_five_failures_even_with_right_password(client):
    UserFactory(email="maria@example.org")
    for _ in range(5):
        sign_in(client, "maria@example.org", "wrong")

    response = sign_in(client, "maria@example.org", PASSWORD)

    assert response.status_code == 429
    assert "Too many failed sign-in attempts" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_private_page_redirects_anonymous_to_sign_in(client):
    response = client.get(reverse("dashboard"))

    assert response.status_code == 302
    assert response["Location"] == f"{reverse('accounts:login')}?next={reverse('dashboard')}"


@pytest.mark.parametrize(
    "url_name", ["home", "accounts:login", "accounts:password_reset", "healthz"]
)
def test_public_pages_open_to_anonymous(client, url_name):
    assert client.get(reverse(url_name)).status_code == 200


def test_sign_out_ends_session(client):
    user = UserFactory()
    client.force_login(user)

    response = client.post(reverse("accounts:logout"))

    assert response.status_code == 302
    assert "_auth_user_id" not in client.session


def test_sign_in_lockout_counts_email_in_any_case(client):
    UserFactory(email="maria@example.org")
    for variant in [
        "Maria@example.org",
        "MARIA@EXAMPLE.ORG",
        "maria@Example.org",
        "mAria@example.org",
        "maria@example.ORG",
    ]:
        sign_in(client, variant, "not-the-password")

    response = sign_in(client, "maria@example.org", PASSWORD)

    assert response.status_code == 429


@pytest.mark.parametrize(
    ("next_url", "lands_on"),
    [
        ("/organisations/new/", "/organisations/new/"),
        # A bare "0" used to pass the host check and be read as a view name: a server error,
        # after the account was made.
        ("0", "/dashboard/"),
        ("dashboard", "/dashboard/"),
        ("https://evil.example/", "/dashboard/"),
        ("//evil.example/", "/dashboard/"),
    ],
)
def test_sign_up_lands_on_its_next_only_when_it_is_a_path_of_the_site(client, next_url, lands_on):
    response = client.post(
        reverse("accounts:sign_up"),
        {
            "email": "ana@sevilla.example",
            "full_name": "Ana Sevillana",
            "preferred_language": "es",
            "password1": "a-long-passphrase-9",
            "password2": "a-long-passphrase-9",
            "next": next_url,
        },
    )

    assert response.status_code == 302
    assert response["Location"] == lands_on
