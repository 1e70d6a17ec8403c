"""The jury's decision through its services: the shortlist, prizes, the chair's lock and the
secretariat's reopening, each refused with a reason where the programme's rules say no."""

import datetime

import pytest
import time_machine
from django.utils import timezone

from awards.models import Edition, Entry, EntryTransition
from awards.services.transitions import change_phase
from jury import services
from jury.models import DecisionEvent, Prize
from tests.factories import EditionFactory, EntryFactory, JuryMemberFactory, SecretariatFactory

pytestmark = pytest.mark.django_db

Refused = services.DecisionRefused


class Jury:
    def __init__(self):
        now = timezone.now()
        day = datetime.timedelta(days=1)
        self.edition = EditionFactory(
            phase="deliberation",
            call_opens=now - 90 * day,
            submission_deadline=now - 60 * day,
            clarification_deadline=now - 50 * day,
            scoring_opens=now - 40 * day,
            scoring_deadline=now - 10 * day,
            deliberation_at=now - 5 * day,
            announcement_at=now + 5 * day,
        )
        self.secretariat = SecretariatFactory()
        self.chair = JuryMemberFactory(edition=self.edition, is_chair=True).user
        self.juror = JuryMemberFactory(edition=self.edition).user
        self.entries = []
        for _number in range(5):
            entry = EntryFactory(edition=self.edition)
            Entry.objects.filter(pk=entry.pk).update(state="in_review")
            self.entries.append(entry)

    def refresh(self) -> Edition:
        self.edition.refresh_from_db()
        return self.edition

    def states(self) -> list[str]:
        return [Entry.objects.get(pk=e.pk).state for e in self.entries]

    def shortlist(self, count=3):
        services.confirm_shortlist(
            edition=self.edition,
            entries=[e.pk for e in self.entries[:count]],
            method="mean",
            by=self.secretariat,
        )
        for entry in self.entries:
            entry.refresh_from_db()

    def prize(self, entry, kind="first", by=None, **kwargs):
        kwargs.setdefault("rationale", "A partnership others can copy.")
        return services.record_prize(
            edition=self.edition, entry=entry, kind=kind, by=by or self.chair, **kwargs
        )


@pytest.fixture
def jury():
    return Jury()


# The shortlist -------------------------------------------------------------------------------


def test_confirming_the_shortlist_moves_every_entry_in_review(jury):
    jury.shortlist(3)

    assert jury.states() == ["shortlisted"] * 3 + ["not_shortlisted"] * 2
    assert EntryTransition.objects.filter(transition="shortlist").count() == 3
    assert EntryTransition.objects.filter(transition="not_shortlist").count() == 2
    event = DecisionEvent.objects.get()
    assert (event.kind, event.by) == ("shortlist_confirmed", jury.secretariat)
    assert event.note == ", ".join(e.reference for e in jury.entries[:3])
    deliberation = services.deliberation_for(jury.edition)
    assert (deliberation.shortlist_method, deliberation.shortlist_confirmed_by) == (
        "mean",
        jury.secretariat,
    )


@pytest.mark.parametrize(
    ("choose", "message"),
    [
        (lambda jury: [], "Choose at least one entry"),
        (lambda jury: [e.pk for e in jury.entries] + [10**6], r"cannot hold more entries \(6\)"),
        (lambda jury: [EntryFactory().pk], "Only entries in jury review can be shortlisted."),
    ],
)
def test_a_shortlist_that_cannot_be_is_refused_and_changes_nothing(jury, choose, message):
    with pytest.raises(Refused, match=message):
        services.confirm_shortlist(
            edition=jury.edition, entries=choose(jury), method="mean", by=jury.secretariat
        )

    assert jury.states() == ["in_review"] * 5
    assert not DecisionEvent.objects.exists()


def test_a_shortlist_outside_deliberation_or_by_a_juror_is_refused(jury):
    with pytest.raises(Refused, match="not allowed"):
        services.confirm_shortlist(
            edition=jury.edition, entries=[jury.entries[0].pk], method="mean", by=jury.juror
        )
    Edition.objects.filter(pk=jury.edition.pk).update(phase="jury_review")
    with pytest.raises(Refused, match="deliberation for this edition has not started"):
        services.confirm_shortlist(
            edition=jury.refresh(), entries=[jury.entries[0].pk], method="mean", by=jury.secretariat
        )


def test_the_shortlist_is_undone_with_a_reason_until_the_deliberation_starts(jury):
    jury.shortlist(2)
    with pytest.raises(Refused, match="Say why"):
        services.undo_shortlist(edition=jury.edition, by=jury.secretariat, reason="  ")

    moved = services.undo_shortlist(
        edition=jury.edition, by=jury.secretariat, reason="Two scores came in late."
    )

    assert moved == 5
    assert jury.states() == ["in_review"] * 5
    assert EntryTransition.objects.filter(transition="undo_shortlist").first().note == (
        "Two scores came in late."
    )
    jury.shortlist(2)
    jury.prize(jury.entries[0])
    with pytest.raises(Refused, match="The deliberation has started"):
        services.undo_shortlist(edition=jury.edition, by=jury.secretariat, reason="Again.")
    assert jury.states() == ["shortlisted"] * 2 + ["not_shortlisted"] * 3


# Prizes --------------------------------------------------------------------------------------


def test_two_first_prizes_only_when_the_chair_allows_joint_prizes(jury):
    jury.shortlist(3)
    jury.prize(jury.entries[0], "first")

    with pytest.raises(Refused, match="already has the 1st prize") as refusal:
        jury.prize(jury.entries[1], "first")
    assert jury.entries[0].reference in str(refusal.value)
    with pytest.raises(Refused, match="not allowed"):
        services.allow_joint_prizes(edition=jury.edition, allowed=True, by=jury.secretariat)

    services.allow_joint_prizes(edition=jury.edition, allowed=True, by=jury.chair)
    jury.prize(jury.entries[1], "first")

    assert Prize.objects.filter(kind="first").count() == 2
    with pytest.raises(Refused, match="Some prizes are shared"):
        services.allow_joint_prizes(edition=jury.edition, allowed=False, by=jury.chair)


@pytest.mark.parametrize(
    ("entry_index", "kind", "kwargs", "message"),
    [
        (3, "first", {}, "Only a shortlisted entry can receive a prize."),
        (0, "special", {"name": "  "}, "A special prize needs a name."),
        (0, "second", {"rationale": " "}, "Write the jury's rationale"),
        (0, "finalist", {}, "Choose the 1st, 2nd or 3rd prize, or a special prize."),
    ],
)
def test_a_prize_that_cannot_be_is_refused(jury, entry_index, kind, kwargs, message):
    jury.shortlist(3)

    with pytest.raises(Refused, match=message):
        jury.prize(jury.entries[entry_index], kind, **kwargs)

    assert not Prize.objects.exists()


def test_an_entry_holds_one_ranked_prize_and_special_prizes_on_top(jury):
    jury.shortlist(3)
    jury.prize(jury.entries[0], "second")
    jury.prize(jury.entries[0], "special", name="Youth engagement", citation="For the youth.")

    with pytest.raises(Refused, match="already has the 2nd prize"):
        jury.prize(jury.entries[0], "first")
    with pytest.raises(Refused, match="already a special prize named"):
        jury.prize(jury.entries[1], "special", name="youth ENGAGEMENT")


# The lock ------------------------------------------------------------------------------------


def decided(jury) -> None:
    jury.shortlist(4)
    jury.prize(jury.entries[0], "first")
    jury.prize(jury.entries[1], "second", by=jury.secretariat)
    jury.prize(jury.entries[2], "third")
    jury.prize(jury.entries[2], "special", name="Climate action", citation="For the river.")


def test_only_the_chair_confirms_and_the_decision_moves_and_locks(jury):
    decided(jury)
    with pytest.raises(Refused, match="not allowed"):
        services.confirm_decision(edition=jury.edition, by=jury.secretariat)

    awarded = services.confirm_decision(edition=jury.edition, by=jury.chair)

    assert awarded == 3
    assert jury.states() == ["awarded"] * 3 + ["finalist", "not_shortlisted"]
    finalist = Prize.objects.get(kind="finalist")
    assert finalist.entry == jury.entries[3]
    assert not Prize.objects.filter(confirmed_at__isnull=True).exists()
    edition = jury.refresh()
    assert edition.results_locked_at is not None
    assert services.deliberation_for(edition).confirmed_by == jury.chair
    assert DecisionEvent.objects.filter(kind="decision_confirmed", by=jury.chair).count() == 1
    with pytest.raises(Refused, match="confirmed and locked"):
        jury.prize(jury.entries[3], "special", name="Late idea")
    with pytest.raises(Refused, match="confirmed and locked"):
        services.remove_prize(prize=Prize.objects.get(kind="first"), by=jury.chair)


def test_the_secretariat_reopens_with_a_reason_and_the_chair_confirms_again(jury):
    decided(jury)
    services.confirm_decision(edition=jury.edition, by=jury.chair)
    with pytest.raises(Refused, match="not allowed"):
        services.reopen_decision(edition=jury.edition, by=jury.chair, reason="Change.")
    with pytest.raises(Refused, match="Say why"):
        services.reopen_decision(edition=jury.edition, by=jury.secretariat, reason="")

    moved = services.reopen_decision(
        edition=jury.edition, by=jury.secretariat, reason="The 3rd prize entry withdrew."
    )

    assert moved == 4
    assert jury.states() == ["shortlisted"] * 4 + ["not_shortlisted"]
    assert jury.refresh().results_locked_at is None
    assert not Prize.objects.filter(kind="finalist").exists()
    assert not Prize.objects.filter(confirmed_at__isnull=False).exists()
    services.remove_prize(prize=Prize.objects.get(kind="third"), by=jury.chair, reason="Withdrew.")
    services.confirm_decision(edition=jury.edition, by=jury.chair)
    assert jury.states() == ["awarded"] * 3 + ["finalist", "not_shortlisted"]
    kinds = list(DecisionEvent.objects.values_list("kind", flat=True))
    assert kinds[-4:] == [
        "decision_confirmed",
        "decision_reopened",
        "prize_removed",
        "decision_confirmed",
    ]


def test_the_outcome_survives_publication_and_cannot_be_reopened_after(jury):
    decided(jury)
    services.confirm_decision(edition=jury.edition, by=jury.chair)
    edition = jury.refresh()

    with time_machine.travel(edition.announcement_at, tick=False):
        change_phase(edition=edition, name="publish_results", by=jury.secretariat)

    assert jury.states() == ["awarded"] * 3 + ["finalist", "not_shortlisted"]
    assert [(p.entry_id, p.title) for p in Prize.objects.order_by("pk")] == [
        (jury.entries[0].pk, "1st prize"),
        (jury.entries[1].pk, "2nd prize"),
        (jury.entries[2].pk, "3rd prize"),
        (jury.entries[2].pk, "Climate action"),
        (jury.entries[3].pk, "Finalist"),
    ]
    with pytest.raises(Refused, match="The results are published"):
        services.reopen_decision(edition=jury.refresh(), by=jury.secretariat, reason="Late.")


def test_nothing_to_confirm_without_a_prize(jury):
    jury.shortlist(2)

    with pytest.raises(Refused, match="No prize has been recorded"):
        services.confirm_decision(edition=jury.edition, by=jury.chair)

    assert jury.refresh().results_locked_at is None


# The ranked ballot ---------------------------------------------------------------------------


def balloted(jury):
    jury.shortlist(3)
    services.open_ballot(edition=jury.edition, by=jury.chair)
    return [e.pk for e in jury.entries[:3]]


def test_a_ballot_that_ranks_an_entry_twice_or_omits_one_is_refused(jury):
    a, b, c = balloted(jury)

    with pytest.raises(Refused, match="ranked twice") as refusal:
        services.cast_ballot(edition=jury.edition, by=jury.juror, ranking=[a, a, b, c])
    assert jury.entries[0].reference in str(refusal.value)
    with pytest.raises(Refused, match="missing") as refusal:
        services.cast_ballot(edition=jury.edition, by=jury.juror, ranking=[a, b])
    assert jury.entries[2].reference in str(refusal.value)
    with pytest.raises(Refused, match="Only the shortlisted entries"):
        services.cast_ballot(
            edition=jury.edition, by=jury.juror, ranking=[a, b, c, jury.entries[4].pk]
        )
    with pytest.raises(Refused, match="Only the edition's jurors"):
        services.cast_ballot(edition=jury.edition, by=jury.secretariat, ranking=[a, b, c])
    assert not jury.edition.ballots.exists()


def test_a_ballot_leaves_out_the_jurors_conflicts_and_is_replaced_while_open(jury):
    from jury.models import ConflictOfInterest, JuryMember

    a, b, c = balloted(jury)
    member = JuryMember.objects.get(edition=jury.edition, user=jury.juror)
    ConflictOfInterest.objects.create(member=member, entry_id=c, kind="declared")

    services.cast_ballot(edition=jury.edition, by=jury.juror, ranking=[b, a])
    services.cast_ballot(edition=jury.edition, by=jury.juror, ranking=[a, b])

    assert list(jury.edition.ballots.values_list("ranking", flat=True)) == [[a, b]]
    services.close_ballot(edition=jury.edition, by=jury.chair)
    with pytest.raises(Refused, match=r"The ballot is not open\."):
        services.cast_ballot(edition=jury.edition, by=jury.juror, ranking=[b, a])


def test_ballots_combined_by_schulze_state_the_matrix_and_a_cycle_as_a_tie(jury):
    a, b, c = balloted(jury)
    voters = [jury.chair, jury.juror, JuryMemberFactory(edition=jury.edition).user]
    # A beats B, B beats C, C beats A, two to one each: a cycle the Schulze method ties.
    for voter, order in zip(voters, ([a, b, c], [b, c, a], [c, a, b]), strict=True):
        services.cast_ballot(edition=jury.edition, by=voter, ranking=order)

    result = services.ballot_result(jury.edition)

    assert result.candidates == [a, b, c]
    assert result.pairwise == [[0, 2, 1], [1, 0, 2], [2, 1, 0]]
    assert result.places == [[a, b, c]]
    assert services.deliberation_for(jury.edition).ballot_opened_at is not None
    assert jury.refresh().deliberation_started_at is not None


def test_saving_stale_copies_never_overwrites_the_lock_or_the_other_settings(jury):
    from awards.services.editions import update_edition
    from jury.models import JurySettings

    stale = Edition.objects.get(pk=jury.edition.pk)  # a form read before the lock
    decided(jury)
    services.confirm_decision(edition=jury.edition, by=jury.chair)

    update_edition(edition=stale, by=jury.secretariat, rules_text="New rules.")

    edition = jury.refresh()
    assert edition.results_locked_at is not None
    assert edition.deliberation_started_at is not None
    assert edition.rules_text == "New rules."

    services.settings_for(jury.edition)
    ranking_page = JurySettings.objects.get(edition=jury.edition)
    assignment_page = JurySettings.objects.get(edition=jury.edition)
    assignment_page.jurors_per_entry = 2
    services.save_settings(settings=assignment_page, by=jury.secretariat)
    ranking_page.ranking_method = "borda"
    services.save_ranking_settings(settings=ranking_page, by=jury.secretariat)

    saved = JurySettings.objects.get(edition=jury.edition)
    assert (saved.jurors_per_entry, saved.ranking_method) == (2, "borda")
