import pytest
from django.urls import reverse

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_switcher_remembers_language_for_anonymous(client):
    response = client.post(reverse("accounts:set_language"), {"language": "fr", "next": "/"})

    assert response.status_code == 302
    assert response["Location"] == "/"
    assert response.cookies["django_language"].value == "fr"
    page = client.get(reverse("accounts:login"))
    assert "Se connecter" in page.content.decode()
    assert page["Content-Language"] == "fr"


def test_switcher_saves_preference_of_signed_in_person(client):
    user = UserFactory(preferred_language="en")
    client.force_login(user)

    client.post(reverse("accounts:set_language"), {"language": "es", "next": "/dashboard/"})

    user.refresh_from_db()
    assert user.preferred_language == "es"


def test_switcher_refuses_foreign_redirect(client):
    response = client.post(
        reverse("accounts:set_language"), {"language": "es", "next": "https://evil.example/"}
    )

    assert response["Location"] == reverse("home")


def test_switcher_refuses_a_next_that_is_no_path(client):
    response = client.post(reverse("accounts:set_language"), {"language": "es", "next": "0"})

    assert response["Location"] == reverse("home")


def test_switcher_ignores_unknown_language(client):
    response = client.post(reverse("accounts:set_language"), {"language": "xx", "next": "/"})

    assert "django_language" not in response.cookies


def test_profile_language_applies_on_any_device(client):
    user = UserFactory(preferred_language="es")
    client.force_login(user)
    client.cookies["django_language"] = "en"

    page = client.get(reverse("dashboard"))

    assert page["Content-Language"] == "es"


def test_profile_form_keeps_input_on_error(client):
    user = UserFactory()
    client.force_login(user)

    response = client.post(
        reverse("accounts:profile"), {"full_name": "Ana Pérez", "preferred_language": "zz"}
    )

    assert response.status_code == 200
    assert 'value="Ana Pérez"' in response.content.decode()
    user.refresh_from_db()
    assert user.full_name != "Ana Pérez"


def test_profile_saves_name_and_language(client):
    user = UserFactory()
    client.force_login(user)

    response = client.post(
        reverse("accounts:profile"), {"full_name": "Ana Pérez", "preferred_language": "es"}
    )

    assert response.status_code == 302
    user.refresh_from_db()
    assert (user.full_name, user.preferred_language) == ("Ana Pérez", "es")
