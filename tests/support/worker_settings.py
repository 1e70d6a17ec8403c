"""Settings of a Celery worker started by a test: the project's own, read from the same
environment (DATABASE_URL, CELERY_BROKER_URL, EMAIL_URL), plus an email backend of
tests/support/mail.py when TEST_EMAIL_BACKEND names one."""

import os

from config.settings import *  # noqa: F403
from config.settings import EMAIL_BACKEND as _PROJECT_EMAIL_BACKEND

EMAIL_BACKEND = os.environ.get("TEST_EMAIL_BACKEND") or _PROJECT_EMAIL_BACKEND
