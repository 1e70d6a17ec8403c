import os

from celery import Celery
from celery.schedules import crontab

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("platformawards")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@app.on_after_configure.connect
def _in_process_broker(sender: Celery, **kwargs) -> None:
    """Without a broker tasks run in-process, yet Celery still opens a producer for each: with no
    URL it would look for an AMQP server on localhost and warn about it on the console."""
    if sender.conf.task_always_eager and not sender.conf.broker_url:
        sender.conf.broker_url = "memory://localhost/"


# Periodic tasks, one place for all of them.
app.conf.beat_schedule = {
    "sweep-outbox": {
        "task": "notifications.sweep",
        "schedule": 60.0,  # what a broker outage or a dead worker left unsent goes out again
    },
    "send-reminders": {
        "task": "notifications.send_reminders",
        "schedule": 3600.0,  # idempotent per person, rule and day: hourly is safe
    },
    "secretariat-digest": {
        "task": "awards.secretariat_digest",
        "schedule": crontab(hour=7, minute=0),  # in CELERY_TIMEZONE, Brussels
    },
    "issue-pending-certificates": {
        "task": "awards.issue_pending_certificates",
        "schedule": 120.0,  # what a broker outage or a dead worker left pending is issued
    },
    "publish-due": {
        "task": "awards.publish_due",
        "schedule": 30.0,  # a scheduled announcement goes out within a minute of its moment
    },
    "advance-editions": {
        "task": "awards.advance_editions",
        "schedule": 300.0,  # a call closes within five minutes of its deadline
    },
}
