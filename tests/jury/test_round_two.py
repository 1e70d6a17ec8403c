"""Round two: the whole jury scores the shortlist again with the same rubric, inside its own
window, and every page, list and mail keeps it apart from round one."""

import datetime
import html
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from jury import reminders, scoring, services, standings
from jury.board import board
from jury.models import Assignment, ConflictOfInterest, Evaluation, JuryMember
from notifications.context import decode
from notifications.models import Notification
from notifications.reminders import audience_choices
from notifications.rendering import render as render_notification
from notifications.tasks import send_reminders
from tests.factories.deliberation import Scored

pytestmark = pytest.mark.django_db

DAY = datetime.timedelta(days=1)


def _round_two(opened_at, deadline):
    """A scored edition whose round two (the last two of its four entries) opened at
    `opened_at`; the third juror is in conflict with the last entry. `made`: the round-two
    assignments."""
    with time_machine.travel(opened_at, tick=False):
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
        scored.made = services.open_round_two(
            edition=scored.edition, by=scored.chair.user, deadline=deadline
        )
    return scored


@pytest.fixture
def opened():
    now = timezone.now()
    return _round_two(now, deadline=now + 3 * DAY)


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


BRUSSELS = ZoneInfo("Europe/Brussels")


def _round_two_reminders():
    return Notification.objects.filter(key__startswith="reminder:round-two:")


def test_round_two_is_reminded_against_its_own_deadline_with_its_own_work_only():
    opened_at = datetime.datetime(2031, 3, 2, 10, tzinfo=BRUSSELS)
    scored = _round_two(opened_at, deadline=datetime.datetime(2031, 3, 7, 18, tzinfo=BRUSSELS))

    # Three days before: every juror has round-two evaluations left (none of round one).
    with time_machine.travel(datetime.datetime(2031, 3, 4, 9, tzinfo=BRUSSELS)):
        assert send_reminders() == 3
        assert send_reminders() == 0
    first = _round_two_reminders()
    assert sorted((n.context["round"], n.context["left"], n.context["total"]) for n in first) == [
        (2, 1, 1),
        (2, 2, 2),
        (2, 2, 2),
    ]
    assert {decode(n.context)["edition"]["scoring_deadline"] for n in first} == {
        datetime.datetime(2031, 3, 7, 18, tzinfo=BRUSSELS)
    }
    subject, text, _html = render_notification(
        "reminder.juror", first[0].context, first[0].language
    )
    assert "round-two" in subject and "round two" in text

    # A juror who has submitted both is left alone the day before; nothing on other days.
    done = scored.jurors[1]
    Evaluation.objects.create(
        assignment=Assignment.objects.get(member=done, entry=scored.entries[2], round=2),
        status="submitted",
        submitted_at=opened_at,
    )
    Evaluation.objects.create(
        assignment=Assignment.objects.get(member=done, entry=scored.entries[3], round=2),
        status="submitted",
        submitted_at=opened_at,
    )
    with time_machine.travel(datetime.datetime(2031, 3, 5, 9, tzinfo=BRUSSELS)):
        assert send_reminders() == 0
    with time_machine.travel(datetime.datetime(2031, 3, 6, 9, tzinfo=BRUSSELS)):
        assert send_reminders() == 2
    eve = _round_two_reminders().filter(key__contains=":2031-03-06:")
    assert done.user.email not in {n.recipient_email for n in eve}
    # The day after the deadline the message says scoring has closed.
    with time_machine.travel(datetime.datetime(2031, 3, 8, 9, tzinfo=BRUSSELS)):
        assert send_reminders() == 2
    after = _round_two_reminders().filter(key__contains=":2031-03-08:")
    assert {n.context["closed"] for n in after} == {True}


def test_round_two_sends_no_reminder_on_its_opening_day_nor_once_the_decision_is_confirmed():
    opened_at = datetime.datetime(2031, 3, 2, 10, tzinfo=BRUSSELS)
    scored = _round_two(opened_at, deadline=datetime.datetime(2031, 3, 3, 18, tzinfo=BRUSSELS))

    # The eve of the deadline is the day it opened: the opening mail said it all.
    with time_machine.travel(datetime.datetime(2031, 3, 2, 20, tzinfo=BRUSSELS)):
        assert reminders.due_rules(now=timezone.now()) == []
    with time_machine.travel(datetime.datetime(2031, 3, 4, 9, tzinfo=BRUSSELS)):
        assert len(reminders.due_rules(now=timezone.now())) == 1
        scored.edition.deliberation.__class__.objects.filter(edition=scored.edition).update(
            confirmed_at=timezone.now()
        )
        assert reminders.due_rules(now=timezone.now()) == []
        assert send_reminders() == 0


def test_round_two_reminders_are_the_jurys_own_not_an_edition_rule():
    assert reminders.ROUND_TWO_AUDIENCE not in dict(audience_choices())
    assert "jurors_with_unsubmitted" in dict(audience_choices())


def test_opening_the_ballot_mails_each_juror_a_link_to_their_ballot(client, opened):
    # Fresh from round two being opened: the chair opens the ballot too.
    services.open_ballot(edition=opened.edition, by=opened.chair.user)

    mails = Notification.objects.filter(kind="jury.ballot_opened")
    by_juror = {n.recipient_email: n.context["count"] for n in mails}
    # Every juror, the one in conflict with an entry ordering one entry fewer.
    assert by_juror == {
        opened.jurors[0].user.email: 2,
        opened.jurors[1].user.email: 2,
        opened.jurors[2].user.email: 1,
    }
    subject, text, _html = render_notification("jury.ballot_opened", mails[0].context, "en")
    assert opened.edition.title in subject
    assert reverse("jury:ballot", args=[opened.edition.slug]) in text


def test_a_juror_without_an_entry_on_the_ballot_or_an_account_is_not_mailed(opened):
    JuryMember.objects.filter(pk=opened.jurors[1].pk).update(accepted_at=None)
    ConflictOfInterest.objects.create(
        member=opened.jurors[2], entry=opened.entries[2], kind="declared"
    )

    services.open_ballot(edition=opened.edition, by=opened.chair.user)

    assert set(
        Notification.objects.filter(kind="jury.ballot_opened").values_list(
            "recipient_email", flat=True
        )
    ) == {opened.jurors[0].user.email}
