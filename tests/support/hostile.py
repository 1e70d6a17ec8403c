"""What a hostile client puts in a form's fields: hypothesis strategies aimed at each kind of
field (tests.support.forms reads the kinds from the page's markup), and what a person would type
where the page leaves a required field empty.

A number is sent out of range, negative, huge, NaN or with sixty decimals; a date in year 1 or
on February 30th; a text over its field's limit, a hundred thousand characters long, with NUL
bytes, control characters, right-to-left marks, emoji or a lone surrogate; a choice the page
does not offer; a file of random bytes behind a name and a content type that say anything.
Values are text, or bytes sent as they are (invalid UTF-8).
"""

import datetime
import re
from dataclasses import dataclass

from hypothesis import strategies as st

from .forms import Control

Value = str | bytes

# Long enough to pass every limit of the site's forms; each field's maxlength is tried too.
LONG = 100_000
# A search's field is sent at most this long: a query string over 4094 bytes never reaches
# the site (gunicorn.conf.py).
LONG_IN_QUERY = 500

NASTY = [
    "",
    " ",
    "\x00",
    "a\x00b",
    "\x01\x08\x1b[31m\x7f",
    "\r\n\r\n",
    "\u202egnp.exe\u202c",  # right-to-left override
    "\u200b\u200d\ufeff",  # zero-width characters and a byte order mark
    "שלום مرحبا",
    "😀👩🏽‍🚀🏳️‍🌈",
    "e\u0301\u0301\u0301",
    "²",
    "٣",
    "Ⅻ",
    "\uff11\uff12",  # full-width digits
    "\ud800",  # lone surrogates: invalid UTF-8 once encoded
    "x\udfffy",
    "' OR 1=1 --",
    "<script>alert(1)</script>",
    "{{ request }}{% debug %}",
    "%(name)s %s %n",
    "../../../../etc/passwd",
    "null",
    "None",
    "[]",
    "\\",
]
RAW = [b"\xff\xfe", b"\xc3\x28", b"\xed\xa0\x80", b"\xc0\xaf", b"\xe2\x82", b"%zz", b"\x00\xff"]
NUMBERS = [
    "NaN",
    "nan",
    "sNaN",
    "inf",
    "-Infinity",
    "1e309",
    "-1e309",
    "1e-400",
    "1E+999999999",
    "-0",
    "-1",
    "0x1F",
    "1_000",
    "1,5",
    " 7 ",
    "+5",
    "9" * 40,
    "-" + "9" * 40,
    "0." + "3" * 60,
    "1" * 25 + "." + "1" * 25,
    "2**64",
]
DATES = [
    "2024-02-30",
    "2023-02-29",
    "2024-13-01",
    "2024-00-10",
    "0000-01-01",
    "0001-01-01",
    "9999-12-31",
    "10000-01-01",
    "-2024-01-01",
    "2024-1-1",
    "01/02/2024",
    "today",
    "2024\u201001\u201001",
    "\uff12\uff10\uff12\uff14-01-01",
]
TIMES = [
    "0001-01-01T00:00",
    "9999-12-31T23:59",
    # Brussels' clocks skip 02:00-03:00 on that day and go through 02:00-03:00 twice on the
    # other: a time that does not exist, and one that exists twice.
    "2031-03-30T02:30",
    "2031-10-26T02:30",
    "2030-01-01T24:00",
    "2030-01-01T23:60",
    "2030-01-01 10:00",
    "2030-01-01T10:00Z",
    "2030-01-01T10:00+14:00",
    "2030-01-01T10:00:00.99999999",
    "2030-01-01T",
]
EMAILS = [
    "a@b",
    "@",
    "a" * 65 + "@example.org",
    "a@" + "b" * 250 + ".org",
    "ü@ü.de",
    "a@example.org\x00",
    "a@example.org, b@example.org",
    "A@EXAMPLE.ORG",
    '"quoted"@example.org',
    "a@[127.0.0.1]",
]
URLS = ["javascript:alert(1)", "http://", "//evil.example", "http://[::1", "http://" + "a" * 300]
# What a file's first bytes claim it is.
MAGIC = [b"", b"%PDF-1.7\n", b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff\xe0", b"PK\x03\x04", b"GIF89a"]
FILE_NAMES = [
    "entry.pdf",
    "photo.png",
    "report.docx",
    "../../../settings.py",
    "a\x00.pdf",
    "evil\u202efdp.exe",
    "x" * 300 + ".pdf",
    "",
    ".htaccess",
]
CONTENT_TYPES = ["application/pdf", "image/png", "text/html", "", "application/x-msdownload"]


@dataclass(frozen=True)
class Upload:
    """A file part of a multipart body."""

    name: str
    content_type: str
    content: bytes


def texts(control: Control, *, in_query: bool) -> st.SearchStrategy[Value]:
    """Text of every sort: nasty, random (surrogates included), raw bytes, over its limit."""
    lengths = [LONG_IN_QUERY if in_query else LONG]
    if control.maxlength:
        lengths.append(control.maxlength + 1)
    return st.one_of(
        st.sampled_from(NASTY),
        st.text(st.characters(exclude_categories=[]), max_size=30),
        st.sampled_from(RAW) | st.binary(max_size=20),
        st.builds(
            lambda letter, length: letter * length,
            st.sampled_from(["x", "é", "😀", "\u200b", "\x00", " "]),
            st.sampled_from(lengths),
        ),
    )


def numbers(control: Control) -> st.SearchStrategy[str]:
    """Numbers out of range, negative, huge, not numbers at all, with too many digits."""
    around = []
    for bound in (control.minimum, control.maximum):
        if _is_number(bound):
            number = float(bound)
            around += [str(number - 1), str(number + 1), str(number + 0.25), bound]
    return st.one_of(
        st.sampled_from(NUMBERS + around),
        st.integers(-(10**30), 10**30).map(str),
        st.floats(allow_nan=True, allow_infinity=True).map(repr),
        st.decimals(allow_nan=True, allow_infinity=True).map(str),
    )


def dates(control: Control) -> st.SearchStrategy[str]:
    """Dates (or dates and times) of any year, and malformed ones."""
    if control.kind == "date":
        return st.sampled_from(DATES) | st.dates().map(datetime.date.isoformat)
    return st.one_of(
        st.sampled_from(TIMES + DATES),
        st.datetimes().map(lambda moment: moment.isoformat(timespec="minutes")),
        st.datetimes().map(datetime.datetime.isoformat),
    )


def choices(control: Control, current: list[str]) -> st.SearchStrategy[Value]:
    """One of the options the page offers, or one it does not."""
    offered = [*control.options, *current] or [""]
    return st.one_of(
        st.sampled_from(offered),
        st.sampled_from(offered).map(lambda option: f" {option}".upper() + "0"),
        st.sampled_from(["-1", "0", "9" * 30, "²", "on", "true"]),
        texts(control, in_query=True),
    )


def ids(current: list[str]) -> st.SearchStrategy[str]:
    """What a hidden id (a formset row, a version stamp, TOTAL_FORMS) may be changed to."""
    near = [str(int(value) + step) for value in current if value.isdigit() for step in (1, -1)]
    return st.sampled_from([*near, "0", "-1", "99999999", "9" * 30, "1.0", "1e3", "²", " 1"])


CHOICE_KINDS = ("select", "checkbox", "radio", "button")


def values(control: Control, current: list[str], *, in_query: bool) -> st.SearchStrategy[Value]:
    """A value aimed at what `control` takes, or any text."""
    if control.kind in CHOICE_KINDS:
        return choices(control, current)
    aimed = {
        "number": lambda: numbers(control),
        "range": lambda: numbers(control),
        "date": lambda: dates(control),
        "datetime-local": lambda: dates(control),
        "email": lambda: st.sampled_from(EMAILS) | st.emails(),
        "url": lambda: st.sampled_from(URLS),
        "hidden": lambda: ids(current) | dates(Control("datetime-local")),
    }
    text = texts(control, in_query=in_query)
    return aimed[control.kind]() | text if control.kind in aimed else text


def uploads() -> st.SearchStrategy[Upload]:
    """Random bytes behind a name and a content type that may say anything."""
    return st.builds(
        Upload,
        name=st.sampled_from(FILE_NAMES) | st.text(max_size=20),
        content_type=st.sampled_from(CONTENT_TYPES) | st.text(max_size=20),
        content=st.builds(
            bytes.__add__, st.sampled_from(MAGIC), st.binary(max_size=2048) | st.just(b"%%EOF")
        ),
    )


# What a person types in a field the page leaves empty, so that a request with one hostile
# field gets past the others. Dates and times rise in the order of the page's fields, as an
# edition's milestones must.
PLAUSIBLE = {
    "text": ["Water for every district"],
    "search": ["water"],
    "textarea": ["Two cities bring safe water to every district."],
    "email": ["someone.new@example.org"],
    "password": ["Tulip-harbour-1987!"],
    "url": ["https://example.org/"],
    "number": ["1", "5", "2040"],
}


def plausible(control: Control, position: int) -> list[str]:
    """Values a person might type in `control`, the `position`th field of its form."""
    moment = datetime.datetime(2031, 1, 1, 9, 0) + datetime.timedelta(days=7 * position)
    if control.kind == "date":
        return [moment.date().isoformat()]
    if control.kind == "datetime-local":
        return [moment.isoformat(timespec="minutes")]
    if control.kind in ("select", "radio"):
        return [option for option in control.options if option][:1]
    candidates = PLAUSIBLE.get(control.kind, [])
    if control.kind == "number":
        low = float(control.minimum) if _is_number(control.minimum) else float("-inf")
        high = float(control.maximum) if _is_number(control.maximum) else float("inf")
        candidates = [value for value in candidates if low <= float(value) <= high]
    return candidates


def _is_number(text: str | None) -> bool:
    return bool(text) and re.fullmatch(r"-?\d+(\.\d+)?", text) is not None


def filled(control: Control, current: list[str] | None, position: int) -> list[str] | None:
    """A field left alone: as the page fills it in, or as a person would type it where the
    page leaves a required field empty."""
    typed = plausible(control, position)
    if control.required and current in (None, [""]) and typed:
        return typed[:1]
    return current
