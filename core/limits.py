"""The limits every request is held to: how large its body may be, how large a file it may
carry, how much text a field takes.

- `RequestBodyLimitMiddleware` answers 413 before anything reads a body larger than the route
  accepts (settings.REQUEST_BODY_MAX_BYTES; a view marked `accepts_uploads` its file limit plus
  UPLOAD_FORM_OVERHEAD_BYTES), so that nothing is spooled to disk first. The reverse proxy and
  gunicorn hold their own limits too (README, gunicorn.conf.py).
- `CappedUploadHandler` stops storing a file past the route's limit and hands the form a file
  that says how large it was, so the form can say why.
- Each free-text field a person types has a character limit, in its form (with a message)
  and, where the column is a TextField, in its model's validation (`text_field`), so that no
  single request can store, render or mail a megabyte of text.
"""

import io
from collections.abc import Callable
from typing import Any, TypeVar

from django.conf import settings
from django.core.exceptions import BadRequest
from django.core.files.uploadedfile import UploadedFile
from django.core.files.uploadhandler import FileUploadHandler, SkipFile
from django.core.validators import MaxLengthValidator
from django.db import models
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

# A reason, a note, a comment, guidance: a few paragraphs.
NOTE_MAX_CHARS = 2000
# What the secretariat writes to an applicant, or a juror's comment on an entry.
LONG_TEXT_MAX_CHARS = 5000
# An edition's rules: a few pages.
RULES_MAX_CHARS = 20000

# Text limited in words is also limited in characters, at a generous average word length
# (English words average under six characters with their space, German ones under eight), so
# that a draft somewhat over its word limit still saves while a "word" of 5,000 characters
# does not.
CHARS_PER_WORD = 12
# No word limit of an edition goes beyond this: a long essay.
MAX_WORD_LIMIT = 5000


def chars_for_words(words: int) -> int:
    """The character limit of a text limited to `words` words."""
    return words * CHARS_PER_WORD


def text_field(verbose_name: Any, *, max_length: int, **kwargs: Any) -> models.TextField:
    """A TextField whose limit model validation enforces too: Django's TextField passes
    `max_length` to its form field only."""
    return models.TextField(
        verbose_name, max_length=max_length, validators=[MaxLengthValidator(max_length)], **kwargs
    )


# The request attribute through which the middleware tells the upload handler the route's limit.
UPLOAD_LIMIT_ATTRIBUTE = "upload_max_bytes"

V = TypeVar("V", bound=Callable[..., Any])


def accepts_uploads(max_file_bytes: Callable[..., int]) -> Callable[[V], V]:
    """Mark a view as one that takes a file of at most `max_file_bytes(request, *args,
    **kwargs)` bytes (called with the view's own arguments; 0 when this request takes none).

    Every other route takes no file at all, and a body of at most REQUEST_BODY_MAX_BYTES.
    """

    def mark(view: V) -> V:
        view.max_upload_bytes = max_file_bytes  # type: ignore[attr-defined]
        return view

    return mark


def content_length(request: HttpRequest) -> int:
    """The body's declared size, 0 when there is none.

    A size that is not a number is a 400: Django would read it with int() on the first access
    to the body, and fail.
    """
    declared = request.META.get("CONTENT_LENGTH") or "0"
    if not (declared.isascii() and declared.isdigit()):
        raise BadRequest("The request's Content-Length is not a number.")
    return int(declared)


class RequestBodyLimitMiddleware:
    """Refuse, with 413 and a page that says why, a request whose body is larger than its route
    accepts, before anything reads it.

    It must come before CsrfViewMiddleware, whose process_view reads request.POST (and so
    parses, and spools to disk, the whole body).
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self, request: HttpRequest, view: Any, args: tuple, kwargs: dict
    ) -> HttpResponse | None:
        length = content_length(request)
        limit_for = getattr(view, "max_upload_bytes", None)
        file_limit = limit_for(request, *args, **kwargs) if limit_for and length else 0
        setattr(request, UPLOAD_LIMIT_ATTRIBUTE, file_limit)
        if file_limit:
            limit = file_limit + settings.UPLOAD_FORM_OVERHEAD_BYTES
        else:
            limit = settings.REQUEST_BODY_MAX_BYTES
        if length > limit:
            return too_large(request, limit)
        return None


def too_large(request: HttpRequest, limit: int) -> HttpResponse:
    """The 413 answer: the page in the person's language, or the autosave's status line."""
    if getattr(request, "htmx", False):
        status = {"saved": None, "error": _("Not saved: this is more than a page can send.")}
        return render(request, "includes/autosave_status.html", status, status=413)
    return render(request, "413.html", {"limit": filesizeformat(limit)}, status=413)


class RefusedUpload(UploadedFile):
    """What the form receives for a file larger than its route takes: its name and the size it
    reached, and none of its content."""

    def __init__(self, name: str, content_type: str, size: int) -> None:
        super().__init__(io.BytesIO(), name=name, content_type=content_type, size=size)


class CappedUploadHandler(FileUploadHandler):
    """The first upload handler: passes a file's chunks on to Django's own handlers until the
    route's limit, then stops storing it and hands the form a RefusedUpload instead.

    A route that takes no file (every one but those marked `accepts_uploads`) gets none: the
    file is skipped unread by the other handlers.
    """

    def new_file(self, field_name: str, file_name: str, *args: Any, **kwargs: Any) -> None:
        super().new_file(field_name, file_name, *args, **kwargs)
        self.limit = getattr(self.request, UPLOAD_LIMIT_ATTRIBUTE, 0)
        if not self.limit:
            raise SkipFile
        self.refused = False
        # The later handlers' files before this one: those that change are this file's.
        self.files_before = {id(h): getattr(h, "file", None) for h in self._later_handlers()}

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes | None:
        if self.refused:
            return None
        if start + len(raw_data) > self.limit:
            self.refused = True
            self._discard_partial_copies()
            return None
        return raw_data

    def file_complete(self, file_size: int) -> UploadedFile | None:
        if self.refused:
            return RefusedUpload(self.file_name or "", self.content_type or "", file_size)
        return None

    def _later_handlers(self) -> list[Any]:
        handlers = getattr(self.request, "upload_handlers", [])
        return [handler for handler in handlers if handler is not self]

    def _discard_partial_copies(self) -> None:
        """Close (and so delete) what the later handlers stored of this file so far."""
        for handler in self._later_handlers():
            partial = getattr(handler, "file", None)
            if partial is not None and partial is not self.files_before.get(id(handler)):
                partial.close()
