"""What a person is told when the database cannot answer for a moment: a restart, a failover,
a connection cut in the middle of a request.

Left to Django, such an error is its bare "Server Error (500)" page, in English, as if the site
were broken. It is not: a write is kept only if its transaction commits, and the database is
back within seconds (a restart takes one or two; CONN_HEALTH_CHECKS replaces the connections it
cut before the next request uses them). `server_error`, the site's handler500, answers these
errors with 503, Retry-After and a message in the person's language that says to try again in
a moment: the status fragment that an autosave shows in place (static/js/autosave.js) or a
page. Every other error stays the 500 it was.

Nothing here reads the database: neither the session nor the person nor their messages. The
language is the one LocaleMiddleware read from the language cookie (set at sign-in to the
person's own) or the browser.
"""

import sys

from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views import defaults
from django.views.decorators.csrf import requires_csrf_token

# The errors of a database that is out of reach (down, restarting, the connection cut) or too
# busy to answer now (a deadlock, a lock or statement timeout): trying again later is right.
DATABASE_AWAY = (OperationalError, InterfaceError)
# How long a client is asked to wait: a restart of PostgreSQL takes a second or two.
RETRY_AFTER_SECONDS = 5


@requires_csrf_token
def server_error(request: HttpRequest) -> HttpResponse:
    """The handler of every error no view answered (handler500), called while that error is
    being handled: 503 when it came from the database, Django's own 500 page otherwise."""
    if isinstance(sys.exc_info()[1], DATABASE_AWAY):
        return database_away(request)
    return defaults.server_error(request)


def database_away(request: HttpRequest) -> HttpResponse:
    """503 saying to try again in a moment: an htmx request gets the status fragment (the error
    may come before HtmxMiddleware has run, so its header is read here), a page the 503 page."""
    if request.headers.get("HX-Request") == "true":
        message = _(
            "Not saved: the site cannot reach its database just now. Try again in a moment; "
            "what you typed is still on this page."
        )
        response = render(
            request, "includes/autosave_status.html", {"saved": None, "error": message}, status=503
        )
    else:
        response = render(request, "503.html", status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response
