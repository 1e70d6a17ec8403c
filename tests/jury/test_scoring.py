import datetime
from decimal import Decimal

import pytest
import time_machine
from django.utils import timezone

from jury.models import (
    Assignment,
    ConflictOfInterest,
    Criterion,
    CriterionScore,
    Evaluation,
    JurySettings,
)
from jury.scoring import (
    NOT_APPLICABLE,
    ScoringRefused,
    evaluation_for,
    reopen_evaluation,
    save_scores,
    submit_evaluation,
    weighted_score,
)
from jury.selectors import assignments_for_juror, juror_progress, visible_scores
from jury.services import add_default_criteria
from tests.factories import (
    EditionFactory,
    EntryFactory,
    JuryMemberFactory,
    SecretariatFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

STRATEGY = "Strategic approach and objectives"
RESULTS = "Results and local impact"


@pytest.fixture
def edition():
    """An edition whose scoring window is open now: opened yesterday, closes in ten days."""
    now = timezone.now().replace(microsecond=0)
    return EditionFactory(
        phase="jury_review",
        scoring_opens=now - datetime.timedelta(days=1),
        scoring_deadline=now + datetime.timedelta(days=10),
    )


@pytest.fixture
def criteria(edition):
    add_default_criteria(edition=edition)
    return list(edition.criteria.all())


@pytest.fixture
def entry(edition):
    return EntryFactory(edition=edition)


@pytest.fixture
def assignment(edition, entry, criteria):
    return Assignment.objects.create(member=JuryMemberFactory(edition=edition), entry=entry)


def save(assignment, **kwargs):
    """save_scores by the assigned juror, with empty input unless given."""
    arguments = {"by": assignment.member.user, "scores": {}, "comments": {}, **kwargs}
    return save_scores(assignment=assignment, **arguments)


def score_and_submit(assignment, criteria, value=Decimal("7")):
    save(assignment, scores={criterion.pk: value for criterion in criteria})
    return submit_evaluation(assignment=assignment, by=assignment.member.user)


def stored(assignment):
    """{criterion name: (value, not_applicable, comment)} as in the database."""
    return {
        score.criterion.name: (score.value, score.not_applicable, score.comment)
        for score in CriterionScore.objects.filter(
            evaluation__assignment=assignment
        ).select_related("criterion")
    }


def conflict(member, entry, **kwargs):
    return ConflictOfInterest.objects.create(
        member=member, entry=entry, kind=ConflictOfInterest.Kind.DECLARED, **kwargs
    )


# Drafts ------------------------------------------------------------------------------------


def test_evaluation_for_creates_one_draft_and_returns_it_again(assignment):
    first = evaluation_for(assignment=assignment)
    second = evaluation_for(assignment=assignment)

    assert first.pk == second.pk
    assert first.status == Evaluation.Status.DRAFT
    assert Evaluation.objects.count() == 1


def test_save_scores_stores_values_comments_and_overall_comment(assignment, criteria):
    strategy, results = criteria[0], criteria[1]

    evaluation = save(
        assignment,
        scores={strategy.pk: Decimal("8"), results.pk: Decimal("6.5")},
        comments={strategy.pk: "  Clear goals. "},
        overall_comment=" Strong. ",
    )

    assert stored(assignment) == {
        STRATEGY: (Decimal("8"), False, "Clear goals."),
        RESULTS: (Decimal("6.5"), False, ""),
    }
    evaluation.refresh_from_db()
    assert (evaluation.status, evaluation.comment) == (Evaluation.Status.DRAFT, "Strong.")


def test_save_scores_leaves_criteria_not_given_as_they_are(assignment, criteria):
    strategy, results = criteria[0], criteria[1]
    save(assignment, scores={strategy.pk: Decimal("8")}, comments={strategy.pk: "Good"})
    save(assignment, scores={results.pk: Decimal("3")}, overall_comment="First pass")

    evaluation = save(assignment, comments={results.pk: "Thin"})

    assert stored(assignment) == {
        STRATEGY: (Decimal("8"), False, "Good"),
        RESULTS: (Decimal("3"), False, "Thin"),
    }
    evaluation.refresh_from_db()
    assert evaluation.comment == "First pass"


def test_save_scores_not_applicable_stores_null_never_zero(assignment, criteria):
    strategy = criteria[0]
    save(assignment, scores={strategy.pk: Decimal("8")})

    save(assignment, scores={strategy.pk: NOT_APPLICABLE})

    assert stored(assignment) == {STRATEGY: (None, True, "")}


def test_save_scores_blank_value_clears_score_and_na_mark(assignment, criteria):
    strategy, results = criteria[0], criteria[1]
    save(assignment, scores={strategy.pk: Decimal("8"), results.pk: NOT_APPLICABLE})

    save(assignment, scores={strategy.pk: None, results.pk: None})

    assert stored(assignment) == {STRATEGY: (None, False, ""), RESULTS: (None, False, "")}


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (Decimal("NaN"), f"The score for “{STRATEGY}” must be a number."),
        (Decimal("Infinity"), f"The score for “{STRATEGY}” must be a number."),
        (Decimal("10.01"), f"The score for “{STRATEGY}” must be between 0 and 10."),
        (Decimal("-1"), f"The score for “{STRATEGY}” must be between 0 and 10."),
        (11, f"The score for “{STRATEGY}” must be between 0 and 10."),
        (Decimal("7.555"), f"The score for “{STRATEGY}” may have at most two decimals."),
    ],
)
def test_save_scores_refuses_bad_value_and_writes_nothing(assignment, criteria, value, message):
    strategy, results = criteria[0], criteria[1]

    with pytest.raises(ScoringRefused) as refused:
        save(assignment, scores={results.pk: Decimal("5"), strategy.pk: value}, overall_comment="x")

    assert str(refused.value) == message
    assert CriterionScore.objects.count() == 0
    assert Evaluation.objects.count() == 0


@pytest.mark.parametrize("value", ["7,5", "7", 7.5, True])
def test_save_scores_takes_numbers_not_what_a_person_typed(assignment, criteria, value):
    with pytest.raises(TypeError):
        save(assignment, scores={criteria[0].pk: value})

    assert CriterionScore.objects.count() == 0


def test_save_scores_takes_a_whole_number_as_it_is(assignment, criteria):
    save(assignment, scores={criteria[0].pk: 7})

    assert stored(assignment) == {STRATEGY: (Decimal("7"), False, "")}


@pytest.mark.parametrize(
    ("comment", "overall", "message"),
    [
        (
            "x" * 5001,
            None,
            f"“{STRATEGY}”: Ensure this value has at most 5000 characters (it has 5001).",
        ),
        ("a\x00b", None, f"“{STRATEGY}”: Null characters are not allowed."),
        (None, "y" * 5001, "Ensure this value has at most 5000 characters (it has 5001)."),
    ],
)
def test_save_scores_refuses_a_comment_that_cannot_be_stored(
    assignment, criteria, comment, overall, message
):
    comments = {} if comment is None else {criteria[0].pk: comment}

    with pytest.raises(ScoringRefused) as refused:
        save(assignment, comments=comments, overall_comment=overall)

    assert str(refused.value) == message
    assert CriterionScore.objects.count() == 0


def test_save_scores_refusal_names_the_criterion_and_its_own_scale(assignment, criteria):
    Criterion.objects.filter(pk=criteria[1].pk).update(scale_min=1, scale_max=5)

    with pytest.raises(ScoringRefused) as refused:
        save(assignment, scores={criteria[1].pk: Decimal("6")})

    assert str(refused.value) == f"The score for “{RESULTS}” must be between 1 and 5."


def test_save_scores_refuses_criterion_of_another_edition(assignment, criteria):
    foreign = add_default_criteria(edition=EditionFactory())[0]
    foreign_pk = Criterion.objects.get(edition=foreign.edition, position=1).pk

    with pytest.raises(ScoringRefused) as refused:
        save(assignment, comments={foreign_pk: "Hello"})

    assert str(refused.value) == (f"There is no criterion {foreign_pk} in this edition's rubric.")


# Who and when --------------------------------------------------------------------------------


def test_save_scores_refused_for_anyone_but_the_assigned_juror(assignment, criteria):
    other_juror = JuryMemberFactory(edition=assignment.member.edition)

    for person in [UserFactory(), SecretariatFactory(), other_juror.user]:
        with pytest.raises(ScoringRefused) as refused:
            save(assignment, by=person, scores={criteria[0].pk: Decimal("5")})
        assert str(refused.value) == "Only the juror assigned to this entry may score it."
    assert Evaluation.objects.count() == 0


def test_save_scores_refused_with_active_conflict_allowed_once_lifted(assignment, criteria):
    coi = conflict(assignment.member, assignment.entry)

    with pytest.raises(ScoringRefused) as refused:
        save(assignment, scores={criteria[0].pk: Decimal("5")})
    assert str(refused.value) == (
        "You have a conflict of interest with this entry, so you may not score it."
    )

    ConflictOfInterest.objects.filter(pk=coi.pk).update(lifted_at=timezone.now())
    save(assignment, scores={criteria[0].pk: Decimal("5")})
    assert stored(assignment) == {STRATEGY: (Decimal("5"), False, "")}


def test_save_scores_refused_before_scoring_opens(assignment, criteria, edition):
    early = edition.scoring_opens - datetime.timedelta(seconds=1)
    with time_machine.travel(early, tick=False), pytest.raises(ScoringRefused) as refused:
        save(assignment, scores={criteria[0].pk: Decimal("5")})

    assert str(refused.value) == "Scoring for this edition has not opened yet."


def test_save_scores_allowed_at_deadline_refused_one_second_later(assignment, criteria, edition):
    with time_machine.travel(edition.scoring_deadline, tick=False):
        save(assignment, scores={criteria[0].pk: Decimal("5")})

    late = edition.scoring_deadline + datetime.timedelta(seconds=1)
    with time_machine.travel(late, tick=False), pytest.raises(ScoringRefused) as refused:
        save(assignment, scores={criteria[0].pk: Decimal("6")})

    assert str(refused.value) == "The scoring deadline for this edition has passed."
    assert stored(assignment) == {STRATEGY: (Decimal("5"), False, "")}


# Submission ----------------------------------------------------------------------------------


def test_submit_refused_until_every_criterion_is_scored_or_na(assignment, criteria):
    save(assignment, scores={c.pk: Decimal("6") for c in criteria[:3]})

    with pytest.raises(ScoringRefused) as refused:
        submit_evaluation(assignment=assignment, by=assignment.member.user)

    assert str(refused.value) == (
        "Score every criterion, or mark it n/a. Still open: Active citizenship, "
        "Development effectiveness and policy coherence."
    )
    assert Evaluation.objects.get().status == Evaluation.Status.DRAFT


def test_submit_sets_status_and_time_and_accepts_na(assignment, criteria):
    save(
        assignment,
        scores={c.pk: Decimal("6") for c in criteria[:4]} | {criteria[4].pk: NOT_APPLICABLE},
    )
    moment = timezone.now().replace(microsecond=0)

    with time_machine.travel(moment, tick=False):
        evaluation = submit_evaluation(assignment=assignment, by=assignment.member.user)

    evaluation.refresh_from_db()
    assert (evaluation.status, evaluation.submitted_at) == (Evaluation.Status.SUBMITTED, moment)


def test_submit_locks_the_evaluation(assignment, criteria):
    score_and_submit(assignment, criteria)
    message = "This evaluation is already submitted; only the secretariat can reopen it."

    with pytest.raises(ScoringRefused) as second_submit:
        submit_evaluation(assignment=assignment, by=assignment.member.user)
    with pytest.raises(ScoringRefused) as later_save:
        save(assignment, scores={criteria[0].pk: Decimal("1")})

    assert (str(second_submit.value), str(later_save.value)) == (message, message)
    assert stored(assignment)[STRATEGY] == (Decimal("7"), False, "")


def test_submit_refused_when_edition_has_no_criteria(edition, entry):
    assignment = Assignment.objects.create(member=JuryMemberFactory(edition=edition), entry=entry)

    with pytest.raises(ScoringRefused) as refused:
        submit_evaluation(assignment=assignment, by=assignment.member.user)

    assert str(refused.value) == "This edition has no scoring criteria yet."


@pytest.mark.parametrize(
    ("situation", "message"),
    [
        ("stranger", "Only the juror assigned to this entry may score it."),
        ("conflict", "You have a conflict of interest with this entry, so you may not score it."),
        ("early", "Scoring for this edition has not opened yet."),
        ("late", "The scoring deadline for this edition has passed."),
    ],
)
def test_submit_refused_like_save(assignment, criteria, edition, situation, message):
    save(assignment, scores={c.pk: Decimal("5") for c in criteria})
    by = UserFactory() if situation == "stranger" else assignment.member.user
    if situation == "conflict":
        conflict(assignment.member, assignment.entry)
    moment = {
        "early": edition.scoring_opens - datetime.timedelta(seconds=1),
        "late": edition.scoring_deadline + datetime.timedelta(seconds=1),
    }.get(situation, timezone.now())

    with time_machine.travel(moment, tick=False), pytest.raises(ScoringRefused) as refused:
        submit_evaluation(assignment=assignment, by=by)

    assert str(refused.value) == message
    assert Evaluation.objects.get().status == Evaluation.Status.DRAFT


# Reopening -----------------------------------------------------------------------------------


def test_reopen_refused_to_anyone_but_the_secretariat(assignment, criteria):
    evaluation = score_and_submit(assignment, criteria)
    chair = JuryMemberFactory(edition=assignment.member.edition, is_chair=True)

    for person in [assignment.member.user, chair.user]:
        with pytest.raises(ScoringRefused) as refused:
            reopen_evaluation(evaluation=evaluation, by=person, reason="Typo")
        assert str(refused.value) == "Only the secretariat may reopen an evaluation."
    assert Evaluation.objects.get().status == Evaluation.Status.SUBMITTED


def test_reopen_requires_a_reason(assignment, criteria):
    evaluation = score_and_submit(assignment, criteria)

    with pytest.raises(ScoringRefused) as refused:
        reopen_evaluation(evaluation=evaluation, by=SecretariatFactory(), reason="  ")

    assert str(refused.value) == "Say why the evaluation is reopened: a reason is required."
    assert Evaluation.objects.get().status == Evaluation.Status.SUBMITTED


def test_reopen_refused_for_a_draft(assignment, criteria):
    evaluation = save(assignment, scores={criteria[0].pk: Decimal("5")})

    with pytest.raises(ScoringRefused) as refused:
        reopen_evaluation(evaluation=evaluation, by=SecretariatFactory(), reason="Typo")

    assert str(refused.value) == "This evaluation is not submitted, so there is nothing to reopen."


def test_reopen_gives_back_a_draft_with_its_scores(assignment, criteria):
    evaluation = score_and_submit(assignment, criteria)

    reopen_evaluation(evaluation=evaluation, by=SecretariatFactory(), reason=" Wrong entry read ")

    evaluation.refresh_from_db()
    assert (evaluation.status, evaluation.submitted_at, evaluation.reopened_reason) == (
        Evaluation.Status.DRAFT,
        None,
        "Wrong entry read",
    )
    assert sorted(v for v, _, _ in stored(assignment).values()) == [Decimal("7")] * 5
    save(assignment, scores={criteria[0].pk: Decimal("9")})
    assert stored(assignment)[STRATEGY] == (Decimal("9"), False, "")


DEADLINE = datetime.datetime(2031, 6, 30, 17, 0, tzinfo=datetime.UTC)
DAY = datetime.timedelta(days=1)


@pytest.mark.parametrize(
    ("open_until", "closes"),
    [(None, DEADLINE), (DEADLINE - DAY, DEADLINE), (DEADLINE + DAY, DEADLINE + DAY)],
)
def test_an_evaluation_closes_at_the_deadline_or_the_later_time_given(open_until, closes):
    assert Evaluation.closes_at(DEADLINE, open_until) == closes


# Weighted score ------------------------------------------------------------------------------


def fresh(evaluation):
    return Evaluation.objects.prefetch_related("scores__criterion").get(pk=evaluation.pk)


def test_weighted_score_leaves_na_out_instead_of_counting_zero(assignment, criteria):
    evaluation = save(
        assignment, scores={criteria[0].pk: Decimal("8"), criteria[1].pk: NOT_APPLICABLE}
    )

    assert weighted_score(fresh(evaluation)) == Decimal("8")
    assert stored(assignment)[RESULTS] == (None, True, "")


def test_weighted_score_is_none_without_any_value(assignment, criteria):
    evaluation = save(assignment, scores={criteria[0].pk: NOT_APPLICABLE, criteria[1].pk: None})

    assert weighted_score(fresh(evaluation)) is None


def test_weighted_score_applies_weights(assignment, criteria):
    Criterion.objects.filter(pk=criteria[1].pk).update(weight=3)
    evaluation = save(
        assignment, scores={criteria[0].pk: Decimal("8"), criteria[1].pk: Decimal("4")}
    )

    # (1 * 8 + 3 * 4) / (1 + 3)
    assert weighted_score(fresh(evaluation)) == Decimal("5")


def test_weighted_score_is_none_when_scored_criteria_weigh_nothing(assignment, criteria):
    Criterion.objects.filter(pk=criteria[0].pk).update(weight=0)
    evaluation = save(assignment, scores={criteria[0].pk: Decimal("8")})

    assert weighted_score(fresh(evaluation)) is None


def test_weighted_score_normalises_each_scale_to_ten(assignment, criteria):
    Criterion.objects.filter(pk__in=[criteria[0].pk, criteria[1].pk]).update(
        scale_min=1, scale_max=5
    )
    top = save(assignment, scores={criteria[0].pk: Decimal("5")})
    assert weighted_score(fresh(top)) == Decimal("10")

    # 3 on a 1 to 5 scale is half way (5), 2 on 0 to 10 stays 2: (5 + 2) / 2.
    mixed = save(assignment, scores={criteria[0].pk: Decimal("3"), criteria[2].pk: Decimal("2")})
    assert weighted_score(fresh(mixed)) == Decimal("3.5")


# Visibility of others' scores ----------------------------------------------------------------


@pytest.fixture
def panel(edition, entry, criteria):
    """The viewer and two other jurors assigned to the same entry."""
    return [
        Assignment.objects.create(member=JuryMemberFactory(edition=edition), entry=entry)
        for _ in range(3)
    ]


def visible_to(viewer_assignment):
    return list(
        visible_scores(entry=viewer_assignment.entry, viewer_member=viewer_assignment.member)
    )


def test_visible_scores_nothing_while_own_evaluation_is_not_submitted(panel, criteria):
    viewer, other, _ = panel
    score_and_submit(other, criteria)
    save(viewer, scores={c.pk: Decimal("5") for c in criteria})

    assert visible_to(viewer) == []


def test_visible_scores_others_submitted_only_once_own_is_submitted(panel, criteria):
    viewer, submitted, draft = panel
    other = score_and_submit(submitted, criteria, value=Decimal("9"))
    save(draft, scores={c.pk: Decimal("2") for c in criteria})
    score_and_submit(viewer, criteria)

    assert visible_to(viewer) == [other]


def test_visible_scores_nothing_with_an_active_conflict(panel, criteria):
    viewer, other, _ = panel
    score_and_submit(other, criteria)
    score_and_submit(viewer, criteria)
    conflict(viewer.member, viewer.entry)

    assert visible_to(viewer) == []


def test_visible_scores_leave_out_a_conflicted_jurors_evaluation(panel, criteria):
    viewer, conflicted, clean = panel
    score_and_submit(conflicted, criteria)
    expected = score_and_submit(clean, criteria)
    score_and_submit(viewer, criteria)
    conflict(conflicted.member, conflicted.entry)

    assert visible_to(viewer) == [expected]


def test_visible_scores_hidden_until_scoring_closes(panel, criteria, edition):
    JurySettings.objects.create(edition=edition, hide_scores_until_closed=True)
    viewer, other, _ = panel
    expected = score_and_submit(other, criteria)
    score_and_submit(viewer, criteria)

    with time_machine.travel(edition.scoring_deadline, tick=False):
        assert visible_to(viewer) == []
    with time_machine.travel(edition.scoring_deadline + datetime.timedelta(seconds=1), tick=False):
        assert visible_to(viewer) == [expected]


def test_visible_scores_prefetch_scores_and_criteria(
    panel, criteria, entry, django_assert_num_queries
):
    viewer = panel[0]
    for assignment in panel:
        score_and_submit(assignment, criteria)

    # The viewer's conflict, the rounds the viewer submitted, the settings of each such round
    # (one here), evaluations, their scores with criteria.
    with django_assert_num_queries(5):
        rows = [
            (
                e.assignment.member.user.full_name,
                [(s.criterion.name, s.value) for s in e.scores.all()],
            )
            for e in visible_scores(entry=entry, viewer_member=viewer.member)
        ]

    assert len(rows) == 2
    assert rows[0][1] == [(c.name, Decimal("7")) for c in criteria]


# The juror's list and progress ---------------------------------------------------------------


def test_assignments_for_juror_excludes_conflicted_entries_in_number_order(edition, criteria):
    juror = JuryMemberFactory(edition=edition)
    third, first, conflicted, lifted = (
        EntryFactory(edition=edition, number=n) for n in (30, 10, 20, 40)
    )
    for entry in [third, first, conflicted, lifted]:
        Assignment.objects.create(member=juror, entry=entry)
    Assignment.objects.create(member=JuryMemberFactory(edition=edition), entry=first)
    conflict(juror, conflicted)
    conflict(juror, lifted, lifted_at=timezone.now())

    assert [a.entry.number for a in assignments_for_juror(juror)] == [10, 30, 40]


def test_juror_progress_counts(edition, criteria):
    juror = JuryMemberFactory(edition=edition)
    assignments = [
        Assignment.objects.create(member=juror, entry=EntryFactory(edition=edition))
        for _ in range(5)
    ]
    score_and_submit(assignments[0], criteria)
    score_and_submit(assignments[1], criteria)
    save(assignments[2], scores={criteria[0].pk: Decimal("4")})
    conflict(juror, assignments[4].entry)

    assert juror_progress(juror) == {"total": 4, "submitted": 2, "draft": 1, "not_started": 1}


@pytest.mark.parametrize("size", [5, 60])
def test_juror_list_and_progress_query_count_constant(
    edition, criteria, django_assert_num_queries, size
):
    juror = JuryMemberFactory(edition=edition)
    assignments = [
        Assignment.objects.create(member=juror, entry=EntryFactory(edition=edition))
        for _ in range(size)
    ]
    score_and_submit(assignments[0], criteria)
    save(assignments[1], scores={criteria[0].pk: Decimal("4")})
    conflict(juror, assignments[2].entry)

    with django_assert_num_queries(2):
        rows = [
            (a.entry.reference, a.entry.edition.year, getattr(a, "evaluation", None))
            for a in assignments_for_juror(juror)
        ]
        progress = juror_progress(juror)

    assert len(rows) == size - 1
    assert [row[2] is not None for row in rows[:3]] == [True, True, False]
    assert progress == {
        "total": size - 1,
        "submitted": 1,
        "draft": 1,
        "not_started": size - 3,
    }


def test_an_autosave_of_a_started_evaluation_locks_it_in_one_query(
    assignment, criteria, django_assert_num_queries
):
    """The transaction's savepoint and its release, the evaluation row read and locked at
    once (not looked up, then locked), the juror's conflicts, the rubric, the scores, their
    update and the comment: what a juror autosaving every few seconds costs."""
    save(assignment, scores={criteria[0].pk: Decimal("5")})

    with django_assert_num_queries(8):
        save(assignment, scores={criteria[0].pk: Decimal("6")}, overall_comment="Better.")

    assert stored(assignment)[criteria[0].name][0] == Decimal("6")


def test_a_first_save_makes_the_evaluation_and_writes_each_score_once(
    assignment, criteria, django_assert_num_queries
):
    """The lookup that finds no evaluation, its insertion (ignored when a parallel request made
    it first: no savepoint of its own) and the locked read, then the checks and one statement
    for the new scores: a score just created is not updated again."""
    with django_assert_num_queries(10) as captured:
        save(
            assignment,
            scores={criteria[0].pk: Decimal("5"), criteria[1].pk: Decimal("7")},
            overall_comment="A start.",
        )

    writes = [q["sql"] for q in captured.captured_queries if "jury_criterionscore" in q["sql"]]
    assert [sql.split()[0] for sql in writes] == ["SELECT", "INSERT"]
    assert stored(assignment)[criteria[1].name][0] == Decimal("7")


def test_a_first_save_racing_another_keeps_one_evaluation(assignment, criteria, monkeypatch):
    """A parallel request made the evaluation between the lookup and the insertion: the
    insertion is ignored and this save goes on with the one row."""
    from jury import scoring

    real_lock = scoring._lock
    calls = []

    def lock_after_a_rival(related, **lookup):
        calls.append(lookup)
        if len(calls) == 1:
            Evaluation.objects.create(assignment=assignment)  # the other request's
            raise Evaluation.DoesNotExist
        return real_lock(related, **lookup)

    monkeypatch.setattr(scoring, "_lock", lock_after_a_rival)
    save(assignment, scores={criteria[0].pk: Decimal("5")})

    assert Evaluation.objects.filter(assignment=assignment).count() == 1
    assert stored(assignment)[criteria[0].name][0] == Decimal("5")


def test_a_submission_with_its_sheet_saves_and_submits_under_one_lock(
    assignment, criteria, django_assert_num_queries
):
    """The score page's Submit carries the sheet: one transaction locks the evaluation once,
    reads the conflicts, the rubric and the stored scores once, and writes the scores (one
    statement for those new, one for those changed) and the evaluation."""
    save(assignment, scores={criteria[0].pk: Decimal("5")})
    sheet = {c.pk: Decimal("8") for c in criteria[:4]} | {criteria[4].pk: NOT_APPLICABLE}

    with django_assert_num_queries(9):
        evaluation = submit_evaluation(
            assignment=assignment,
            by=assignment.member.user,
            scores=sheet,
            comments={criteria[1].pk: "Clear roles."},
            overall_comment="Others can learn from it.",
        )

    evaluation.refresh_from_db()
    assert (evaluation.status, evaluation.comment) == ("submitted", "Others can learn from it.")
    assert stored(assignment)[criteria[0].name] == (Decimal("8"), False, "")
    assert stored(assignment)[criteria[1].name] == (Decimal("8"), False, "Clear roles.")
    assert stored(assignment)[criteria[4].name] == (None, True, "")


def test_a_submission_with_an_incomplete_sheet_writes_nothing(assignment, criteria):
    from jury.scoring import EvaluationIncomplete

    save(assignment, scores={criteria[0].pk: Decimal("5")}, overall_comment="Draft.")

    with pytest.raises(EvaluationIncomplete) as refused:
        submit_evaluation(
            assignment=assignment,
            by=assignment.member.user,
            scores={c.pk: Decimal("9") for c in criteria[:4]},
            overall_comment="Final.",
        )

    assert "Still open: Development effectiveness and policy coherence." in str(refused.value)
    evaluation = Evaluation.objects.get()
    assert (evaluation.status, evaluation.comment) == ("draft", "Draft.")
    assert stored(assignment) == {STRATEGY: (Decimal("5"), False, "")}


def test_a_submission_counts_what_it_clears(assignment, criteria):
    """A criterion scored before and cleared by the sheet submitted is open again."""
    from jury.scoring import EvaluationIncomplete

    save(assignment, scores={c.pk: Decimal("6") for c in criteria})

    with pytest.raises(EvaluationIncomplete):
        submit_evaluation(
            assignment=assignment, by=assignment.member.user, scores={criteria[2].pk: None}
        )

    assert Evaluation.objects.get().status == Evaluation.Status.DRAFT
