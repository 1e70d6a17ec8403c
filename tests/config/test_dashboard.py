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

    # session, user, the user's groups (once: rules caches them), organisation counts, pending
    # requests, the current edition, its counts per state, per country and per SDG, what needs
    # action, editions with jury sizes, their scoring progress, own memberships, own jury
    # memberships.
    with django_assert_num_queries(14):
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

    # session, user, groups (the navigation asks whether they manage the editions: no model
    # permission is read for it), jury memberships, own memberships, entries and their five
    # prefetches (sdgs, partners, projects, answers, edition questions), approved
    # organisations (rules), open editions.
    with django_assert_num_queries(13):
        response = client.get(reverse("dashboard"))

    assert response.status_code == 200
    assert response.content.decode().count("items missing before you can submit") == size


@pytest.mark.parametrize("size", [1, 50])
def test_dashboard_secretariat_query_count_constant_in_entries(
    client, django_assert_num_queries, size
):
    from awards.models import Entry
    from tests.factories import EntryFactory, PartnerFactory

    edition = EditionFactory()
    states = ["draft", "submitted", "clarification_requested", "eligible", "ineligible"]
    for i in range(size):
        entry = EntryFactory(edition=edition, organisation__country=["FR", "ES", "IT"][i % 3])
        entry.sdgs.set([1 + i % 17])
        PartnerFactory(entry=entry)
        Entry.objects.filter(pk=entry.pk).update(state=states[i % len(states)])
    client.force_login(SecretariatFactory())

    with django_assert_num_queries(14):
        response = client.get(reverse("dashboard"))

    assert response.context["statistics"]["by_state"][0] == ("Draft", (size + 4) // 5)
    assert sum(n for _, n in response.context["statistics"]["by_state"]) == size


def test_dashboard_secretariat_needs_action_counts(client):
    from awards.models import Entry
    from tests.factories import EntryFactory, PartnerFactory

    edition = EditionFactory()
    submitted = EntryFactory(edition=edition)
    PartnerFactory(entry=submitted, status="pending")
    Entry.objects.filter(pk=submitted.pk).update(state="submitted")
    waiting = EntryFactory(edition=edition)
    Entry.objects.filter(pk=waiting.pk).update(state="clarification_requested")
    client.force_login(SecretariatFactory())

    response = client.get(reverse("dashboard"))

    assert response.context["needs_action"] == {
        "awaiting_screening": 1,
        "resubmitted": 0,
        "awaiting_clarification": 1,
        "unconfirmed_partners": 1,
        "drafts_due_soon": 0,
    }
    assert response.context["statistics"]["by_country"] == [("BE", 2)]


def test_dashboard_shows_each_editions_scoring_progress_without_conflicted_work(client):
    from awards.models import Entry
    from jury.models import Assignment, ConflictOfInterest, Evaluation
    from tests.factories import EntryFactory

    edition = EditionFactory(title="PLATFORMAwards 2036")
    entries = EntryFactory.create_batch(3, edition=edition)
    Entry.objects.filter(edition=edition).update(state="in_review")
    juror = JuryMemberFactory(edition=edition)
    done, _open, conflicted = (Assignment.objects.create(member=juror, entry=e) for e in entries)
    Evaluation.objects.create(assignment=done, status="submitted")
    Evaluation.objects.create(assignment=conflicted, status="submitted")
    ConflictOfInterest.objects.create(member=juror, entry=conflicted.entry, kind="declared")
    EditionFactory(title="PLATFORMAwards 2038")  # no jury at work: a dash
    client.force_login(SecretariatFactory())

    html = client.get(reverse("dashboard")).content.decode()

    row = html[html.index("PLATFORMAwards 2036</th>") :]
    row = row[: row.index("</tr>")]
    assert "1 of 2" in row
    assert reverse("jury:progress", args=[edition.slug]) in row
    other = html[html.index("PLATFORMAwards 2038</th>") :]
    assert "<td>—</td>" in other[: other.index("</tr>")]
