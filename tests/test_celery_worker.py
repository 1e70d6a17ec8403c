"""The site hands work to a real Celery worker through Redis, and the worker does it."""

import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from django.urls import reverse

from config.celery import app
from tests.factories import UserFactory

ROOT = Path(__file__).resolve().parents[1]

pytestmark = [pytest.mark.services, pytest.mark.django_db]


@pytest.fixture
def worker(redis_url, tmp_path):
    """A worker process on its own queue, delivering mail into a folder we can read."""
    queue = f"test-{uuid.uuid4().hex[:12]}"
    mail_dir = tmp_path / "mail"
    mail_dir.mkdir()
    env = {
        **os.environ,
        "CELERY_BROKER_URL": redis_url,
        # Four slashes: django-environ drops the first one of the path.
        "EMAIL_URL": f"filemail:///{mail_dir}",
        "PYTHONWARNINGS": "ignore",
    }
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "config",
            "worker",
            "--pool=solo",
            "--queues",
            queue,
            "--without-heartbeat",
            "--without-gossip",
            "--without-mingle",
            "--loglevel=INFO",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    previous = {
        key: app.conf[key] for key in ("broker_url", "task_always_eager", "task_default_queue")
    }
    app.conf.update(broker_url=redis_url, task_always_eager=False, task_default_queue=queue)
    # Connection pools keep the broker they were made for; drop them as Celery does after a fork.
    app._after_fork()
    try:
        yield mail_dir
    finally:
        app.conf.update(previous)
        app._after_fork()
        process.terminate()
        output, _ = process.communicate(timeout=20)
        print(output)


def wait_for_files(folder: Path, timeout: float = 30.0) -> list[Path]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        files = sorted(folder.iterdir())
        if files and all(f.stat().st_size for f in files):
            return files
        time.sleep(0.2)
    return []


def test_password_reset_mail_is_delivered_by_the_worker(
    client, worker, django_capture_on_commit_callbacks
):
    UserFactory(email="maria@example.org")

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("accounts:password_reset"), {"email": "maria@example.org"})

    assert response.status_code == 302
    files = wait_for_files(worker)
    assert len(files) == 1, "the worker delivered no mail within 30 s"
    text = files[0].read_text()
    assert "To: maria@example.org" in text
    assert "/accounts/password/reset/" in text
