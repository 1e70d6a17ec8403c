"""One spelling of an email address (`accounts.addresses.normalise_email`) for storing,
finding and counting: sign-up, sign-in, password reset, invitations and existing rows."""

import importlib

import pytest
from django.apps import apps
from django.core import mail
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from accounts.addresses import normalise_email
from accounts.models import User
from awards.models import OrganisationMembership
from awards.services.organisations import accept_invitation, invite_colleague
from tests.accounts.spellings import CAPITAL_I_WITH_DOT, DOTLESS_I, fullwidth
from tests.factories import PASSWORD, MembershipFactory, UserFactory

migration = importlib.import_module("accounts.migrations.0004_normalise_email_addresses")


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("maria@example.org", "maria@example.org"),
        ("  Maria@Example.ORG \t", "maria@example.org"),
        (fullwidth("maria@example.org"), "maria@example.org"),
        ("maria@example\u3002org", "maria@example.org"),
        ("MARIA@XN--EXMPLE-CUA.ORG", "maria@exämple.org"),
        ("maria@EXÄMPLE.org", "maria@exämple.org"),
        # Other addresses stay other addresses: no folding of letters into others.
        (f"cha{DOTLESS_I}r@example.org", f"cha{DOTLESS_I}r@example.org"),
        (f"CHA{CAPITAL_I_WITH_DOT}R@example.org", "chai\u0307r@example.org"),
        ("straße@faß.de", "straße@faß.de"),
        ("maria@xn--broken-", "maria@xn--broken-"),
        ("no-at-sign", "no-at-sign"),
        ("", ""),
    ],
)
def test_normalise_email(typed, stored):
    assert normalise_email(typed) == stored


@given(
    st.text()
    | st.builds("{}@{}".format, st.text(), st.text())
    | st.builds("{}@xn--{}".format, st.text(), st.text(alphabet="abcdefghijklmnopqrstuvwxyz-0"))
)
def test_normalising_twice_changes_nothing(text):
    once = normalise_email(text)

    assert normalise_email(once) == once


uses_db = pytest.mark.django_db


def sign_up(client, email):
    return client.post(
        reverse("accounts:sign_up"),
        {
            "email": email,
            "full_name": "Maria Mustermann",
            "preferred_language": "en",
            "password1": "a-long-passphrase-9",
            "password2": "a-long-passphrase-9",
        },
    )


@uses_db
@pytest.mark.parametrize(
    "spelling", [fullwidth("MARIA") + "@example.org", "maria@xn--exmple-cua.org"]
)
def test_sign_up_refuses_another_spelling_of_an_address_in_use(client, spelling):
    UserFactory(email="maria@exämple.org" if "xn--" in spelling else "maria@example.org")

    response = sign_up(client, spelling)

    assert response.status_code == 200
    content = response.content.decode()
    assert "An account already uses this address." in content
    assert 'value="Maria Mustermann"' in content  # nothing typed is lost
    assert User.objects.count() == 1


@uses_db
def test_sign_up_stores_the_address_in_its_one_spelling(client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = sign_up(client, " " + fullwidth("L") + "ena@Graz.Example ")

    assert response.status_code == 302
    assert list(User.objects.values_list("email", flat=True)) == ["lena@graz.example"]
    assert mail.outbox[0].to == ["lena@graz.example"]


@uses_db
def test_sign_in_finds_the_account_in_another_spelling_of_its_domain(client):
    UserFactory(email="maria@exämple.org")

    response = client.post(
        reverse("accounts:login"),
        {"username": "Maria@XN--EXMPLE-CUA.ORG", "password": PASSWORD},
    )

    assert response.status_code == 302
    assert response["Location"] == reverse("dashboard")


@uses_db
@pytest.mark.parametrize("spelling", [fullwidth("maria") + "@example.org", "MARIA@example.org "])
def test_password_reset_finds_the_account_in_another_spelling(
    client, django_capture_on_commit_callbacks, spelling
):
    UserFactory(email="maria@example.org")

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("accounts:password_reset"), {"email": spelling})

    assert response.status_code == 302
    assert [message.to for message in mail.outbox] == [["maria@example.org"]]


@uses_db
def test_password_reset_for_a_look_alike_address_mails_nobody(
    client, postgresql, django_capture_on_commit_callbacks
):
    UserFactory(email="chair@example.org")

    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("accounts:password_reset"), {"email": f"cha{DOTLESS_I}r@example.org"})

    assert mail.outbox == []


@uses_db
def test_an_invitation_is_accepted_by_the_account_of_the_same_address_in_any_spelling():
    member = MembershipFactory()
    invitation = invite_colleague(
        organisation=member.organisation, by=member.user, email="Lena@XN--GRZ-RLA.example"
    )
    colleague = UserFactory(email="lena@gräz.example")

    accept_invitation(invitation=invitation, user=colleague)

    assert invitation.email == "lena@gräz.example"
    assert OrganisationMembership.objects.get(user=colleague).is_approved is True


@uses_db
def test_the_migration_stores_every_address_in_its_one_spelling():
    kept = UserFactory(email="maria@example.org")
    odd = UserFactory(email="placeholder@example.org")
    User.objects.filter(pk=odd.pk).update(email=fullwidth("L") + "ena@XN--GRZ-RLA.example")

    migration.normalise_addresses(apps, None)

    assert dict(User.objects.values_list("pk", "email")) == {
        kept.pk: "maria@example.org",
        odd.pk: "lena@gräz.example",
    }


@uses_db
def test_the_migration_refuses_to_merge_two_accounts_into_one_address():
    first = UserFactory(email="maria@example.org")
    second = UserFactory(email="placeholder@example.org")
    User.objects.filter(pk=second.pk).update(email="MARIA@example.org")

    with pytest.raises(migration.AddressCollision) as refusal:
        migration.normalise_addresses(apps, None)

    assert str(refusal.value).endswith(
        f"  maria@example.org: #{first.pk} 'maria@example.org', #{second.pk} 'MARIA@example.org'"
    )
    assert set(User.objects.values_list("email", flat=True)) == {
        "maria@example.org",
        "MARIA@example.org",
    }
