"""Text that looks like something else reaches every mail exactly as it was typed.

Each test goes the whole way: the service that queues the message, the outbox row, delivery
(Celery runs in-process here), and what the mail server received (`mail.outbox`). A title that
looks like a time, like the outbox's own tags or like template code must neither break the
message nor be turned into something else, and must not stop the mail of anyone else.
"""

import datetime
import zoneinfo

import pytest
import time_machine
from django.core import mail
from django.utils.html import escape

from awards.models import Entry, ReminderRule
from awards.services.digest import send_secretariat_digest
from awards.services.transitions import transition_entry
from jury.models import Assignment
from jury.services import tell_jurors_their_assignments
from notifications.models import Notification
from notifications.tasks import send_reminders
from tests.factories import (
    EditionFactory,
    EntryFactory,
    JuryMemberFactory,
    MembershipFactory,
    SecretariatFactory,
    applicant_with_entry,
    complete_entry,
)

pytestmark = pytest.mark.django_db

BRUSSELS = zoneinfo.ZoneInfo("Europe/Brussels")
# 10:30 in Brussels on 15 March 2031.
SUBMITTED = datetime.datetime(2031, 3, 15, 9, 30, tzinfo=datetime.UTC)

HOSTILE_TITLES = [
    "2026-02-30T10:00Z",  # an impossible date: reading it as one fails
    "2026-01-01T10:00Z",  # a possible one: reading it as one changes it
    '{"__type__": "datetime"}',  # the outbox's own tag, as text
    '{"__type__": "datetime", "value": "2026-01-01T10:00:00+00:00"}',
    "{{ recipient.email }} {% now 'Y' %} <script>alert(1)</script> & 100%",
]


def sent_to(address: str) -> list:
    return [message for message in mail.outbox if message.to == [address]]


def html_of(message) -> str:
    return message.alternatives[0].content


@pytest.mark.parametrize("title", HOSTILE_TITLES)
@time_machine.travel(SUBMITTED, tick=False)
def test_submission_receipt_shows_the_title_exactly_as_typed(
    title, django_capture_on_commit_callbacks
):
    user, entry = applicant_with_entry(title=title, edition__timezone="Europe/Brussels")
    complete_entry(entry)

    with django_capture_on_commit_callbacks(execute=True):
        transition_entry(entry=entry, name="submit", by=user)

    [receipt] = sent_to(user.email)
    edition = entry.edition.title
    assert (
        f"We have received the entry “{title}” for the {edition}. Its reference number is "
        f"{entry.reference}; it was submitted on March 15, 2031, 10:30 a.m. (Europe/Brussels)."
    ) in receipt.body
    assert (
        f"We have received the entry “{escape(title)}” for the {edition}. Its reference number "
        f"is {entry.reference}; it was submitted on March 15, 2031, 10:30 a.m. (Europe/Brussels)."
    ) in html_of(receipt)
    assert Notification.objects.get(recipient_email=user.email).status == "sent"


@pytest.mark.parametrize("title", HOSTILE_TITLES)
def test_every_juror_gets_their_list_when_one_entry_has_a_hostile_title(
    title, django_capture_on_commit_callbacks
):
    edition = EditionFactory(year=2044)
    jurors = [JuryMemberFactory(edition=edition) for _ in range(2)]
    hostile = EntryFactory(edition=edition, number=1, title=title)
    plain = EntryFactory(edition=edition, number=2, title="Water for all")
    Entry.objects.filter(pk__in=[hostile.pk, plain.pk]).update(state="in_review")
    for juror in jurors:
        for entry in (hostile, plain):
            Assignment.objects.create(member=juror, entry=entry, is_manual=True)

    with django_capture_on_commit_callbacks(execute=True):
        queued = tell_jurors_their_assignments(edition=edition, by=SecretariatFactory())

    assert queued == 2
    for juror in jurors:
        [message] = sent_to(juror.user.email)
        assert f"- PA2044-0001 {title}\n- PA2044-0002 Water for all\n" in message.body
        assert f"<li>PA2044-0001 {escape(title)}</li><li>PA2044-0002 Water for all</li>" in html_of(
            message
        )
    assert set(Notification.objects.values_list("status", flat=True)) == {"sent"}


@pytest.mark.parametrize("title", HOSTILE_TITLES)
def test_draft_reminders_reach_everyone_when_one_draft_has_a_hostile_title(
    title, django_capture_on_commit_callbacks
):
    deadline = datetime.datetime(2031, 3, 10, 23, 59, tzinfo=BRUSSELS)
    edition = EditionFactory(
        timezone="Europe/Brussels",
        call_opens=deadline - datetime.timedelta(days=60),
        submission_deadline=deadline,
    )
    ReminderRule.objects.create(
        edition=edition, audience="applicants_with_drafts", milestone="submission_deadline", days=-1
    )
    titles = ["Wells", title, "Bridges"]
    members = [MembershipFactory() for _ in titles]
    drafts = [
        EntryFactory(edition=edition, organisation=member.organisation, title=draft_title)
        for member, draft_title in zip(members, titles, strict=True)
    ]

    with (
        time_machine.travel(datetime.datetime(2031, 3, 9, 12, 0, tzinfo=BRUSSELS), tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        assert send_reminders() == 3

    for member, draft in zip(members, drafts, strict=True):
        [reminder] = sent_to(member.user.email)
        assert (
            f"Entry {draft.reference} “{draft.title}” is still a draft. Entries must be "
            "submitted by March 10, 2031, 11:59 p.m. (Europe/Brussels)"
        ) in reminder.body
    assert set(Notification.objects.values_list("status", flat=True)) == {"sent"}


@pytest.mark.parametrize("title", HOSTILE_TITLES)
def test_secretariat_digest_reaches_everyone_when_the_edition_has_a_hostile_title(
    title, django_capture_on_commit_callbacks
):
    deadline = datetime.datetime(2031, 3, 10, 23, 59, tzinfo=BRUSSELS)
    edition = EditionFactory(
        title=title,
        timezone="Europe/Brussels",
        call_opens=deadline - datetime.timedelta(days=60),
        submission_deadline=deadline,
    )
    member = MembershipFactory()
    EntryFactory(edition=edition, organisation=member.organisation, title="Wells")
    secretariat = [SecretariatFactory() for _ in range(2)]

    with django_capture_on_commit_callbacks(execute=True):
        assert send_secretariat_digest(now=deadline - datetime.timedelta(days=1)) == 2

    for person in secretariat:
        [digest] = sent_to(person.email)
        assert digest.subject == f"{title}: what needs action today"
        assert f"{title} (Call for entries open):\n" in digest.body
        assert "- 1 draft is due within seven days\n" in digest.body
        assert f"<p>{escape(title)} (Call for entries open):</p>" in html_of(digest)


@pytest.mark.parametrize("title", HOSTILE_TITLES)
def test_juror_reminder_reaches_the_juror_when_the_edition_has_a_hostile_title(
    title, django_capture_on_commit_callbacks
):
    deadline = datetime.datetime(2031, 6, 30, 23, 59, tzinfo=BRUSSELS)
    edition = EditionFactory(
        title=title,
        timezone="Europe/Brussels",
        call_opens=deadline - datetime.timedelta(days=200),
        submission_deadline=deadline - datetime.timedelta(days=100),
        clarification_deadline=deadline - datetime.timedelta(days=90),
        scoring_opens=deadline - datetime.timedelta(days=30),
        scoring_deadline=deadline,
        deliberation_at=deadline + datetime.timedelta(days=10),
        announcement_at=deadline + datetime.timedelta(days=20),
        phase="jury_review",
    )
    ReminderRule.objects.create(
        edition=edition, audience="jurors_with_unsubmitted", milestone="scoring_deadline", days=-1
    )
    juror = JuryMemberFactory(edition=edition)
    entry = EntryFactory(edition=edition)
    Entry.objects.filter(pk=entry.pk).update(state="in_review")
    Assignment.objects.create(member=juror, entry=entry)

    with (
        time_machine.travel(datetime.datetime(2031, 6, 29, 9, 0, tzinfo=BRUSSELS), tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        assert send_reminders() == 1

    [reminder] = sent_to(juror.user.email)
    assert reminder.subject == f"Reminder: your evaluations for the {title}"
    assert (
        "1 of your 1 evaluations are not submitted yet. Scoring closes on June 30, 2031, "
        "11:59 p.m. (Europe/Brussels)."
    ) in reminder.body
