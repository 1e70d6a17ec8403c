"""Settings of a Celery worker started by a test: the project's own, read from the same
environment (DATABASE_URL, CELERY_BROKER_URL, EMAIL_URL), plus an email backend of
tests/support/mail.py when TEST_EMAIL_BACKEND names one, and the test's queue for the tasks the
worker itself queues (a reminder's delivery) when TEST_CELERY_QUEUE names one."""

import os

from config.settings import *  # noqa: F403
from config.settings import EMAIL_BACKEND as _PROJECT_EMAIL_BACKEND

EMAIL_BACKEND = os.environ.get("TEST_EMAIL_BACKEND") or _PROJECT_EMAIL_BACKEND
CELERY_TASK_DEFAULT_QUEUE = os.environ.get("TEST_CELERY_QUEUE") or "celery"
