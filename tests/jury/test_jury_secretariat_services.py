"""The secretariat's and the jurors' jury services: conflicts of interest, the jury settings,
the rubric, assignments set by hand, the mails to jurors, and the reads behind them."""

import datetime
from decimal import Decimal

import pytest
import time_machine
from django.utils import timezone

from awards.models import Edition, Entry, ReminderRule
from awards.services.editions import create_edition
from core.rows import RowChanges
from jury.forms import CriterionForm, CriterionFormSet, ScoreSheetForm
from jury.models import (
    Assignment,
    ConflictOfInterest,
    Criterion,
    CriterionScore,
    Evaluation,
    JurySettings,
    Reopening,
)
from jury.reminders import jurors_with_unsubmitted
from jury.scoring import ScoringRefused, reopen_evaluation, save_scores, submit_evaluation
from jury.selectors import has_active_conflict, juror_progress, progress_by_member
from jury.services import (
    DEFAULT_CRITERIA,
    CriterionRow,
    JuryRefused,
    add_conflict,
    add_default_criteria,
    assign_automatically,
    declare_conflict,
    lift_conflict,
    record_automatic_conflicts,
    remind_juror,
    rubric_locked,
    save_rubric,
    save_settings,
    set_assignment,
    settings_for,
    tell_jurors_their_assignments,
)
from notifications.context import decode, encode
from notifications.models import Notification
from tests.factories import (
    EditionFactory,
    EntryFactory,
    JuryMemberFactory,
    PartnerFactory,
    SecretariatFactory,
    UserFactory,
    scoring_edition,
)

pytestmark = pytest.mark.django_db


def reviewed_entry(edition, country="ES", partner_country="SN", **kwargs) -> Entry:
    """An entry in review, led from `country` with one partner from `partner_country`; read
    back so that its state is the stored one."""
    entry = EntryFactory(edition=edition, organisation__country=country, **kwargs)
    PartnerFactory(entry=entry, country=partner_country)
    Entry.objects.filter(pk=entry.pk).update(state="in_review")
    return Entry.objects.get(pk=entry.pk)


def opened(assignment, **kwargs) -> Evaluation:
    """The juror has opened the entry to score it: an evaluation exists."""
    return Evaluation.objects.create(assignment=assignment, **kwargs)


def active(member, entry) -> list[str]:
    return sorted(
        ConflictOfInterest.objects.filter(
            member=member, entry=entry, lifted_at__isnull=True
        ).values_list("kind", flat=True)
    )


# Conflicts declared by a juror ---------------------------------------------------------------


def test_declare_conflict_only_by_the_accepted_juror_concerned():
    edition = EditionFactory()
    juror = JuryMemberFactory(edition=edition)
    invited = JuryMemberFactory(edition=edition, accepted_at=None)
    colleague = JuryMemberFactory(edition=edition)
    entry = reviewed_entry(edition)

    for member, by in [
        (juror, colleague.user),
        (juror, SecretariatFactory()),
        (invited, invited.user),
    ]:
        with pytest.raises(JuryRefused) as refused:
            declare_conflict(member=member, entry=entry, by=by, note="My cousin wrote it.")
        assert str(refused.value) == "Only the juror concerned may declare a conflict of interest."
    assert not ConflictOfInterest.objects.exists()


def test_declare_conflict_records_the_note_and_who():
    edition = EditionFactory()
    juror = JuryMemberFactory(edition=edition)
    entry = reviewed_entry(edition)

    conflict = declare_conflict(member=juror, entry=entry, by=juror.user, note="  I advised them. ")

    conflict.refresh_from_db()
    assert (conflict.kind, conflict.note, conflict.created_by, conflict.lifted_at) == (
        ConflictOfInterest.Kind.DECLARED,
        "I advised them.",
        juror.user,
        None,
    )
    assert has_active_conflict(juror, entry)


def test_declare_conflict_requires_a_note():
    edition = EditionFactory()
    juror = JuryMemberFactory(edition=edition)

    with pytest.raises(JuryRefused) as refused:
        declare_conflict(member=juror, entry=reviewed_entry(edition), by=juror.user, note=" \n ")

    assert str(refused.value) == "Say why: a reason is required."
    assert not ConflictOfInterest.objects.exists()


def test_declare_conflict_refused_for_an_entry_of_another_edition():
    juror = JuryMemberFactory()
    foreign = reviewed_entry(EditionFactory())

    with pytest.raises(JuryRefused) as refused:
        declare_conflict(member=juror, entry=foreign, by=juror.user, note="I know them.")

    assert str(refused.value) == "This entry is not in the edition of this jury."
    assert not ConflictOfInterest.objects.exists()


def test_declare_conflict_refused_while_an_active_conflict_exists():
    edition = EditionFactory(year=2041)
    juror = JuryMemberFactory(edition=edition, user__full_name="Ines Garcia", country="FR")
    entry = reviewed_entry(edition, country="FR", number=7)
    assert record_automatic_conflicts(edition=edition) == 1

    with pytest.raises(JuryRefused) as refused:
        declare_conflict(member=juror, entry=entry, by=juror.user, note="I know them.")

    assert str(refused.value) == (
        "A conflict of interest of yours with PA2041-0007 is recorded already."
    )
    assert active(juror, entry) == ["country"]


def test_declare_conflict_removes_the_unopened_assignment_and_keeps_an_opened_one():
    edition = EditionFactory()
    juror = JuryMemberFactory(edition=edition)
    colleague = JuryMemberFactory(edition=edition)
    unopened_entry, opened_entry = reviewed_entry(edition), reviewed_entry(edition)
    unopened = Assignment.objects.create(member=juror, entry=unopened_entry)
    others = Assignment.objects.create(member=colleague, entry=unopened_entry)
    being_scored = Assignment.objects.create(member=juror, entry=opened_entry)
    evaluation = opened(being_scored, comment="Half written")

    declare_conflict(member=juror, entry=unopened_entry, by=juror.user, note="My town.")
    declare_conflict(member=juror, entry=opened_entry, by=juror.user, note="My partner.")

    assert not Assignment.objects.filter(pk=unopened.pk).exists()
    assert set(Assignment.objects.values_list("pk", flat=True)) == {others.pk, being_scored.pk}
    assert Evaluation.objects.get().pk == evaluation.pk


# Conflicts set and lifted by the secretariat -------------------------------------------------


def test_add_conflict_only_by_the_secretariat():
    edition = EditionFactory()
    juror = JuryMemberFactory(edition=edition)
    entry = reviewed_entry(edition)

    for person in [juror.user, UserFactory()]:
        with pytest.raises(JuryRefused) as refused:
            add_conflict(member=juror, entry=entry, by=person, reason="Former employer")
        assert str(refused.value) == "Only the secretariat may record a conflict of interest."
    assert not ConflictOfInterest.objects.exists()


def test_add_conflict_requires_a_reason_and_records_it():
    edition = EditionFactory()
    juror = JuryMemberFactory(edition=edition)
    entry = reviewed_entry(edition)
    secretariat = SecretariatFactory()
    Assignment.objects.create(member=juror, entry=entry, is_manual=True)

    with pytest.raises(JuryRefused) as refused:
        add_conflict(member=juror, entry=entry, by=secretariat, reason="   ")
    assert str(refused.value) == "Say why: a reason is required."
    assert not ConflictOfInterest.objects.exists()

    conflict = add_conflict(member=juror, entry=entry, by=secretariat, reason=" Former employer ")

    conflict.refresh_from_db()
    assert (conflict.kind, conflict.note, conflict.created_by) == (
        ConflictOfInterest.Kind.SECRETARIAT,
        "Former employer",
        secretariat,
    )
    assert not Assignment.objects.exists()


@pytest.fixture
def secretariat_conflict():
    edition = EditionFactory()
    juror = JuryMemberFactory(edition=edition)
    return add_conflict(
        member=juror, entry=reviewed_entry(edition), by=SecretariatFactory(), reason="Employer"
    )


def test_lift_conflict_only_by_the_secretariat(secretariat_conflict):
    juror = secretariat_conflict.member

    for person in [juror.user, JuryMemberFactory(edition=juror.edition, is_chair=True).user]:
        with pytest.raises(JuryRefused) as refused:
            lift_conflict(conflict=secretariat_conflict, by=person, reason="Not relevant")
        assert str(refused.value) == "Only the secretariat may lift a conflict of interest."
    secretariat_conflict.refresh_from_db()
    assert secretariat_conflict.lifted_at is None


def test_lift_conflict_requires_a_reason(secretariat_conflict):
    with pytest.raises(JuryRefused) as refused:
        lift_conflict(conflict=secretariat_conflict, by=SecretariatFactory(), reason=" ")

    assert str(refused.value) == "Say why: a reason is required."
    secretariat_conflict.refresh_from_db()
    assert (secretariat_conflict.lifted_at, secretariat_conflict.lift_reason) == (None, "")


def test_lift_conflict_records_who_when_and_why_and_only_once(secretariat_conflict):
    secretariat = SecretariatFactory()
    moment = timezone.now().replace(microsecond=0)

    with time_machine.travel(moment, tick=False):
        lift_conflict(conflict=secretariat_conflict, by=secretariat, reason=" Left the job ")

    secretariat_conflict.refresh_from_db()
    assert (
        secretariat_conflict.lifted_at,
        secretariat_conflict.lifted_by,
        secretariat_conflict.lift_reason,
        secretariat_conflict.lifted_with_rule,
    ) == (moment, secretariat, "Left the job", False)
    assert not has_active_conflict(secretariat_conflict.member, secretariat_conflict.entry)

    with pytest.raises(JuryRefused) as refused:
        lift_conflict(conflict=secretariat_conflict, by=SecretariatFactory(), reason="Again")

    assert str(refused.value) == "This conflict of interest was lifted already."
    secretariat_conflict.refresh_from_db()
    assert (secretariat_conflict.lifted_by, secretariat_conflict.lift_reason) == (
        secretariat,
        "Left the job",
    )


def test_a_lifted_conflict_can_be_recorded_again(secretariat_conflict):
    juror, entry = secretariat_conflict.member, secretariat_conflict.entry
    secretariat = SecretariatFactory()
    lift_conflict(conflict=secretariat_conflict, by=secretariat, reason="Mistake")

    again = add_conflict(member=juror, entry=entry, by=secretariat, reason="It was right")
    lift_conflict(conflict=again, by=secretariat, reason="Mistake after all")
    declared = declare_conflict(member=juror, entry=entry, by=juror.user, note="I insist.")

    rows = ConflictOfInterest.objects.filter(member=juror, entry=entry).order_by("pk")
    assert [(c.kind, c.lifted_at is None) for c in rows] == [
        ("secretariat", False),
        ("secretariat", False),
        ("declared", True),
    ]
    assert rows.last().pk == declared.pk
    assert active(juror, entry) == ["declared"]


def test_an_automatic_conflict_lifted_by_hand_is_not_recorded_again():
    edition = EditionFactory()
    juror = JuryMemberFactory(edition=edition, country="FR")
    entry = reviewed_entry(edition, country="FR")
    secretariat = SecretariatFactory()
    assert record_automatic_conflicts(edition=edition) == 1
    lift_conflict(
        conflict=ConflictOfInterest.objects.get(), by=secretariat, reason="Lives in Spain now"
    )
    assignment = set_assignment(member=juror, entry=entry, by=secretariat, assigned=True)

    assert record_automatic_conflicts(edition=edition) == 0

    assert ConflictOfInterest.objects.count() == 1
    assert active(juror, entry) == []
    assert Assignment.objects.get().pk == assignment.pk


# The jury settings: automatic conflict rules switched off and on -----------------------------


@pytest.fixture
def conflicts_of_a_french_juror():
    """A French juror with two automatic country conflicts, one more lifted by hand, one set by
    the secretariat and one declared (on entries from elsewhere)."""
    edition = EditionFactory()
    juror = JuryMemberFactory(edition=edition, country="FR")
    secretariat = SecretariatFactory()
    french = [reviewed_entry(edition, country="FR") for _ in range(3)]
    assert record_automatic_conflicts(edition=edition) == 3
    lifted_by_hand = ConflictOfInterest.objects.get(entry=french[2])
    lift_conflict(conflict=lifted_by_hand, by=secretariat, reason="Not a real link")
    set_by_secretariat = add_conflict(
        member=juror, entry=reviewed_entry(edition), by=secretariat, reason="Former employer"
    )
    declared = declare_conflict(
        member=juror, entry=reviewed_entry(edition), by=juror.user, note="Friends"
    )
    return {
        "edition": edition,
        "juror": juror,
        "secretariat": secretariat,
        "automatic": [ConflictOfInterest.objects.get(entry=entry) for entry in french[:2]],
        "lifted_by_hand": lifted_by_hand,
        "others": [set_by_secretariat, declared],
    }


def test_save_settings_only_by_the_secretariat(conflicts_of_a_french_juror):
    case = conflicts_of_a_french_juror
    jury_settings = settings_for(case["edition"])
    jury_settings.conflict_same_country = False

    with pytest.raises(JuryRefused) as refused:
        save_settings(settings=jury_settings, by=case["juror"].user)

    assert str(refused.value) == "Only the secretariat may change the jury's settings."
    assert JurySettings.objects.get(edition=case["edition"]).conflict_same_country is True
    assert ConflictOfInterest.objects.filter(lifted_at__isnull=True).count() == 4


def test_switching_the_country_rule_off_lifts_only_its_active_conflicts(
    conflicts_of_a_french_juror,
):
    case = conflicts_of_a_french_juror
    jury_settings = settings_for(case["edition"])
    jury_settings.conflict_same_country = False
    moment = (timezone.now() + datetime.timedelta(minutes=1)).replace(microsecond=0)

    with time_machine.travel(moment, tick=False):
        save_settings(settings=jury_settings, by=case["secretariat"])

    assert JurySettings.objects.get(edition=case["edition"]).conflict_same_country is False
    for conflict in case["automatic"]:
        conflict.refresh_from_db()
        assert (
            conflict.lifted_at,
            conflict.lifted_by,
            conflict.lift_reason,
            conflict.lifted_with_rule,
        ) == (moment, case["secretariat"], "", True)
    hand = case["lifted_by_hand"]
    hand.refresh_from_db()
    assert (hand.lift_reason, hand.lifted_with_rule) == ("Not a real link", False)
    assert hand.lifted_at < moment
    for conflict in case["others"]:
        conflict.refresh_from_db()
        assert (conflict.lifted_at, conflict.lifted_with_rule) == (None, False)


def test_switching_the_country_rule_on_again_records_them_anew_and_keeps_the_lifted_rows(
    conflicts_of_a_french_juror,
):
    case = conflicts_of_a_french_juror
    edition, juror, secretariat = case["edition"], case["juror"], case["secretariat"]
    jury_settings = settings_for(edition)
    jury_settings.conflict_same_country = False
    save_settings(settings=jury_settings, by=secretariat)
    # While the rule is off: a hand assignment on a formerly conflicted entry, and a new entry.
    restored_entry = case["automatic"][0].entry
    set_assignment(member=juror, entry=restored_entry, by=secretariat, assigned=True)
    newcomer = reviewed_entry(edition, country="ES", partner_country="FR")
    assert not ConflictOfInterest.objects.filter(entry=newcomer).exists()

    jury_settings.conflict_same_country = True
    save_settings(settings=jury_settings, by=secretariat)

    for conflict in case["automatic"]:
        # The lifted row stays as the record of the rule's pause; a new row is active.
        conflict.refresh_from_db()
        assert (conflict.lifted_at is not None, conflict.lifted_by, conflict.lifted_with_rule) == (
            True,
            secretariat,
            True,
        )
        assert active(juror, conflict.entry) == ["country"]
    hand = case["lifted_by_hand"]
    hand.refresh_from_db()
    assert (hand.lifted_at is not None, hand.lift_reason) == (True, "Not a real link")
    assert active(juror, hand.entry) == []
    assert active(juror, newcomer) == ["country"]
    # Two lifted with the rule, one lifted by hand, two recorded anew and the newcomer's.
    assert ConflictOfInterest.objects.filter(kind="country").count() == 6
    assert ConflictOfInterest.objects.filter(lifted_at__isnull=True).count() == 5
    # The hand assignment of a conflicted juror, never opened, went with the conflict's return.
    assert not Assignment.objects.filter(member=juror, entry=restored_entry).exists()


def test_recording_automatic_conflicts_deletes_unopened_assignments_of_the_pair():
    edition = EditionFactory()
    french = JuryMemberFactory(edition=edition, country="FR")
    neutral = JuryMemberFactory(edition=edition, country="DE")
    first, second = reviewed_entry(edition, country="FR"), reviewed_entry(edition, country="FR")
    elsewhere = reviewed_entry(edition, country="ES")
    unopened = Assignment.objects.create(member=french, entry=first, is_manual=True)
    being_scored = Assignment.objects.create(member=french, entry=second)
    opened(being_scored)
    kept = [
        Assignment.objects.create(member=french, entry=elsewhere),
        Assignment.objects.create(member=neutral, entry=first),
    ]

    assert record_automatic_conflicts(edition=edition) == 2

    assert not Assignment.objects.filter(pk=unopened.pk).exists()
    assert set(Assignment.objects.values_list("pk", flat=True)) == {
        being_scored.pk,
        *(a.pk for a in kept),
    }


# The rubric ----------------------------------------------------------------------------------


@pytest.fixture
def rubric_edition():
    """An edition whose scoring opens in the future, with the default rubric."""
    edition = EditionFactory()
    assert edition.scoring_opens > timezone.now()
    add_default_criteria(edition=edition)
    return Edition.objects.get(pk=edition.pk)


def rubric_post(edition) -> dict[str, str]:
    """What the rubric page posts when nothing is changed: the formset rendered, read back."""
    formset = CriterionFormSet(queryset=edition.criteria.all(), prefix="criteria")
    data = {
        formset.management_form.add_prefix(name): str(value)
        for name, value in formset.management_form.initial.items()
    }
    for form in formset.forms:
        for name in form.fields:
            value = form[name].value()
            if name == "DELETE" or value is None:
                continue  # an unticked box is not posted
            data[form.add_prefix(name)] = str(value.pk if hasattr(value, "pk") else value)
    return data


def bound_rubric(edition, data) -> CriterionFormSet:
    formset = CriterionFormSet(data, queryset=edition.criteria.all(), prefix="criteria")
    assert formset.is_valid(), formset.errors
    return formset


def rubric(edition) -> list[tuple]:
    return list(
        Criterion.objects.filter(edition=edition).values_list(
            "position", "name", "weight", "scale_min", "scale_max"
        )
    )


def test_rubric_locked_from_the_moment_scoring_opens(rubric_edition):
    opens = rubric_edition.scoring_opens

    assert rubric_locked(rubric_edition) is False
    assert rubric_locked(rubric_edition, now=opens - datetime.timedelta(seconds=1)) is False
    assert rubric_locked(rubric_edition, now=opens) is True
    assert rubric_locked(rubric_edition, now=opens + datetime.timedelta(days=3)) is True
    with time_machine.travel(opens, tick=False):
        assert rubric_locked(rubric_edition) is True


def test_rubric_locked_by_any_score_even_before_scoring_opens(rubric_edition):
    assignment = Assignment.objects.create(
        member=JuryMemberFactory(edition=rubric_edition), entry=reviewed_entry(rubric_edition)
    )
    evaluation = opened(assignment)
    assert rubric_locked(rubric_edition) is False

    CriterionScore.objects.create(
        evaluation=evaluation, criterion=rubric_edition.criteria.first(), not_applicable=True
    )

    assert rubric_locked(rubric_edition) is True


def test_save_rubric_saves_edits_additions_and_deletions(rubric_edition):
    data = rubric_post(rubric_edition)
    assert (data["criteria-TOTAL_FORMS"], data["criteria-INITIAL_FORMS"]) == ("6", "5")
    data |= {
        "criteria-0-name": "Strategy",
        "criteria-0-weight": "2.5",
        "criteria-4-DELETE": "on",
        "criteria-5-position": "6",
        "criteria-5-name": "Innovation",
        "criteria-5-guidance": "What is new here?",
        "criteria-5-scale_min": "1",
        "criteria-5-scale_max": "5",
    }

    save_rubric(
        edition=rubric_edition,
        by=SecretariatFactory(),
        criteria=bound_rubric(rubric_edition, data).changes(),
    )

    assert rubric(rubric_edition) == [
        (1, "Strategy", Decimal("2.5"), 0, 10),
        (2, "Results and local impact", 1, 0, 10),
        (3, "Local democracy", 1, 0, 10),
        (4, "Active citizenship", 1, 0, 10),
        (6, "Innovation", 1, 1, 5),
    ]
    assert Criterion.objects.get(name="Innovation").guidance == "What is new here?"


def test_save_rubric_deletes_a_criterion_when_the_others_are_left_as_they_are(rubric_edition):
    data = rubric_post(rubric_edition) | {"criteria-2-DELETE": "on"}

    save_rubric(
        edition=rubric_edition,
        by=SecretariatFactory(),
        criteria=bound_rubric(rubric_edition, data).changes(),
    )

    assert [name for _, name, *_ in rubric(rubric_edition)] == [
        "Strategic approach and objectives",
        "Results and local impact",
        "Active citizenship",
        "Development effectiveness and policy coherence",
    ]


def test_save_rubric_refused_once_scoring_has_opened():
    edition = scoring_edition()
    before = rubric(edition)
    data = rubric_post(edition) | {"criteria-0-name": "Strategy", "criteria-1-DELETE": "on"}

    with pytest.raises(JuryRefused) as refused:
        save_rubric(
            edition=edition, by=SecretariatFactory(), criteria=bound_rubric(edition, data).changes()
        )

    assert str(refused.value) == (
        "Scoring has opened, or jurors have scored already, so the rubric can no longer change: "
        "the scores given would no longer mean the same."
    )
    assert rubric(edition) == before


def test_save_rubric_refused_when_every_criterion_would_go(rubric_edition):
    before = rubric(rubric_edition)
    data = rubric_post(rubric_edition) | {f"criteria-{i}-DELETE": "on" for i in range(5)}

    with pytest.raises(JuryRefused) as refused:
        save_rubric(
            edition=rubric_edition,
            by=SecretariatFactory(),
            criteria=bound_rubric(rubric_edition, data).changes(),
        )

    assert str(refused.value) == "Keep at least one criterion in the rubric."
    assert rubric(rubric_edition) == before


def test_save_rubric_may_replace_every_criterion_by_a_new_one(rubric_edition):
    data = rubric_post(rubric_edition) | {f"criteria-{i}-DELETE": "on" for i in range(5)}
    data |= {"criteria-5-position": "1", "criteria-5-name": "Overall merit"}

    save_rubric(
        edition=rubric_edition,
        by=SecretariatFactory(),
        criteria=bound_rubric(rubric_edition, data).changes(),
    )

    assert rubric(rubric_edition) == [(1, "Overall merit", 1, 0, 10)]


@pytest.mark.parametrize(("low", "high"), [("5", "5"), ("6", "5")])
def test_criterion_form_refuses_a_scale_that_does_not_go_up(low, high):
    form = CriterionForm(
        data={
            "position": "1",
            "name": "Impact",
            "guidance": "",
            "weight": "1",
            "scale_min": low,
            "scale_max": high,
        }
    )

    assert not form.is_valid()
    assert form.errors == {"scale_max": ["The highest score must be above the lowest."]}


# Assignments set by hand ---------------------------------------------------------------------


def test_set_assignment_only_by_the_secretariat():
    edition = EditionFactory()
    juror = JuryMemberFactory(edition=edition)
    entry = reviewed_entry(edition)
    chair = JuryMemberFactory(edition=edition, is_chair=True)

    for person in [juror.user, chair.user]:
        with pytest.raises(JuryRefused) as refused:
            set_assignment(member=juror, entry=entry, by=person, assigned=True)
        assert str(refused.value) == "Only the secretariat may change the assignments."
    assert not Assignment.objects.exists()


def test_set_assignment_refused_for_an_entry_not_under_review_in_the_jurors_edition():
    edition = EditionFactory()
    juror = JuryMemberFactory(edition=edition)
    draft = EntryFactory(edition=edition)
    foreign = reviewed_entry(EditionFactory())

    for entry in [draft, foreign]:
        with pytest.raises(JuryRefused) as refused:
            set_assignment(member=juror, entry=entry, by=SecretariatFactory(), assigned=True)
        assert str(refused.value) == "This entry is not under review in the edition of this jury."
    assert not Assignment.objects.exists()


def test_set_assignment_refused_for_a_juror_who_has_not_accepted():
    edition = EditionFactory()
    invited = JuryMemberFactory(edition=edition, accepted_at=None, user__full_name="Jan Nowak")

    with pytest.raises(JuryRefused) as refused:
        set_assignment(
            member=invited, entry=reviewed_entry(edition), by=SecretariatFactory(), assigned=True
        )

    assert str(refused.value) == "Jan Nowak has not accepted the invitation yet."
    assert not Assignment.objects.exists()


def test_set_assignment_refused_for_a_conflicted_juror():
    edition = EditionFactory(year=2042)
    juror = JuryMemberFactory(edition=edition, user__full_name="Ada Lovelace")
    entry = reviewed_entry(edition, number=12)
    declare_conflict(member=juror, entry=entry, by=juror.user, note="My sister's town.")

    with pytest.raises(JuryRefused) as refused:
        set_assignment(member=juror, entry=entry, by=SecretariatFactory(), assigned=True)

    assert str(refused.value) == "Ada Lovelace has a conflict of interest with PA2042-0012."
    assert not Assignment.objects.exists()


def test_set_assignment_creates_a_manual_one_and_makes_an_automatic_one_manual():
    edition = EditionFactory()
    juror = JuryMemberFactory(edition=edition)
    fresh_entry, automatic_entry = reviewed_entry(edition), reviewed_entry(edition)
    automatic = Assignment.objects.create(member=juror, entry=automatic_entry, is_manual=False)
    secretariat = SecretariatFactory()

    created = set_assignment(member=juror, entry=fresh_entry, by=secretariat, assigned=True)
    kept = set_assignment(member=juror, entry=automatic_entry, by=secretariat, assigned=True)
    again = set_assignment(member=juror, entry=fresh_entry, by=secretariat, assigned=True)

    assert (created.is_manual, kept.is_manual, kept.pk, again.pk) == (
        True,
        True,
        automatic.pk,
        created.pk,
    )
    assert sorted(Assignment.objects.values_list("entry_id", "is_manual", "round")) == sorted(
        [(fresh_entry.pk, True, 1), (automatic_entry.pk, True, 1)]
    )


@pytest.mark.parametrize("draft", [False, True])
def test_set_assignment_takes_off_an_unopened_or_empty_draft_assignment(draft):
    edition = EditionFactory()
    juror = JuryMemberFactory(edition=edition)
    entry = reviewed_entry(edition)
    assignment = Assignment.objects.create(member=juror, entry=entry, is_manual=True)
    if draft:
        opened(assignment)
    secretariat = SecretariatFactory()

    assert set_assignment(member=juror, entry=entry, by=secretariat, assigned=False) is None

    assert not Assignment.objects.exists()
    assert not Evaluation.objects.exists()
    assert set_assignment(member=juror, entry=entry, by=secretariat, assigned=False) is None


@pytest.mark.parametrize("started", ["score", "not_applicable", "comment", "submitted"])
def test_set_assignment_keeps_an_assignment_being_scored(started):
    edition = EditionFactory(year=2043)
    add_default_criteria(edition=edition)
    juror = JuryMemberFactory(edition=edition, user__full_name="Bo Berg")
    entry = reviewed_entry(edition, number=3)
    assignment = Assignment.objects.create(member=juror, entry=entry)
    evaluation = opened(
        assignment,
        comment="Promising" if started == "comment" else "",
        status="submitted" if started == "submitted" else "draft",
    )
    if started in ("score", "not_applicable"):
        CriterionScore.objects.create(
            evaluation=evaluation,
            criterion=edition.criteria.first(),
            value=Decimal("6") if started == "score" else None,
            not_applicable=started == "not_applicable",
        )

    with pytest.raises(JuryRefused) as refused:
        set_assignment(member=juror, entry=entry, by=SecretariatFactory(), assigned=False)

    assert str(refused.value) == "Bo Berg has started scoring PA2043-0003, so the assignment stays."
    assert Assignment.objects.get().pk == assignment.pk
    assert Evaluation.objects.get().pk == evaluation.pk


# Automatic assignment around the fixed ones --------------------------------------------------


def three_jurors_six_entries():
    """Three jurors and six entries without conflicts, one juror per entry."""
    edition = EditionFactory()
    JurySettings.objects.create(edition=edition, jurors_per_entry=1)
    jurors = [JuryMemberFactory(edition=edition, country=c) for c in ["DE", "IT", "PL"]]
    entries = [reviewed_entry(edition) for _ in range(6)]
    return edition, jurors, entries


def loads(jurors) -> list[int]:
    return [Assignment.objects.filter(member=juror).count() for juror in jurors]


@pytest.mark.parametrize("seed", [1, 2, 3, 4])
def test_assign_automatically_balances_around_manual_assignments(seed):
    edition, (busy, *others), entries = three_jurors_six_entries()
    secretariat = SecretariatFactory()
    manual = [
        set_assignment(member=busy, entry=entry, by=secretariat, assigned=True)
        for entry in entries[:3]
    ]

    plan = assign_automatically(edition=edition, by=secretariat, seed=seed)

    assert set(Assignment.objects.filter(member=busy).values_list("pk", flat=True)) == {
        a.pk for a in manual
    }
    assert all(Assignment.objects.filter(entry=e).count() == 1 for e in entries)
    assert sorted(loads(others)) == [1, 2]
    # Only the movable units balance: the busy juror's three fixed ones stay where they are.
    assert plan.loads == {
        busy.pk: 3,
        **{juror.pk: n for juror, n in zip(others, loads(others), strict=True)},
    }
    assert max(plan.loads.values()) - min(plan.loads.values()) == 2
    assert plan.shortfalls == ()


def test_assign_automatically_keeps_an_opened_automatic_assignment():
    edition, jurors, entries = three_jurors_six_entries()
    secretariat = SecretariatFactory()
    assign_automatically(edition=edition, by=secretariat, seed=1)
    being_scored = Assignment.objects.filter(entry=entries[0]).get()
    opened(being_scored, comment="Reading")

    for seed in range(2, 12):
        assign_automatically(edition=edition, by=secretariat, seed=seed)

        assert Assignment.objects.filter(entry=entries[0]).get().pk == being_scored.pk
        assert all(Assignment.objects.filter(entry=e).count() == 1 for e in entries)
        assert max(loads(jurors)) - min(loads(jurors)) <= 1
    being_scored.refresh_from_db()
    assert being_scored.is_manual is False


def test_assign_automatically_ignores_a_kept_assignment_of_a_juror_conflicted_since():
    edition, (conflicted, *others), entries = three_jurors_six_entries()
    secretariat = SecretariatFactory()
    manual = set_assignment(member=conflicted, entry=entries[0], by=secretariat, assigned=True)
    opened(manual, comment="Half way")
    add_conflict(member=conflicted, entry=entries[0], by=secretariat, reason="Consultant")

    plan = assign_automatically(edition=edition, by=secretariat, seed=5)

    # Kept, hidden, not counted: the entry gets another juror and the loads balance.
    assert Assignment.objects.filter(pk=manual.pk).exists()
    replacement = Assignment.objects.filter(entry=entries[0]).exclude(pk=manual.pk).get()
    assert replacement.member_id in {j.pk for j in others}
    assert conflicted.pk not in plan.by_entry[entries[0].pk]
    assert sorted(plan.loads.values()) == [2, 2, 2]
    assert plan.shortfalls == ()


# Telling jurors their entries ----------------------------------------------------------------


def assigned_mails(member=None):
    mails = Notification.objects.filter(kind="jury.assigned").order_by("pk")
    return list(mails.filter(recipient_email=member.user.email) if member else mails)


def listed(mail) -> list[str]:
    return [entry["reference"] for entry in mail.context["entries"]]


@pytest.fixture
def told_jury():
    edition = EditionFactory(year=2044)
    anna = JuryMemberFactory(edition=edition, user__full_name="Anna")
    ben = JuryMemberFactory(edition=edition, user__full_name="Ben")
    idle = JuryMemberFactory(edition=edition, user__full_name="Idle")
    invited = JuryMemberFactory(edition=edition, accepted_at=None)
    entries = [reviewed_entry(edition, number=n, title=f"Entry {n}") for n in (1, 2, 3, 4)]
    secretariat = SecretariatFactory()
    for member, entry in [(anna, entries[1]), (anna, entries[0]), (ben, entries[2])]:
        set_assignment(member=member, entry=entry, by=secretariat, assigned=True)
    Assignment.objects.create(member=invited, entry=entries[3])
    return {
        "edition": edition,
        "anna": anna,
        "ben": ben,
        "idle": idle,
        "invited": invited,
        "entries": entries,
        "secretariat": secretariat,
    }


def test_tell_jurors_sends_each_accepted_juror_with_entries_their_list(told_jury):
    anna, ben = told_jury["anna"], told_jury["ben"]

    assert tell_jurors_their_assignments(edition=told_jury["edition"], by=SecretariatFactory()) == 2

    assert [mail.recipient_email for mail in assigned_mails()] == [anna.user.email, ben.user.email]
    mail = assigned_mails(anna)[0]
    assert mail.context["entries"] == [
        {"reference": "PA2044-0001", "title": "Entry 1"},
        {"reference": "PA2044-0002", "title": "Entry 2"},
    ]
    assert mail.context["edition"]["title"] == told_jury["edition"].title
    assert listed(assigned_mails(ben)[0]) == ["PA2044-0003"]
    assert assigned_mails(told_jury["idle"]) == []
    assert assigned_mails(told_jury["invited"]) == []


def test_tell_jurors_again_without_change_sends_nothing(told_jury):
    tell_jurors_their_assignments(edition=told_jury["edition"], by=SecretariatFactory())

    assert tell_jurors_their_assignments(edition=told_jury["edition"], by=SecretariatFactory()) == 0

    assert len(assigned_mails()) == 2


def test_tell_jurors_after_a_change_tells_only_that_juror(told_jury):
    edition, ben, secretariat = told_jury["edition"], told_jury["ben"], told_jury["secretariat"]
    tell_jurors_their_assignments(edition=edition, by=SecretariatFactory())
    set_assignment(member=ben, entry=told_jury["entries"][3], by=secretariat, assigned=True)

    assert tell_jurors_their_assignments(edition=edition, by=SecretariatFactory()) == 1

    assert len(assigned_mails(told_jury["anna"])) == 1
    assert [listed(mail) for mail in assigned_mails(ben)] == [
        ["PA2044-0003"],
        ["PA2044-0003", "PA2044-0004"],
    ]


def test_tell_jurors_tells_a_juror_whose_list_went_back_to_an_earlier_one(told_jury):
    edition, ben, secretariat = told_jury["edition"], told_jury["ben"], told_jury["secretariat"]
    extra = told_jury["entries"][3]
    tell_jurors_their_assignments(edition=edition, by=SecretariatFactory())
    set_assignment(member=ben, entry=extra, by=secretariat, assigned=True)
    tell_jurors_their_assignments(edition=edition, by=SecretariatFactory())
    set_assignment(member=ben, entry=extra, by=secretariat, assigned=False)

    assert tell_jurors_their_assignments(edition=edition, by=SecretariatFactory()) == 1
    assert tell_jurors_their_assignments(edition=edition, by=SecretariatFactory()) == 0

    assert [listed(mail) for mail in assigned_mails(ben)] == [
        ["PA2044-0003"],
        ["PA2044-0003", "PA2044-0004"],
        ["PA2044-0003"],
    ]


def test_tell_jurors_never_lists_a_conflicted_entry(told_jury):
    edition, anna, secretariat = told_jury["edition"], told_jury["anna"], told_jury["secretariat"]
    second = told_jury["entries"][1]
    opened(Assignment.objects.get(member=anna, entry=second), comment="Started")
    add_conflict(member=anna, entry=second, by=secretariat, reason="Her former employer")
    ben = told_jury["ben"]
    opened(Assignment.objects.get(member=ben), comment="Started")
    declare_conflict(member=ben, entry=told_jury["entries"][2], by=ben.user, note="My town")

    assert tell_jurors_their_assignments(edition=edition, by=SecretariatFactory()) == 1

    assert Assignment.objects.filter(member=anna, entry=second).exists()
    assert [listed(mail) for mail in assigned_mails()] == [["PA2044-0001"]]
    assert assigned_mails(anna)[0].recipient_email == anna.user.email


@pytest.mark.parametrize("size", [2, 12])
def test_tell_jurors_query_count_does_not_grow_with_the_jury(django_assert_num_queries, size):
    edition = EditionFactory()
    secretariat = SecretariatFactory()
    first, second, extra = (reviewed_entry(edition) for _ in range(3))
    jurors = [JuryMemberFactory(edition=edition) for _ in range(size)]
    Assignment.objects.bulk_create(
        Assignment(member=member, entry=entry) for member in jurors for entry in (first, second)
    )
    assert tell_jurors_their_assignments(edition=edition, by=secretariat) == size
    changed = jurors[size // 2]
    Assignment.objects.create(member=changed, entry=extra)

    # The transaction's savepoint; the edition locked, the jurors with their accounts, every
    # visible assignment, the lists sent before; then the one message (savepoint, insert,
    # release); the savepoint released.
    with django_assert_num_queries(9):
        queued = tell_jurors_their_assignments(edition=edition, by=secretariat)

    assert queued == 1
    assert [len(mail.context["entries"]) for mail in assigned_mails(changed)] == [2, 3]
    assert len(assigned_mails()) == size + 1


# Reminding a juror by hand -------------------------------------------------------------------


@pytest.fixture
def juror_with_work():
    """A juror with three entries to score (one submitted) and a fourth now conflicted."""
    edition = scoring_edition()
    juror = JuryMemberFactory(edition=edition)
    assignments = [
        Assignment.objects.create(member=juror, entry=reviewed_entry(edition)) for _ in range(4)
    ]
    opened(assignments[0], status="submitted", submitted_at=timezone.now())
    opened(assignments[1])
    opened(assignments[3], comment="Half way")
    add_conflict(
        member=juror, entry=assignments[3].entry, by=SecretariatFactory(), reason="Conflict"
    )
    return juror


AT_TEN = datetime.datetime(2031, 3, 4, 10, 5, tzinfo=datetime.UTC)


def reminders():
    return list(Notification.objects.filter(kind="reminder.juror").order_by("pk"))


def test_remind_juror_queues_one_reminder_of_what_is_left(juror_with_work):
    assert remind_juror(member=juror_with_work, by=SecretariatFactory(), now=AT_TEN) is True

    [reminder] = reminders()
    assert reminder.recipient_email == juror_with_work.user.email
    assert (reminder.context["left"], reminder.context["total"]) == (2, 3)
    assert reminder.context["edition"]["title"] == juror_with_work.edition.title


def test_remind_juror_at_most_once_an_hour(juror_with_work):
    secretariat = SecretariatFactory()
    remind_juror(member=juror_with_work, by=secretariat, now=AT_TEN)

    later_that_hour = AT_TEN + datetime.timedelta(minutes=54)
    assert remind_juror(member=juror_with_work, by=secretariat, now=later_that_hour) is False
    assert len(reminders()) == 1

    next_hour = AT_TEN + datetime.timedelta(minutes=55)
    assert remind_juror(member=juror_with_work, by=secretariat, now=next_hour) is True
    assert len(reminders()) == 2


def test_remind_juror_sends_nothing_when_everything_is_submitted(juror_with_work):
    Evaluation.objects.filter(assignment__member=juror_with_work).update(
        status="submitted", submitted_at=timezone.now()
    )
    Evaluation.objects.create(
        assignment=Assignment.objects.get(member=juror_with_work, evaluation__isnull=True),
        status="submitted",
        submitted_at=timezone.now(),
    )

    assert remind_juror(member=juror_with_work, by=SecretariatFactory(), now=AT_TEN) is False

    assert reminders() == []


# Reopening an evaluation ---------------------------------------------------------------------


def test_reopen_evaluation_records_each_reopening_and_tells_the_juror_in_their_language():
    edition = scoring_edition()
    juror = JuryMemberFactory(edition=edition, user__preferred_language="fr")
    assignment = Assignment.objects.create(member=juror, entry=reviewed_entry(edition))
    criteria = list(edition.criteria.all())
    first_secretary, second_secretary = SecretariatFactory(), SecretariatFactory()

    def score_and_submit():
        save_scores(
            assignment=assignment,
            by=juror.user,
            scores={c.pk: Decimal("6") for c in criteria},
            comments={},
        )
        return submit_evaluation(assignment=assignment, by=juror.user)

    reopen_evaluation(evaluation=score_and_submit(), by=first_secretary, reason=" Typo ")
    reopen_evaluation(evaluation=score_and_submit(), by=second_secretary, reason="Second look")

    assert list(Reopening.objects.values_list("evaluation__assignment", "by", "reason")) == [
        (assignment.pk, first_secretary.pk, "Typo"),
        (assignment.pk, second_secretary.pk, "Second look"),
    ]
    mails = Notification.objects.filter(kind="jury.evaluation_reopened").order_by("pk")
    assert [(m.recipient_email, m.language, m.context["reason"]) for m in mails] == [
        (juror.user.email, "fr", "Typo"),
        (juror.user.email, "fr", "Second look"),
    ]
    assert Evaluation.objects.get().status == Evaluation.Status.DRAFT


# A new edition's jury defaults ---------------------------------------------------------------


def test_create_edition_gives_the_jury_its_rubric_settings_and_reminder_rules():
    built = EditionFactory.build(year=2099)
    fields = {name: getattr(built, name) for name in ["year", "title", "slug", *Edition.TIMELINE]}

    edition = create_edition(by=SecretariatFactory(), **fields)

    assert list(edition.criteria.values_list("position", "name", "weight")) == [
        (i, name, 1) for i, name in enumerate(DEFAULT_CRITERIA, start=1)
    ]
    jury_settings = JurySettings.objects.get(edition=edition)
    assert (
        jury_settings.jurors_per_entry,
        jury_settings.conflict_same_country,
        jury_settings.conflict_same_organisation,
        jury_settings.hide_scores_until_closed,
    ) == (None, True, True, False)
    rules = ReminderRule.objects.filter(edition=edition, audience="jurors_with_unsubmitted")
    assert sorted(rules.values_list("milestone", "days", "enabled")) == [
        ("scoring_deadline", -5, True),
        ("scoring_deadline", -1, True),
        ("scoring_deadline", 1, True),
    ]


# Scores typed with a decimal comma -----------------------------------------------------------


@pytest.fixture
def scoring_assignment():
    edition = scoring_edition()
    return Assignment.objects.create(
        member=JuryMemberFactory(edition=edition), entry=reviewed_entry(edition)
    )


def test_score_sheet_reads_a_decimal_comma(scoring_assignment):
    strategy = scoring_assignment.entry.edition.criteria.first()
    form = ScoreSheetForm({f"score_{strategy.pk}": " 7,5 "}, criteria=[strategy], partial=True)

    assert form.is_valid(), form.errors
    save_scores(assignment=scoring_assignment, by=scoring_assignment.member.user, **form.values())

    assert form.scores() == {strategy.pk: Decimal("7.5")}
    assert CriterionScore.objects.get().value == Decimal("7.5")


@pytest.mark.parametrize("value", ["7,5,1", "1.000,5", "abc", ",", "NaN", "-Infinity", "1" * 21])
def test_score_sheet_still_refuses_what_is_not_a_number(scoring_assignment, value):
    strategy = scoring_assignment.entry.edition.criteria.first()

    form = ScoreSheetForm({f"score_{strategy.pk}": value}, criteria=[strategy], partial=True)

    assert form.errors == {
        f"score_{strategy.pk}": [
            "The score for “Strategic approach and objectives” must be a number."
        ]
    }
    assert not CriterionScore.objects.exists()


# Reads ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("size", [2, 12])
def test_jurors_with_unsubmitted_query_count_does_not_grow_with_the_jury(
    django_assert_num_queries, size
):
    edition = EditionFactory()
    JuryMemberFactory(edition=edition, accepted_at=None)
    for _ in range(size):
        juror = JuryMemberFactory(edition=edition)
        Assignment.objects.create(member=juror, entry=reviewed_entry(edition))

    # The accepted jurors with their users and edition, then everyone's progress.
    with django_assert_num_queries(2):
        rows = list(jurors_with_unsubmitted(edition.pk, timezone.now()))

    assert len(rows) == size
    assert {context["left"] for _, context, _ in rows} == {1}


def test_progress_by_member_matches_juror_progress_without_conflicted_assignments():
    edition = scoring_edition()
    jurors = [JuryMemberFactory(edition=edition) for _ in range(4)]
    entries = [reviewed_entry(edition) for _ in range(4)]
    for juror, statuses in zip(
        jurors[:3],
        [["submitted", "draft", None, "draft"], ["submitted", "submitted"], [None]],
        strict=True,
    ):
        for entry, status in zip(entries, statuses, strict=False):
            assignment = Assignment.objects.create(member=juror, entry=entry)
            if status:
                opened(assignment, status=status)
    add_conflict(member=jurors[0], entry=entries[3], by=SecretariatFactory(), reason="Employer")
    JuryMemberFactory(edition=EditionFactory())  # another edition's juror
    Assignment.objects.create(member=JuryMemberFactory(), entry=EntryFactory())

    by_member = progress_by_member(edition)

    assert by_member == {
        juror.pk: juror_progress(juror) for juror in jurors if juror_progress(juror)["total"]
    }
    assert by_member[jurors[0].pk] == {"total": 3, "submitted": 1, "draft": 1, "not_started": 1}
    assert by_member[jurors[1].pk] == {"total": 2, "submitted": 2, "draft": 0, "not_started": 0}
    assert jurors[3].pk not in by_member


def test_rubric_assignment_and_reminders_are_the_secretariats_to_change(rubric_edition):
    juror = JuryMemberFactory(edition=rubric_edition)
    reviewed_entry(rubric_edition)
    before = rubric(rubric_edition)

    with pytest.raises(JuryRefused, match="Only the secretariat may change the rubric"):
        save_rubric(
            edition=rubric_edition,
            by=juror.user,
            criteria=bound_rubric(rubric_edition, rubric_post(rubric_edition)).changes(),
        )
    with pytest.raises(JuryRefused, match="Only the secretariat may change the assignments"):
        assign_automatically(edition=rubric_edition, by=juror.user, seed=1)
    with pytest.raises(JuryRefused, match="Only the secretariat may send a juror a reminder"):
        remind_juror(member=juror, by=juror.user)

    assert rubric(rubric_edition) == before
    assert not Assignment.objects.filter(member__edition=rubric_edition).exists()
    assert not ConflictOfInterest.objects.exists()


def test_assigning_by_hand_checks_the_automatic_rules_of_a_juror_who_joined_since():
    edition = EditionFactory(year=2045)
    entry = reviewed_entry(edition, country="FR", number=3)
    secretariat = SecretariatFactory()
    assign_automatically(edition=edition, by=secretariat, seed=1)  # nobody on the jury yet
    newcomer = JuryMemberFactory(edition=edition, country="FR", user__full_name="Nadia Nouvelle")

    with pytest.raises(JuryRefused) as refused:
        set_assignment(member=newcomer, entry=entry, by=secretariat, assigned=True)

    assert str(refused.value) == "Nadia Nouvelle has a conflict of interest with PA2045-0003."
    assert active(newcomer, entry) == ["country"]
    assert not Assignment.objects.filter(member=newcomer).exists()


def test_accepting_an_invitation_records_the_jurors_automatic_conflicts():
    from jury.services import accept_invitation

    edition = EditionFactory()
    entry = reviewed_entry(edition, partner_country="PT")
    invited = JuryMemberFactory(edition=edition, country="PT", accepted_at=None)

    accept_invitation(member=invited, user=invited.user)

    assert active(invited, entry) == ["country"]


def test_reopening_refused_once_the_juror_is_conflicted_with_the_entry():
    edition = scoring_edition()
    member = JuryMemberFactory(edition=edition)
    entry = reviewed_entry(edition)
    assignment = Assignment.objects.create(member=member, entry=entry)
    criteria = list(edition.criteria.all())
    save_scores(
        assignment=assignment,
        by=member.user,
        scores={c.pk: Decimal("6") for c in criteria},
        comments={},
    )
    evaluation = submit_evaluation(assignment=assignment, by=member.user)
    secretariat = SecretariatFactory()
    add_conflict(member=member, entry=entry, by=secretariat, reason="Former employer")

    with pytest.raises(ScoringRefused, match="now has a conflict of interest"):
        reopen_evaluation(evaluation=evaluation, by=secretariat, reason="Add comments")

    evaluation.refresh_from_db()
    assert evaluation.status == "submitted"
    assert not Reopening.objects.exists()


def test_telling_jurors_is_the_secretariats_and_skips_deactivated_accounts():
    edition = EditionFactory()
    entry = reviewed_entry(edition)
    active_juror = JuryMemberFactory(edition=edition)
    gone = JuryMemberFactory(edition=edition, user__is_active=False)
    for member in (active_juror, gone):
        Assignment.objects.create(member=member, entry=entry)

    with pytest.raises(JuryRefused, match="Only the secretariat may mail the jurors"):
        tell_jurors_their_assignments(edition=edition, by=active_juror.user)
    assert tell_jurors_their_assignments(edition=edition, by=SecretariatFactory()) == 1

    assert list(Notification.objects.values_list("recipient_email", flat=True)) == [
        active_juror.user.email
    ]


def test_no_reminder_to_a_deactivated_juror():
    edition = EditionFactory()
    gone = JuryMemberFactory(edition=edition, user__is_active=False)
    Assignment.objects.create(member=gone, entry=reviewed_entry(edition))

    assert remind_juror(member=gone, by=SecretariatFactory()) is False
    assert not Notification.objects.exists()


def submitted_in_full(assignment) -> Evaluation:
    criteria = list(assignment.entry.edition.criteria.all())
    save_scores(
        assignment=assignment,
        by=assignment.member.user,
        scores={c.pk: Decimal("6") for c in criteria},
        comments={},
    )
    return submit_evaluation(assignment=assignment, by=assignment.member.user)


def test_reopening_after_the_deadline_needs_a_time_and_gives_the_juror_until_then(
    scoring_assignment, django_capture_on_commit_callbacks
):
    evaluation = submitted_in_full(scoring_assignment)
    juror, secretariat = scoring_assignment.member.user, SecretariatFactory()
    deadline = scoring_assignment.entry.edition.scoring_deadline
    after = deadline + datetime.timedelta(days=2)
    until = deadline + datetime.timedelta(days=5)
    criterion = scoring_assignment.entry.edition.criteria.first()

    with time_machine.travel(after, tick=False):
        with pytest.raises(ScoringRefused, match="say until when the juror may change"):
            reopen_evaluation(evaluation=evaluation, by=secretariat, reason="Comment, please")
        with pytest.raises(ScoringRefused, match="a time in the future"):
            reopen_evaluation(
                evaluation=evaluation, by=secretariat, reason="Comment, please", until=after
            )
        reopen_evaluation(
            evaluation=evaluation, by=secretariat, reason="Comment, please", until=until
        )
        save_scores(
            assignment=scoring_assignment,
            by=juror,
            scores={criterion.pk: Decimal("8")},
            comments={criterion.pk: "Clearer now."},
        )
    with (
        time_machine.travel(until + datetime.timedelta(seconds=1), tick=False),
        pytest.raises(ScoringRefused, match="scoring deadline for this edition has passed"),
    ):
        submit_evaluation(assignment=scoring_assignment, by=juror)
    with time_machine.travel(until, tick=False):
        submit_evaluation(assignment=scoring_assignment, by=juror)

    evaluation.refresh_from_db()
    assert (evaluation.status, evaluation.open_until) == ("submitted", until)
    assert Reopening.objects.get().until == until
    [message] = Notification.objects.filter(kind="jury.evaluation_reopened")
    # The mail gives the juror's own time, not the passed deadline.
    assert decode(message.context)["edition"]["scoring_deadline"] == until


def test_reopening_before_the_deadline_keeps_the_deadline(scoring_assignment):
    evaluation = submitted_in_full(scoring_assignment)

    reopen_evaluation(evaluation=evaluation, by=SecretariatFactory(), reason="Comment, please")

    evaluation.refresh_from_db()
    assert evaluation.open_until is None
    assert evaluation.status == "draft"


def test_hidden_scores_stay_hidden_while_a_reopened_evaluation_is_open(scoring_assignment):
    from jury.board import board
    from jury.selectors import visible_scores

    edition = scoring_assignment.entry.edition
    JurySettings.objects.update_or_create(
        edition=edition, defaults={"hide_scores_until_closed": True}
    )
    other, reopened = (
        Assignment.objects.create(
            member=JuryMemberFactory(edition=edition), entry=scoring_assignment.entry
        )
        for _ in range(2)
    )
    mine, theirs, late = (submitted_in_full(a) for a in (scoring_assignment, other, reopened))
    deadline = edition.scoring_deadline
    until = deadline + datetime.timedelta(days=3)
    with time_machine.travel(deadline + datetime.timedelta(days=1), tick=False):
        reopen_evaluation(
            evaluation=late, by=SecretariatFactory(), reason="Comment, please", until=until
        )

    def seen_by_me(at):
        member = mine.assignment.member
        return [
            e.pk for e in visible_scores(entry=mine.assignment.entry, viewer_member=member, now=at)
        ]

    # Scoring has not closed for everyone while the reopened evaluation may still change.
    assert seen_by_me(deadline + datetime.timedelta(days=2)) == []
    assert seen_by_me(until) == []
    assert seen_by_me(until + datetime.timedelta(seconds=1)) == [theirs.pk]
    # Not overdue while the reopened time runs; overdue once it has passed.
    during = board(edition, now=deadline + datetime.timedelta(days=2))
    after = board(edition, now=until + datetime.timedelta(seconds=1))
    assert [j.overdue for j in during.jurors] == [0, 0, 0]
    assert sorted(j.overdue for j in after.jurors) == [0, 0, 1]


def test_more_time_lets_a_late_juror_finish_a_draft_or_start_one(
    scoring_assignment, django_capture_on_commit_callbacks
):
    from jury.scoring import give_more_time

    edition = scoring_assignment.entry.edition
    juror, secretariat = scoring_assignment.member.user, SecretariatFactory()
    deadline = edition.scoring_deadline
    late, until = deadline + datetime.timedelta(days=1), deadline + datetime.timedelta(days=4)
    criteria = list(edition.criteria.all())
    scores = {c.pk: Decimal("6") for c in criteria}

    with time_machine.travel(late, tick=False):
        with pytest.raises(ScoringRefused, match="scoring deadline for this edition has passed"):
            save_scores(
                assignment=scoring_assignment,
                by=juror,
                scores=scores,
                comments={},
            )
        with pytest.raises(ScoringRefused, match="Only the secretariat"):
            give_more_time(assignment=scoring_assignment, by=juror, until=until, reason="x")
        with pytest.raises(ScoringRefused, match="a reason is required"):
            give_more_time(assignment=scoring_assignment, by=secretariat, until=until, reason="")
        with pytest.raises(ScoringRefused, match="after the scoring deadline, and in the future"):
            give_more_time(assignment=scoring_assignment, by=secretariat, until=late, reason="x")
        give_more_time(
            assignment=scoring_assignment, by=secretariat, until=until, reason="Was abroad"
        )
        save_scores(
            assignment=scoring_assignment,
            by=juror,
            scores=scores,
            comments={},
        )
        evaluation = submit_evaluation(assignment=scoring_assignment, by=juror)
        with pytest.raises(ScoringRefused, match="submitted: reopen it instead"):
            give_more_time(
                assignment=scoring_assignment, by=secretariat, until=until, reason="Again"
            )

    assert evaluation.status == "submitted"
    assert Reopening.objects.get().until == until
    [message] = Notification.objects.filter(kind="jury.more_time")
    assert message.recipient_email == juror.email
    assert message.context["reason"] == "Was abroad"


def test_the_reminder_after_the_deadline_says_whom_to_ask(scoring_assignment):
    edition = scoring_assignment.entry.edition
    member = scoring_assignment.member
    before, after = (
        edition.scoring_deadline - datetime.timedelta(days=1),
        edition.scoring_deadline + datetime.timedelta(days=1),
    )

    with time_machine.travel(before, tick=False):
        [(_, early, _)] = list(jurors_with_unsubmitted(edition.pk, timezone.now()))
    with time_machine.travel(after, tick=False):
        [(_, late, _)] = list(jurors_with_unsubmitted(edition.pk, timezone.now()))
        remind_juror(member=member, by=SecretariatFactory())

    assert (early["closed"], late["closed"]) == (False, True)
    assert Notification.objects.get(kind="reminder.juror").context["closed"] is True


@pytest.mark.parametrize(
    ("closed", "language", "sentence"),
    [
        (False, "en", "2 of your 5 evaluations are not submitted yet. Scoring closes on"),
        (True, "en", "If you need more time, ask the secretariat: they can give it to you."),
        (True, "fr", "demandez-le au secrétariat"),
    ],
)
def test_the_jurors_reminder_reads_right_before_and_after_the_deadline(closed, language, sentence):
    from notifications.rendering import render

    context = {
        "recipient": {"short_name": "Ada", "full_name": "Ada Juror", "email": "ada@example.org"},
        "edition": {
            "title": "PLATFORMAwards 2026",
            "timezone": "Europe/Brussels",
            "scoring_deadline": datetime.datetime(2026, 12, 18, 17, 0, tzinfo=datetime.UTC),
        },
        "left": 2,
        "total": 5,
        "closed": closed,
    }

    _subject, text, _html = render("reminder.juror", encode(context), language)

    assert sentence in " ".join(text.split())


# The rubric's service, called with typed values as a simulation would ---------------------


def test_save_rubric_takes_typed_rows(rubric_edition):
    first, *_, last = rubric_edition.criteria.all()

    save_rubric(
        edition=rubric_edition,
        by=SecretariatFactory(),
        criteria=RowChanges(
            added=(CriterionRow("Innovation", position=6, scale_min=1, scale_max=5),),
            changed={first.pk: CriterionRow("Strategy", position=1, weight=Decimal("2.5"))},
            removed=frozenset({last.pk}),
        ),
    )

    assert rubric(rubric_edition) == [
        (1, "Strategy", Decimal("2.5"), 0, 10),
        (2, "Results and local impact", 1, 0, 10),
        (3, "Local democracy", 1, 0, 10),
        (4, "Active citizenship", 1, 0, 10),
        (6, "Innovation", 1, 1, 5),
    ]


@pytest.mark.parametrize(
    ("row", "message"),
    [
        (
            CriterionRow("Impact", scale_min=5, scale_max=5),
            "“Impact”: The highest score must be above the lowest.",
        ),
        (
            CriterionRow("Impact", weight=Decimal("-1")),
            "“Impact”: Ensure this value is greater than or equal to 0.",
        ),
        (
            CriterionRow("Impact", guidance="g" * 2001),
            "“Impact”: Ensure this value has at most 2000 characters (it has 2001).",
        ),
        (CriterionRow("Imp\x00act"), "“Imp\x00act”: Null characters are not allowed."),
    ],
)
def test_save_rubric_refuses_a_criterion_that_breaks_its_rules(rubric_edition, row, message):
    before = rubric(rubric_edition)

    with pytest.raises(JuryRefused) as refused:
        save_rubric(
            edition=rubric_edition, by=SecretariatFactory(), criteria=RowChanges(added=(row,))
        )

    assert str(refused.value) == message
    assert rubric(rubric_edition) == before


def test_save_rubric_refuses_a_criterion_of_another_edition_and_too_many(rubric_edition):
    foreign = add_default_criteria(edition=EditionFactory())[0]
    before = rubric(rubric_edition)

    with pytest.raises(JuryRefused) as stranger:
        save_rubric(
            edition=rubric_edition,
            by=SecretariatFactory(),
            criteria=RowChanges(changed={foreign.pk: CriterionRow("Hijacked")}),
        )
    with pytest.raises(JuryRefused) as too_many:
        save_rubric(
            edition=rubric_edition,
            by=SecretariatFactory(),
            criteria=RowChanges(added=(CriterionRow("More"),) * 16),
        )

    assert str(stranger.value) == f"Row {foreign.pk} is not one of these, so nothing was changed."
    assert str(too_many.value) == "The rubric has at most 20 criteria."
    assert rubric(rubric_edition) == before
    assert Criterion.objects.get(pk=foreign.pk).name == "Strategic approach and objectives"
