"""Email backends for tests: a mail server that refuses, and one that is slow to accept.

Tests in this process select them with the `settings` fixture (EMAIL_BACKEND); a worker started
by a test selects them through TEST_EMAIL_BACKEND (tests/support/worker_settings.py) and reads
their parameters from the environment, since it cannot be handed Python objects.
"""

import os
import time
from pathlib import Path
from smtplib import SMTPException

from django.core.mail.backends.base import BaseEmailBackend
from django.core.mail.backends.filebased import EmailBackend as FileBackend

REFUSAL = "554 5.7.1 Relay access denied (test server)"


class RefusingBackend(BaseEmailBackend):
    """A mail server that refuses every message, as an SMTP server answering 554 does."""

    def send_messages(self, email_messages):
        raise SMTPException(REFUSAL)


class SlowFileBackend(FileBackend):
    """Writes messages to EMAIL_FILE_PATH like the file backend, after a pause.

    Before pausing it creates the file named by TEST_MAIL_STARTED, so that a test knows the
    worker is in the middle of sending; the pause lasts TEST_MAIL_DELAY seconds (default 5).
    """

    def send_messages(self, email_messages):
        started = os.environ.get("TEST_MAIL_STARTED")
        if started:
            Path(started).touch()
        time.sleep(float(os.environ.get("TEST_MAIL_DELAY", "5")))
        return super().send_messages(email_messages)
