"""Values read from a request are parsed before they reach the database: a NUL byte, "²" or a
year 0001 date is a message or a 400, never a server error (NUL fails only on PostgreSQL, so
CI runs these there)."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from awards.models import Edition, Entry, OrganisationMembership
from jury.models import Assignment, Evaluation
from notifications.models import Notification
from tests.factories import (
    EditionFactory,
    EntryFactory,
    JuryMemberFactory,
    MembershipFactory,
    OrganisationFactory,
    SecretariatFactory,
    UserFactory,
    complete_entry,
    scoring_edition,
)

pytestmark = pytest.mark.django_db

MALFORMED_IDS = ["²", "1e9", "-1", "0", "\x00", "9" * 30, " 1"]


@pytest.fixture
def staff_client(client):
    client.force_login(SecretariatFactory())
    return client


def submitted(edition) -> Entry:
    entry = complete_entry(EntryFactory(edition=edition))
    Entry.objects.filter(pk=entry.pk).update(state="submitted")
    return entry


# Ids and slugs in query strings and buttons ------------------------------------------------


@pytest.mark.parametrize("value", MALFORMED_IDS)
def test_joining_an_organisation_by_a_malformed_id_is_not_found(client, value):
    OrganisationFactory()
    client.force_login(UserFactory())

    response = client.post(reverse("awards:organisation_join"), {"organisation": value})

    assert response.status_code == 404
    assert OrganisationMembership.objects.count() == 0


@pytest.mark.parametrize("value", ["\x00", "²", "a b", "x" * 101])
def test_screening_queue_of_a_malformed_edition_is_a_bad_request(staff_client, value):
    EditionFactory()

    response = staff_client.get(reverse("awards:screening_queue"), {"edition": value})

    assert response.status_code == 400
    assert "could not be read" in response.content.decode()


@pytest.mark.parametrize("value", MALFORMED_IDS)
def test_bulk_screening_with_a_malformed_entry_id_decides_nothing(staff_client, value):
    edition = EditionFactory()
    entry = submitted(edition)

    response = staff_client.post(
        reverse("awards:screening_bulk"),
        {"edition": edition.slug, "entries": [entry.pk, value], "decision": "eligible"},
        follow=True,
    )

    assert "Choose a decision and at least one entry." in response.content.decode()
    entry.refresh_from_db()
    assert entry.state == "submitted"


def test_bulk_screening_ignores_no_entry_of_another_edition(staff_client):
    edition, other = EditionFactory(), EditionFactory()
    foreign = submitted(other)

    response = staff_client.post(
        reverse("awards:screening_bulk"),
        {"edition": edition.slug, "entries": [foreign.pk], "decision": "ineligible"},
        follow=True,
    )

    assert "Choose a decision and at least one entry." in response.content.decode()
    foreign.refresh_from_db()
    assert foreign.state == "submitted"


@pytest.mark.parametrize(
    "query", [{"q": "a\x00b"}, {"status": "exploded"}, {"kind": "\x00"}, {"q": "x" * 255}]
)
def test_outbox_filter_that_cannot_be_read_is_a_bad_request(staff_client, query):
    response = staff_client.get(reverse("notifications:outbox"), query)

    assert response.status_code == 400


def test_outbox_filter_by_recipient_still_finds_it(staff_client):
    Notification.objects.create(kind="entry.submitted", key="a", recipient_email="ana@city.eu")
    Notification.objects.create(kind="entry.submitted", key="b", recipient_email="bo@town.eu")

    response = staff_client.get(reverse("notifications:outbox"), {"q": " city "})

    assert [n.recipient_email for n in response.context["page"]] == ["ana@city.eu"]


def test_deciding_a_membership_without_a_decision_changes_nothing(client):
    member = MembershipFactory()
    waiting = OrganisationMembership.objects.create(
        organisation=member.organisation, user=UserFactory(), is_approved=False
    )
    client.force_login(member.user)
    url = reverse(
        "awards:membership_decide",
        kwargs={"pk": member.organisation.pk, "membership_pk": waiting.pk},
    )

    response = client.post(url, {"decision": "\x00"}, follow=True)

    assert "Nothing was changed: choose to approve or to decline." in response.content.decode()
    assert OrganisationMembership.objects.filter(pk=waiting.pk, is_approved=False).exists()


@pytest.mark.parametrize("cell", ["assign:²:²", "assign:\x00:1", "assign:1e9:-1"])
def test_assignment_matrix_cell_with_malformed_ids_changes_nothing(staff_client, cell):
    edition = scoring_edition()
    JuryMemberFactory(edition=edition)

    response = staff_client.post(
        reverse("jury:assignments", kwargs={"slug": edition.slug}), {"cell": cell}, follow=True
    )

    assert "That juror or entry is not in this edition." in response.content.decode()
    assert Assignment.objects.count() == 0


# Free text that is stored ------------------------------------------------------------------


def test_withdrawal_reason_with_a_nul_byte_is_refused_and_kept(client):
    member = MembershipFactory()
    entry = EntryFactory(organisation=member.organisation)
    client.force_login(member.user)

    response = client.post(
        reverse("awards:entry_transition", kwargs={"pk": entry.pk, "name": "withdraw"}),
        {"confirmed": "1", "note": "We merge\x00 with another"},
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert "Null characters are not allowed." in html
    assert "We merge" in html
    entry.refresh_from_db()
    assert entry.state == "draft"


def test_withdrawal_reason_is_stored_once_readable(client):
    member = MembershipFactory()
    entry = EntryFactory(organisation=member.organisation)
    client.force_login(member.user)

    client.post(
        reverse("awards:entry_transition", kwargs={"pk": entry.pk, "name": "withdraw"}),
        {"confirmed": "1", "note": " We merge with another "},
    )

    entry.refresh_from_db()
    assert (entry.state, entry.transitions.get().note) == ("withdrawn", "We merge with another")


def test_submission_with_an_unreadable_note_is_refused_with_the_reason(client):
    member = MembershipFactory()
    entry = complete_entry(EntryFactory(organisation=member.organisation))
    client.force_login(member.user)

    response = client.post(
        reverse("awards:entry_transition", kwargs={"pk": entry.pk, "name": "submit"}),
        {"note": "\x00"},
        follow=True,
    )

    assert "Null characters are not allowed." in response.content.decode()
    entry.refresh_from_db()
    assert entry.state == "draft"


# Dates at the ends of the calendar ---------------------------------------------------------


def edition_data(**changes) -> dict:
    data = {
        "year": "2040",
        "title": "PLATFORMAwards 2040",
        "slug": "",
        "timezone": "Europe/Brussels",
        "call_opens": "2040-01-01T10:00",
        "submission_deadline": "2040-02-01T10:00",
        "clarification_deadline": "2040-03-01T10:00",
        "scoring_opens": "2040-04-01T10:00",
        "scoring_deadline": "2040-05-01T10:00",
        "deliberation_at": "2040-06-01T10:00",
        "announcement_at": "2040-07-01T10:00",
        "projects_since": "",
        "languages": ["en"],
        "shortlist_size": "8",
        "summary_word_limit": "200",
        "max_partners": "30",
        "max_projects": "20",
        "max_attachments": "5",
        "max_attachment_mb": "10",
    }
    return data | changes


@pytest.mark.parametrize(
    "changes",
    [
        # Year 1 in Tokyo is year 0 in UTC, which neither Python nor PostgreSQL holds.
        {"timezone": "Asia/Tokyo", "call_opens": "0001-01-01T00:00"},
        # The last minute of 9999 in Bogotá is already year 10000 in UTC.
        {"timezone": "America/Bogota", "announcement_at": "9999-12-31T23:59"},
        {"projects_since": "0001-01-01"},
    ],
)
def test_edition_date_at_the_end_of_the_calendar_is_a_message(staff_client, changes):
    response = staff_client.post(reverse("awards:edition_create"), edition_data(**changes))

    assert response.status_code == 200
    assert "Enter a date between the years 1900 and 2200." in response.content.decode()
    assert 'value="PLATFORMAwards 2040"' in response.content.decode()
    assert Edition.objects.count() == 0


@pytest.mark.parametrize("until", ["0001-01-01T00:00", "9999-12-31T23:59"])
def test_extension_at_the_end_of_the_calendar_is_a_message(staff_client, until):
    edition = EditionFactory(timezone="America/Bogota")
    entry = EntryFactory(edition=edition)

    response = staff_client.post(
        reverse("awards:entry_extension", kwargs={"pk": entry.pk}), {"until": until}, follow=True
    )

    assert "Give the new deadline as a date and time." in response.content.decode()
    entry.refresh_from_db()
    assert entry.deadline_extension is None


@pytest.mark.parametrize("until", ["0001-01-01T00:00", "9999-12-31T23:59"])
def test_reopening_until_the_end_of_the_calendar_is_a_message(staff_client, until):
    edition = scoring_edition(timezone="America/Bogota")
    entry = EntryFactory(edition=edition)
    assignment = Assignment.objects.create(member=JuryMemberFactory(edition=edition), entry=entry)
    evaluation = Evaluation.objects.create(
        assignment=assignment, status="submitted", submitted_at=timezone.now()
    )

    response = staff_client.post(
        reverse("jury:evaluation", kwargs={"slug": edition.slug, "pk": evaluation.pk}),
        {"reason": "Typo", "until": until},
    )

    assert "Enter a date between the years 1900 and 2200." in response.content.decode()
    evaluation.refresh_from_db()
    assert evaluation.status == "submitted"


def test_more_time_until_the_end_of_the_calendar_is_a_message(staff_client):
    edition = scoring_edition(timezone="America/Bogota")
    assignment = Assignment.objects.create(
        member=JuryMemberFactory(edition=edition), entry=EntryFactory(edition=edition)
    )

    response = staff_client.post(
        reverse("jury:more_time", kwargs={"slug": edition.slug, "pk": assignment.pk}),
        {"reason": "Abroad", "until": "9999-12-31T23:59"},
    )

    assert "Enter a date between the years 1900 and 2200." in response.content.decode()
    assert not Evaluation.objects.filter(open_until__isnull=False).exists()


def test_dates_within_the_bounds_are_read_as_before(staff_client):
    staff_client.post(reverse("awards:edition_create"), edition_data(projects_since="2035-01-01"))

    edition = Edition.objects.get()
    assert (edition.call_opens, edition.projects_since) == (
        datetime.datetime(2040, 1, 1, 9, 0, tzinfo=datetime.UTC),
        datetime.date(2035, 1, 1),
    )


@pytest.mark.parametrize("value", ["9" * 30, "²", "-1", "\x00"])
def test_goals_chosen_by_a_malformed_number_are_a_message(client, value):
    member = MembershipFactory()
    entry = EntryFactory(organisation=member.organisation)
    client.force_login(member.user)

    response = client.post(
        reverse("awards:entry_edit", kwargs={"pk": entry.pk, "step": "basics"}),
        {"title": "Kept", "sdgs": ["6", value]},
    )

    assert response.status_code == 200
    assert f"“{value}” is not a valid value." in response.content.decode()
    assert list(entry.sdgs.all()) == []
