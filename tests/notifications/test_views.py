import datetime

import pytest
import time_machine
from django.conf import settings
from django.core import mail
from django.urls import reverse

from notifications.kinds import Kind
from notifications.models import Notification
from notifications.samples import sample_context
from notifications.services import Recipient, notify
from tests.factories import SecretariatFactory, UserFactory

pytestmark = pytest.mark.django_db


def make(n=1, **fields):
    return [
        Notification.objects.create(
            kind=fields.get("kind", Kind.ENTRY_SUBMITTED.value),
            key=f"k{i}-{fields.get('status', 'pending')}",
            recipient_email=f"r{i}@example.org",
            status=fields.get("status", Notification.Status.PENDING),
            attempts=fields.get("attempts", 0),
            last_error=fields.get("last_error", ""),
        )
        for i in range(n)
    ]


@pytest.mark.parametrize("size", [1, 50])
def test_outbox_query_count_constant(client, django_assert_num_queries, size):
    make(size)
    client.force_login(SecretariatFactory())

    # session, user, groups, the page's count and rows.
    with django_assert_num_queries(5):
        response = client.get(reverse("notifications:outbox"))

    assert len(response.context["page"]) == size


def test_outbox_filters_and_shows_the_error(client):
    make(1, status="failed", attempts=6, last_error="SMTPRecipientsRefused: 550 no such user")
    make(2, status="sent")
    client.force_login(SecretariatFactory())

    response = client.get(reverse("notifications:outbox"), {"status": "failed"})

    assert [n.status for n in response.context["page"]] == ["failed"]
    assert "550 no such user" in response.content.decode()


def test_resend_failed_message_gives_new_attempts(client, django_capture_on_commit_callbacks):
    [failed] = make(1, status="failed", attempts=6, last_error="refused")
    client.force_login(SecretariatFactory())

    with django_capture_on_commit_callbacks() as callbacks:
        client.post(reverse("notifications:outbox_resend", kwargs={"pk": failed.pk}))

    failed.refresh_from_db()
    assert (failed.status, failed.attempts) == ("pending", 0)
    assert len(callbacks) == 1


def test_resend_never_sends_a_sent_message_again(client):
    [sent] = make(1, status="sent", attempts=1)
    client.force_login(SecretariatFactory())

    client.post(reverse("notifications:outbox_resend", kwargs={"pk": sent.pk}))

    sent.refresh_from_db()
    assert (sent.status, sent.attempts) == ("sent", 1)


@pytest.mark.parametrize("language", ["en", "fr", "es"])
@pytest.mark.parametrize("kind", Kind.values)
def test_every_message_previews_in_every_language(client, kind, language):
    client.force_login(SecretariatFactory())

    response = client.get(
        reverse("notifications:outbox_preview", kwargs={"kind": kind}), {"language": language}
    )

    assert response.status_code == 200
    assert response.context["subject"].strip()
    # Every message leads somewhere on the site.
    assert f"{settings.SITE_URL}/" in response.context["text"]


def test_outbox_closed_to_others(client):
    client.force_login(UserFactory())

    assert client.get(reverse("notifications:outbox")).status_code == 403
    assert (
        client.get(
            reverse("notifications:outbox_preview", kwargs={"kind": "entry.submitted"})
        ).status_code
        == 403
    )


@pytest.mark.parametrize("kind", Kind.values)
@time_machine.travel(datetime.datetime(2031, 3, 15, 9, 30, tzinfo=datetime.UTC), tick=False)
def test_preview_shows_exactly_what_the_outbox_sends(
    client, monkeypatch, kind, django_capture_on_commit_callbacks
):
    def with_hostile_titles(kind: Kind) -> dict:
        context = sample_context(kind)
        for part in ("entry", "edition"):
            if isinstance(context.get(part), dict):
                context[part] = {**context[part], "title": "2026-01-01T10:00Z"}
        return context

    monkeypatch.setattr("notifications.views.sample_context", with_hostile_titles)
    client.force_login(SecretariatFactory())

    preview = client.get(
        reverse("notifications:outbox_preview", kwargs={"kind": kind}), {"language": "fr"}
    ).context
    # The mail's HTML is its own document, framed by the preview page.
    html = client.get(
        reverse("notifications:outbox_preview_html", kwargs={"kind": kind}), {"language": "fr"}
    ).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        notify(
            Kind(kind),
            to=Recipient(email="ana@example.org", language="fr"),
            context=with_hostile_titles(Kind(kind)),
            key="preview-check",
        )

    [sent] = mail.outbox
    assert (sent.subject, sent.body, sent.alternatives[0].content) == (
        preview["subject"],
        preview["text"],
        html,
    )
