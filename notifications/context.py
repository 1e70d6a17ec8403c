"""How a message's context is stored in the outbox, so that it comes back exactly as given.

Text, integers, booleans, None, lists and dicts are stored as JSON stores them. Everything else
a caller may pass is written as a tagged object, such as
`{"__type__": "datetime", "value": "2031-03-15T09:30:00+00:00"}` (with `"zone": "Europe/Brussels"`
for a datetime in a named zone); floats are tagged too, since PostgreSQL keeps JSON numbers as
decimals. Only tagged objects are read back as anything but what JSON says: no string is ever
read as something else because of what it looks like, so a title typed as "2026-01-01T10:00Z"
stays text. A dict of the caller's own with a "__type__" key is itself wrapped (`"dict"`), so
that it cannot pass for a tag.

`encode()` refuses, at once and in the caller's transaction, any value it could not give back
exactly: an unknown type, a naive datetime, a float that is not finite, a dict key that is not
text, text that PostgreSQL cannot store (NUL, lone surrogates), a lazy translation (it would be
translated in the sender's language rather than the recipient's).
"""

import datetime
import math
import zoneinfo
from decimal import Decimal
from typing import Any

from django.utils.functional import Promise

TAG = "__type__"
VALUE = "value"
ZONE = "zone"


class UnstorableValue(TypeError):
    """A context value that the outbox could not give back exactly as it was given."""


def encode(value: Any, *, path: str = "context") -> Any:
    """`value` as JSON-compatible data that `decode()` turns back into an equal value."""
    if value is None or isinstance(value, bool | int):
        return value
    if isinstance(value, str):
        return _text(value, path)
    if isinstance(value, float):
        # PostgreSQL would give 1.5e300 back as an integer that is not equal to it.
        if not math.isfinite(value):
            raise UnstorableValue(f"{path}: {value!r} is not a finite number")
        return _tagged("float", float.__repr__(value))
    if isinstance(value, datetime.datetime):
        return _encode_datetime(value, path)
    if isinstance(value, datetime.date):
        return _tagged("date", value.isoformat())
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise UnstorableValue(f"{path}: {value!r} is not a finite number")
        return _tagged("decimal", str(value))
    if isinstance(value, list):
        return [encode(item, path=f"{path}[{index}]") for index, item in enumerate(value)]
    if isinstance(value, dict):
        return _encode_dict(value, path)
    if isinstance(value, Promise):
        raise UnstorableValue(
            f"{path}: a lazy translation would be sent in the sender's language; pass the "
            "untranslated value and translate it in the message's template"
        )
    raise UnstorableValue(
        f"{path}: {type(value).__name__} cannot go into a message's context; pass text, "
        "numbers, booleans, None, aware datetimes, dates, Decimals, and lists and dicts of them"
    )


def decode(value: Any) -> Any:
    """The value `encode()` was given, from what it returned (read back from the outbox)."""
    if isinstance(value, list):
        return [decode(item) for item in value]
    if not isinstance(value, dict):
        return value
    if TAG not in value:
        return {key: decode(item) for key, item in value.items()}
    kind = value[TAG]
    fields = {TAG, VALUE, ZONE} if kind == "datetime" and ZONE in value else {TAG, VALUE}
    if set(value) != fields:
        raise ValueError(f"Not a tagged value written by encode(): {value!r}")
    stored: Any = value[VALUE]
    if kind == "dict":
        return {key: decode(item) for key, item in stored.items()}
    if kind == "datetime":
        return _decode_datetime(stored, value.get(ZONE))
    if kind == "date":
        return datetime.date.fromisoformat(stored)
    if kind == "decimal":
        return Decimal(stored)
    if kind == "float":
        return float(stored)
    raise ValueError(f"Unknown tag {kind!r} in a message's context")


def _tagged(kind: str, stored: Any) -> dict:
    return {TAG: kind, VALUE: stored}


def _encode_datetime(value: datetime.datetime, path: str) -> dict:
    """The wall-clock time with its offset (so the instant reads at a glance), and the zone's
    name when it has one: the value comes back in its own zone, at its own wall-clock time,
    even in the hour a clock change skips or repeats."""
    zone = value.tzinfo
    if value.utcoffset() is None:
        raise UnstorableValue(f"{path}: {value!r} has no time zone")
    if isinstance(zone, datetime.timezone):
        return _tagged("datetime", value.isoformat())
    if isinstance(zone, zoneinfo.ZoneInfo) and zone.key:
        return {**_tagged("datetime", value.isoformat()), ZONE: zone.key}
    raise UnstorableValue(f"{path}: {value!r} is in a time zone that is not a zoneinfo zone")


def _decode_datetime(stored: str, zone: str | None) -> datetime.datetime:
    moment = datetime.datetime.fromisoformat(stored)
    if zone is None:
        return moment
    wall_clock = moment.replace(tzinfo=zoneinfo.ZoneInfo(zone))
    # The offset tells which of a repeated (or skipped) hour's two readings was meant.
    if wall_clock.utcoffset() != moment.utcoffset():
        wall_clock = wall_clock.replace(fold=1)
    return wall_clock


def _text(value: str, path: str) -> str:
    if "\x00" in value:
        raise UnstorableValue(f"{path}: text with a NUL character cannot be stored")
    if not value.isascii():
        try:
            value.encode("utf-8")
        except UnicodeEncodeError as error:
            reason = error.reason
            raise UnstorableValue(f"{path}: text that is not valid Unicode ({reason})") from error
    # A str subclass (a safe string, a choice) is stored, and read back, as plain text.
    return str.__str__(value)


def _encode_dict(value: dict, path: str) -> dict:
    encoded = {}
    for key, item in value.items():
        if not isinstance(key, str):
            raise UnstorableValue(f"{path}: the key {key!r} is not text (JSON would change it)")
        encoded[_text(key, path)] = encode(item, path=f"{path}.{key}")
    # The caller's own dict with a "__type__" key: wrapped, or it would be read as a tag.
    return _tagged("dict", encoded) if TAG in value else encoded
