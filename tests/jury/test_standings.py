"""The round's scores as the database gives them to the ranking: the weighted score worked out
by hand, what counts and what does not, the tie-break the edition chose, and a query count
that does not grow with the entries."""

import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from awards.models import Entry
from jury import standings
from jury.models import (
    Assignment,
    ConflictOfInterest,
    Criterion,
    CriterionScore,
    Evaluation,
    JurySettings,
)
from jury.ranking import Score
from tests.factories import EditionFactory, EntryFactory, JuryMemberFactory

pytestmark = pytest.mark.django_db

NA = None


def rubric(edition):
    """Impact (weight 2, 0 to 10) and Sustainability (weight 1, 1 to 5)."""
    Criterion.objects.filter(edition=edition).delete()
    return (
        Criterion.objects.create(edition=edition, position=1, name="Impact", weight=2),
        Criterion.objects.create(
            edition=edition, position=2, name="Sustainability", weight=1, scale_min=1, scale_max=5
        ),
    )


def in_review(edition, **kwargs) -> Entry:
    entry = EntryFactory(edition=edition, **kwargs)
    Entry.objects.filter(pk=entry.pk).update(state="in_review")
    entry.refresh_from_db()
    return entry


def evaluate(member, entry, values, *, status="submitted", round=1) -> Evaluation:
    assignment = Assignment.objects.create(member=member, entry=entry, round=round)
    evaluation = Evaluation.objects.create(
        assignment=assignment,
        status=status,
        submitted_at=timezone.now() if status == "submitted" else None,
    )
    for criterion, value in zip(member.edition.criteria.order_by("position"), values, strict=True):
        CriterionScore.objects.create(
            evaluation=evaluation,
            criterion=criterion,
            value=None if value is NA else Decimal(value),
            not_applicable=value is NA,
        )
    return evaluation


@pytest.fixture
def edition():
    edition = EditionFactory(phase="jury_review")
    rubric(edition)
    return edition


def test_each_evaluation_weighted_on_zero_to_ten_with_n_a_left_out(edition):
    one, two = JuryMemberFactory(edition=edition), JuryMemberFactory(edition=edition)
    entry = in_review(edition)
    evaluate(one, entry, ["7", "3"])
    evaluate(two, entry, ["8", NA])

    scores = sorted(standings.round_scores(edition), key=lambda s: s.juror)

    # (2 * 7 + 1 * (3 - 1) / 4 * 10) / 3 = 19 / 3; n/a is left out, never 0: 8.
    assert [(s.juror, s.entry) for s in scores] == [(one.pk, entry.pk), (two.pk, entry.pk)]
    assert scores[0].value == pytest.approx(19 / 3, abs=1e-9)
    assert scores[1].value == pytest.approx(8.0, abs=1e-9)


def test_only_submitted_unconflicted_evaluations_of_the_round_and_live_entries_count(edition):
    one, two, three = (JuryMemberFactory(edition=edition) for _ in range(3))
    entry, withdrawn = in_review(edition), in_review(edition)
    Entry.objects.filter(pk=withdrawn.pk).update(state="withdrawn")
    evaluate(one, entry, ["6", "5"])
    evaluate(two, entry, ["9", "5"], status="draft")
    evaluate(three, entry, ["2", "1"])
    ConflictOfInterest.objects.create(member=three, entry=entry, kind="declared")
    evaluate(one, entry, ["10", "5"], round=2)
    evaluate(one, withdrawn, ["10", "5"])
    lifted = JuryMemberFactory(edition=edition)
    evaluate(lifted, entry, ["4", "3"])
    ConflictOfInterest.objects.create(
        member=lifted, entry=entry, kind="declared", lifted_at=timezone.now()
    )
    all_na = JuryMemberFactory(edition=edition)
    evaluate(all_na, entry, [NA, NA])

    assert sorted(standings.round_scores(edition, 1), key=lambda s: s.juror) == [
        Score(juror=one.pk, entry=entry.pk, value=pytest.approx((12 + 10) / 3)),
        Score(juror=lifted.pk, entry=entry.pk, value=pytest.approx((8 + 5) / 3)),
    ]
    assert standings.round_scores(edition, 2) == [Score(one.pk, entry.pk, pytest.approx(10.0))]


def test_fractions_of_a_scale_are_kept_on_every_database(edition):
    """(2.5 - 0) / 10 and (2 - 1) / 4 are both a quarter: SQLite's integer division would
    make 2 of the 2.5 on 0 to 10."""
    entry = in_review(edition)
    evaluate(JuryMemberFactory(edition=edition), entry, ["2.5", "2"])

    (score,) = standings.round_scores(edition)

    assert score.value == pytest.approx(2.5, abs=1e-9)


def test_standings_break_ties_on_the_chosen_criterion_and_say_so(edition):
    _impact, sustainability = edition.criteria.order_by("position")
    one, two = JuryMemberFactory(edition=edition), JuryMemberFactory(edition=edition)
    first, second = in_review(edition), in_review(edition)
    # Both weigh 17 / 3 overall; on Sustainability the second entry does better.
    for juror in (one, two):
        evaluate(juror, first, ["6", "3"])  # (2 * 6 + 5) / 3
        evaluate(juror, second, ["5", "3.8"])  # (2 * 5 + 7) / 3
    settings = JurySettings.objects.create(
        edition=edition, tie_break="criterion", tie_break_criterion=sustainability
    )

    result = standings.standings(edition, settings=settings)

    by_entry = {figures.entry: figures for figures in result.figures.entries}
    assert by_entry[first.pk].mean == pytest.approx(by_entry[second.pk].mean)
    assert (by_entry[second.pk].ranks["mean"], by_entry[first.pk].ranks["mean"]) == (1, 2)
    assert "mean" not in by_entry[first.pk].tied
    assert result.tie_break == "ties broken by the higher mean on “Sustainability”"

    settings.tie_break = ""
    untied = standings.standings(edition, settings=settings)
    assert [f.ranks["mean"] for f in untied.figures.entries] == [1, 1]
    assert untied.tie_break == ""


def test_a_round_with_no_submitted_evaluation_is_refused_with_a_reason(edition):
    evaluate(JuryMemberFactory(edition=edition), in_review(edition), ["7", "3"], status="draft")
    settings = JurySettings.objects.create(edition=edition)

    with pytest.raises(standings.NoScores) as refusal:
        standings.standings(edition, round=1, settings=settings)

    assert "No evaluation of round 1 has been submitted yet" in str(refusal.value)


@pytest.mark.parametrize("entries", [3, 30])
def test_standings_take_the_same_queries_whatever_the_number_of_entries(edition, entries):
    sustainability = edition.criteria.get(position=2)
    jurors = [JuryMemberFactory(edition=edition) for _ in range(3)]
    for number in range(entries):
        entry = in_review(edition)
        for juror in jurors:
            evaluate(juror, entry, [str(number % 10), "3"])
    settings = JurySettings.objects.create(
        edition=edition, tie_break="criterion", tie_break_criterion=sustainability
    )
    settings = JurySettings.objects.select_related("tie_break_criterion").get(pk=settings.pk)

    with CaptureQueriesContext(connection) as queries:
        result = standings.standings(edition, settings=settings)

    assert len(result.figures.entries) == entries
    assert len(queries) == 2


def test_juror_codes_are_stable_and_tell_nothing(edition):
    one, two = JuryMemberFactory(edition=edition), JuryMemberFactory(edition=edition)

    code = standings.juror_code(one, edition.pk)

    assert code == standings.juror_code(one.pk, edition.pk)
    assert code != standings.juror_code(two, edition.pk)
    assert re.fullmatch(r"J-[0-9A-F]{8}", code)
    # The same id in another edition is another pseudonym: codes cannot be matched across.
    assert code != standings.juror_code(one.pk, edition.pk + 1)
