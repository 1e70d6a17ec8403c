"""The outbox under faults, with a real Redis, real Celery workers and PostgreSQL: a broker that
is down, a worker killed while sending, a mail server that refuses, a task that runs twice.

Each test has a Redis of its own (so that it can stop it) and workers on a queue of its own;
rows are committed (transactional tests) so that the workers see them.
"""

import datetime
import zoneinfo

import pytest
from django.db import transaction
from django.utils import timezone

from awards.models import Entry, ReminderRule
from awards.services.transitions import transition_entry
from notifications.delivery import sweep
from notifications.kinds import Kind
from notifications.models import Notification
from notifications.services import FIRST_SWEEP_AFTER, RETRY_PAUSES
from notifications.tasks import send_reminders
from tests.factories import (
    EditionFactory,
    EntryFactory,
    MembershipFactory,
    applicant_with_entry,
    complete_entry,
)
from tests.support import delivered, delivered_to, drain, reset_link, wait_for
from tests.support.mail import REFUSAL

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]

# Past the first sweep of anything queued up to now.
LATER = FIRST_SWEEP_AFTER + datetime.timedelta(seconds=1)
SLOW_BACKEND = "tests.support.mail.SlowFileBackend"
REFUSING_BACKEND = "tests.support.mail.RefusingBackend"


def zone_at_noon() -> str:
    """A fixed-offset zone where it is between 11:30 and 12:30 now ("Etc/GMT-3" is UTC+3)."""
    now = timezone.now()
    offset = 12 - round(now.hour + now.minute / 60) % 24
    return f"Etc/GMT{-offset:+d}" if offset else "Etc/UTC"


def is_locked(notification: Notification) -> bool:
    with transaction.atomic():
        free = Notification.objects.select_for_update(skip_locked=True).filter(pk=notification.pk)
        return not free.exists()


def test_receipt_sent_once_when_broker_was_down_at_submission(
    rows_made_by_migrations, redis_server, start_worker, mail_dir
):
    user, entry = applicant_with_entry()
    complete_entry(entry)
    redis_server.stop()

    transition_entry(entry=entry, name="submit", by=user)

    entry.refresh_from_db()
    assert entry.state == "submitted"
    receipt = Notification.objects.get(kind=Kind.ENTRY_SUBMITTED)
    assert (receipt.recipient_email, receipt.status, receipt.attempts) == (user.email, "pending", 0)

    redis_server.start()
    worker = start_worker()
    assert sweep(now=timezone.now() + LATER) == 2  # the receipt and the partner's request
    wait_for(lambda: delivered_to(mail_dir, user.email), 30, worker.log)
    drain(mail_dir, describe=worker.log)

    assert [m["Subject"] for m in delivered_to(mail_dir, user.email)] == [
        f"Entry {entry.reference} received"
    ]
    partner = entry.partners.get()
    assert len(delivered_to(mail_dir, partner.contact_email)) == 1
    receipt.refresh_from_db()
    assert (receipt.status, receipt.attempts, receipt.last_error) == ("sent", 1, "")


def test_receipt_sent_when_the_process_died_right_after_the_submission_committed(
    rows_made_by_migrations, start_worker, mail_dir, monkeypatch
):
    user, entry = applicant_with_entry()
    complete_entry(entry)
    # The process dies between COMMIT and its on-commit callbacks: none of them runs.
    connection = transaction.get_connection()
    monkeypatch.setattr(
        connection, "run_and_clear_commit_hooks", lambda: setattr(connection, "run_on_commit", [])
    )

    transition_entry(entry=entry, name="submit", by=user)

    monkeypatch.undo()
    receipt = Notification.objects.get(kind=Kind.ENTRY_SUBMITTED)
    assert (receipt.recipient_email, receipt.status, receipt.attempts) == (user.email, "pending", 0)
    worker = start_worker()
    assert sweep(now=timezone.now() + LATER) == 2  # the receipt and the partner's request
    wait_for(lambda: delivered_to(mail_dir, user.email), 30, worker.log)
    drain(mail_dir, describe=worker.log)

    assert [m["Subject"] for m in delivered_to(mail_dir, user.email)] == [
        f"Entry {entry.reference} received"
    ]
    assert len(delivered_to(mail_dir, entry.partners.get().contact_email)) == 1
    receipt.refresh_from_db()
    assert (receipt.status, receipt.attempts) == ("sent", 1)


def test_message_sent_once_when_worker_killed_while_sending(start_worker, mail_dir, tmp_path):
    started = tmp_path / "sending-started"
    slow = start_worker(SLOW_BACKEND, TEST_MAIL_STARTED=str(started), TEST_MAIL_DELAY="10")
    notification = reset_link("ana@example.org")
    wait_for(started.exists, 30, slow.log)
    assert is_locked(notification)  # the worker holds the row while it talks to the server

    slow.kill()

    wait_for(lambda: not is_locked(notification), 10)
    notification.refresh_from_db()
    assert (notification.status, notification.attempts, notification.last_error) == (
        "pending",
        0,
        "",
    )
    assert delivered(mail_dir) == []

    fast = start_worker()
    assert sweep(now=timezone.now() + LATER) == 1
    wait_for(lambda: delivered_to(mail_dir, "ana@example.org"), 30, fast.log)
    drain(mail_dir, describe=fast.log)

    assert len(delivered_to(mail_dir, "ana@example.org")) == 1
    notification.refresh_from_db()
    assert (notification.status, notification.attempts) == ("sent", 1)


def test_refused_message_kept_with_its_error_then_sent_once(start_worker, mail_dir):
    refusing = start_worker(REFUSING_BACKEND)
    notification = reset_link("ana@example.org")

    wait_for(
        lambda: Notification.objects.filter(pk=notification.pk, attempts=1).exists(),
        30,
        refusing.log,
    )

    notification.refresh_from_db()
    assert (notification.status, notification.attempts, notification.last_error) == (
        "pending",
        1,
        f"SMTPException: {REFUSAL}",
    )
    now = timezone.now()
    assert now < notification.next_attempt_at <= now + RETRY_PAUSES[0]
    assert sweep(now=now) == 0  # not due before its pause is over
    refusing.stop()

    fixed = start_worker()
    assert sweep(now=now + RETRY_PAUSES[0]) == 1
    wait_for(lambda: delivered_to(mail_dir, "ana@example.org"), 30, fixed.log)
    drain(mail_dir, describe=fixed.log)

    assert len(delivered_to(mail_dir, "ana@example.org")) == 1
    notification.refresh_from_db()
    assert (notification.status, notification.attempts, notification.last_error) == (
        "sent",
        2,
        "",
    )


def test_reminder_task_run_twice_in_a_day_reminds_each_person_once(start_worker, mail_dir):
    # A rule due today: 7 days before a deadline a week from today, in a zone where it is
    # about noon now (so that the day does not change while the test runs).
    zone = zone_at_noon()
    today = timezone.now().astimezone(zoneinfo.ZoneInfo(zone)).date()
    deadline = datetime.datetime.combine(
        today + datetime.timedelta(days=7), datetime.time(12), tzinfo=zoneinfo.ZoneInfo(zone)
    )
    edition = EditionFactory(timezone=zone, submission_deadline=deadline)
    ReminderRule.objects.create(
        edition=edition, audience="applicants_with_drafts", milestone="submission_deadline", days=-7
    )
    town = MembershipFactory()
    colleague = MembershipFactory(organisation=town.organisation)
    MembershipFactory(organisation=town.organisation, is_approved=False)
    city = MembershipFactory()
    done = MembershipFactory()
    EntryFactory(edition=edition, organisation=town.organisation)
    EntryFactory(edition=edition, organisation=city.organisation)
    submitted = EntryFactory(edition=edition, organisation=done.organisation)
    Entry.objects.filter(pk=submitted.pk).update(state="submitted")
    reminded = sorted(m.user.email for m in (town, colleague, city))
    worker = start_worker()

    send_reminders.delay()
    wait_for(lambda: len(delivered(mail_dir)) == 3, 30, worker.log)
    send_reminders.delay()
    drain(mail_dir, describe=worker.log)

    reminders = [m for m in delivered(mail_dir) if m["Subject"].startswith("Reminder")]
    assert sorted(m["To"] for m in reminders) == reminded
    rows = Notification.objects.filter(kind=Kind.REMINDER_DRAFT)
    assert sorted(rows.values_list("recipient_email", "status")) == [
        (email, "sent") for email in reminded
    ]


def test_a_message_that_cannot_reach_the_broker_is_tried_once_and_left_to_the_sweeper(
    rows_made_by_migrations, redis_server, queue, monkeypatch
):
    """Retried for 0.6 s a task (Celery's default), the hand-overs of a publication to every
    entrant outlasted the secretariat's request while the broker was down."""
    import redis.connection

    from notifications.services import dispatch

    attempts = []
    connect = redis.connection.AbstractConnection.connect
    monkeypatch.setattr(
        redis.connection.AbstractConnection,
        "connect",
        lambda connection: attempts.append(1) or connect(connection),
    )
    redis_server.stop()
    notification = Notification.objects.create(
        kind=Kind.ENTRY_SUBMITTED, key="k", recipient_email="a@b.eu"
    )

    with pytest.raises(Exception, match="Connection refused"):
        dispatch(notification.pk)

    assert len(attempts) == 1
    notification.refresh_from_db()
    assert (notification.status, notification.attempts) == ("pending", 0)
