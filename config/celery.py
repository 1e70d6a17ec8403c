import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("platformawards")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

# Periodic tasks, one place for all of them.
app.conf.beat_schedule = {
    "sweep-outbox": {
        "task": "notifications.sweep",
        "schedule": 60.0,  # what a broker outage or a dead worker left unsent goes out again
    },
    "advance-editions": {
        "task": "awards.advance_editions",
        "schedule": 300.0,  # a call closes within five minutes of its deadline
    },
}
