"""Round two: the whole jury scores the shortlist again with the same rubric, inside its own
window, and every page, list and mail keeps it apart from round one."""

import datetime
import html
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import timezone

from jury import scoring, services, standings
from jury.board import board
from jury.models import Assignment, ConflictOfInterest, Evaluation, JuryMember
from notifications.models import Notification
from tests.factories.deliberation import Scored

pytestmark = pytest.mark.django_db

DAY = datetime.timedelta(days=1)


@pytest.fixture
def opened():
    scored = Scored(entries=4)
    services.confirm_shortlist(
        edition=scored.edition,
        entries=[e.pk for e in scored.entries[2:]],
        method="mean",
        by=scored.secretariat,
    )
    ConflictOfInterest.objects.create(
        member=scored.jurors[2], entry=scored.entries[3], kind="declared"
    )
    made = services.open_round_two(
        edition=scored.edition, by=scored.chair.user, deadline=timezone.now() + 3 * DAY
    )
    scored.made = made
    return scored


def test_round_two_assigns_every_juror_the_shortlist_but_their_conflicts_and_tells_them(opened):
    round_two = Assignment.objects.filter(round=2)

    assert opened.made == 5  # 3 jurors x 2 entries, less one conflict
    assert not round_two.filter(member=opened.jurors[2], entry=opened.entries[3]).exists()
    assert set(round_two.values_list("entry_id", flat=True)) == {
        opened.entries[2].pk,
        opened.entries[3].pk,
    }
    mails = Notification.objects.filter(kind="jury.assigned", key__startswith="jury-round-two:")
    assert mails.count() == 3
    assert opened.edition.decision_events.filter(kind="round_two_opened").exists()
    opened.edition.refresh_from_db()
    assert opened.edition.deliberation_started_at is not None


def test_round_two_refused_without_a_future_deadline_or_twice(opened):
    with pytest.raises(services.DecisionRefused, match="Round two is open already"):
        services.open_round_two(
            edition=opened.edition, by=opened.chair.user, deadline=timezone.now() + DAY
        )
    fresh = Scored(entries=2)
    services.confirm_shortlist(
        edition=fresh.edition, entries=[fresh.entries[0].pk], method="mean", by=fresh.secretariat
    )
    with pytest.raises(services.DecisionRefused, match="deadline in the future"):
        services.open_round_two(
            edition=fresh.edition, by=fresh.chair.user, deadline=timezone.now() - DAY
        )
    with pytest.raises(services.DecisionRefused, match="not allowed"):
        services.open_round_two(
            edition=fresh.edition, by=fresh.jurors[1].user, deadline=timezone.now() + DAY
        )


def test_jurors_score_round_two_in_its_window_while_round_one_stays_closed(opened):
    juror = opened.jurors[1]
    criterion = opened.edition.criteria.get()
    second = Assignment.objects.get(member=juror, entry=opened.entries[2], round=2)
    first = Assignment.objects.get(member=juror, entry=opened.entries[0], round=1)
    first.evaluation.status = "draft"
    first.evaluation.save()

    scoring.save_scores(
        assignment=second, by=juror.user, scores={criterion.pk: Decimal("9")}, comments={}
    )
    scoring.submit_evaluation(assignment=second, by=juror.user)
    with pytest.raises(scoring.ScoringRefused, match="deadline for this edition has passed"):
        scoring.save_scores(
            assignment=first, by=juror.user, scores={criterion.pk: Decimal("1")}, comments={}
        )
    with pytest.raises(scoring.ScoringRefused, match="deadline"):
        scoring.save_scores(
            assignment=Assignment.objects.get(member=juror, entry=opened.entries[3], round=2),
            by=juror.user,
            scores={criterion.pk: Decimal("5")},
            comments={},
            now=timezone.now() + 4 * DAY,
        )

    settings = services.settings_for(opened.edition)
    two = standings.standings(opened.edition, round=2, settings=settings)
    assert [(f.entry, f.mean) for f in two.figures.entries] == [(opened.entries[2].pk, 9.0)]
    one = standings.standings(opened.edition, round=1, settings=settings)
    # Round one is as it was, less the evaluation put back in draft; the shortlist's scores
    # of round two are not in it.
    assert len(one.figures.entries) == 4
    assert sum(f.evaluations for f in one.figures.entries) == 10


def test_pages_and_mails_keep_the_rounds_apart(client, opened):
    juror = opened.jurors[1]

    round_two_board = board(opened.edition, round=2)
    assert {row.entry.pk for row in round_two_board.entries} == {
        opened.entries[2].pk,
        opened.entries[3].pk,
    }
    # Twelve pairs in round one, less the conflict recorded since.
    assert sum(j.total for j in board(opened.edition, round=1).jurors) == 11
    # "Mail each juror their entries" sends round one's lists only.
    by_member = services.tell_jurors_their_assignments(
        edition=opened.edition, by=opened.secretariat
    )
    lists = Notification.objects.filter(key__startswith="jury-assigned:")
    assert by_member == 3
    # Round one's four entries each (three for the juror in conflict with one since), not
    # round two's on top.
    assert sorted(len(n.context["entries"]) for n in lists) == [3, 4, 4]

    client.force_login(juror.user)
    home = html.unescape(client.get(reverse("jury:home")).content.decode())
    assert "Round one" in home and "Round two: the shortlist" in home
    assert "0 of 2 scored" in home and "4 of 4 scored" in home

    client.force_login(opened.secretariat)
    progress = html.unescape(
        client.get(
            reverse("jury:progress", args=[opened.edition.slug]), {"round": "2"}
        ).content.decode()
    )
    assert "Round two: the shortlist" in progress
    assert opened.entries[0].reference not in progress.split("By entry")[1]


def test_the_board_offers_round_two_and_shows_its_figures(client):
    scored = Scored(entries=3)
    services.confirm_shortlist(
        edition=scored.edition,
        entries=[e.pk for e in scored.entries],
        method="mean",
        by=scored.secretariat,
    )
    client.force_login(scored.chair.user)
    url = reverse("jury:round_two", args=[scored.edition.slug])
    deadline = (timezone.now() + 5 * DAY).astimezone(
        datetime.UTC
    )  # the edition's zone is read by the form; give a wall-clock time in it

    local = deadline.astimezone(ZoneInfo(scored.edition.timezone)).strftime("%Y-%m-%dT%H:%M")

    response = client.post(url, {"deadline": local})

    assert response.status_code == 302
    assert Assignment.objects.filter(round=2).count() == 9
    member = JuryMember.objects.get(edition=scored.edition, user=scored.jurors[1].user)
    assignment = Assignment.objects.get(member=member, entry=scored.entries[0], round=2)
    criterion = scored.edition.criteria.get()
    scoring.save_scores(
        assignment=assignment, by=member.user, scores={criterion.pk: Decimal("6")}, comments={}
    )
    scoring.submit_evaluation(assignment=assignment, by=member.user)
    text = html.unescape(
        client.get(reverse("jury:board", args=[scored.edition.slug])).content.decode()
    )
    assert "Round two: mean 6.00 (rank 1), 1 evaluations." in text
    assert "scores the shortlist again until" in text


def test_save_and_next_stays_in_the_round(opened):
    from jury.selectors import next_assignment

    juror = opened.jurors[1]
    first_of_two = Assignment.objects.get(member=juror, entry=opened.entries[2], round=2)
    evaluation = Assignment.objects.get(member=juror, entry=opened.entries[3], round=1).evaluation
    evaluation.status = "draft"
    evaluation.save()

    following = next_assignment(first_of_two)

    assert (following.entry_id, following.round) == (opened.entries[3].pk, 2)


def test_the_round_two_board_offers_no_round_one_reminder(client, opened):
    # One evaluation of round one back in draft: round one has something to remind of.
    Evaluation.objects.filter(assignment__round=1).filter(
        pk=Evaluation.objects.filter(assignment__round=1).first().pk
    ).update(status="draft")
    client.force_login(opened.secretariat)
    url = reverse("jury:progress", args=[opened.edition.slug])

    round_two = html.unescape(client.get(url, {"round": "2"}).content.decode())
    round_one = html.unescape(client.get(url).content.decode())

    assert "Remind<span" not in round_two.split("By juror")[1].split("By entry")[0]
    assert "Remind<span" in round_one.split("By juror")[1].split("By entry")[0]


def test_hidden_scores_stay_hidden_until_round_two_has_closed(opened):
    from jury.models import JurySettings
    from jury.selectors import visible_scores

    JurySettings.objects.update_or_create(
        edition=opened.edition, defaults={"hide_scores_until_closed": True}
    )
    criterion = opened.edition.criteria.get()
    entry = opened.entries[2]
    one, two = opened.jurors[0], opened.jurors[1]
    for member in (one, two):
        assignment = Assignment.objects.get(member=member, entry=entry, round=2)
        scoring.save_scores(
            assignment=assignment, by=member.user, scores={criterion.pk: Decimal("8")}, comments={}
        )
        scoring.submit_evaluation(assignment=assignment, by=member.user)

    now = timezone.now()
    # Round one is over: its scores are shown; round two's are not, until it closes.
    assert {e.assignment.round for e in visible_scores(entry=entry, viewer_member=one)} == {1}
    later = now + 4 * DAY
    rounds_seen = {
        e.assignment.round for e in visible_scores(entry=entry, viewer_member=one, now=later)
    }
    assert rounds_seen == {1, 2}


def test_the_jury_report_gives_round_two_and_the_ballot(client, opened):
    import io

    from pypdf import PdfReader

    criterion = opened.edition.criteria.get()
    member = opened.jurors[1]
    assignment = Assignment.objects.get(member=member, entry=opened.entries[2], round=2)
    scoring.save_scores(
        assignment=assignment, by=member.user, scores={criterion.pk: Decimal("9")}, comments={}
    )
    scoring.submit_evaluation(assignment=assignment, by=member.user)
    services.open_ballot(edition=opened.edition, by=opened.chair.user)
    services.cast_ballot(
        edition=opened.edition,
        by=member.user,
        ranking=[opened.entries[3].pk, opened.entries[2].pk],
    )
    client.force_login(opened.secretariat)

    response = client.get(reverse("jury:report", args=[opened.edition.slug]))

    pdf = PdfReader(io.BytesIO(response.content))
    text = " ".join(" ".join(p.extract_text().split()) for p in pdf.pages)
    assert "Round two: the shortlist" in text
    assert "9.00" in text
    assert "The Schulze order" in text
    assert text.index(opened.entries[3].reference, text.index("The Schulze order")) < text.index(
        opened.entries[2].reference, text.index("The Schulze order")
    )
