"""Throughput of the outbox for a reminder sent to 10,000 people, and its queries.

The messages are queued through `notify()` in batches of 500, each batch in one transaction,
as the reminder task does; Celery runs in-process (no broker), so each batch is delivered when
its transaction commits, rendered in three languages, into the in-memory mail backend. The
queries of a batch (writing and delivering it) must not grow with what the outbox already
holds: the first and the last batch are compared.
"""

import datetime
import logging
import time

from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

RECIPIENTS = 10_000
BATCH = 500
LANGUAGES = ["en", "fr", "es"]


def run(report) -> None:
    from django.conf import settings
    from django.core import mail
    from django.utils import timezone

    from config.celery import app
    from notifications.kinds import Kind
    from notifications.models import Notification
    from notifications.services import Recipient, notify

    trace_log = logging.getLogger("celery.app.trace")  # a line per task at INFO
    previous = (settings.EMAIL_BACKEND, app.conf.task_always_eager, trace_log.level)
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    app.conf.task_always_eager = True
    trace_log.setLevel(logging.WARNING)
    mail.outbox = []
    deadline = timezone.now() + datetime.timedelta(days=7)
    edition = {"title": "PLATFORMAwards 2031", "timezone": "Europe/Brussels"}
    edition["submission_deadline"] = deadline
    batches = []
    started = time.perf_counter()
    try:
        for first in range(0, RECIPIENTS, BATCH):
            # The log keeps the last 9,000 queries only: empty it so that a batch is counted.
            connection.queries_log.clear()
            with CaptureQueriesContext(connection) as queries:
                batch_started = time.perf_counter()
                with transaction.atomic():
                    for n in range(first, first + BATCH):
                        notify(
                            Kind.REMINDER_DRAFT,
                            to=Recipient(
                                email=f"person{n}@example.org",
                                name=f"Person {n}",
                                language=LANGUAGES[n % len(LANGUAGES)],
                            ),
                            context={
                                "recipient": {"short_name": f"Person {n}"},
                                "entry": {
                                    "pk": n + 1,
                                    "reference": f"PA2031-{n + 1:05d}",
                                    "title": "Water for every district",
                                    "edition": edition,
                                },
                            },
                            key=f"reminder:bench:{n}",
                        )
                    written = len(queries)
                # Committed: the batch has been delivered by now.
            batches.append((written, len(queries), time.perf_counter() - batch_started))
        elapsed = time.perf_counter() - started
        assert len(mail.outbox) == RECIPIENTS, len(mail.outbox)
        assert Notification.objects.filter(status=Notification.Status.SENT).count() == RECIPIENTS
    finally:
        settings.EMAIL_BACKEND, app.conf.task_always_eager, level = previous
        trace_log.setLevel(level)
        mail.outbox = []

    report(
        f"messages queued and delivered ({RECIPIENTS:,})",
        RECIPIENTS / elapsed,
        "msg/s",
        f"{elapsed:.1f} s in all",
    )
    for label, (written, total, seconds) in [("first", batches[0]), ("last", batches[-1])]:
        report(
            f"queries, {label} batch of {BATCH}",
            total,
            "queries",
            f"{written} to queue, {total - written} to deliver; {seconds * 1000:.0f} ms",
        )
