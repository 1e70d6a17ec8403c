"""A hostile request to a form, and its body as raw bytes.

Each field of the form is left alone (as the page fills it in, or as a person would type it),
or given a hostile value (tests.support.hostile), dropped, emptied or repeated; unknown fields
are added. The body is built here rather than by Django's test client, which cannot send
invalid UTF-8 or a lone surrogate: text is encoded with "surrogatepass", bytes are sent as they
are, url-encoded, raw in a url-encoded body, or in a multipart one.
"""

import re
from dataclasses import dataclass, field
from urllib.parse import quote_from_bytes

from hypothesis import strategies as st

from .forms import Control, Form
from .hostile import Upload, Value, filled, texts, uploads, values

# gunicorn refuses a request line over 4094 bytes (gunicorn.conf.py): a longer query string
# never reaches the site, so none is sent.
MAX_QUERY_BYTES = 3500
# Columns a form might be tricked into setting.
NAMES = ["id", "pk", "state", "status", "is_staff", "is_superuser", "user", "entry", "edition"]


@dataclass
class Request:
    """One request to a form: its fields in order (a name may repeat), the files it carries,
    how its body is encoded, whether it comes from htmx."""

    form: Form
    pairs: list[tuple[str, Value]]
    uploads: list[tuple[str, Upload]] = field(default_factory=list)
    encoding: str = "urlencoded"
    htmx: bool = False

    def describe(self) -> str:
        """The request as a failure names it: long values shortened."""
        pairs = [(name, _short(value)) for name, value in self.pairs]
        files = [(name, _short(upload.name), len(upload.content)) for name, upload in self.uploads]
        hx = " (htmx)" if self.htmx else ""
        return f"{self.form.method.upper()} {self.form.action}{hx} {self.encoding} {pairs} {files}"


def _short(value: Value) -> str:
    return repr(value) if len(value) <= 60 else f"{value[:40]!r}… ({len(value)} long)"


def as_bytes(value: Value) -> bytes:
    return value if isinstance(value, bytes) else value.encode("utf-8", "surrogatepass")


def urlencoded(pairs: list[tuple[str, Value]], *, raw: bool = False) -> bytes:
    """`pairs` url-encoded; `raw` leaves every byte but the separators as it is, as a
    misbehaving client does, so that the body is no longer ASCII."""

    def quote(value: Value) -> bytes:
        data = as_bytes(value)
        if raw:
            for separator in (b"%", b"&", b"=", b"+"):
                data = data.replace(separator, b"%%%02X" % separator[0])
            return data
        return quote_from_bytes(data, safe="").encode()

    return b"&".join(quote(name) + b"=" + quote(value) for name, value in pairs)


BOUNDARY = b"fuzzing-7MA4YWxkTrZu0gW"


def multipart(pairs: list[tuple[str, Value]], uploads: list[tuple[str, Upload]]) -> bytes:
    """A multipart/form-data body; names are escaped as browsers escape them."""

    def header(value: Value) -> bytes:
        return as_bytes(value).replace(b'"', b"%22").replace(b"\r", b"%0D").replace(b"\n", b"%0A")

    parts = [
        b'Content-Disposition: form-data; name="%s"\r\n\r\n%s' % (header(name), as_bytes(value))
        for name, value in pairs
    ]
    parts += [
        b'Content-Disposition: form-data; name="%s"; filename="%s"\r\nContent-Type: %s\r\n\r\n%s'
        % (header(name), header(upload.name), header(upload.content_type), upload.content)
        for name, upload in uploads
    ]
    body = b"".join(b"--" + BOUNDARY + b"\r\n" + part + b"\r\n" for part in parts)
    return body + b"--" + BOUNDARY + b"--\r\n"


def changed(
    control: Control, current: list[str] | None, position: int, *, in_query: bool
) -> st.SearchStrategy[list[Value] | None]:
    """A field's values in a hostile request: left alone (where shrinking leads), aimed at its
    kind, missing, empty, or repeated where one value is expected."""
    value = values(control, current or [], in_query=in_query)
    return st.one_of(
        st.just(filled(control, current, position)),
        value.map(lambda one: [one]),
        st.none(),
        st.just([""]),
        st.lists(value, min_size=2, max_size=3),
    )


def extra_names(form: Form) -> st.SearchStrategy[str]:
    """Names the form does not have: near its own, another row of its formset, a column."""
    known = sorted(form.controls) or ["field"]
    return st.one_of(
        st.sampled_from(known).map(lambda name: re.sub(r"-\d+-", "-999-", name) + "_"),
        st.sampled_from(known).map(lambda name: re.sub(r"\d+", "99999999", name)),
        st.sampled_from(NAMES),
        st.text(max_size=12),
    )


@st.composite
def requests(draw, form: Form) -> Request:
    """A request to `form`: one field changed, or every field changed or left alone; maybe unknown
    fields; encoded in any way the method allows."""
    in_query = form.method == "get"
    names = sorted(form.controls)
    if not names:
        chosen = set()
    elif draw(st.booleans()):
        chosen = set(names)
    else:
        chosen = {draw(st.sampled_from(names))}
    pairs: list[tuple[str, Value]] = []
    files: list[tuple[str, Upload]] = []
    for position, name in enumerate(form.controls):
        control, current = form.controls[name], form.fields.get(name)
        if name not in chosen:
            pairs += [(name, value) for value in filled(control, current, position) or []]
        elif control.kind == "file" and not in_query and draw(st.booleans()):
            files += [
                (name, upload) for upload in draw(st.lists(uploads(), min_size=1, max_size=2))
            ]
        else:
            kept = draw(changed(control, current, position, in_query=in_query))
            pairs += [(name, value) for value in kept or []]
    pairs += draw(st.lists(st.tuples(extra_names(form), texts(Control("text"), in_query=True))))
    if in_query:
        return Request(form, pairs, encoding="query")
    encodings = ["multipart"] if files else ["urlencoded", "raw-urlencoded", "multipart"]
    return Request(
        form,
        pairs,
        files,
        encoding=draw(st.sampled_from(encodings)),
        htmx=form.htmx or draw(st.booleans()),
    )


def body(request: Request) -> tuple[str, bytes]:
    """The content type and the body of `request`; a GET's query string, and no type."""
    if request.encoding == "multipart":
        content_type = f"multipart/form-data; boundary={BOUNDARY.decode()}"
        return content_type, multipart(request.pairs, request.uploads)
    encoded = urlencoded(request.pairs, raw=request.encoding == "raw-urlencoded")
    if request.encoding == "query":
        return "", encoded[:MAX_QUERY_BYTES]
    return "application/x-www-form-urlencoded", encoded
