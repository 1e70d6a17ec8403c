import re

import pytest
from django.core import mail
from django.urls import reverse

from accounts.models import User
from awards.models import Organisation, OrganisationMembership
from tests.factories import MembershipFactory, OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_sign_up_confirm_the_address_then_create_organisation(
    client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("accounts:sign_up"),
            {
                "email": "Ana@Sevilla.example",
                "full_name": "Ana Sevillana",
                "preferred_language": "es",
                "password1": "a-long-passphrase-9",
                "password2": "a-long-passphrase-9",
            },
        )
    assert response["Location"] == reverse("dashboard")
    user = User.objects.get()
    assert (user.email, user.preferred_language) == ("ana@sevilla.example", "es")
    organisation = {"name": "Ayuntamiento de Sevilla", "kind": "municipality", "country": "ES"}

    # Until the address is confirmed, the organisation waits.
    refused = client.post(reverse("awards:organisation_create"), organisation, follow=True)
    assert not OrganisationMembership.objects.exists()
    assert "Confirme primero su dirección de correo electrónico" in refused.content.decode()
    [message] = mail.outbox
    assert message.subject == "Confirme su dirección de correo electrónico para PLATFORMAwards"
    link = re.search(r"http://\S+(/accounts/confirm/\S+/)", message.body).group(1)
    client.get(link)

    client.post(reverse("awards:organisation_create"), organisation)

    membership = OrganisationMembership.objects.get(user=user)
    assert (membership.organisation.name, membership.is_approved) == (
        "Ayuntamiento de Sevilla",
        True,
    )


def test_sign_up_duplicate_email_keeps_input(client):
    UserFactory(email="ana@sevilla.example")

    response = client.post(
        reverse("accounts:sign_up"),
        {
            "email": "ANA@sevilla.example",
            "full_name": "Ana Again",
            "preferred_language": "es",
            "password1": "a-long-passphrase-9",
            "password2": "a-long-passphrase-9",
        },
    )

    html = response.content.decode()
    assert "An account already uses this address." in html
    assert 'value="Ana Again"' in html
    assert User.objects.count() == 1


def test_join_request_emails_members_and_approval_lets_in(
    client, django_capture_on_commit_callbacks
):
    member = MembershipFactory(organisation__name="Ville de Nantes", user__preferred_language="fr")
    newcomer = UserFactory(full_name="Paul Nouveau")
    client.force_login(newcomer)

    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("awards:organisation_join"), {"organisation": member.organisation.pk})

    request = OrganisationMembership.objects.get(user=newcomer)
    assert request.is_approved is False
    assert [m.to for m in mail.outbox] == [[member.user.email]]
    assert mail.outbox[0].subject == "Paul Nouveau demande à rejoindre Ville de Nantes"

    client.force_login(member.user)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse(
                "awards:membership_decide",
                kwargs={"pk": member.organisation.pk, "membership_pk": request.pk},
            ),
            {"decision": "approve"},
        )

    request.refresh_from_db()
    assert request.is_approved is True
    assert mail.outbox[-1].to == [newcomer.email]


def test_join_request_twice_is_told_so(client):
    organisation = OrganisationFactory()
    client.force_login(UserFactory())
    client.post(reverse("awards:organisation_join"), {"organisation": organisation.pk})

    response = client.post(
        reverse("awards:organisation_join"), {"organisation": organisation.pk}, follow=True
    )

    assert "You have already asked to join this organisation." in response.content.decode()


def test_outsider_cannot_approve_members(client):
    request = MembershipFactory(is_approved=False)
    client.force_login(UserFactory())

    response = client.post(
        reverse(
            "awards:membership_decide",
            kwargs={"pk": request.organisation.pk, "membership_pk": request.pk},
        ),
        {"decision": "approve"},
    )

    assert response.status_code == 403
    request.refresh_from_db()
    assert request.is_approved is False


def test_invited_colleague_signs_up_and_joins(client, django_capture_on_commit_callbacks):
    member = MembershipFactory(organisation__name="Gemeente Utrecht")
    client.force_login(member.user)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("awards:colleague_invite", kwargs={"pk": member.organisation.pk}),
            {"email": "colleague@utrecht.example"},
        )
    link = re.search(r"http://\S+(/invitations/\S+/)", mail.outbox[0].body).group(1)
    client.logout()

    first = client.get(link)
    assert first["Location"].startswith(reverse("accounts:sign_up"))
    client.force_login(UserFactory(email="colleague@utrecht.example"))
    client.post(link)

    joined = OrganisationMembership.objects.get(user__email="colleague@utrecht.example")
    assert (joined.organisation.name, joined.is_approved) == ("Gemeente Utrecht", True)
    assert client.get(link).status_code == 404


def test_organisation_website_without_scheme_gets_https(client):
    client.force_login(UserFactory())

    client.post(
        reverse("awards:organisation_create"),
        {"name": "Region Skåne", "kind": "region", "country": "SE", "website": "skane.se"},
    )

    assert Organisation.objects.get().website == "https://skane.se"


def test_member_edits_the_profile_and_bad_input_is_kept(client):
    member = MembershipFactory(organisation__name="Town A")
    client.force_login(member.user)
    url = reverse("awards:organisation_update", kwargs={"pk": member.organisation.pk})

    refused = client.post(url, {"name": "", "kind": "region", "country": "BE"})
    client.post(url, {"name": "City of A", "kind": "municipality", "country": "BE"})

    assert "This field is required." in refused.content.decode()
    member.organisation.refresh_from_db()
    assert member.organisation.name == "City of A"


def test_member_removes_a_colleague_but_the_last_cannot_leave(client):
    member = MembershipFactory()
    colleague = MembershipFactory(organisation=member.organisation)
    client.force_login(member.user)

    def remove(membership):
        return client.post(
            reverse(
                "awards:membership_remove",
                kwargs={"pk": member.organisation.pk, "membership_pk": membership.pk},
            ),
            follow=True,
        )

    remove(colleague)
    refused = remove(member)

    assert list(OrganisationMembership.objects.values_list("pk", flat=True)) == [member.pk]
    assert "The last person acting for an organisation cannot leave it" in (
        refused.content.decode()
    )


def test_withdrawn_invitation_link_stops_working(client, django_capture_on_commit_callbacks):
    member = MembershipFactory()
    client.force_login(member.user)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("awards:colleague_invite", kwargs={"pk": member.organisation.pk}),
            {"email": "late@city.example"},
        )
    link = re.search(r"(/invitations/\S+/)", mail.outbox[0].body).group(1)
    invitation = member.organisation.invitations.get()

    client.post(
        reverse(
            "awards:invitation_revoke",
            kwargs={"pk": member.organisation.pk, "invitation_pk": invitation.pk},
        )
    )

    client.force_login(UserFactory(email="late@city.example"))
    assert client.get(link).status_code == 404


def test_outsider_cannot_edit_or_remove(client):
    member = MembershipFactory()
    client.force_login(UserFactory())

    edit = client.post(
        reverse("awards:organisation_update", kwargs={"pk": member.organisation.pk}),
        {"name": "Hijacked", "kind": "region", "country": "BE"},
    )
    remove = client.post(
        reverse(
            "awards:membership_remove",
            kwargs={"pk": member.organisation.pk, "membership_pk": member.pk},
        )
    )

    assert (edit.status_code, remove.status_code) == (403, 403)
    member.organisation.refresh_from_db()
    assert member.organisation.name != "Hijacked"


@pytest.mark.parametrize("change", ["decide", "invite", "update", "remove", "revoke"])
def test_an_organisations_services_refuse_whoever_does_not_act_for_it(change):
    """Called by code (an API, a simulation) rather than a page, each service asks itself."""
    from awards.models import OrganisationInvitation
    from awards.services import organisations as services
    from tests.factories import MembershipFactory, UserFactory

    member = MembershipFactory()
    organisation = member.organisation
    stranger = UserFactory()
    waiting = MembershipFactory(organisation=organisation, is_approved=False)
    colleague = MembershipFactory(organisation=organisation)
    invitation = OrganisationInvitation.objects.create(
        organisation=organisation, email="new@example.org", invited_by=member.user
    )
    calls = {
        "decide": lambda: services.decide_membership(membership=waiting, by=stranger, approve=True),
        "invite": lambda: services.invite_colleague(
            organisation=organisation, by=stranger, email="victim@example.org"
        ),
        "update": lambda: services.update_organisation(
            organisation=organisation, by=stranger, name="Mine now"
        ),
        "remove": lambda: services.remove_member(membership=colleague, by=stranger),
        "revoke": lambda: services.revoke_invitation(invitation=invitation, by=stranger),
    }

    with pytest.raises(services.MembershipError) as refusal:
        calls[change]()

    assert str(refusal.value) == "Only the people acting for this organisation may change it."
    organisation.refresh_from_db()
    assert organisation.name != "Mine now"
    assert organisation.memberships.filter(is_approved=True).count() == 2
    assert OrganisationInvitation.objects.count() == 1
