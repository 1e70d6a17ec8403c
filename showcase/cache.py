"""The public pages' rendered parts, kept in Django's cache (Redis in production) so that a
crowd on announcement day costs one round trip to the cache a request, and no query.

Every part is kept with the moment the public data last changed when it was made, and is
good only while that moment is still the last change. The moment is asked of the database
(`selectors.last_change`: the newest publication or save of a public entry) when the cache is
one process's own; with a cache every process shares, it is kept in the cache itself
(`CHANGED`), read in the same round trip as the part, and moved once every change to public
data commits — a publication (awards.signals.results_published), a save of a public entry and
any change to what the public pages show of other rows (showcase.freshness). Should the cache
lose it, it is asked of the database again. Parts hold nothing of the visitor: the menu, their
name and the CSRF token are rendered around them at each request, or, in a whole page kept
for visitors without a session, the token is put in at each request (`TOKEN_MARK`).

A cache out of reach (Redis down or restarting) is a cache that keeps nothing: the pages are
built from the database, and a change to public data commits all the same.
"""

import datetime
import hashlib
import logging
from collections.abc import Callable
from typing import TypeVar

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone, translation

from . import selectors

logger = logging.getLogger(__name__)

CHANGED = "showcase:changed"
# Where a whole page kept for visitors holds the CSRF token, replaced by each visitor's own.
TOKEN_MARK = "csrf-token-of-the-visitor-2f6c1b"
T = TypeVar("T")

# A part is rebuilt at the latest this long after it was made, whatever else happens.
PART_SECONDS = 15 * 60
# Caches that live in one process: another process's change cannot move what they keep.
PROCESS_CACHES = (
    "django.core.cache.backends.locmem.LocMemCache",
    "django.core.cache.backends.dummy.DummyCache",
)
_UNKNOWN = object()


def shared() -> bool:
    """Whether every process of the site reads the same cache (Redis, Memcached, a table)."""
    return settings.CACHES["default"]["BACKEND"] not in PROCESS_CACHES


def last_change(request: HttpRequest) -> datetime.datetime | None:
    """When the public data last changed, asked once a request (the cache key, the ETag and
    Last-Modified all read it)."""
    known = getattr(request, "_public_last_change", _UNKNOWN)
    if known is _UNKNOWN:
        known = _read_change(_ask(lambda: cache.get(CHANGED), None) if shared() else None)
        request._public_last_change = known  # type: ignore[attr-defined]
    return known  # type: ignore[return-value]


def _read_change(kept: object) -> datetime.datetime | None:
    """The moment kept in the cache (a shared one), or else the database's."""
    if isinstance(kept, tuple):  # ("at", moment or None)
        return kept[1]
    changed = selectors.last_change()
    if shared():
        _ask(lambda: cache.add(CHANGED, ("at", changed), timeout=None), False)
    return changed


def parts(request: HttpRequest, name: str, build: Callable[[], T]) -> T:
    """The rendered parts of page `name` for this request's path, query and language: from
    the cache when the public data has not changed since they were made, else `build()`.

    One round trip to the cache a request: with a shared cache, the moment of the last change
    is read with the parts."""
    asked = hashlib.sha256(request.get_full_path().encode()).hexdigest()[:24]
    key = f"showcase:{name}:{translation.get_language()}:{asked}"
    if shared() and not hasattr(request, "_public_last_change"):
        found: dict = _ask(lambda: cache.get_many([CHANGED, key]), {})
        request._public_last_change = _read_change(found.get(CHANGED))  # type: ignore[attr-defined]
        kept = found.get(key)
    else:
        kept = _ask(lambda: cache.get(key), None)
    changed = last_change(request)
    if kept is None or kept[0] != changed:
        kept = (changed, build())
        _ask(lambda: cache.set(key, kept, PART_SECONDS), None)
    return kept[1]


def _ask(operation: Callable[[], T], default: T) -> T:
    """What the cache answers, or `default` (nothing kept) when it cannot be reached."""
    try:
        return operation()
    except Exception as error:  # each backend raises its own: redis-py's, pymemcache's...
        logger.warning("The public pages' cache cannot be reached: %s", error)
        return default


def forget_on_commit(**kwargs: object) -> None:
    """Every part made before this transaction commits is stale after it.

    Robust: a cache out of reach when the change commits (Redis down, on the day of a
    publication say) is logged, and is no error for the person whose change is already
    committed, nor for the callbacks registered after this one (a publication's mails and
    certificates). The parts kept then are rebuilt PART_SECONDS after they were made at the
    latest, or at once when the cache comes back empty.
    """
    if shared():
        transaction.on_commit(_moved, robust=True)


def _moved() -> None:
    # The database's moment, read after the commit (what a process finds should the cache
    # lose this), or the time now if that is later: never a moment a kept part was made at.
    changed = selectors.last_change()
    cache.set(CHANGED, ("at", max(filter(None, (changed, timezone.now())))), timeout=None)


def for_everyone(request: HttpRequest) -> bool:
    """Whether the page this request asks for is the same for every visitor: a GET (or HEAD)
    from someone with no session (not signed in, no message waiting) and no message cookie."""
    return request.method in ("GET", "HEAD") and not (
        set(request.COOKIES) & {settings.SESSION_COOKIE_NAME, "messages"}
    )
