"""Every form of the site, posted with a hostile value in any one of its fields, and every page
asked for with hostile values in its query string, answers without a server error.

The forms are found as a person finds them: each page is opened by each role, and every form
on it (whatever its action, its autosave included) is posted back as the page fills it in,
with one field at a time set to the hostile value. NUL bytes fail only on PostgreSQL, which CI
runs. The pages are read by tests/support/forms.py; the world behind them is the `site`
fixture (conftest.py). test_fuzzing.py sends the same forms values of every kind.
"""

import logging

import pytest

from tests.support.forms import Forms

pytestmark = pytest.mark.django_db

HOSTILE = {
    "nul": "a\x00b",
    "superscript": "²",
    "year-one": "0001-01-01T00:00",
    "megabyte": "x" * 1_000_000,
}
# gunicorn refuses a request line over 4094 bytes (gunicorn.conf.py): no query string longer
# than that reaches the site, so a megabyte is sent in bodies only.
QUERY_CHARS = 300
# Query-string names the pages read besides their own forms' fields.
QUERY_NAMES = ["edition", "page", "q", "status", "kind", "language", "state", "next", "sdg"]
# Forms whose post would end what the rest of the walk needs: the session, the draft.
SKIPPED_ACTIONS = {"/accounts/sign-out/", "/entries/1/delete/"}


@pytest.mark.parametrize("value", HOSTILE.values(), ids=HOSTILE.keys())
def test_no_form_or_query_string_of_the_site_causes_a_server_error(site, value, caplog):
    """Each form is posted as its page fills it in, with one field at a time hostile: the
    request is otherwise valid, so the hostile value is what the view must cope with."""
    # Each refused request is logged with the request itself; thousands of them, each holding
    # a megabyte, would fill the memory with the test's own log. Server errors are still
    # logged, and counted below from the status codes.
    caplog.set_level(logging.ERROR, logger="django.request")
    urls, clients, reached = site
    failures = []
    sent: set[tuple[str, str]] = set()
    for client in clients.values():
        for url in urls:
            page = client.get(url)
            asked = client.get(url, dict.fromkeys(QUERY_NAMES, value[:QUERY_CHARS]))
            failures += [(url, "GET", r.status_code) for r in (page, asked) if r.status_code >= 500]
            for form in Forms.of(page, url):
                if form.action in SKIPPED_ACTIONS:
                    continue
                send = client.post if form.method == "post" else client.get
                for name in form.fields:
                    response = send(form.action, form.fields | {name: value})
                    sent.add((form.method, form.action.split("?")[0]))
                    if response.status_code >= 500:
                        failures.append((form.action, form.method, name, response.status_code))

    assert failures == []
    # The walk reached the forms that matter, so that it cannot pass by reaching none.
    assert reached - sent == set()
