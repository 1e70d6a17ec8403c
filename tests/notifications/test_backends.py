import io
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.mail import EmailMultiAlternatives

from notifications.backends import OneLineConsoleBackend, first_link
from notifications.models import Notification
from tests.support import reset_link

ONE_LINE_BACKEND = "notifications.backends.OneLineConsoleBackend"


def message(subject: str, body: str, to: list[str]) -> EmailMultiAlternatives:
    mail = EmailMultiAlternatives(subject, body, "awards@localhost", to)
    mail.attach_alternative(f"<p>{body}</p>", "text/html")
    return mail


def test_one_line_backend_writes_subject_recipients_and_the_sites_own_link(settings):
    settings.SITE_URL = "http://127.0.0.1:8100"
    stream = io.StringIO()
    body = (
        "The secretariat asks: see https://elsewhere.example/guide first.\n\n"
        "http://127.0.0.1:8100/entries/6/\n"
    )

    sent = OneLineConsoleBackend(stream=stream).send_messages(
        [
            message("Question about PA2026-0001", body, ["lyon@example.org", "b@example.org"]),
            message("Result\nof the call", "No link here.", ["c@example.org"]),
        ]
    )

    assert sent == 2
    assert stream.getvalue().splitlines() == [
        "Question about PA2026-0001 → lyon@example.org, b@example.org: "
        "http://127.0.0.1:8100/entries/6/",
        "Result of the call → c@example.org",
    ]


@pytest.mark.parametrize(
    ("text", "link"),
    [
        (
            "Open http://127.0.0.1:8100/partners/a:b-c_d/ now.",
            "http://127.0.0.1:8100/partners/a:b-c_d/",
        ),
        ("Read https://other.example/x then http://127.0.0.1:8100/", "http://127.0.0.1:8100/"),
        ("Only https://other.example/x here.", "https://other.example/x"),
        # A longer host that merely starts like the site's is not the site.
        ("http://127.0.0.1:81000/x", "http://127.0.0.1:81000/x"),
        ("Nothing to follow.", ""),
    ],
)
def test_first_link_prefers_the_site_itself(text, link):
    assert first_link(text, "http://127.0.0.1:8100") == link


@pytest.mark.django_db
def test_a_delivered_notification_prints_as_one_line(
    settings, capsys, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = ONE_LINE_BACKEND
    settings.SITE_URL = "http://127.0.0.1:8100"

    with django_capture_on_commit_callbacks(execute=True):
        notification = reset_link("ana@example.org")

    notification.refresh_from_db()
    assert notification.status == Notification.Status.SENT
    assert capsys.readouterr().out == (
        "Choose a new PLATFORMAwards password → ana@example.org: "
        "http://127.0.0.1:8100/accounts/password/reset/MQ/set-password/\n"
    )


def test_onelinemail_url_chooses_the_one_line_backend():
    code = "import django; django.setup(); from django.conf import settings; "
    code += "print(settings.EMAIL_BACKEND)"

    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=Path(__file__).resolve().parents[2],
        env={**os.environ, "EMAIL_URL": "onelinemail://"},
        capture_output=True,
        text=True,
        check=False,
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout == f"{ONE_LINE_BACKEND}\n"
