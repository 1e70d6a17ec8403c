"""Many messages queued at once (a publication tells every entrant) are queued exactly as
notify() would queue them one by one: each key once, delivered after commit, in a number of
statements that does not grow with the messages."""

import pytest
from django.core import mail
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from notifications import services
from notifications.context import UnstorableValue
from notifications.kinds import Kind
from notifications.models import Notification
from notifications.services import Message, Recipient, notify_many
from tests.support import reset_link

pytestmark = pytest.mark.django_db


def message(n: int, key: str = "") -> Message:
    return Message(
        kind=Kind.PASSWORD_RESET,
        to=Recipient(email=f"person{n}@example.org", name=f"Person {n}", language="fr"),
        context={"recipient": {"short_name": f"P{n}"}, "uid": "MQ", "token": f"t{n}"},
        key=key or f"many:{n}",
    )


def test_each_key_is_queued_once_and_delivered_once_after_commit(
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):
        reset_link("person1@example.org", key="many:1")  # queued and sent before
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        new = notify_many([message(0), message(1), message(2), message(3, key="many:0")])

    assert new == 2
    rows = Notification.objects.filter(key__startswith="many:").order_by("key")
    assert [(r.key, r.recipient_email) for r in rows] == [
        ("many:0", "person0@example.org"),  # the first message of a key given twice
        ("many:1", "person1@example.org"),
        ("many:2", "person2@example.org"),
    ]
    assert sorted(m.to[0] for m in mail.outbox) == ["person0@example.org", "person2@example.org"]
    assert rows.get(key="many:2").language == "fr"


def test_nothing_is_sent_when_the_callers_transaction_rolls_back(
    django_capture_on_commit_callbacks,
):
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        notify_many([message(0), message(1)])
        raise RuntimeError("the caller fails after queueing")

    assert callbacks == []
    assert not Notification.objects.exists()
    assert mail.outbox == []


def test_a_context_that_cannot_be_stored_writes_nothing():
    unstorable = Message(
        kind=Kind.PASSWORD_RESET,
        to=Recipient(email="x@example.org"),
        context={"token": object()},
        key="many:bad",
    )

    with pytest.raises(UnstorableValue):
        notify_many([message(0), unstorable])

    assert not Notification.objects.exists()


@pytest.mark.parametrize("size", [10, 60])
def test_the_statements_do_not_grow_with_the_messages(size):
    """The keys looked up and the rows written in one statement each, in one savepoint."""
    with CaptureQueriesContext(connection) as captured:
        notify_many([message(n) for n in range(size)])

    assert len(captured.captured_queries) == 4
    assert Notification.objects.count() == size


def test_many_keys_are_looked_up_a_chunk_at_a_time(monkeypatch):
    monkeypatch.setattr(services, "KEYS_PER_READ", 25)
    with CaptureQueriesContext(connection) as captured:
        notify_many([message(n) for n in range(60)])

    lookups = [q for q in captured.captured_queries if q["sql"].startswith("SELECT")]
    assert len(lookups) == 3
    assert Notification.objects.count() == 60


def test_a_key_queued_meanwhile_by_someone_else_is_still_queued_once(
    monkeypatch, django_capture_on_commit_callbacks
):
    """Between the lookup and the insertion another transaction queued one of the keys: the
    insertion fails as a whole and the messages are queued one by one."""
    looked_up = services._queued_keys

    def a_rival_queues_one(keys):
        found = looked_up(keys)
        reset_link("rival@example.org", key="many:1")
        return found

    monkeypatch.setattr(services, "_queued_keys", a_rival_queues_one)
    with django_capture_on_commit_callbacks(execute=True):
        new = notify_many([message(0), message(1), message(2)])

    assert new == 2
    assert Notification.objects.get(key="many:1").recipient_email == "rival@example.org"
    assert Notification.objects.filter(key__startswith="many:").count() == 3
    assert sorted(m.to[0] for m in mail.outbox) == [
        "person0@example.org",
        "person2@example.org",
        "rival@example.org",
    ]


def test_messages_all_queued_before_write_nothing(django_capture_on_commit_callbacks):
    notify_many([message(0), message(1)])

    with (
        CaptureQueriesContext(connection) as captured,
        django_capture_on_commit_callbacks() as callbacks,
    ):
        assert notify_many([message(1), message(0)]) == 0

    assert len(captured.captured_queries) == 1  # the keys looked up
    assert callbacks == []
