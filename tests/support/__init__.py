"""Real processes for the tests that need them: a Redis server, a Celery worker, and the mail
such a worker delivers into a folder.

A worker runs in another process, so it sees only committed rows: tests that start one use
PostgreSQL with `@pytest.mark.django_db(transaction=True)`, and the worker is given the test
database's address (`worker_database_url()`). Only the standard library is imported here, so
that the worker's settings module (tests.support.worker_settings) stays cheap to import.
"""

import email
import email.policy
import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parents[2]
# What the file backend writes after each message.
SEPARATOR = "\n" + "-" * 79 + "\n"


def wait_for(condition: Callable, timeout: float, describe: Callable[[], str] = str) -> object:
    """Poll `condition` until it returns something true, and return that; fail after `timeout`
    seconds with what `describe` says (a worker's log, say)."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"still waiting after {timeout} s\n{describe()}")
        time.sleep(0.05)


def redis_ping(url: str) -> bool:
    import redis

    try:
        with redis.Redis.from_url(url, socket_connect_timeout=0.5) as client:
            return bool(client.ping())
    except redis.RedisError:
        return False


class RedisServer:
    """A redis-server of the test's own, keeping nothing on disk, that it may stop and start
    again on the same port."""

    def __init__(self, binary: str, port: int) -> None:
        self.binary = binary
        self.port = port
        self.url = f"redis://127.0.0.1:{port}/0"
        self.process: subprocess.Popen | None = None

    def start(self, timeout: float = 10.0) -> None:
        self.process = subprocess.Popen(
            [
                self.binary,
                "--bind",
                "127.0.0.1",
                "--port",
                str(self.port),
                "--save",
                "",
                "--appendonly",
                "no",
                "--daemonize",
                "no",
                "--loglevel",
                "warning",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        wait_for(
            lambda: redis_ping(self.url) or self.process.poll() is not None,
            timeout,
            lambda: f"redis-server did not answer on port {self.port}",
        )
        assert self.process.poll() is None, f"redis-server exited with {self.process.returncode}"

    def stop(self) -> None:
        if self.process is None:
            return
        stop_process(self.process)
        self.process = None


def stop_process(process: subprocess.Popen, timeout: float = 15.0) -> None:
    """Ask a process to stop (SIGTERM), and kill it if it has not within `timeout` seconds."""
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=timeout)


def worker_database_url() -> str:
    """The address of the database the tests use now (the test database, not the one named by
    DATABASE_URL), for a worker in another process."""
    from django.conf import settings

    db = settings.DATABASES["default"]
    assert db["ENGINE"] == "django.db.backends.postgresql", db["ENGINE"]
    user, password = quote(db["USER"], safe=""), quote(db["PASSWORD"], safe="")
    host, port = db["HOST"] or "127.0.0.1", db["PORT"] or 5432
    return f"postgres://{user}:{password}@{host}:{port}/{quote(db['NAME'], safe='')}"


class Worker:
    """A Celery worker process on its own queue, one task at a time (solo pool), delivering
    mail into `mail_dir` with the file backend or with `backend` (a dotted path)."""

    def __init__(
        self,
        *,
        broker_url: str,
        queue: str,
        mail_dir: Path,
        log_path: Path,
        backend: str = "",
        env: dict[str, str] | None = None,
    ) -> None:
        self.log_path = log_path
        self.env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "tests.support.worker_settings",
            "DATABASE_URL": worker_database_url(),
            "CELERY_BROKER_URL": broker_url,
            # Four slashes: django-environ drops the first one of the path.
            "EMAIL_URL": f"filemail:///{mail_dir}",
            "TEST_EMAIL_BACKEND": backend,
            "TEST_CELERY_QUEUE": queue,
            "PYTHONWARNINGS": "ignore",
            **(env or {}),
        }
        self.queue = queue
        self.process: subprocess.Popen | None = None

    def start(self) -> "Worker":
        with self.log_path.open("ab") as log:
            self.process = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "celery",
                    "-A",
                    "config",
                    "worker",
                    "--pool=solo",
                    "--queues",
                    self.queue,
                    "--hostname",
                    f"{self.queue}-{uuid.uuid4().hex[:6]}@%h",
                    "--without-heartbeat",
                    "--without-gossip",
                    "--without-mingle",
                    "--loglevel=INFO",
                ],
                cwd=ROOT,
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        return self

    def stop(self) -> None:
        if self.process is not None:
            stop_process(self.process)

    def kill(self) -> None:
        """SIGKILL: the worker dies where it is, as in an out-of-memory kill or a power cut."""
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=10)

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""


@contextmanager
def publishing_to(broker_url: str, queue: str) -> Iterator[None]:
    """Make this process hand tasks to `broker_url`, on `queue`, instead of running them."""
    from config.celery import app

    keys = ("broker_url", "task_always_eager", "task_default_queue")
    previous = {key: app.conf[key] for key in keys}
    _drop_connections(app)
    app.conf.update(broker_url=broker_url, task_always_eager=False, task_default_queue=queue)
    try:
        yield
    finally:
        _drop_connections(app)
        app.conf.update(previous)


def _drop_connections(app) -> None:
    # Connection pools keep the broker they were made for; close them and drop them, as Celery
    # does after a fork.
    for pool in (app._pool, getattr(app.__dict__.get("amqp"), "_producer_pool", None)):
        if pool is not None:
            pool.force_close_all()
    app._after_fork()
    # kombu keeps producer pools per broker address in a registry of its own: a closed one
    # would be handed out again the next time this process publishes to the same broker.
    from kombu import pools

    pools.reset()


def delivered(mail_dir: Path) -> list[email.message.EmailMessage]:
    """Every message the file backend wrote into `mail_dir`, headers decoded."""
    messages = []
    for path in sorted(mail_dir.iterdir()):
        for chunk in path.read_text(errors="replace").split(SEPARATOR):
            if chunk.strip():
                messages.append(email.message_from_string(chunk, policy=email.policy.default))
    return messages


def delivered_to(mail_dir: Path, address: str) -> list[email.message.EmailMessage]:
    return [message for message in delivered(mail_dir) if message["To"] == address]


def reset_link(address: str, key: str = ""):
    """Queue a password-reset message to `address` (in English) through the outbox; the
    Notification written (or found, when `key` was queued before)."""
    from notifications.kinds import Kind
    from notifications.services import Recipient, notify

    return notify(
        Kind.PASSWORD_RESET,
        to=Recipient(email=address, name="Ana Lima"),
        context={"recipient": {"short_name": "Ana"}, "uid": "MQ", "token": "set-password"},
        key=key or f"password-reset:{address}",
    )


def drain(mail_dir: Path, timeout: float = 20.0, describe: Callable[[], str] = str) -> None:
    """Wait until the one worker on the queue has done every task queued before now.

    It queues one more message and waits for it: a solo worker fetching one task at a time
    takes them in order, so what came before is done (sent, or failed and recorded).
    """
    address = f"barrier-{uuid.uuid4().hex[:8]}@example.org"
    reset_link(address, key=f"barrier:{address}")
    wait_for(lambda: delivered_to(mail_dir, address), timeout, describe)
