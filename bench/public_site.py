"""A settings module of the benchmark's own: the site as production runs it, with one bare
view added (bench/public_urls.py) to measure its pages against.

A run named by BENCH_RUN (bench/serve.py) has its own Celery queue and cache keys, so that its
worker takes only its tasks and no page comes from a cache an earlier run filled."""

import os

from config.settings import *  # noqa: F403
from config.settings import CACHES

ROOT_URLCONF = "bench.public_urls"

if os.environ.get("BENCH_RUN"):
    CELERY_TASK_DEFAULT_QUEUE = os.environ["BENCH_RUN"]
    CACHES["default"]["KEY_PREFIX"] = os.environ["BENCH_RUN"]
