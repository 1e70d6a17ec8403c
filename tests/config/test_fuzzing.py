"""Hypothesis fills every form of the site with random and hostile values, aimed at what each of
its fields takes: no answer is a server error, and a form that refuses changes nothing.

The forms are found as in test_hostile_input.py: every page opened by every role, every form on
it read (autosave addresses included), each field's kind taken from its markup. What each kind
is sent is in tests/support/hostile.py, how the request is built in hostile_requests.py. Each
example is one request, undone afterwards (a savepoint rolled back, the client's cookies put
back, the cache emptied), so that every example starts from the same world and no form needs
skipping: signing out and deleting the draft are fuzzed like the rest.

A request is refused when it is answered 4xx, when it leaves an error message, or when the page
comes back with the form's errors (as the templates and crispy-forms mark them, or the
autosave's status line). Then every row of every table must be as it was, but in the tables a
refusal writes on purpose (UNWATCHED). A GET form (a search, a filter) changes nothing at all.
"""

import copy
import logging
from contextlib import contextmanager

import pytest
from django.apps import apps
from django.contrib import messages
from django.core.cache import cache
from django.db import connection, transaction
from hypothesis import HealthCheck, given, settings

from tests.support.forms import Form, Forms
from tests.support.hostile_requests import Request, body, requests

pytestmark = pytest.mark.django_db

EXAMPLES_PER_FORM = 20
FUZZING = settings(
    max_examples=EXAMPLES_PER_FORM,
    deadline=None,
    # The same examples on every run, and none kept between runs: CI fails or passes alike.
    derandomize=True,
    database=None,
    report_multiple_bugs=False,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

UNWATCHED = {
    # A refused sign-in is counted on purpose: five of them lock the address out (settings.AXES_*;
    # the failure log and the expiry table are switched off). Nothing else changes on a refusal:
    # not even the session, whose messages fit in their cookie.
    "axes_accessattempt",
}

# How the pages mark a refused form: crispy-forms' invalid fields and their messages, Django's
# error lists, an error message or a form's errors on top, the autosave's status line.
ERROR_MARKS = (b"is-invalid", b"invalid-feedback", b"errorlist", b"alert-danger", b"text-danger")


def test_no_form_fails_or_writes_when_refusing_hostile_values(site, caplog):
    # A refused request is logged with the request itself, a 100,000-character value included:
    # only errors are kept.
    caplog.set_level(logging.ERROR, logger="django.request")
    found = forms_of(site)
    # The walk reached the forms that matter, so that it cannot pass by reaching none.
    assert site.reached - {(form.method, form.action.split("?")[0]) for _, form in found} == set()

    failures = [
        failure
        for role, form in found
        if (failure := fuzz(site.clients[role], role, form, caplog)) is not None
    ]

    assert failures == [], "\n\n".join(failures)


def forms_of(site) -> list[tuple[str, Form]]:
    """(role, form) of every form each role finds on the site's pages, once per address."""
    found: dict[tuple[str, str, str], Form] = {}
    for role, client in site.clients.items():
        for url in site.urls:
            for form in Forms.of(client.get(url), url):
                found.setdefault((role, form.method, form.action.split("?")[0]), form)
    return [(role, form) for (role, _, _), form in found.items()]


def fuzz(client, role: str, form: Form, caplog) -> str | None:
    """The problem hypothesis finds with `form`, shrunk to its simplest request; None if none."""

    @FUZZING
    @given(requests(form))
    def attempt(request: Request) -> None:
        found = problem(client, request, caplog)
        if found:
            raise AssertionError(f"{role}: {request.describe()}\n    {found}")

    try:
        attempt()
    except AssertionError as failure:
        return str(failure)
    return None


def problem(client, request: Request, caplog) -> str | None:
    """What is wrong with the site's answer to `request`; None when nothing is."""
    with undone(client):
        before = snapshot()
        caplog.clear()
        response = send(client, request)
        errors = [
            f"{record.getMessage()} {record.exc_info[1] if record.exc_info else ''!r}"
            for record in caplog.records
            if record.name == "django.request" and record.levelno >= logging.ERROR
        ]
        if response.status_code >= 500 or errors:
            return f"answered {response.status_code} {errors}"
        refused = refusal(response)
        if refused is None and request.form.method != "get":
            return None
        changed = [table for table, rows in snapshot().items() if rows != before[table]]
    return f"{refused or 'a GET form'}, yet changed {changed}" if changed else None


@contextmanager
def undone(client):
    """Whatever happens inside is undone: the database, the client's cookies, the cache."""
    # No message left from the walk: those of the request are its own.
    client.cookies.pop("messages", None)
    cookies = copy.deepcopy(client.cookies)
    try:
        with transaction.atomic():
            yield
            transaction.set_rollback(True)
    finally:
        client.cookies = cookies
        cache.clear()


def send(client, request: Request):
    content_type, data = body(request)
    headers = {"HX-Request": "true"} if request.htmx else None
    if request.form.method == "get":
        path = request.form.action.split("?")[0]
        return client.generic("GET", path, headers=headers, QUERY_STRING=data.decode("latin-1"))
    return client.generic("POST", request.form.action, data, content_type, headers=headers)


def refusal(response) -> str | None:
    """How `response` says that the request was refused; None when it does not."""
    if 400 <= response.status_code < 500:
        return f"answered {response.status_code}"
    if any(
        message.level >= messages.ERROR for message in messages.get_messages(response.wsgi_request)
    ):
        return "left an error message"
    page = b"" if response.streaming else response.content
    if response.status_code == 200 and any(mark in page for mark in ERROR_MARKS):
        return "showed the form's errors"
    return None


def snapshot() -> dict[str, list[tuple]]:
    """Every row of every table but the UNWATCHED ones (the world is small)."""
    tables = {model._meta.db_table for model in apps.get_models(include_auto_created=True)}
    rows = {}
    with connection.cursor() as cursor:
        for table in sorted(tables - UNWATCHED):
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)} ORDER BY 1")
            rows[table] = cursor.fetchall()
    return rows
