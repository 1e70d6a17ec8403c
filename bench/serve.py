"""The site served as production serves it, for the benchmarks that load it over HTTP
(bench/public.py, bench/load.py): gunicorn on the benchmark's database with the site's own
settings plus the bare view (bench/public_site.py), and, when asked, a Celery worker beside it
on the same broker.

Each run has its own name (BENCH_RUN): its Celery queue and its cache keys, so that the worker
takes only this site's tasks and no page comes from a cache an earlier run filled.
"""

import os
import socket
import subprocess
import sys
import time
import urllib.request
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import quote

from django.db import connection

ROOT = Path(__file__).resolve().parent.parent
WORKERS = 2


def site_env(*, broker_url: str = "") -> dict[str, str]:
    """The environment of the site's processes: the benchmark's database, DEBUG off, the cache
    on Redis when REDIS_URL is set (CACHE_URL=dummycache:// measures without it), the broker
    when `broker_url` is given (tasks otherwise run in the web process), and the run's name."""
    database = connection.settings_dict
    user, password = quote(database["USER"], safe=""), quote(database["PASSWORD"], safe="")
    url = (
        f"postgres://{user}:{password}@{database['HOST'] or '127.0.0.1'}"
        f":{database['PORT'] or 5432}/{quote(database['NAME'], safe='')}"
    )
    env = {
        "DJANGO_SETTINGS_MODULE": "bench.public_site",
        "DATABASE_URL": url,
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": "benchmark-only-" + "x" * 40,
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "BENCH_RUN": f"bench-{uuid.uuid4().hex[:10]}",
    }
    if os.environ.get("REDIS_URL") and not os.environ.get("CACHE_URL"):
        env["CACHE_URL"] = os.environ["REDIS_URL"].rsplit("/", 1)[0] + "/3"
    if broker_url:
        env["CELERY_BROKER_URL"] = broker_url
    return env


@contextmanager
def serving(env: dict[str, str], *, log: Path | None = None) -> Iterator[str]:
    """gunicorn (WORKERS sync workers) serving the site with `env`, up and answering; yields
    its address and stops it on the way out, whatever happened. Its output goes to `log`."""
    from tests.support import stop_process

    port = free_port()
    env = {**os.environ, **env, "GUNICORN_BIND": f"127.0.0.1:{port}"}
    env["GUNICORN_WORKERS"] = str(WORKERS)
    # With DEBUG off, pages name their static files from the manifest collectstatic writes.
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--no-input", "-v0"],
        cwd=ROOT,
        env=env,
        check=True,
    )
    gunicorn = Path(sys.executable).with_name("gunicorn")
    output = log.open("ab") if log else subprocess.DEVNULL
    server = subprocess.Popen(
        [gunicorn, "-c", str(ROOT / "gunicorn.conf.py"), "config.wsgi:application"],
        cwd=ROOT,
        env=env,
        stdout=output,
        stderr=subprocess.STDOUT,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        wait_until_up(base + "/bench/bare/", server)
        yield base
    finally:
        stop_process(server, timeout=30)
        if log:
            output.close()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_until_up(url: str, server: subprocess.Popen | None = None) -> None:
    for _ in range(100):
        if server is not None and server.poll() is not None:
            raise RuntimeError(f"gunicorn exited with {server.returncode}")
        try:
            # As behind the TLS-terminating proxy production has (README).
            asked = urllib.request.Request(url, headers={"X-Forwarded-Proto": "https"})
            with urllib.request.urlopen(asked, timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"gunicorn did not answer at {url}")


@contextmanager
def celery_worker(env: dict[str, str], *, broker_url: str, folder: Path) -> Iterator[object]:
    """A Celery worker (`celery -A config worker`, one task at a time) with the site's settings
    and `env`, on the run's queue, delivering mail into `folder`/mail; ready when yielded (the
    tests.support.Worker), stopped on the way out."""
    from tests.support import Worker, wait_for

    (folder / "mail").mkdir(exist_ok=True)
    worker = Worker(
        broker_url=broker_url,
        queue=env["BENCH_RUN"],
        mail_dir=folder / "mail",
        log_path=folder / "worker.log",
        env=env,
    )
    worker.start()
    try:
        wait_for(lambda: " ready." in worker.log(), 60, lambda: worker.log()[-3000:])
        yield worker
    finally:
        worker.stop()
