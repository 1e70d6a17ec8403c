import datetime
import zoneinfo

import pytest
import time_machine
from django.core import mail

from awards.models import Entry, Partner, ReminderRule
from awards.reminders import add_default_rules
from awards.services.digest import send_secretariat_digest
from awards.services.editions import EditionRefused, ReminderRuleRow, save_reminder_rules
from core.rows import RowChanges
from notifications.models import Notification
from notifications.tasks import send_reminders
from tests.factories import (
    EditionFactory,
    EntryFactory,
    MembershipFactory,
    PartnerFactory,
    SecretariatFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

BRUSSELS = zoneinfo.ZoneInfo("Europe/Brussels")
UTC = datetime.UTC


@pytest.fixture
def edition():
    """A call whose deadline is 10 March 2031, 23:59 in Brussels (22:59 UTC)."""
    deadline = datetime.datetime(2031, 3, 10, 23, 59, tzinfo=BRUSSELS)
    return EditionFactory(
        timezone="Europe/Brussels",
        call_opens=deadline - datetime.timedelta(days=60),
        submission_deadline=deadline,
    )


def draft_of(edition, **membership):
    member = MembershipFactory(**membership)
    entry = EntryFactory(edition=edition, organisation=member.organisation, title="Wells")
    return member.user, entry


def run_at(moment: datetime.datetime) -> int:
    with time_machine.travel(moment, tick=False):
        return send_reminders()


def test_default_rules_of_the_programme(edition):
    add_default_rules(edition=edition)

    assert sorted(edition.reminder_rules.values_list("audience", "milestone", "days")) == [
        ("applicants_with_drafts", "submission_deadline", -7),
        ("applicants_with_drafts", "submission_deadline", -1),
        ("awaiting_clarification", "clarification_deadline", -2),
        ("unconfirmed_partners", "submission_deadline", -10),
        ("unconfirmed_partners", "submission_deadline", -3),
    ]


@pytest.mark.parametrize(
    ("utc_moment", "due"),
    [
        (datetime.datetime(2031, 3, 2, 22, 59, 59, tzinfo=UTC), False),  # 2 March 23:59:59 local
        (datetime.datetime(2031, 3, 2, 23, 0, 0, tzinfo=UTC), True),  # 3 March 00:00 local
        (datetime.datetime(2031, 3, 3, 22, 59, 59, tzinfo=UTC), True),  # 3 March 23:59:59 local
        (datetime.datetime(2031, 3, 3, 23, 0, 0, tzinfo=UTC), False),  # 4 March 00:00 local
    ],
)
def test_draft_reminder_due_on_the_local_day_seven_days_before(edition, utc_moment, due):
    ReminderRule.objects.create(
        edition=edition, audience="applicants_with_drafts", milestone="submission_deadline", days=-7
    )
    draft_of(edition)

    assert run_at(utc_moment) == (1 if due else 0)


def test_reminder_run_twice_a_day_reminds_each_person_once(
    edition, django_capture_on_commit_callbacks
):
    ReminderRule.objects.create(
        edition=edition, audience="applicants_with_drafts", milestone="submission_deadline", days=-1
    )
    user, entry = draft_of(edition, user__preferred_language="fr")
    MembershipFactory(organisation=entry.organisation)
    morning = datetime.datetime(2031, 3, 9, 8, 0, tzinfo=BRUSSELS)

    with django_capture_on_commit_callbacks(execute=True):
        first = run_at(morning)
        second = run_at(morning + datetime.timedelta(hours=10))

    assert (first, second) == (2, 0)
    assert len(mail.outbox) == 2
    french = next(m for m in mail.outbox if m.to == [user.email])
    assert french.subject == (
        f"Rappel\u00a0: la candidature {entry.reference} n\u2019est pas encore soumise"
    )
    assert "10 mars 2031" in french.body


def test_submitted_entries_get_no_draft_reminder(edition):
    ReminderRule.objects.create(
        edition=edition, audience="applicants_with_drafts", milestone="submission_deadline", days=-1
    )
    _, entry = draft_of(edition)
    Entry.objects.filter(pk=entry.pk).update(state="submitted")

    assert run_at(datetime.datetime(2031, 3, 9, 12, 0, tzinfo=BRUSSELS)) == 0


def test_partner_reminder_only_to_partners_asked_and_silent(edition):
    ReminderRule.objects.create(
        edition=edition, audience="unconfirmed_partners", milestone="submission_deadline", days=-3
    )
    _, entry = draft_of(edition)
    waiting = PartnerFactory(entry=entry, status=Partner.Status.PENDING)
    PartnerFactory(entry=entry, status=Partner.Status.CONFIRMED)
    PartnerFactory(entry=entry, status=Partner.Status.NOT_ASKED)

    assert run_at(datetime.datetime(2031, 3, 7, 12, 0, tzinfo=BRUSSELS)) == 1
    assert Notification.objects.get().recipient_email == waiting.contact_email


def test_clarification_reminder_two_days_before_its_deadline(edition):
    ReminderRule.objects.create(
        edition=edition,
        audience="awaiting_clarification",
        milestone="clarification_deadline",
        days=-2,
    )
    _, entry = draft_of(edition)
    Entry.objects.filter(pk=entry.pk).update(state="clarification_requested")
    day = edition.clarification_deadline.astimezone(BRUSSELS) - datetime.timedelta(days=2)

    assert run_at(day.replace(hour=12)) == 1
    assert Notification.objects.get().kind == "reminder.clarification"


def test_disabled_rules_and_editions_in_preparation_remind_nobody(edition):
    ReminderRule.objects.create(
        edition=edition,
        audience="applicants_with_drafts",
        milestone="submission_deadline",
        days=-1,
        enabled=False,
    )
    preparing = EditionFactory(phase="draft", submission_deadline=edition.submission_deadline)
    ReminderRule.objects.create(
        edition=preparing,
        audience="applicants_with_drafts",
        milestone="submission_deadline",
        days=-1,
    )
    draft_of(edition)
    draft_of(preparing)

    assert run_at(datetime.datetime(2031, 3, 9, 12, 0, tzinfo=BRUSSELS)) == 0


def test_secretariat_digest_once_a_day_when_something_needs_action(edition):
    secretariat = SecretariatFactory()
    draft_of(edition)
    now = datetime.datetime(2031, 3, 9, 7, 0, tzinfo=BRUSSELS)

    assert send_secretariat_digest(now=now) == 1
    assert send_secretariat_digest(now=now) == 1
    assert Notification.objects.filter(kind="secretariat.digest").count() == 1
    digest = Notification.objects.get(kind="secretariat.digest")
    assert digest.recipient_email == secretariat.email
    assert digest.context["counts"]["drafts_due_soon"] == 1


def test_secretariat_edits_reminder_rules(client, edition):
    from django.urls import reverse

    add_default_rules(edition=edition)
    first = edition.reminder_rules.order_by("pk").first()
    rules = list(edition.reminder_rules.order_by("pk"))
    data = {"rules-TOTAL_FORMS": str(len(rules) + 1), "rules-INITIAL_FORMS": str(len(rules))}
    for i, rule in enumerate(rules):
        data |= {
            f"rules-{i}-id": rule.pk,
            f"rules-{i}-audience": rule.audience,
            f"rules-{i}-milestone": rule.milestone,
            f"rules-{i}-days": rule.days,
            f"rules-{i}-enabled": "on",
        }
    data |= {"rules-0-days": "-14", "rules-1-DELETE": "on"}
    last = len(rules)
    data |= {
        f"rules-{last}-audience": "applicants_with_drafts",
        f"rules-{last}-milestone": "submission_deadline",
        f"rules-{last}-days": "1",
        f"rules-{last}-enabled": "on",
    }
    client.force_login(SecretariatFactory())

    response = client.post(reverse("awards:edition_reminders", kwargs={"slug": edition.slug}), data)

    assert response.status_code == 302
    first.refresh_from_db()
    assert first.days == -14
    assert edition.reminder_rules.count() == len(rules)
    assert edition.reminder_rules.filter(days=1, milestone="submission_deadline").exists()


def test_reminder_rule_for_an_unknown_audience_refused(client, edition):
    from django.urls import reverse

    client.force_login(SecretariatFactory())
    data = {
        "rules-TOTAL_FORMS": "1",
        "rules-INITIAL_FORMS": "0",
        "rules-0-audience": "everybody",
        "rules-0-milestone": "submission_deadline",
        "rules-0-days": "500",
    }

    response = client.post(reverse("awards:edition_reminders", kwargs={"slug": edition.slug}), data)

    html = response.content.decode()
    assert "Select a valid choice. everybody is not one of the available choices." in html
    assert "Ensure this value is less than or equal to 90." in html
    assert edition.reminder_rules.count() == 0


@pytest.mark.parametrize(
    ("audience", "milestone", "days", "state", "partner_status"),
    [
        ("applicants_with_drafts", "submission_deadline", -7, "draft", None),
        ("applicants_with_drafts", "submission_deadline", -1, "draft", None),
        ("unconfirmed_partners", "submission_deadline", -10, "draft", "pending"),
        ("unconfirmed_partners", "submission_deadline", -3, "submitted", "pending"),
        ("awaiting_clarification", "clarification_deadline", -2, "clarification_requested", None),
    ],
)
def test_each_default_rule_is_due_exactly_on_its_local_day(
    edition, audience, milestone, days, state, partner_status
):
    ReminderRule.objects.create(edition=edition, audience=audience, milestone=milestone, days=days)
    _, entry = draft_of(edition)
    Entry.objects.filter(pk=entry.pk).update(state=state)
    if partner_status:
        PartnerFactory(entry=entry, status=partner_status)
    local_day = getattr(edition, milestone).astimezone(BRUSSELS).date() + datetime.timedelta(days)
    start = datetime.datetime.combine(local_day, datetime.time(0, 0), tzinfo=BRUSSELS)
    one_second = datetime.timedelta(seconds=1)
    end = start + datetime.timedelta(days=1)

    outcomes = []
    for moment in (start - one_second, start, end - one_second, end):
        Notification.objects.all().delete()  # each moment judged on its own
        outcomes.append(run_at(moment))

    assert outcomes == [0, 1, 1, 0]


# The rules' service, called with typed values as a simulation would ------------------------


def test_save_reminder_rules_adds_changes_and_removes_rules(edition):

    add_default_rules(edition=edition)
    first, second, *_ = edition.reminder_rules.order_by("pk")

    save_reminder_rules(
        edition=edition,
        by=SecretariatFactory(),
        rules=RowChanges(
            added=(ReminderRuleRow("awaiting_clarification", "clarification_deadline", 1),),
            changed={first.pk: ReminderRuleRow(first.audience, first.milestone, -14, False)},
            removed=frozenset({second.pk}),
        ),
    )

    first.refresh_from_db()
    assert (first.days, first.enabled) == (-14, False)
    assert not ReminderRule.objects.filter(pk=second.pk).exists()
    assert edition.reminder_rules.filter(
        audience="awaiting_clarification", milestone="clarification_deadline", days=1
    ).exists()


@pytest.mark.parametrize(
    ("row", "message"),
    [
        (
            ("everybody", "submission_deadline", -1),
            "No one is reminded as “everybody”: choose who among the list.",
        ),
        (
            ("applicants_with_drafts", "submission_deadline", 500),
            "“applicants_with_drafts +500d submission_deadline”: Ensure this value is less than "
            "or equal to 90.",
        ),
        (
            ("applicants_with_drafts", "birthday", 1),
            "“applicants_with_drafts +1d birthday”: Value 'birthday' is not a valid choice.",
        ),
    ],
)
def test_save_reminder_rules_refuses_a_rule_that_breaks_its_rules(edition, row, message):

    with pytest.raises(EditionRefused) as refusal:
        save_reminder_rules(
            edition=edition,
            by=SecretariatFactory(),
            rules=RowChanges(added=(ReminderRuleRow(*row),)),
        )

    assert str(refusal.value) == message
    assert edition.reminder_rules.count() == 0


def test_save_reminder_rules_is_the_secretariats(edition):

    row = ReminderRuleRow("applicants_with_drafts", "submission_deadline", -1)
    with pytest.raises(EditionRefused) as refusal:
        save_reminder_rules(edition=edition, by=UserFactory(), rules=RowChanges(added=(row,)))

    assert str(refusal.value) == "Only the secretariat may change the reminders."
    assert edition.reminder_rules.count() == 0


def test_save_reminder_rules_refuses_a_rule_of_another_edition(edition):

    other = EditionFactory()
    add_default_rules(edition=other)
    foreign = other.reminder_rules.first()

    with pytest.raises(EditionRefused) as refusal:
        save_reminder_rules(
            edition=edition,
            by=SecretariatFactory(),
            rules=RowChanges(removed=frozenset({foreign.pk})),
        )

    assert str(refusal.value) == f"Row {foreign.pk} is not one of these, so nothing was changed."
    assert ReminderRule.objects.filter(pk=foreign.pk).exists()
