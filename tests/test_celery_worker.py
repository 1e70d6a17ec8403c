"""The site hands work to a real Celery worker through Redis, and the worker does it: a
password reset link, queued in the outbox by the web request, is delivered by the worker."""

import uuid

import pytest
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from notifications.models import Notification
from tests.factories import UserFactory
from tests.support import Worker, delivered, publishing_to, wait_for

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def worker(postgresql, redis_url, tmp_path):
    """A worker on a queue of its own, delivering mail into a folder; this process hands it
    its tasks."""
    queue = f"test-{uuid.uuid4().hex[:12]}"
    mail_dir = tmp_path / "mail"
    mail_dir.mkdir()
    worker = Worker(
        broker_url=redis_url, queue=queue, mail_dir=mail_dir, log_path=tmp_path / "worker.log"
    )
    with publishing_to(redis_url, queue):
        worker.start()
        try:
            yield worker, mail_dir
        finally:
            worker.stop()
            print(worker.log())


def test_password_reset_mail_is_delivered_by_the_worker(client, settings, worker):
    process, mail_dir = worker
    user = UserFactory(email="maria@example.org")

    response = client.post(reverse("accounts:password_reset"), {"email": "maria@example.org"})

    assert response.status_code == 302
    messages = wait_for(lambda: delivered(mail_dir), 30, process.log)
    assert [m["To"] for m in messages] == ["maria@example.org"]
    assert messages[0]["Subject"] == "Choose a new PLATFORMAwards password"
    text = messages[0].get_body(("plain",)).get_content()
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    assert f"{settings.SITE_URL}/accounts/password/reset/{uid}/" in text
    row = Notification.objects.get()
    wait_for(lambda: Notification.objects.filter(pk=row.pk, status="sent").exists(), 10)
    row.refresh_from_db()
    assert (row.kind, row.recipient_email, row.attempts) == (
        "account.password_reset",
        "maria@example.org",
        1,
    )
