"""The entry's services called directly with typed values, as a simulation or an API would:
every rule holds without a form in front of them."""

from decimal import Decimal

import pytest
from django.utils import timezone

from awards.models import Partner
from awards.services.entries import (
    EntryRefused,
    PartnerRow,
    ProjectRow,
    save_answers,
    save_basics,
    save_related,
)
from core.rows import RowChanges
from tests.factories import (
    EntryFactory,
    PartnerFactory,
    ProjectFactory,
    QuestionFactory,
    applicant_with_entry,
)

pytestmark = pytest.mark.django_db

DAKAR = PartnerRow(
    name="Commune de Dakar", country="SN", contact_name="Awa", contact_email="awa@dakar.sn"
)
WELLS = ProjectRow(title="Wells", start_year=2021, end_year=2024, budget=Decimal("12000.50"))


@pytest.fixture
def applicant_entry():
    return applicant_with_entry()


def partners_of(entry) -> list[tuple]:
    return list(
        entry.partners.order_by("pk").values_list("name", "country", "contact_email", "status")
    )


def test_save_related_adds_changes_and_removes_rows(applicant_entry):
    user, entry = applicant_entry
    kept, changed, removed = PartnerFactory.create_batch(3, entry=entry)

    save_related(
        entry=entry,
        by=user,
        partners=RowChanges(
            added=(DAKAR,),
            changed={changed.pk: PartnerRow("Thiès", "SN", "Moussa", "moussa@thies.sn")},
            removed=frozenset({removed.pk}),
        ),
        projects=RowChanges(added=(WELLS,)),
    )

    assert partners_of(entry) == [
        (kept.name, "SN", kept.contact_email, "not_asked"),
        ("Thiès", "SN", "moussa@thies.sn", "not_asked"),
        ("Commune de Dakar", "SN", "awa@dakar.sn", "not_asked"),
    ]
    assert list(entry.projects.values_list("title", "start_year", "end_year", "budget")) == [
        ("Wells", 2021, 2024, Decimal("12000.50"))
    ]
    entry.refresh_from_db()
    assert entry.last_saved_by == user


@pytest.mark.parametrize(
    ("change", "asked_again"),
    [
        ({"contact_email": "new@dakar.sn"}, True),
        ({"name": "Ville de Dakar"}, True),
        ({"country": "GH"}, True),
        ({"contact_name": "Awa Diop"}, False),
    ],
)
def test_a_confirmed_partner_is_asked_again_when_who_confirms_changes(
    applicant_entry, change, asked_again
):
    user, entry = applicant_entry
    partner = PartnerFactory(
        entry=entry,
        **DAKAR.__dict__,
        status=Partner.Status.CONFIRMED,
        responded_at=timezone.now(),
        response_note="Yes",
    )

    save_related(
        entry=entry,
        by=user,
        partners=RowChanges(changed={partner.pk: PartnerRow(**{**DAKAR.__dict__, **change})}),
    )

    partner.refresh_from_db()
    expected = (
        ("not_asked", None, "") if asked_again else ("confirmed", partner.responded_at, "Yes")
    )
    assert (partner.status, partner.responded_at, partner.response_note) == expected


def test_save_related_refuses_a_row_of_another_entry_and_writes_nothing(applicant_entry):
    user, entry = applicant_entry
    foreign = PartnerFactory(entry=EntryFactory())

    with pytest.raises(EntryRefused) as refusal:
        save_related(
            entry=entry,
            by=user,
            partners=RowChanges(added=(DAKAR,), removed=frozenset({foreign.pk})),
        )

    assert str(refusal.value) == f"Row {foreign.pk} is not one of these, so nothing was changed."
    assert Partner.objects.filter(pk=foreign.pk).exists()
    assert entry.partners.count() == 0


def test_save_related_refuses_more_rows_than_the_edition_allows(applicant_entry):
    user, entry = applicant_entry
    entry.edition.max_partners = 2
    entry.edition.save()
    PartnerFactory(entry=entry)

    with pytest.raises(EntryRefused) as refusal:
        save_related(entry=entry, by=user, partners=RowChanges(added=(DAKAR, DAKAR)))

    assert str(refusal.value) == "An entry has at most 2 partners in this edition."
    assert entry.partners.count() == 1


@pytest.mark.parametrize(
    ("row", "message"),
    [
        (
            PartnerRow("Dakar", "SN", "Awa", "not-an-address"),
            "“Dakar”: Enter a valid email address.",
        ),
        (PartnerRow("Dakar", "XX", "Awa", "a@b.sn"), "“Dakar”: Value 'XX' is not a valid choice."),
        (
            PartnerRow("D" * 201, "SN", "Awa", "a@b.sn"),
            f"“{'D' * 201}”: Ensure this value has at most 200 characters (it has 201).",
        ),
        (
            PartnerRow("Da\x00kar", "SN", "Awa", "a@b.sn"),
            "“Da\x00kar”: Null characters are not allowed.",
        ),
    ],
)
def test_save_related_refuses_a_partner_that_breaks_its_rules(applicant_entry, row, message):
    user, entry = applicant_entry

    with pytest.raises(EntryRefused) as refusal:
        save_related(entry=entry, by=user, partners=RowChanges(added=(DAKAR, row)))

    assert str(refusal.value) == message
    assert entry.partners.count() == 0


@pytest.mark.parametrize(
    ("row", "message"),
    [
        (
            ProjectRow("Wells", 2022, 2020),
            "“Wells”: The end year cannot come before the start year.",
        ),
        (
            ProjectRow("Wells", 2022, currency="euro"),
            "“Wells”: Give the currency as a three-letter code, e.g. EUR. Ensure this value has "
            "at most 3 characters (it has 4).",
        ),
        (
            ProjectRow("Wells", 2022, currency="eur"),
            "“Wells”: Give the currency as a three-letter code, e.g. EUR.",
        ),
        (
            ProjectRow("Wells", 1800),
            "“Wells”: Ensure this value is greater than or equal to 1950.",
        ),
        (
            ProjectRow("Wells", 2022, funding_sources="x" * 2001),
            "“Wells”: Ensure this value has at most 2000 characters (it has 2001).",
        ),
    ],
)
def test_save_related_refuses_a_project_that_breaks_its_rules(applicant_entry, row, message):
    user, entry = applicant_entry
    project = ProjectFactory(entry=entry, title="Kept")

    with pytest.raises(EntryRefused) as refusal:
        save_related(entry=entry, by=user, projects=RowChanges(changed={project.pk: row}))

    assert str(refusal.value) == message
    project.refresh_from_db()
    assert (project.title, project.start_year) == ("Kept", 2021)


def test_save_basics_changes_only_what_it_is_given(applicant_entry):
    user, entry = applicant_entry
    save_basics(entry=entry, by=user, title="Water", summary="Two cities.", language="en", sdgs=[6])

    save_basics(entry=entry, by=user, title="Water for all")

    entry.refresh_from_db()
    assert (entry.title, entry.summary, entry.language, [g.number for g in entry.sdgs.all()]) == (
        "Water for all",
        "Two cities.",
        "en",
        [6],
    )


@pytest.mark.parametrize(
    ("values", "field", "message"),
    [
        (
            {"summary": "w" * 2401},
            "summary",
            "Ensure this value has at most 2400 characters (it has 2401).",
        ),
        (
            {"title": "T" * 201},
            "title",
            "Ensure this value has at most 200 characters (it has 201).",
        ),
        ({"summary": "a\x00b"}, "summary", "Null characters are not allowed."),
        ({"language": "pl"}, "language", "Choose one of the edition's languages."),
        ({"sdgs": [6, 18]}, "sdgs", "Choose goals among the 17 SDGs."),
    ],
)
def test_save_basics_refuses_what_the_edition_does_not_allow(
    applicant_entry, values, field, message
):
    user, entry = applicant_entry

    with pytest.raises(EntryRefused) as refusal:
        save_basics(entry=entry, by=user, **values)

    assert (refusal.value.field, str(refusal.value)) == (field, message)
    entry.refresh_from_db()
    assert (entry.title, entry.summary, entry.language) == ("", "", "")


def test_save_answers_refuses_an_answer_beyond_its_character_limit(applicant_entry):
    user, entry = applicant_entry
    short, long = entry.edition.questions.get(), QuestionFactory(edition=entry.edition)
    # The factory's questions allow 50 words: 600 characters.

    with pytest.raises(EntryRefused) as refusal:
        save_answers(entry=entry, by=user, answers={short.pk: "Fine.", long.pk: "x" * 601})

    assert (refusal.value.field, str(refusal.value)) == (
        f"answer_{long.pk}",
        "Ensure this value has at most 600 characters (it has 601).",
    )
    assert entry.answers.count() == 0


def test_submitting_reads_what_completeness_needs_once_though_the_conditions_are_asked_twice(
    applicant_entry,
):
    """The transition's conditions are asked for their message, then by the transition
    itself: the entry's partners, projects, goals and answers are read the first time only."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from awards.services.entries import submit_entry
    from tests.factories import complete_entry

    user, entry = applicant_entry
    complete_entry(entry)

    with CaptureQueriesContext(connection) as queries:
        submitted = submit_entry(entry=entry, by=user, public_display=False)

    assert submitted.state == "submitted"
    projects = [q["sql"] for q in queries if 'FROM "awards_linkedproject"' in q["sql"]]
    answers = [q["sql"] for q in queries if 'FROM "awards_answer"' in q["sql"]]
    assert (len(projects), len(answers)) == (1, 1)
