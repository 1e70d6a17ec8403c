"""A settings module of the benchmark's own: the site as production runs it, with one bare
view added (bench/public_urls.py) to measure its pages against."""

from config.settings import *  # noqa: F403

ROOT_URLCONF = "bench.public_urls"
