"""The public pages' rendered parts, kept in Django's cache (Redis in production) so that a
crowd on announcement day costs the database one small query a request.

A part's key holds the moment the public data last changed (`selectors.last_change`: the newest
publication or correction of a public entry), and a part is kept with the generation number
under which it was made, bumped once a publication commits: the moment of publication and any
correction make every part older than them stale, so that no visitor is shown a page from
before them. Parts hold nothing of the visitor: the menu, their name and the CSRF token are
rendered around them at each request, or, in a whole page kept for visitors without a
session, the token is put in at each request (`TOKEN_MARK`).
"""

import hashlib
from collections.abc import Callable
from typing import TypeVar

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.http import HttpRequest
from django.utils import translation

from . import selectors

GENERATION = "showcase:generation"
# Where a whole page kept for visitors holds the CSRF token, replaced by each visitor's own.
TOKEN_MARK = "csrf-token-of-the-visitor-2f6c1b"
T = TypeVar("T")

# A part is rebuilt at the latest this long after it was made, whatever else happens.
PART_SECONDS = 15 * 60


def last_change(request: HttpRequest):
    """`selectors.last_change()`, asked once a request (the cache key, the ETag and
    Last-Modified all read it)."""
    if not hasattr(request, "_public_last_change"):
        request._public_last_change = selectors.last_change()  # type: ignore[attr-defined]
    return request._public_last_change  # type: ignore[attr-defined]


def parts(request: HttpRequest, name: str, build: Callable[[], T]) -> T:
    """The rendered parts of page `name` for this request's path, query and language: from
    the cache when the public data has not changed since they were made, else `build()`.

    One round trip to the cache a request: the generation is read with the parts, and parts
    made under an earlier generation are made again."""
    changed = last_change(request)
    asked = hashlib.sha256(request.get_full_path().encode()).hexdigest()[:24]
    stamp = changed.timestamp() if changed else 0
    key = f"showcase:{name}:{translation.get_language()}:{stamp}:{asked}"
    found = cache.get_many([GENERATION, key])
    generation = found.get(GENERATION, 0)
    kept = found.get(key)
    if kept is None or kept[0] != generation:
        kept = (generation, build())
        cache.set(key, kept, PART_SECONDS)
    return kept[1]


def forget_on_commit(**kwargs: object) -> None:
    """Every part made before this transaction commits is stale after it (the answer to
    awards.signals.results_published, and what a correction of public text calls)."""
    transaction.on_commit(_bump)


def _bump() -> None:
    try:
        cache.incr(GENERATION)
    except ValueError:  # not set yet, or evicted
        cache.set(GENERATION, 1, timeout=None)


def for_everyone(request: HttpRequest) -> bool:
    """Whether the page this request asks for is the same for every visitor: a GET (or HEAD)
    from someone with no session (not signed in, no message waiting) and no message cookie."""
    return request.method in ("GET", "HEAD") and not (
        set(request.COOKIES) & {settings.SESSION_COOKIE_NAME, "messages"}
    )
