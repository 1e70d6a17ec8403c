import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from awards.models import Entry
from jury.models import Assignment, ConflictOfInterest, Evaluation
from jury.scoring import give_more_time, reopen_evaluation
from tests.factories import EntryFactory, JuryMemberFactory, SecretariatFactory
from tests.factories import scoring_edition as make_scoring_edition

pytestmark = pytest.mark.django_db


@pytest.fixture
def scoring_edition():
    return make_scoring_edition()


def assign(member, n=1):
    assignments = []
    for _ in range(n):
        entry = EntryFactory(edition=member.edition, title="Markets")
        Entry.objects.filter(pk=entry.pk).update(state="in_review")
        assignments.append(Assignment.objects.create(member=member, entry=entry))
    return assignments


def sheet(edition, value="7", **extra):
    data = {f"score_{c.pk}": value for c in edition.criteria.all()}
    return {**data, **extra}


def test_juror_saves_then_submits(client, scoring_edition):
    member = JuryMemberFactory(edition=scoring_edition)
    [assignment] = assign(member)
    client.force_login(member.user)
    url = reverse("jury:score", kwargs={"pk": assignment.pk})

    client.post(url, sheet(scoring_edition, overall_comment="Strong", action="save"))
    client.post(url, sheet(scoring_edition, value="8", action="submit"))

    evaluation = Evaluation.objects.get(assignment=assignment)
    assert (evaluation.status, evaluation.comment) == ("submitted", "")
    assert sorted(evaluation.scores.values_list("value", flat=True)) == [8] * 5


def test_a_submission_not_yet_complete_keeps_what_was_typed_as_the_draft(client, scoring_edition):
    member = JuryMemberFactory(edition=scoring_edition)
    [assignment] = assign(member)
    client.force_login(member.user)
    last = scoring_edition.criteria.last()
    data = sheet(scoring_edition, value="6", overall_comment="Nearly there", action="submit")
    data[f"score_{last.pk}"] = ""

    response = client.post(reverse("jury:score", kwargs={"pk": assignment.pk}), data)

    assert "Score every criterion, or mark it n/a. Still open: " in response.content.decode()
    evaluation = Evaluation.objects.get(assignment=assignment)
    assert (evaluation.status, evaluation.comment) == ("draft", "Nearly there")
    assert sorted(v for v in evaluation.scores.values_list("value", flat=True) if v) == [6] * 4


def test_out_of_scale_refused_and_typed_values_kept(client, scoring_edition):
    member = JuryMemberFactory(edition=scoring_edition)
    [assignment] = assign(member)
    client.force_login(member.user)

    response = client.post(
        reverse("jury:score", kwargs={"pk": assignment.pk}),
        sheet(scoring_edition, value="11", overall_comment="Kept words", action="save"),
    )

    html = response.content.decode()
    assert "must be between 0 and 10" in html
    assert 'value="11"' in html
    assert "Kept words" in html
    assert not Evaluation.objects.filter(assignment=assignment, scores__isnull=False).exists()


def test_autosave_keeps_a_draft(client, scoring_edition):
    member = JuryMemberFactory(edition=scoring_edition)
    [assignment] = assign(member)
    client.force_login(member.user)
    criterion = scoring_edition.criteria.first()

    response = client.post(
        reverse("jury:score_autosave", kwargs={"pk": assignment.pk}),
        {f"score_{criterion.pk}": "6.5", f"na_{scoring_edition.criteria.last().pk}": "on"},
    )

    assert "Draft saved at" in response.content.decode()
    scores = dict(Evaluation.objects.get().scores.values_list("criterion_id", "value"))
    assert scores[criterion.pk] == 6.5
    assert scores[scoring_edition.criteria.last().pk] is None


def test_another_jurors_or_conflicted_assignment_is_not_found(client, scoring_edition):
    member = JuryMemberFactory(edition=scoring_edition)
    other = JuryMemberFactory(edition=scoring_edition)
    [mine] = assign(member)
    [theirs] = assign(other)
    ConflictOfInterest.objects.create(member=member, entry=mine.entry, kind="declared")
    client.force_login(member.user)

    for assignment in (mine, theirs):
        url = reverse("jury:score", kwargs={"pk": assignment.pk})
        assert client.get(url).status_code == 404
    home = client.get(reverse("jury:home")).content.decode()
    assert mine.entry.reference not in home


@pytest.mark.parametrize("size", [5, 60])
def test_juror_home_query_count_constant(client, django_assert_num_queries, scoring_edition, size):
    member = JuryMemberFactory(edition=scoring_edition)
    assign(member, size)
    client.force_login(member.user)

    # session, user, groups (the navigation; no model permission is read for it),
    # memberships, then per jury its assignments, of every round (the progress is counted
    # from them), and the certificates that thank the juror.
    with django_assert_num_queries(6):
        response = client.get(reverse("jury:home"))

    assert f"0 of {size} scored" in response.content.decode()


@pytest.mark.parametrize("others", [1, 6])
def test_the_scoring_page_reads_the_assignment_once(
    client, django_assert_num_queries, scoring_edition, others
):
    """The assignment with its entry and edition is read once and used for the evaluation's
    closing time and the others' scores (it was read three times more, and the evaluation
    twice)."""
    member = JuryMemberFactory(edition=scoring_edition)
    [assignment] = assign(member)
    for _ in range(others):
        Assignment.objects.create(
            member=JuryMemberFactory(edition=scoring_edition), entry=assignment.entry
        )
    client.force_login(member.user)
    url = reverse("jury:score", kwargs={"pk": assignment.pk})
    client.get(url)  # the draft made

    # session, user; the assignment, its conflicts, the rubric; the evaluation (in a
    # savepoint); the entry with its parts (7); its scores; for the others' scores, the
    # conflicts and the juror's own submitted rounds; the navigation's groups.
    with django_assert_num_queries(19):
        response = client.get(url)

    assert response.status_code == 200
    assert "Markets" in response.content.decode()


def shown(moment, edition) -> str:
    """A time as the juror's pages write it: in the edition's zone."""
    return date_format(moment.astimezone(ZoneInfo(edition.timezone)), "DATETIME_FORMAT")


def juror_pages(client, assignment) -> tuple[str, str]:
    """The juror's score page of the assignment and their home, each on one line."""
    client.force_login(assignment.member.user)
    score = client.get(reverse("jury:score", kwargs={"pk": assignment.pk})).content.decode()
    home = client.get(reverse("jury:home")).content.decode()
    return " ".join(score.split()), " ".join(home.split())


def test_a_late_juror_given_more_time_sees_until_when_on_both_pages(client, scoring_edition):
    member = JuryMemberFactory(edition=scoring_edition)
    [assignment] = assign(member)
    deadline = scoring_edition.scoring_deadline
    until = deadline + datetime.timedelta(days=3)

    with time_machine.travel(deadline + datetime.timedelta(days=1), tick=False):
        give_more_time(
            assignment=assignment, by=SecretariatFactory(), until=until, reason="Was abroad"
        )
        score, home = juror_pages(client, assignment)

    assert f"You may change and submit it until {shown(until, scoring_edition)}" in score
    assert f"reopened for you until {shown(until, scoring_edition)}" in home


def test_a_time_given_before_the_deadline_never_shortens_the_one_shown(client, scoring_edition):
    member = JuryMemberFactory(edition=scoring_edition)
    [assignment] = assign(member)
    client.force_login(member.user)
    client.post(
        reverse("jury:score", kwargs={"pk": assignment.pk}), sheet(scoring_edition, action="submit")
    )
    sooner = timezone.now() + datetime.timedelta(days=1)
    reopen_evaluation(
        evaluation=Evaluation.objects.get(), by=SecretariatFactory(), reason="Typo", until=sooner
    )

    score, home = juror_pages(client, assignment)

    deadline = shown(scoring_edition.scoring_deadline, scoring_edition)
    assert f"You may change and submit it until {deadline}" in score
    assert "reopened for you until" not in home
    assert shown(sooner, scoring_edition) not in score + home


def test_a_score_typed_with_a_decimal_comma_is_saved_from_the_page(client, scoring_edition):
    member = JuryMemberFactory(edition=scoring_edition)
    [assignment] = assign(member)
    client.force_login(member.user)
    criterion = scoring_edition.criteria.first()

    response = client.post(
        reverse("jury:score", kwargs={"pk": assignment.pk}),
        {f"score_{criterion.pk}": "7,5", "action": "save"},
    )

    assert response.status_code == 302
    assert Evaluation.objects.get().scores.get(criterion=criterion).value == Decimal("7.5")


def test_a_score_and_the_na_mark_together_are_refused_and_kept(client, scoring_edition):
    member = JuryMemberFactory(edition=scoring_edition)
    [assignment] = assign(member)
    client.force_login(member.user)
    criterion = scoring_edition.criteria.first()

    response = client.post(
        reverse("jury:score", kwargs={"pk": assignment.pk}),
        {f"score_{criterion.pk}": "4", f"na_{criterion.pk}": "on", "overall_comment": "Kept"},
    )

    html = response.content.decode()
    assert f"“{criterion.name}” has both a score and the n/a mark: give one or the other." in html
    assert "Some scores need your attention; nothing you typed is lost." in html
    assert 'value="4"' in html
    assert "Kept" in html
    assert not Evaluation.objects.filter(scores__isnull=False).exists()


def test_a_comment_too_long_is_refused_and_kept(client, scoring_edition):
    member = JuryMemberFactory(edition=scoring_edition)
    [assignment] = assign(member)
    client.force_login(member.user)
    criterion = scoring_edition.criteria.first()
    comment = "Long " * 1001

    response = client.post(
        reverse("jury:score", kwargs={"pk": assignment.pk}),
        sheet(scoring_edition, **{f"comment_{criterion.pk}": comment}),
    )

    html = response.content.decode()
    assert "Ensure this value has at most 5000 characters (it has 5004)." in html
    assert comment.strip() in html
    assert not Evaluation.objects.filter(scores__isnull=False).exists()


def test_autosave_changes_only_the_criteria_and_comments_it_carries(client, scoring_edition):
    member = JuryMemberFactory(edition=scoring_edition)
    [assignment] = assign(member)
    client.force_login(member.user)
    first, second, *_ = scoring_edition.criteria.all()
    url = reverse("jury:score_autosave", kwargs={"pk": assignment.pk})
    client.post(
        url,
        {
            f"score_{first.pk}": "6",
            f"comment_{first.pk}": "Clear goals",
            f"na_{second.pk}": "on",
            "overall_comment": "Strong",
        },
    )

    response = client.post(url, {f"score_{first.pk}": "7"})

    assert "Draft saved at" in response.content.decode()
    evaluation = Evaluation.objects.get()
    assert sorted(
        evaluation.scores.values_list("criterion_id", "value", "not_applicable", "comment")
    ) == sorted([(first.pk, Decimal("7"), False, "Clear goals"), (second.pk, None, True, "")])
    assert evaluation.comment == "Strong"


def test_autosave_that_cannot_be_read_says_why_and_saves_nothing(client, scoring_edition):
    member = JuryMemberFactory(edition=scoring_edition)
    [assignment] = assign(member)
    client.force_login(member.user)
    criterion = scoring_edition.criteria.first()

    response = client.post(
        reverse("jury:score_autosave", kwargs={"pk": assignment.pk}),
        {f"score_{criterion.pk}": "²"},
    )

    assert f"The score for “{criterion.name}” must be a number." in response.content.decode()
    assert not Evaluation.objects.filter(scores__isnull=False).exists()
