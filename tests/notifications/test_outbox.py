"""The outbox in one process: Celery runs tasks in-process (no broker configured), so a
committed notify() is delivered at once into mail.outbox."""

import datetime

import pytest
import time_machine
from django.core import mail
from django.db import transaction
from django.urls import reverse

from awards.services.transitions import transition_entry
from notifications.delivery import send_one, sweep
from notifications.kinds import Kind
from notifications.models import Notification
from notifications.services import MAX_ATTEMPTS, RETRY_PAUSES
from tests.factories import UserFactory, applicant_with_entry, complete_entry
from tests.support import reset_link
from tests.support.mail import REFUSAL

pytestmark = pytest.mark.django_db

REFUSING_BACKEND = "tests.support.mail.RefusingBackend"
LOCMEM_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
NOON = datetime.datetime(2031, 3, 3, 12, 0, tzinfo=datetime.UTC)


def test_notify_same_key_twice_writes_one_row_and_sends_one_mail(
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):
        first = reset_link("ana@example.org", key="reset:1")
        second = reset_link("ana@example.org", key="reset:1")

    assert second.pk == first.pk
    assert Notification.objects.count() == 1
    assert [m.to for m in mail.outbox] == [["ana@example.org"]]
    assert mail.outbox[0].subject == "Choose a new PLATFORMAwards password"
    assert mail.outbox[0].extra_headers["X-Notification-Key"] == "reset:1"
    first.refresh_from_db()
    assert (first.status, first.attempts) == ("sent", 1)


def test_notify_sends_nothing_when_the_callers_transaction_rolls_back(
    django_capture_on_commit_callbacks,
):
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        reset_link("ana@example.org")
        raise RuntimeError("the caller fails after queueing its message")

    assert callbacks == []
    assert Notification.objects.count() == 0
    assert mail.outbox == []


def test_send_one_twice_sends_once():
    notification = reset_link("ana@example.org")

    results = [send_one(notification.pk), send_one(notification.pk)]

    assert results == ["sent", "skipped"]
    assert len(mail.outbox) == 1
    notification.refresh_from_db()
    assert (notification.status, notification.attempts) == ("sent", 1)


@time_machine.travel(NOON, tick=False)
def test_refused_message_kept_pending_with_its_error(settings):
    settings.EMAIL_BACKEND = REFUSING_BACKEND
    notification = reset_link("ana@example.org")

    result = send_one(notification.pk)

    assert result == "failed"
    notification.refresh_from_db()
    assert (notification.status, notification.attempts, notification.last_error) == (
        "pending",
        1,
        f"SMTPException: {REFUSAL}",
    )
    assert notification.next_attempt_at == NOON + RETRY_PAUSES[0]
    assert notification.sent_at is None


def test_refused_message_fails_after_max_attempts_with_growing_pauses(settings):
    settings.EMAIL_BACKEND = REFUSING_BACKEND
    notification = reset_link("ana@example.org")
    pauses = []

    with time_machine.travel(NOON, tick=False) as traveller:
        for _ in range(MAX_ATTEMPTS - 1):
            assert send_one(notification.pk) == "failed"
            notification.refresh_from_db()
            pauses.append(notification.next_attempt_at - NOON)
        assert send_one(notification.pk) == "failed"
        traveller.shift(datetime.timedelta(days=1))
        assert send_one(notification.pk) == "skipped"

    assert pauses == RETRY_PAUSES
    notification.refresh_from_db()
    assert (notification.status, notification.attempts, notification.next_attempt_at) == (
        "failed",
        MAX_ATTEMPTS,
        None,
    )
    assert notification.last_error == f"SMTPException: {REFUSAL}"


def test_sweep_dispatches_only_pending_messages_that_are_due(settings):
    with time_machine.travel(NOON, tick=False) as traveller:
        due = reset_link("due@example.org")  # queued, but its delivery was lost
        send_one(reset_link("sent@example.org").pk)
        settings.EMAIL_BACKEND = REFUSING_BACKEND
        gave_up = reset_link("failed@example.org")
        for _ in range(MAX_ATTEMPTS):
            send_one(gave_up.pk)
        traveller.shift(datetime.timedelta(seconds=30))
        retry = reset_link("retry@example.org")
        send_one(retry.pk)  # refused: next attempt a minute later
        traveller.shift(datetime.timedelta(seconds=60))
        reset_link("recent@example.org")  # queued 30 seconds before the sweep
        settings.EMAIL_BACKEND = LOCMEM_BACKEND
        mail.outbox.clear()
        traveller.shift(datetime.timedelta(seconds=31))  # NOON + 2:01

        count = sweep()

    assert count == 2
    assert sorted(m.to[0] for m in mail.outbox) == ["due@example.org", "retry@example.org"]
    assert dict(Notification.objects.values_list("recipient_email", "status")) == {
        "due@example.org": "sent",
        "sent@example.org": "sent",
        "failed@example.org": "failed",
        "retry@example.org": "sent",
        "recent@example.org": "pending",
    }
    due.refresh_from_db()
    assert due.attempts == 1


# 02:30 UTC on 15 March is 21:30 on 14 March in Bogotá, and 03:30 on 15 March in Brussels.
@time_machine.travel(datetime.datetime(2031, 3, 15, 2, 30, tzinfo=datetime.UTC), tick=False)
def test_receipt_in_recipients_language_with_time_in_editions_zone(
    django_capture_on_commit_callbacks,
):
    user, entry = applicant_with_entry(edition__timezone="America/Bogota")
    complete_entry(entry)
    user.preferred_language = "fr"
    user.save()

    with django_capture_on_commit_callbacks(execute=True):
        transition_entry(entry=entry, name="submit", by=user)

    receipt = next(m for m in mail.outbox if m.to == [user.email])
    assert receipt.subject == f"Candidature {entry.reference} reçue"
    assert "soumise le 14 mars 2031 21:30 (America/Bogota)" in receipt.body
    html = receipt.alternatives[0].content
    assert "soumise le 14 mars 2031 21:30 (America/Bogota)" in html
    assert '<html lang="fr">' in html


def test_submission_succeeds_when_mail_server_refuses(
    client, settings, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = REFUSING_BACKEND
    user, entry = applicant_with_entry()
    complete_entry(entry)
    client.force_login(user)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("awards:entry_transition", kwargs={"pk": entry.pk, "name": "submit"}),
            follow=True,
        )

    assert response.status_code == 200
    assert "Your entry is submitted." in response.content.decode()
    entry.refresh_from_db()
    assert entry.state == "submitted"
    receipt = Notification.objects.get(kind=Kind.ENTRY_SUBMITTED)
    assert (receipt.recipient_email, receipt.status, receipt.attempts, receipt.last_error) == (
        user.email,
        "pending",
        1,
        f"SMTPException: {REFUSAL}",
    )
    assert mail.outbox == []


def test_password_reset_queues_one_message_in_the_outbox(
    client, django_capture_on_commit_callbacks
):
    UserFactory(email="maria@example.org", preferred_language="es")

    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("accounts:password_reset"), {"email": "maria@example.org"})

    row = Notification.objects.get()
    assert (row.kind, row.recipient_email, row.language, row.status) == (
        "account.password_reset",
        "maria@example.org",
        "es",
        "sent",
    )
    assert [m.to for m in mail.outbox] == [["maria@example.org"]]
