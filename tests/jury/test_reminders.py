import datetime
import zoneinfo

import pytest
import time_machine
from django.utils import timezone

from awards.models import Entry
from jury.models import Assignment, Evaluation
from jury.reminders import add_default_rules
from notifications.models import Notification
from notifications.tasks import send_reminders
from tests.factories import EditionFactory, EntryFactory, JuryMemberFactory

pytestmark = pytest.mark.django_db
BRUSSELS = zoneinfo.ZoneInfo("Europe/Brussels")


def test_jurors_with_unsubmitted_evaluations_are_reminded_once_a_day():
    deadline = datetime.datetime(2031, 6, 30, 23, 59, tzinfo=BRUSSELS)
    edition = EditionFactory(
        call_opens=deadline - datetime.timedelta(days=200),
        submission_deadline=deadline - datetime.timedelta(days=100),
        clarification_deadline=deadline - datetime.timedelta(days=90),
        scoring_opens=deadline - datetime.timedelta(days=30),
        scoring_deadline=deadline,
        deliberation_at=deadline + datetime.timedelta(days=10),
        announcement_at=deadline + datetime.timedelta(days=20),
        phase="jury_review",
    )
    add_default_rules(edition=edition)
    behind = JuryMemberFactory(edition=edition)
    done = JuryMemberFactory(edition=edition)
    for member, statuses in ((behind, ["submitted", "draft"]), (done, ["submitted"])):
        for status in statuses:
            entry = EntryFactory(edition=edition)
            Entry.objects.filter(pk=entry.pk).update(state="in_review")
            assignment = Assignment.objects.create(member=member, entry=entry)
            Evaluation.objects.create(
                assignment=assignment, status=status, submitted_at=timezone.now()
            )

    with time_machine.travel(datetime.datetime(2031, 6, 29, 9, 0, tzinfo=BRUSSELS)):
        assert send_reminders() == 1
        assert send_reminders() == 0
    with time_machine.travel(datetime.datetime(2031, 6, 28, 9, 0, tzinfo=BRUSSELS)):
        assert send_reminders() == 0

    reminder = Notification.objects.get()
    assert (reminder.kind, reminder.recipient_email) == ("reminder.juror", behind.user.email)
    assert (reminder.context["left"], reminder.context["total"]) == (1, 2)
