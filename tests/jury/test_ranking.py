"""The ranking's figures against values worked out by hand (the working is in the comments)."""

import math

import pytest

from jury.ranking import Score, kendall_w, krippendorff_alpha, rank_round, schulze

A, B, C = 1, 2, 3
J1, J2, J3 = 11, 12, 13

# J1 scores three entries, J2 two, J3 one.
SMALL_ROUND = [
    Score(J1, A, 6),
    Score(J1, B, 9),
    Score(J1, C, 7),
    Score(J2, A, 8),
    Score(J2, B, 4),
    Score(J3, B, 5),
]


def figures(scores, **kwargs):
    return {row.entry: row for row in rank_round(scores, **kwargs).entries}


def test_mean_median_stdev_and_disagreement():
    rows = figures(SMALL_ROUND)

    # A: 6, 8 -> mean 7, median 7, sd sqrt(((6-7)^2 + (8-7)^2) / 1) = sqrt(2)
    assert (rows[A].evaluations, rows[A].mean, rows[A].median) == (2, 7, 7)
    assert rows[A].stdev == pytest.approx(math.sqrt(2))
    # B: 9, 4, 5 -> mean 6, median 5, sd sqrt((9 + 4 + 1) / 2) = sqrt(7) >= 2: disagreement
    assert (rows[B].evaluations, rows[B].mean, rows[B].median) == (3, 6, 5)
    assert rows[B].stdev == pytest.approx(math.sqrt(7))
    assert (rows[A].disagreement, rows[B].disagreement) == (False, True)
    # C: one evaluation, no spread.
    assert (rows[C].evaluations, rows[C].mean, rows[C].stdev, rows[C].disagreement) == (
        1,
        7,
        None,
        False,
    )


def test_median_of_an_even_count_is_the_mean_of_the_middle_two():
    rows = figures([Score(J1, A, 2), Score(J2, A, 5), Score(J3, A, 6), Score(14, A, 10)])

    assert rows[A].median == 5.5


def test_equal_values_share_the_best_rank_and_are_marked_tied():
    rows = figures(SMALL_ROUND)

    # By mean: A 7, C 7, B 6 -> 1, 1, 3.
    assert [rows[e].ranks["mean"] for e in (A, C, B)] == [1, 1, 3]
    assert ("mean" in rows[A].tied, "mean" in rows[C].tied, "mean" in rows[B].tied) == (
        True,
        True,
        False,
    )


def test_a_tie_break_chosen_by_the_edition_orders_only_the_tied():
    # The edition breaks ties by more evaluations: A (2) before C (1).
    counts = {A: 2, B: 3, C: 1}

    rows = figures(SMALL_ROUND, tie_break=lambda entry: (counts[entry],))

    assert [rows[e].ranks["mean"] for e in (A, C, B)] == [1, 2, 3]
    assert not any("mean" in rows[e].tied for e in (A, B, C))


def test_normalised_mean_with_a_juror_under_m_evaluations():
    rows = figures(SMALL_ROUND, min_evaluations=3)

    # The round: 6, 9, 7, 8, 4, 5 -> mean 39/6 = 6.5, sd sqrt(17.5 / 5) = sqrt(3.5).
    round_mean, round_sd = 6.5, math.sqrt(3.5)
    # J1 has 3 (= M) evaluations: own mean 22/3, sd sqrt((16/9 + 25/9 + 1/9) / 2) = sqrt(7/3).
    j1_mean, j1_sd = 22 / 3, math.sqrt(7 / 3)
    # J2 (2 evaluations) and J3 (1) are measured against the round.
    z = {
        A: [(6 - j1_mean) / j1_sd, (8 - round_mean) / round_sd],
        B: [(9 - j1_mean) / j1_sd, (4 - round_mean) / round_sd, (5 - round_mean) / round_sd],
        C: [(7 - j1_mean) / j1_sd],
    }
    for entry, zs in z.items():
        expected = round_mean + round_sd * sum(zs) / len(zs)
        assert rows[entry].normalised_mean == pytest.approx(expected)
    # Worked to six places: A 6.433503, B 5.847080, C 6.091752.
    assert [round(rows[e].normalised_mean, 6) for e in (A, B, C)] == [6.433503, 5.84708, 6.091752]


def test_a_harsh_and_a_lenient_juror_whose_z_scores_change_the_order():
    harsh, lenient = 21, 22
    p, q = 31, 32
    scores = [
        # The harsh juror: 6 is their best by far (mean 11/3, sd sqrt(13/3)).
        Score(harsh, p, 6),
        Score(harsh, 33, 2),
        Score(harsh, 34, 3),
        # The lenient juror: 8 is their worst (mean 9, sd 1).
        Score(lenient, q, 8),
        Score(lenient, 35, 9),
        Score(lenient, 36, 10),
    ]

    rows = figures(scores)

    assert (rows[q].ranks["mean"], rows[p].ranks["mean"]) == (3, 4)
    assert rows[p].ranks["normalised_mean"] < rows[q].ranks["normalised_mean"]


def test_borda_points_from_jurors_with_two_or_more_evaluations():
    rows = figures(SMALL_ROUND)

    # J1 orders B (9), C (7), A (6): points (3 - r) / 2 -> B 1, C 0.5, A 0.
    # J2 orders A (8), B (4): A 1, B 0. J3 scored one entry: no points.
    # A: 100 * mean(0, 1) = 50; B: 100 * mean(1, 0) = 50; C: 100 * 0.5 = 50.
    assert [rows[e].borda for e in (A, B, C)] == [50, 50, 50]
    assert [rows[e].ranks["borda"] for e in (A, B, C)] == [1, 1, 1]


def test_borda_ties_share_the_average_position():
    # One juror: X 8, Y 8, Z 2 -> positions 1.5, 1.5, 3 -> points 0.75, 0.75, 0.
    rows = figures([Score(J1, A, 8), Score(J1, B, 8), Score(J1, C, 2)])

    assert [rows[e].borda for e in (A, B, C)] == [75, 75, 0]


def test_borda_is_empty_when_no_juror_gave_points():
    rows = figures([Score(J1, A, 8), Score(J2, B, 7)])

    assert (rows[A].borda, rows[B].borda, rows[A].ranks["borda"]) == (None, None, None)


def test_juror_severity_against_the_jury():
    severity = {row.juror: row for row in rank_round(SMALL_ROUND).jurors}

    # J1: 6, 9, 7 -> mean 22/3, 22/3 - 6.5 = 5/6 above the jury.
    assert severity[J1].count == 3
    assert severity[J1].mean == pytest.approx(22 / 3)
    assert severity[J1].stdev == pytest.approx(math.sqrt(7 / 3))
    assert severity[J1].against_jury == pytest.approx(5 / 6)
    # J3: one evaluation, 5 -> 1.5 below, no spread.
    assert (severity[J3].count, severity[J3].stdev) == (1, None)
    assert severity[J3].against_jury == pytest.approx(-1.5)


def test_krippendorff_alpha_on_a_partial_assignment():
    # Units 1, 2 | 3, 3 | 5 (alone: not pairable). n = 4 values.
    # D_o = (2 / (2 - 1) + 0) / 4 = 0.5; D_e = 2 * (1 + 4 + 4 + 1 + 1 + 0) / (4 * 3) = 22 / 12.
    assert krippendorff_alpha([[1, 2], [3, 3], [5]]) == pytest.approx(1 - 0.5 / (22 / 12))


def test_krippendorff_alpha_matches_the_published_example():
    # Krippendorff's reliability data (4 observers, 12 units, gaps where nobody coded):
    # interval alpha = 0.849 as published.
    units = [
        [1, 1, 1],
        [2, 2, 3, 2],
        [3, 3, 3, 3],
        [3, 3, 3, 3],
        [2, 2, 2, 2],
        [1, 2, 3, 4],
        [4, 4, 4, 4],
        [1, 1, 2, 1],
        [2, 2, 2, 2],
        [5, 5, 5],
        [1, 1],
        [3],
    ]

    assert round(krippendorff_alpha(units), 3) == 0.849


def test_krippendorff_alpha_undefined_without_two_pairable_units():
    assert krippendorff_alpha([[1, 2], [4]]) is None


def test_kendall_w_with_ties_on_a_complete_assignment():
    scores = [
        Score(J1, A, 9), Score(J1, B, 7), Score(J1, C, 5),  # ranks 1, 2, 3
        Score(J2, A, 8), Score(J2, B, 8), Score(J2, C, 3),  # 1.5, 1.5, 3 (T = 2³ - 2 = 6)
        Score(J3, A, 6), Score(J3, B, 7), Score(J3, C, 4),  # 2, 1, 3
    ]  # fmt: skip

    # R = 4.5, 4.5, 9; mean 6; S = 2.25 + 2.25 + 9 = 13.5;
    # W = 12 * 13.5 / (3² * (3³ - 3) - 3 * 6) = 162 / 198.
    assert kendall_w(scores) == pytest.approx(162 / 198)
    assert rank_round(scores).kendall_w == pytest.approx(9 / 11)


def test_kendall_w_undefined_on_a_partial_assignment():
    assert kendall_w(SMALL_ROUND) is None


def test_schulze_with_a_cycle():
    # The method's classic example: 45 voters, 5 candidates, a majority cycle.
    a, b, c, d, e = "ABCDE"
    groups = [
        (5, "ACBED"),
        (5, "ADECB"),
        (8, "BEDAC"),
        (3, "CABED"),
        (7, "CAEBD"),
        (2, "CBADE"),
        (7, "DCEBA"),
        (8, "EBADC"),
    ]
    ballots = [list(order) for count, order in groups for _ in range(count)]

    result = schulze(ballots, [a, b, c, d, e])

    # A beats B 20 to 25, C 26 to 19, D 30 to 15, E 22 to 23.
    assert result.pairwise[0] == [0, 20, 26, 30, 22]
    assert result.strongest_paths == [
        [0, 28, 28, 30, 24],
        [25, 0, 28, 33, 24],
        [25, 29, 0, 29, 24],
        [25, 28, 28, 0, 24],
        [25, 28, 28, 31, 0],
    ]
    assert result.places == [[e], [a], [c], [b], [d]]


def test_schulze_states_a_tie():
    # Two voters, opposite orders: nobody is preferred.
    result = schulze([[A, B], [B, A]], [A, B])

    assert result.places == [[A, B]]


def test_ranks_among_the_entries_shown_leave_no_gap_and_no_tie_with_a_hidden_one():
    from jury.ranking import ranks_among

    # Means 9, 8, 8, 6, 5: ranks 1, 2, 2, 4, 5.
    scores = [Score(j, e, v) for e, v in enumerate([9, 8, 8, 6, 5], start=1) for j in (1, 2)]
    figures = rank_round(scores).entries
    assert [f.ranks["mean"] for f in figures] == [1, 2, 2, 4, 5]

    shown = ranks_among(figures, left_out=[3, 4])

    assert [(f.entry, f.ranks["mean"]) for f in shown] == [(1, 1), (2, 2), (5, 3)]
    assert not any("mean" in f.tied for f in shown)
    # The originals are untouched: the secretariat's page still reads them.
    assert [f.ranks["mean"] for f in figures] == [1, 2, 2, 4, 5]
    assert "mean" in figures[1].tied
