"""Single values read from a request where a whole form would be ceremony: an id in a query
string, a choice carried by a button, a slug, a version stamp.

Each helper answers the value, typed, or None when the text is not one (a NUL byte, "²",
"1e9", "-1", a thousand characters): the caller decides whether that means "absent", a message
or a 400 (`require`). Nothing read from a request reaches the database untyped: PostgreSQL
refuses NUL bytes in text with an error, and `int("²")` raises although `"²".isdigit()` holds.
"""

import re
from collections.abc import Iterable
from typing import TypeVar

from django.core.exceptions import BadRequest

# The largest id a BigAutoField holds; anything longer is not an id of ours.
MAX_ID = 2**63 - 1
_SLUG = re.compile(r"[-a-zA-Z0-9_]{1,100}")
# A version stamp is an ISO 8601 time: printable ASCII, no spaces, short.
_TOKEN = re.compile(r"[!-~]{1,64}")

T = TypeVar("T")


def parse_id(value: object) -> int | None:
    """A positive database id written in ASCII digits, else None."""
    if not isinstance(value, str) or not value.isascii() or not value.isdigit() or len(value) > 19:
        return None
    number = int(value)
    return number if 0 < number <= MAX_ID else None


def parse_choice(value: object, choices: Iterable[str]) -> str | None:
    """`value` when it is one of `choices`, else None."""
    return value if isinstance(value, str) and value in set(choices) else None


def parse_slug(value: object) -> str | None:
    """A slug as Django's SlugField writes them (ASCII letters, digits, - and _), else None."""
    return value if isinstance(value, str) and _SLUG.fullmatch(value) else None


def parse_token(value: object) -> str | None:
    """A short stamp of printable ASCII without spaces (an entry's version), else None."""
    return value if isinstance(value, str) and _TOKEN.fullmatch(value) else None


def require(value: T | None) -> T:
    """`value`, or a 400 when the request carried something that is not one.

    For values a page of ours never sends malformed (a hand-edited query string): a person
    following links never sees it.
    """
    if value is None:
        raise BadRequest("A value in the request could not be read.")
    return value
