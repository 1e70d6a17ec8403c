import pytest
from django.urls import reverse

from tests.factories import (
    EditionFactory,
    JuryMemberFactory,
    MembershipFactory,
    SecretariatFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def test_dashboard_secretariat_sees_editions_and_requests(client):
    EditionFactory(title="PLATFORMAwards 2031")
    MembershipFactory(user__full_name="Piet Pending", organisation__name="Ghent", is_approved=False)
    client.force_login(SecretariatFactory())

    html = client.get(reverse("dashboard")).content.decode()

    assert "PLATFORMAwards 2031" in html
    assert "Piet Pending asks to join Ghent" in html


def test_dashboard_applicant_sees_organisation_not_secretariat(client):
    membership = MembershipFactory(organisation__name="Ville de Lyon")
    EditionFactory(title="PLATFORMAwards 2031")
    client.force_login(membership.user)

    html = client.get(reverse("dashboard")).content.decode()

    assert "Ville de Lyon" in html
    assert "Secretariat" not in html
    assert "PLATFORMAwards 2031" not in html


def test_dashboard_juror_sees_jury_work(client):
    member = JuryMemberFactory(edition__title="PLATFORMAwards 2032", is_chair=True)
    client.force_login(member.user)

    html = client.get(reverse("dashboard")).content.decode()

    assert "Your jury work" in html
    assert "PLATFORMAwards 2032" in html
    assert "chair" in html


def test_dashboard_unlinked_person_is_told_what_to_expect(client):
    client.force_login(UserFactory())

    html = client.get(reverse("dashboard")).content.decode()

    assert "not yet linked to an organisation or a jury" in html


@pytest.mark.parametrize("size", [1, 30])
def test_dashboard_secretariat_query_count_constant(client, django_assert_num_queries, size):
    for _ in range(size):
        edition = EditionFactory()
        JuryMemberFactory(edition=edition)
        MembershipFactory(is_approved=False)
    client.force_login(SecretariatFactory())

    # session, user, the user's groups (once: rules caches them), organisation counts,
    # editions with jury sizes, pending requests, own memberships, own jury memberships.
    with django_assert_num_queries(8):
        response = client.get(reverse("dashboard"))

    assert response.status_code == 200


def test_navigation_offers_management_only_to_secretariat(client):
    client.force_login(UserFactory())
    assert "Editions" not in client.get(reverse("dashboard")).content.decode()

    client.force_login(SecretariatFactory())
    assert "Editions" in client.get(reverse("dashboard")).content.decode()


@pytest.mark.parametrize("size", [1, 20])
def test_dashboard_applicant_query_count_constant(client, django_assert_num_queries, size):
    from tests.factories import EntryFactory, PartnerFactory, QuestionFactory

    membership = MembershipFactory()
    edition = EditionFactory()
    QuestionFactory.create_batch(2, edition=edition)
    for _ in range(size):
        entry = EntryFactory(edition=edition, organisation=membership.organisation)
        PartnerFactory(entry=entry)
    client.force_login(membership.user)

    # session, user, groups, the model backend's user and group permissions (once each), jury
    # memberships, own memberships, entries and their five prefetches (sdgs, partners,
    # projects, answers, edition questions), approved organisations (rules), open editions.
    with django_assert_num_queries(15):
        response = client.get(reverse("dashboard"))

    assert response.status_code == 200
    assert response.content.decode().count("items missing before you can submit") == size
