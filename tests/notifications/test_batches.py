"""Messages handed to the workers in batches: what one transaction queues goes to a few tasks,
and each task sends its batch over one connection to the mail server."""

import threading
from smtplib import SMTPRecipientsRefused
from unittest import mock

import pytest
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend as LocmemBackend
from django.db import connections, transaction

from notifications.delivery import send_batch
from notifications.models import Notification
from notifications.services import DELIVERY_BATCH
from tests.support import reset_link

DELAY = "notifications.tasks.deliver_batch.delay"


class CountingBackend(LocmemBackend):
    """The locmem backend, counting the connections it opens; it refuses any address that
    starts with "refused", as a server refusing one recipient does."""

    opened = 0

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.connected = False

    def open(self):
        if self.connected:
            return False
        CountingBackend.opened += 1
        self.connected = True
        return True

    def close(self):
        self.connected = False

    def send_messages(self, messages):
        if any(address.startswith("refused") for m in messages for address in m.to):
            raise SMTPRecipientsRefused({m.to[0]: (550, b"No such user") for m in messages})
        return super().send_messages(messages)


@pytest.fixture
def counting_backend(settings):
    settings.EMAIL_BACKEND = "tests.notifications.test_batches.CountingBackend"
    CountingBackend.opened = 0
    return CountingBackend


def handed_over(delay: mock.Mock) -> list[list[int]]:
    return [list(call.kwargs["notification_ids"]) for call in delay.call_args_list]


@pytest.mark.django_db
def test_a_transaction_queueing_many_messages_hands_them_over_in_batches(
    django_capture_on_commit_callbacks,
):
    with mock.patch(DELAY) as delay:
        # Whatever an earlier rolled-back transaction of this thread left waiting goes first.
        with django_capture_on_commit_callbacks(execute=True):
            reset_link("first@example.org")
        delay.reset_mock()

        with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
            queued = [reset_link(f"person{n}@example.org").pk for n in range(DELIVERY_BATCH + 5)]

    assert handed_over(delay) == [queued[:DELIVERY_BATCH], queued[DELIVERY_BATCH:]]


@pytest.mark.django_db
def test_a_message_queued_after_a_rolled_back_savepoint_is_still_handed_over(
    django_capture_on_commit_callbacks,
):
    with mock.patch(DELAY) as delay:
        with django_capture_on_commit_callbacks(execute=True):
            reset_link("first@example.org")
        delay.reset_mock()

        with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
            kept = reset_link("kept@example.org").pk
            with pytest.raises(RuntimeError), transaction.atomic():
                dropped = reset_link("dropped@example.org").pk
                raise RuntimeError("the savepoint is rolled back with its message")
            after = reset_link("after@example.org").pk

    # The rolled-back row's id goes along, harmlessly: no row has it (or, where the database
    # gives a rolled-back id again, the message queued after it has it).
    [batch] = handed_over(delay)
    assert set(batch) == {kept, dropped, after}
    assert send_batch(batch) == {kept: "sent", dropped: "skipped", after: "sent"}
    assert sorted(m.to[0] for m in mail.outbox) == ["after@example.org", "kept@example.org"]


@pytest.mark.django_db
def test_a_batch_is_sent_over_one_connection(counting_backend):
    ids = [reset_link(f"person{n}@example.org").pk for n in range(5)]

    outcomes = send_batch(ids)

    assert outcomes == dict.fromkeys(ids, "sent")
    assert counting_backend.opened == 1
    assert sorted(m.to[0] for m in mail.outbox) == [f"person{n}@example.org" for n in range(5)]
    assert set(Notification.objects.values_list("status", "attempts")) == {("sent", 1)}


@pytest.mark.django_db
def test_a_refused_message_does_not_stop_the_rest_of_its_batch(counting_backend):
    before = reset_link("before@example.org")
    refused = reset_link("refused@example.org")
    after = reset_link("after@example.org")

    outcomes = send_batch([before.pk, refused.pk, after.pk])

    assert outcomes == {before.pk: "sent", refused.pk: "failed", after.pk: "sent"}
    assert sorted(m.to[0] for m in mail.outbox) == ["after@example.org", "before@example.org"]
    refused.refresh_from_db()
    assert (refused.status, refused.attempts) == ("pending", 1)
    assert refused.last_error.startswith("SMTPRecipientsRefused")
    assert counting_backend.opened == 2  # the refusal closed the connection; the next reopened


@pytest.mark.django_db(transaction=True)
def test_a_row_another_worker_is_sending_is_skipped_and_the_rest_sent(postgresql):
    with mock.patch(DELAY):
        ids = [reset_link(f"person{n}@example.org").pk for n in range(3)]
    locked, release = threading.Event(), threading.Event()

    def other_worker() -> None:
        try:
            with transaction.atomic():
                Notification.objects.select_for_update().get(pk=ids[1])
                locked.set()
                release.wait(timeout=30)
        finally:
            connections.close_all()

    worker = threading.Thread(target=other_worker)
    worker.start()
    try:
        assert locked.wait(timeout=10)
        outcomes = send_batch(ids)
    finally:
        release.set()
        worker.join(timeout=30)

    assert outcomes == {ids[0]: "sent", ids[1]: "skipped", ids[2]: "sent"}
    assert sorted(m.to[0] for m in mail.outbox) == ["person0@example.org", "person2@example.org"]
    assert Notification.objects.get(pk=ids[1]).status == "pending"
    assert send_batch(ids) == {ids[0]: "skipped", ids[1]: "sent", ids[2]: "skipped"}
