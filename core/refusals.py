"""One way to refuse: a service raises a `Refused`, one helper turns it into what the person sees.

A refusal's message is written for the person who asked, in their language, and never tells
them what they may not see (a hidden decision must not change the wording). Each app derives
its own refusals from these two, so a view, a task, a simulation or an API catches one class.
"""

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.functional import Promise


class Refused(Exception):
    """A request the product will not carry out now; `str()` is the message for the person.

    `field` names the form field the message belongs to, when there is one; `status` is what
    an htmx request or an API is answered with (400: the request itself is at fault).
    """

    status = 400

    def __init__(self, message: str | Promise, *, field: str | None = None) -> None:
        super().__init__(str(message))
        self.message = str(message)
        self.field = field

    def __str__(self) -> str:
        return self.message


class Conflict(Refused):
    """Someone else was faster: the thing changed since the person last saw it."""

    status = 409


def refused(request: HttpRequest, refusal: Refused, *, to: Any, **to_kwargs: Any) -> HttpResponse:
    """The answer to a refused request.

    A page gets the message and a redirect to `to` (a URL, a URL name or a model with
    `get_absolute_url`, as `redirect` takes them); an htmx request gets the status line
    fragment with the refusal's status (400, or 409 when someone else was faster), so that the
    page can say it in place.
    """
    if getattr(request, "htmx", False):
        return render(
            request,
            "includes/autosave_status.html",
            {"saved": None, "error": str(refusal)},
            status=refusal.status,
        )
    messages.error(request, str(refusal))
    return redirect(to, **to_kwargs)
