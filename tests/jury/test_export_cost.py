"""The evaluations export reads its rows in one query, whatever the edition's size, and writes
each column as the scores say."""

import csv
import io
from decimal import Decimal

import pytest

from awards.models import Entry
from jury import exports, standings
from jury.models import Assignment, Evaluation
from jury.scoring import save_scores, submit_evaluation
from tests.factories import EntryFactory, JuryMemberFactory, scoring_edition

pytestmark = pytest.mark.django_db


def scored_edition(entries: int, jurors: int):
    edition = scoring_edition()
    members = [JuryMemberFactory(edition=edition) for _ in range(jurors)]
    criteria = list(edition.criteria.order_by("position"))
    for n in range(entries):
        entry = EntryFactory(edition=edition, title=f"Entry {n}")
        Entry.objects.filter(pk=entry.pk).update(state="in_review")
        for member in members:
            assignment = Assignment.objects.create(member=member, entry=entry)
            save_scores(
                assignment=assignment,
                by=member.user,
                scores={c.pk: Decimal(c.scale_min + 1) for c in criteria},
                comments={criteria[0].pk: f"Comment {n}"},
            )
            submit_evaluation(assignment=assignment, by=member.user)
    return edition, members, criteria


@pytest.mark.parametrize(("entries", "jurors"), [(1, 1), (4, 3)])
def test_the_evaluations_export_is_one_query(entries, jurors, django_assert_num_queries):
    edition, _members, criteria = scored_edition(entries, jurors)

    with django_assert_num_queries(1):
        table = exports.evaluations_table(edition, 1, pseudonymise=True)

    assert len(table.rows) == entries * jurors * len(criteria)


def test_the_evaluations_export_says_what_each_score_is():
    edition, [member], criteria = scored_edition(1, 1)
    entry = edition.entries.get()
    evaluation = Evaluation.objects.get(assignment__member=member)

    named = exports.evaluations_table(edition, 1, pseudonymise=False)
    rows = list(csv.DictReader(io.StringIO(exports.to_csv([named]).decode("utf-8-sig"))))

    first = rows[0]
    assert first["entry_reference"] == entry.reference
    assert first["entry_title"] == "Entry 0"
    assert first["juror_code"] == standings.juror_code(member.pk, edition.pk)
    assert first["juror_name"] == member.user.full_name
    assert first["criterion"] == criteria[0].name
    assert Decimal(first["value"]) == criteria[0].scale_min + 1
    assert first["comment"] == "Comment 0"
    assert first["status"] == "submitted"
    assert first["submitted_at"].startswith(str(evaluation.submitted_at.year))
    pseudonymous = exports.evaluations_table(edition, 1, pseudonymise=True)
    assert {row[5] for row in pseudonymous.rows} == {""}


def test_the_conflicts_export_reads_columns_and_makes_one_pseudonym_a_juror(monkeypatch):
    """A 10,000-entry edition has some 160,000 conflicts: no model is built for any of them,
    and each juror's pseudonym is made once, not once a row."""
    from jury.models import ConflictOfInterest
    from jury.services.conflicts import add_conflict
    from tests.factories import SecretariatFactory

    edition = scoring_edition()
    members = [JuryMemberFactory(edition=edition) for _ in range(2)]
    entries = [EntryFactory(edition=edition, title=f"Entry {n}") for n in range(3)]
    by = SecretariatFactory()
    for member in members:
        for entry in entries:
            add_conflict(member=member, entry=entry, by=by, reason="Worked together.")
    made = []
    juror_code = standings.juror_code
    monkeypatch.setattr(
        standings, "juror_code", lambda *args: made.append(args) or juror_code(*args)
    )

    def refused(cls, *args, **kwargs):
        raise AssertionError("a conflict was built as a model")

    monkeypatch.setattr(ConflictOfInterest, "from_db", classmethod(refused))
    named = exports.conflicts_table(edition, pseudonymise=False)

    assert len(named.rows) == 6 and len(made) == 2
    first = dict(zip(named.header, named.rows[0], strict=True))
    assert first["entry_reference"] == entries[0].reference
    assert first["entry_title"] == "Entry 0"
    assert first["juror_code"] == juror_code(members[0].pk, edition.pk)
    assert first["juror_name"] == members[0].user.full_name
    assert first["note"] == "Worked together."
    assert {row[1] for row in exports.conflicts_table(edition, pseudonymise=True).rows} == {""}


def test_the_ranking_export_reads_the_entries_number_and_title_only():
    """Not each entry's whole text with its edition's row."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    edition, _members, _criteria = scored_edition(2, 2)

    with CaptureQueriesContext(connection) as captured:
        table = exports.ranking_table(edition, 1)

    assert [row[2] for row in table.rows] == ["Entry 0", "Entry 1"]
    assert table.rows[0][1] == edition.entries.order_by("number").first().reference
    wide = [q["sql"] for q in captured.captured_queries if '"awards_entry"."summary"' in q["sql"]]
    assert wide == []
