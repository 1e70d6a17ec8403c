"""What a new person meets: the home page, the call's rules, the menu, the next step after each
first one."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from awards.models import Organisation
from awards.services.entries import add_attachment
from jury.models import Assignment, Evaluation
from tests.factories import (
    EditionFactory,
    JuryMemberFactory,
    MembershipFactory,
    OrganisationFactory,
    QuestionFactory,
    SecretariatFactory,
    UserFactory,
    applicant_with_entry,
    scoring_edition,
)

pytestmark = pytest.mark.django_db

MENU = re.compile(r'<a class="nav-link" href="([^"]+)"')


def pdf() -> SimpleUploadedFile:
    return SimpleUploadedFile("budget.pdf", b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n")


def test_the_home_page_offers_an_account_and_the_rules_of_the_call(client):
    edition = EditionFactory(rules_text="Only partnerships with a partner outside the EU.")

    home = client.get(reverse("home")).content.decode()

    assert reverse("accounts:sign_up") in home
    assert reverse("awards:call_detail", args=[edition.slug]) in home


def test_the_call_page_gives_the_rules_questions_and_limits_to_anyone(client):
    edition = EditionFactory(rules_text="Only partnerships with a partner outside the EU.")
    QuestionFactory(edition=edition, title="Local democracy", word_limit=300)

    response = client.get(reverse("awards:call_detail", args=[edition.slug]))

    page = response.content.decode()
    assert response.status_code == 200
    assert "Only partnerships with a partner outside the EU." in page
    assert "Local democracy" in page
    assert "at most 300 words" in page
    assert reverse("accounts:sign_up") in page


def test_a_call_in_preparation_is_not_public(client):
    edition = EditionFactory(phase="draft")

    assert client.get(reverse("awards:call_detail", args=[edition.slug])).status_code == 404


def people() -> dict:
    applicant, _entry = applicant_with_entry()
    juror = JuryMemberFactory(edition=EditionFactory()).user
    return {
        "secretariat": SecretariatFactory(),
        "applicant": applicant,
        "juror": juror,
        "newcomer": UserFactory(),
    }


@pytest.mark.parametrize("role", ["secretariat", "applicant", "juror", "newcomer"])
def test_every_menu_link_leads_to_a_page_the_person_may_see(client, role):
    client.force_login(people()[role])

    links = MENU.findall(client.get(reverse("dashboard")).content.decode())

    assert links
    for link in links:
        response = client.get(link, follow=True)
        assert (link, response.status_code) == (link, 200)


def test_the_secretariats_menu_reaches_organisations_and_the_jury(client):
    edition = EditionFactory()
    client.force_login(SecretariatFactory())

    jury = client.get(reverse("jury:current"))
    organisations = client.get(reverse("awards:organisation_list"))

    assert jury["Location"] == reverse("jury:members", args=[edition.slug])
    assert organisations.status_code == 200


def test_a_new_organisation_is_offered_to_start_an_entry_while_a_call_is_open(client):
    EditionFactory()
    user = UserFactory()
    client.force_login(user)

    response = client.post(
        reverse("awards:organisation_create"),
        {"name": "Ville de Nantes", "kind": "municipality", "country": "FR", "website": ""},
        follow=True,
    )

    assert reverse("awards:entry_create") in response.content.decode()
    assert Organisation.objects.get().name == "Ville de Nantes"


def test_the_review_page_lists_the_attachments(client):
    user, entry = applicant_with_entry()
    add_attachment(entry=entry, by=user, upload=pdf(), description="The budget")
    client.force_login(user)

    page = client.get(reverse("awards:entry_review", args=[entry.pk])).content.decode()

    assert "budget.pdf" in page
    assert "The budget" in page


def test_a_juror_who_submitted_is_told_no_colleague_has_yet(client):
    edition = scoring_edition()
    _user, entry = applicant_with_entry(edition=edition)
    member = JuryMemberFactory(edition=edition)
    assignment = Assignment.objects.create(member=member, entry=entry)
    Evaluation.objects.create(assignment=assignment, status="submitted")
    client.force_login(member.user)

    page = client.get(reverse("jury:score", args=[assignment.pk])).content.decode()

    assert "No other juror has submitted an evaluation of this entry yet." in page
    assert "once you have submitted your own evaluation" not in page


@pytest.mark.parametrize("size", [2, 30])
def test_the_organisation_list_reads_in_fixed_queries(client, django_assert_num_queries, size):
    for _ in range(size):
        MembershipFactory(organisation=OrganisationFactory())
    client.force_login(SecretariatFactory())
    client.get(reverse("awards:organisation_list"))  # the session and groups read once

    with django_assert_num_queries(5):
        response = client.get(reverse("awards:organisation_list"))

    assert response.status_code == 200
    assert response.content.decode().count("organisations/") >= size


def test_the_organisation_list_finds_by_name_and_is_the_secretariats_only(client):
    OrganisationFactory(name="Ville de Lyon", country="FR")
    OrganisationFactory(name="Città di Torino", country="IT")
    client.force_login(SecretariatFactory())

    page = client.get(reverse("awards:organisation_list"), {"name": "lyon"}).content.decode()

    assert ("Ville de Lyon" in page, "Città di Torino" in page) == (True, False)
    client.force_login(MembershipFactory().user)
    assert client.get(reverse("awards:organisation_list")).status_code == 403
