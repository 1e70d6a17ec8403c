"""The ranking, shortlist, board, prizes and exports pages through the client: who may open
them, what they show, the numbers the exports carry, and queries that do not grow."""

import csv
import datetime
import html
import io
import re

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from awards.models import Entry
from jury import services, standings
from jury.exports import neutralised
from jury.models import (
    ConflictOfInterest,
    CriterionScore,
    Evaluation,
    JurySettings,
    Prize,
)
from tests.factories.deliberation import Scored

pytestmark = pytest.mark.django_db
DAY = datetime.timedelta(days=1)


@pytest.fixture
def scored():
    return Scored()


def page(response) -> str:
    assert response.status_code == 200, response.status_code
    return html.unescape(response.content.decode())


def test_the_ranking_page_shows_each_method_agreement_and_severity(client, scored):
    client.force_login(scored.secretariat)

    text = page(client.get(reverse("jury:ranking", args=[scored.edition.slug])))

    result = standings.standings(
        scored.edition, settings=JurySettings.objects.get_or_create(edition=scored.edition)[0]
    )
    best = max(result.figures.entries, key=lambda f: f.mean)
    assert f"{best.mean:.2f}" in text
    assert "Krippendorff" in text and "Kendall" in text
    assert "Juror severity" in text and "Juror 1" in text
    assert text.count('class="score-strip"') == 4


def test_jurors_see_the_ranking_only_when_allowed_and_never_their_conflicts(client, scored):
    juror = scored.jurors[1]
    client.force_login(juror.user)
    url = reverse("jury:ranking", args=[scored.edition.slug])
    assert client.get(url).status_code == 403

    JurySettings.objects.update_or_create(
        edition=scored.edition, defaults={"jurors_see_ranking": True}
    )
    ConflictOfInterest.objects.create(member=juror, entry=scored.entries[0], kind="declared")
    text = page(client.get(url))

    assert scored.entries[0].reference not in text
    assert scored.entries[1].reference in text
    assert "One entry you are in conflict with is not shown." in text
    # Jurors read their colleagues' severity under codes, not names.
    assert "Juror 2" not in text
    assert standings.juror_code(scored.jurors[2].pk, scored.edition.pk) in text


def test_a_query_string_that_cannot_be_read_shows_the_defaults_with_a_message(client, scored):
    client.force_login(scored.secretariat)

    response = client.get(
        reverse("jury:ranking", args=[scored.edition.slug]),
        {"round": "²", "sort": "<script>", "sdg": "99", "page": "-3"},
    )

    text = page(response)
    assert "could not be read" in text
    assert scored.entries[0].reference in text


def test_a_round_with_no_evaluation_says_so(client, scored):
    client.force_login(scored.secretariat)
    Evaluation.objects.update(status="draft")

    text = page(client.get(reverse("jury:ranking", args=[scored.edition.slug])))

    assert "No evaluation of round 1 has been submitted yet" in text


def test_a_chair_still_scoring_reads_no_score_of_an_entry_before_their_own(client, scored):
    """As on the scoring page: the chair sees others' scores of an entry once they have
    submitted their own, and nothing while the edition keeps scores hidden until closing."""
    from django.utils import timezone

    now = timezone.now()
    type(scored.edition).objects.filter(pk=scored.edition.pk).update(
        phase="jury_review",
        scoring_deadline=now + DAY,
        deliberation_at=now + 2 * DAY,
        announcement_at=now + 3 * DAY,
    )
    Evaluation.objects.filter(
        assignment__member=scored.chair, assignment__entry=scored.entries[0]
    ).update(status="draft", submitted_at=None)
    client.force_login(scored.chair.user)
    url = reverse("jury:ranking", args=[scored.edition.slug])

    text = page(client.get(url))
    assert scored.entries[0].reference not in text
    assert scored.entries[1].reference in text
    assert "One entry you have not yet scored is not shown" in text

    JurySettings.objects.update_or_create(
        edition=scored.edition, defaults={"hide_scores_until_closed": True}
    )
    assert client.get(url).status_code == 403

    with time_machine.travel(now + 2 * DAY):
        text = page(client.get(url))
    assert scored.entries[0].reference in text
    assert "not yet scored" not in text


@pytest.mark.parametrize("entries", [3, 25])
def test_the_ranking_page_takes_the_same_queries_whatever_the_entries(client, entries):
    scored = Scored(entries=entries)
    client.force_login(scored.secretariat)
    url = reverse("jury:ranking", args=[scored.edition.slug])
    client.get(url)

    with CaptureQueriesContext(connection) as queries:
        text = page(client.get(url, {"sort": "borda"}))
    assert text.count('class="score-strip"') == entries

    # The same literal for both sizes: sessions, the edition, permissions, settings (one read
    # with what the ranking needs of them), scores, the filters, the page's entries and the
    # jurors.
    assert len(queries) == QUERIES_RANKING


QUERIES_RANKING = 11


def test_the_shortlist_is_pre_filled_confirmed_and_undone(client, scored):
    client.force_login(scored.secretariat)
    url = reverse("jury:shortlist", args=[scored.edition.slug])

    text = page(client.get(url))
    ticked = re.findall(r'value="(\d+)" id="entry-\d+" checked', text)
    best_two = {str(e.pk) for e in scored.entries[-2:]}
    assert set(ticked) == best_two

    response = client.post(url, {"method": "mean", "entries": sorted(best_two)})
    assert response.status_code == 302
    assert set(Entry.objects.filter(state="shortlisted").values_list("pk", flat=True)) == {
        int(pk) for pk in best_two
    }

    response = client.post(
        reverse("jury:undo_shortlist", args=[scored.edition.slug]), {"reason": "Recount."}
    )
    assert response.status_code == 302
    assert Entry.objects.filter(state="in_review").count() == 4


def test_a_refused_shortlist_keeps_the_choice_and_says_why(client, scored):
    client.force_login(scored.secretariat)
    url = reverse("jury:shortlist", args=[scored.edition.slug])

    response = client.post(url, {"method": "mean", "entries": ["999999"]})

    assert response.status_code == 400
    assert "Select a valid choice" in html.unescape(response.content.decode())
    assert not Entry.objects.filter(state="shortlisted").exists()


def test_the_chair_records_prizes_and_confirms_through_the_pages(client, scored):
    client.force_login(scored.secretariat)
    client.post(
        reverse("jury:shortlist", args=[scored.edition.slug]),
        {"method": "mean", "entries": [e.pk for e in scored.entries]},
    )
    client.force_login(scored.chair.user)
    url = reverse("jury:decision", args=[scored.edition.slug])
    first, second, third = scored.entries[3], scored.entries[2], scored.entries[1]

    for entry, kind in ((first, "first"), (second, "second"), (third, "third")):
        response = client.post(url, {"entry": entry.pk, "kind": kind, "rationale": "Because."})
        assert response.status_code == 302
    response = client.post(
        url, {"entry": scored.entries[0].pk, "kind": "first", "rationale": "Also the best."}
    )
    text = html.unescape(response.content.decode())
    assert response.status_code == 400
    assert "already has the 1st prize" in text and "Also the best." in text
    response = client.post(url, {"entry": third.pk, "kind": "special", "rationale": "x"})
    assert "A special prize needs a name." in html.unescape(response.content.decode())
    client.post(
        url,
        {"entry": third.pk, "kind": "special", "name": "Youth", "rationale": "Young people."},
    )
    assert client.post(reverse("jury:confirm", args=[scored.edition.slug])).status_code == 302

    # Four prizes and the finalist's place of the fourth shortlisted entry.
    assert Prize.objects.filter(confirmed_at__isnull=False).count() == 5
    assert Entry.objects.filter(state="awarded").count() == 3
    assert Entry.objects.get(pk=scored.entries[0].pk).state == "finalist"
    text = page(client.get(url))
    assert "confirmed and locked by Cha" in text
    assert "Record a prize" not in text


def test_a_juror_reads_the_board_and_follows_the_meeting(client, scored):
    client.force_login(scored.secretariat)
    client.post(
        reverse("jury:shortlist", args=[scored.edition.slug]),
        {"method": "mean", "entries": [e.pk for e in scored.entries[2:]]},
    )
    juror = scored.jurors[1].user
    client.force_login(juror)
    current = reverse("jury:board_current", args=[scored.edition.slug])
    assert "No entry is under discussion." in page(client.get(current))
    assert client.post(reverse("jury:discuss", args=[scored.edition.slug]), {}).status_code == 403

    client.force_login(scored.chair.user)
    client.post(
        reverse("jury:discuss", args=[scored.edition.slug]), {"entry": scored.entries[3].pk}
    )
    client.force_login(juror)

    assert scored.entries[3].reference in page(client.get(current))
    board = page(client.get(reverse("jury:board", args=[scored.edition.slug])))
    assert "Solid." in board and scored.entries[0].reference not in board


@pytest.fixture
def hostile():
    return Scored(entries=2, titles=['=HYPERLINK("http://evil")', "+cmd|' /C calc'!A0"])


@pytest.mark.parametrize("kind", ["ranking", "evaluations"])
def test_the_exports_carry_the_pages_numbers_and_no_formula(client, hostile, kind):
    client.force_login(hostile.secretariat)
    url = reverse("jury:exports", args=[hostile.edition.slug])
    ranking_page = page(client.get(reverse("jury:ranking", args=[hostile.edition.slug])))

    response = client.get(url, {"kind": kind, "format": "csv", "round": "1"})
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    assert re.search(
        rf'filename="{hostile.edition.slug}-{kind}-round1-\d{{8}}-\d{{6}}\.csv"',
        response["Content-Disposition"],
    )
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    xlsx = client.get(url, {"kind": kind, "format": "xlsx", "round": "1"})
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    header = [cell.value for cell in sheet[1]]
    cells = [dict(zip(header, [c.value for c in row], strict=True)) for row in sheet.iter_rows(2)]

    title = "entry_title" if kind == "evaluations" else "title"
    assert {row[title] for row in rows} == {
        '\'=HYPERLINK("http://evil")',
        "'+cmd|' /C calc'!A0",
    }
    assert {row[title] for row in cells} == {row[title] for row in rows}
    if kind == "ranking":
        for csv_row, xlsx_row in zip(rows, cells, strict=True):
            assert len(csv_row["mean"].split(".")[1]) >= 6
            assert float(csv_row["mean"]) == pytest.approx(xlsx_row["mean"], abs=1e-9)
            assert f"{xlsx_row['mean']:.2f}" in ranking_page
    else:
        assert {row["juror_name"] for row in rows} == {"Cha", "Juror 1", "Juror 2"}


def test_pseudonymised_evaluations_carry_codes_and_no_names(client, scored):
    client.force_login(scored.secretariat)

    response = client.get(
        reverse("jury:exports", args=[scored.edition.slug]),
        {"kind": "evaluations", "format": "csv", "round": "1", "pseudonymise": "on"},
    )

    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert {row["juror_name"] for row in rows} == {""}
    assert {row["juror_code"] for row in rows} == {
        standings.juror_code(j.pk, scored.edition.pk) for j in scored.jurors
    }


def test_an_export_of_a_round_without_evaluations_is_refused_with_a_reason(client, scored):
    client.force_login(scored.secretariat)
    Evaluation.objects.update(status="draft")

    response = client.get(
        reverse("jury:exports", args=[scored.edition.slug]),
        {"kind": "ranking", "format": "xlsx", "round": "1"},
    )

    assert response.status_code == 400
    assert "No evaluation of round 1" in html.unescape(response.content.decode())


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("=1+1", "'=1+1"),
        ("+44 20", "'+44 20"),
        ("-2", "'-2"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1", "'\t=1"),
        ("Lyon", "Lyon"),
        (-2.5, -2.5),
        (None, None),
    ],
)
def test_text_that_starts_a_formula_is_neutralised_and_numbers_are_not(value, expected):
    assert neutralised(value) == expected


def test_the_jury_report_names_the_winners_with_their_rationale(client, scored):
    from pypdf import PdfReader

    client.force_login(scored.secretariat)
    client.post(
        reverse("jury:shortlist", args=[scored.edition.slug]),
        {"method": "mean", "entries": [e.pk for e in scored.entries[2:]]},
    )
    client.force_login(scored.chair.user)
    decision = reverse("jury:decision", args=[scored.edition.slug])
    client.post(
        decision,
        {"entry": scored.entries[3].pk, "kind": "first", "rationale": "Water for every district."},
    )
    client.post(reverse("jury:confirm", args=[scored.edition.slug]))

    response = client.get(reverse("jury:report", args=[scored.edition.slug]))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert "no-store" in response["Cache-Control"]
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    text = " ".join(text.split())
    assert "1st prize: Partnership 3" in text
    assert "Water for every district." in text
    assert "Finalists" in text and "Partnership 2" in text
    assert "confirmed by the chair, Cha" in text
    assert "Krippendorff" in text
    assert client.get(reverse("jury:report", args=["no-such-edition"])).status_code == 404
    client.force_login(scored.jurors[1].user)
    assert client.get(reverse("jury:report", args=[scored.edition.slug])).status_code == 403


def test_a_juror_orders_the_shortlist_and_the_board_states_the_schulze_order(client, scored):
    from jury import services

    services.confirm_shortlist(
        edition=scored.edition,
        entries=[e.pk for e in scored.entries[1:]],
        method="mean",
        by=scored.secretariat,
    )
    services.open_ballot(edition=scored.edition, by=scored.chair.user)
    juror = scored.jurors[1]
    client.force_login(juror.user)
    url = reverse("jury:ballot", args=[scored.edition.slug])
    first, second, third = scored.entries[1:]

    response = client.post(
        url, {f"place_{first.pk}": "1", f"place_{second.pk}": "1", f"place_{third.pk}": "3"}
    )
    text = html.unescape(response.content.decode())
    assert response.status_code == 400
    assert f"{first.reference} has this place already" in text
    assert 'value="3"' in text  # what was typed is kept

    response = client.post(
        url, {f"place_{first.pk}": "2", f"place_{second.pk}": "1", f"place_{third.pk}": "3"}
    )
    assert response.status_code == 302
    client.force_login(scored.chair.user)
    client.post(reverse("jury:ballot_close", args=[scored.edition.slug]))
    client.force_login(juror.user)
    board = page(client.get(reverse("jury:board", args=[scored.edition.slug])))

    assert "The Schulze order" in board
    assert board.index(second.reference + " · ") < board.index(first.reference + " · ")
    assert "Pairwise preferences" in board


def test_the_chair_keeps_meeting_notes_that_jurors_read(client, scored):
    from jury import services

    services.confirm_shortlist(
        edition=scored.edition,
        entries=[e.pk for e in scored.entries[2:]],
        method="mean",
        by=scored.secretariat,
    )
    entry = scored.entries[3]
    url = reverse("jury:meeting_note", args=[scored.edition.slug])
    client.force_login(scored.jurors[1].user)
    assert client.post(url, {"entry": entry.pk, "text": "Mine."}).status_code == 403

    client.force_login(scored.chair.user)
    response = client.post(url, {"entry": entry.pk, "text": "  Agreed: a model for others.  "})
    assert response.status_code == 302
    response = client.post(url, {"entry": scored.entries[0].pk, "text": "Not shortlisted."})
    assert response.status_code == 302
    assert "Only a shortlisted entry has meeting notes." in page(client.get(response.url))

    client.force_login(scored.jurors[1].user)
    board = page(client.get(reverse("jury:board", args=[scored.edition.slug])))
    assert "Agreed: a model for others." in board
    assert "Not shortlisted." not in board
    assert "<textarea" not in board


# What the second read found -------------------------------------------------------------------


def test_an_undone_shortlist_tells_the_applicant_nothing(client, scored):
    from jury import services
    from tests.factories import MembershipFactory

    entry = scored.entries[3]
    applicant = MembershipFactory(organisation=entry.organisation).user
    services.confirm_shortlist(
        edition=scored.edition, entries=[entry.pk], method="mean", by=scored.secretariat
    )
    services.undo_shortlist(
        edition=scored.edition, by=scored.secretariat, reason="Juror X scored it too kindly."
    )
    client.force_login(applicant)

    text = page(client.get(reverse("awards:entry_detail", args=[entry.pk])))

    assert "too kindly" not in text
    assert "Shortlisted" not in text and "Not shortlisted" not in text


def test_a_conflicted_juror_reads_no_ballot_result_of_that_entry(client, scored):
    from jury import services

    services.confirm_shortlist(
        edition=scored.edition,
        entries=[e.pk for e in scored.entries[1:]],
        method="mean",
        by=scored.secretariat,
    )
    services.open_ballot(edition=scored.edition, by=scored.chair.user)
    order = [e.pk for e in reversed(scored.entries[1:])]
    for juror in scored.jurors:
        services.cast_ballot(edition=scored.edition, by=juror.user, ranking=order)
    services.close_ballot(edition=scored.edition, by=scored.chair.user)
    hidden = scored.entries[2]
    ConflictOfInterest.objects.create(member=scored.jurors[1], entry=hidden, kind="declared")
    client.force_login(scored.jurors[1].user)

    board = page(client.get(reverse("jury:board", args=[scored.edition.slug])))

    assert "The Schulze order" in board
    assert hidden.reference not in board
    assert scored.entries[3].reference in board


def test_the_xlsx_export_drops_control_characters_instead_of_failing(client, scored):
    Evaluation.objects.update(comment="Line one\x0bline two\x1b.")
    CriterionScore.objects.update(comment="Tab\x0bbed")
    client.force_login(scored.secretariat)

    response = client.get(
        reverse("jury:exports", args=[scored.edition.slug]),
        {"kind": "evaluations", "format": "xlsx", "round": "1"},
    )

    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    comments = {row[13].value for row in sheet.iter_rows(min_row=2)}
    assert comments == {"Tabbed"}


def test_a_juror_who_cast_a_ballot_stays_on_the_jury(scored):
    from jury import services
    from jury.models import JuryMember

    services.confirm_shortlist(
        edition=scored.edition, entries=[scored.entries[3].pk], method="mean", by=scored.secretariat
    )
    Evaluation.objects.filter(assignment__member=scored.jurors[2]).delete()
    services.open_ballot(edition=scored.edition, by=scored.chair.user)
    services.cast_ballot(
        edition=scored.edition, by=scored.jurors[2].user, ranking=[scored.entries[3].pk]
    )

    with pytest.raises(services.JuryRefused, match="has cast a ballot"):
        services.remove_juror(member=scored.jurors[2], by=scored.secretariat)

    assert JuryMember.objects.filter(pk=scored.jurors[2].pk).exists()


def test_a_prize_for_an_entry_whose_shortlist_was_undone_meanwhile_is_refused(scored):
    from jury import services

    services.confirm_shortlist(
        edition=scored.edition, entries=[scored.entries[3].pk], method="mean", by=scored.secretariat
    )
    stale = Entry.objects.get(pk=scored.entries[3].pk)  # read by the chair's form: shortlisted
    services.undo_shortlist(edition=scored.edition, by=scored.secretariat, reason="Recount.")

    with pytest.raises(services.DecisionRefused, match="Only a shortlisted entry"):
        services.record_prize(
            edition=scored.edition, entry=stale, kind="first", rationale="x", by=scored.chair.user
        )


def test_the_chairs_report_leaves_out_the_entries_the_chair_is_in_conflict_with(client, scored):
    from pypdf import PdfReader

    conflicted = scored.entries[1]
    ConflictOfInterest.objects.create(member=scored.chair, entry=conflicted, kind="declared")
    client.force_login(scored.chair.user)

    response = client.get(reverse("jury:report", args=[scored.edition.slug]))

    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(response.content)).pages)
    assert conflicted.reference not in text
    assert scored.entries[2].reference in text


def test_a_conflicted_juror_reads_ranks_without_a_gap_where_the_hidden_entry_stands(client, scored):
    juror = scored.jurors[1]
    JurySettings.objects.update_or_create(
        edition=scored.edition, defaults={"jurors_see_ranking": True}
    )
    # Entries score 1, 3, 5, 7 on average: ranks 4, 3, 2, 1. Hide the second best.
    ConflictOfInterest.objects.create(member=juror, entry=scored.entries[2], kind="declared")
    client.force_login(juror.user)

    text = page(client.get(reverse("jury:ranking", args=[scored.edition.slug])))

    ranks = re.findall(r"<tr[^>]*>\s*<td>(\d+)", text)
    assert ranks == ["1", "2", "3"]


@pytest.mark.parametrize("entries", [3, 25])
def test_the_board_takes_the_same_queries_whatever_the_entries(client, entries):
    """The settings and the deliberation are read once each (twice before)."""
    scored = Scored(entries=entries)
    services.confirm_shortlist(
        edition=scored.edition,
        entries=[entry.pk for entry in scored.entries],
        method="mean",
        by=scored.secretariat,
    )
    client.force_login(scored.secretariat)
    url = reverse("jury:board", args=[scored.edition.slug])
    client.get(url)

    with CaptureQueriesContext(connection) as queries:
        text = page(client.get(url))
    assert scored.entries[-1].reference in text

    assert len(queries) == QUERIES_BOARD


QUERIES_BOARD = 16
