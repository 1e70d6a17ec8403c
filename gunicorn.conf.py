"""How gunicorn serves the site in production (the Dockerfile and docker-compose.yml use it).

gunicorn reads no request body itself: Django caps bodies per route (core.limits) and the
reverse proxy in front caps them first (README, "Limits the proxy must hold"). What is set
here bounds the rest of a request and how long any one may take.
"""

import os

bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")
workers = int(os.environ.get("GUNICORN_WORKERS", "3"))

# A worker silent for this long is killed and replaced. Every page answers well within it, and
# a PDF that would take longer is refused by its own budget first (settings.PDF_RENDER_SECONDS).
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = 30
keepalive = 5

# The request line (method, path and query string) and headers, in bytes and in number; larger
# ones are answered 400 before Django sees them. These are gunicorn's own defaults, stated here
# so that they are chosen, not inherited.
limit_request_line = 4094
limit_request_fields = 100
limit_request_field_size = 8190

# Workers are replaced now and then, so that no slow leak grows for weeks.
max_requests = 2000
max_requests_jitter = 200

# The workers' heartbeat files in memory: a slow disk must not make a live worker look dead.
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None

accesslog = "-"


def post_worker_init(worker):
    """Read the world atlas (half a second) before the worker takes its first request, not
    during a visitor's: every entry page and its map draw on it (showcase.maps)."""
    from showcase import maps

    maps.world_svg()
