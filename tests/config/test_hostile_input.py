"""Every form of the site, posted with a hostile value in any one of its fields, and every page
asked for with hostile values in its query string, answers without a server error.

The forms are found as a person finds them: each page is opened by each role, and every form
on it (whatever its action, its autosave included) is posted back as the page fills it in,
with one field at a time set to the hostile value. NUL bytes fail only on PostgreSQL, which CI
runs.
"""

import logging
import re
from html.parser import HTMLParser

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from awards.models import Entry, OrganisationMembership
from awards.services.partners import partner_token
from jury.models import Assignment, ConflictOfInterest, Evaluation
from jury.services import invitation_token
from notifications.models import Notification
from tests.factories import (
    JuryMemberFactory,
    SecretariatFactory,
    UserFactory,
    applicant_with_entry,
    complete_entry,
    scoring_edition,
)

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
STEPS = ["basics", "partners", "projects", "answers", "attachments"]
# Forms whose post would end what the rest of the walk needs: the session, the draft.
SKIPPED_ACTIONS = {"/accounts/sign-out/", "/entries/1/delete/"}


class Forms(HTMLParser):
    """(method, action, {field: value as the page fills it in}) of every form of a page; an
    htmx form's autosave address counts as a form of its own."""

    def __init__(self, url: str):
        super().__init__()
        self.url, self.forms = url, []
        self._fields: dict[str, str] | None = None
        self._select: str | None = None
        self._textarea: str | None = None

    def handle_starttag(self, tag, attrs):
        attributes = {name: value or "" for name, value in attrs}
        name = attributes.get("name")
        if tag == "form":
            self._fields = {}
            method = (attributes.get("method") or "get").lower()
            self.forms.append((method, attributes.get("action") or self.url, self._fields))
            if attributes.get("data-hx-post"):
                self.forms.append(("post", attributes["data-hx-post"], self._fields))
        elif self._fields is None or not name or name == "csrfmiddlewaretoken":
            return
        elif tag == "input" and attributes.get("type") in ("checkbox", "radio"):
            if "checked" in attributes:
                self._fields[name] = attributes.get("value") or "on"
        elif tag in ("input", "button"):
            self._fields.setdefault(name, attributes.get("value", ""))
        elif tag == "select":
            self._select = name
            self._fields.setdefault(name, "")
        elif tag == "textarea":
            self._textarea = name
            self._fields[name] = ""
        if tag == "option" and self._select and "selected" in attributes:
            self._fields[self._select] = attributes.get("value", "")

    def handle_data(self, data):
        if self._textarea and self._fields is not None:
            self._fields[self._textarea] += data

    def handle_endtag(self, tag):
        if tag == "form":
            self._fields = None
        elif tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None


def routes(resolver=None, prefix="") -> list[tuple[str, URLPattern]]:
    """(route, pattern) of every URL of the site but the admin."""
    found = []
    for pattern in (resolver or get_resolver()).url_patterns:
        route = prefix + str(pattern.pattern)
        if route.startswith("admin/"):
            continue
        if isinstance(pattern, URLResolver):
            found += routes(pattern, route)
        else:
            found.append((route, pattern))
    return found


@pytest.fixture
def site():
    """A world with something behind every URL: an applicant's draft with a partner, a jury
    scoring with an assignment, a conflict and an evaluation, an outbox message."""
    applicant, entry = applicant_with_entry()
    complete_entry(entry)
    partner = entry.partners.get()
    edition = scoring_edition()
    juror = JuryMemberFactory(edition=edition)
    reviewed = complete_entry(
        Entry.objects.create(edition=edition, organisation=entry.organisation, number=1)
    )
    Entry.objects.filter(pk=reviewed.pk).update(state="in_review")
    assignment = Assignment.objects.create(member=juror, entry=reviewed)
    evaluation = Evaluation.objects.create(
        assignment=assignment, status="submitted", submitted_at=timezone.now()
    )
    # A second entry the juror is still scoring: its page autosaves.
    drafting = complete_entry(
        Entry.objects.create(edition=edition, organisation=entry.organisation, number=2)
    )
    Entry.objects.filter(pk=drafting.pk).update(state="in_review")
    draft = Assignment.objects.create(member=juror, entry=drafting)
    conflict = ConflictOfInterest.objects.create(
        member=JuryMemberFactory(edition=edition), entry=reviewed, kind="declared"
    )
    waiting = OrganisationMembership.objects.create(
        organisation=entry.organisation, user=UserFactory(), is_approved=False
    )
    Notification.objects.create(kind="entry.submitted", key="k", recipient_email="a@b.eu")
    values = {
        "pk": entry.pk,
        "slug": edition.slug,
        "step": "basics",
        "name": "withdraw",
        "token": partner_token(partner),
        "kind": "entry.submitted",
        "membership_pk": waiting.pk,
        "invitation_pk": 1,
        "attachment_pk": 1,
        "uidb64": "MQ",
        "code": "AAAA-BBBB-CCCC",
        "action": "revoke",
        "format": "jwt",
        "reference": "PA2030-0001",
    }
    per_route = {
        "editions/<slug:slug>/jury/members/<int:pk>/remove/": {"pk": juror.pk},
        "editions/<slug:slug>/jury/conflicts/<int:pk>/lift/": {"pk": conflict.pk},
        "editions/<slug:slug>/jury/assignments/<int:pk>/more-time/": {"pk": assignment.pk},
        "editions/<slug:slug>/jury/progress/<int:pk>/remind/": {"pk": juror.pk},
        "editions/<slug:slug>/jury/evaluations/<int:pk>/": {"pk": evaluation.pk},
        "jury/invitations/<str:token>/": {"token": invitation_token(juror)},
        "accounts/password/reset/<uidb64>/<token>/": {"token": "set-password"},
        "accounts/confirm/<str:token>/": {"token": "garbage"},
        "invitations/<str:token>/": {"token": "garbage"},
        "jury/assignments/<int:pk>/": {"pk": draft.pk},
        "jury/assignments/<int:pk>/autosave/": {"pk": draft.pk},
        "jury/assignments/<int:pk>/conflict/": {"pk": draft.pk},
        "organisations/<int:pk>/": {"pk": entry.organisation_id},
        "organisations/<int:pk>/members/<int:membership_pk>/": {"pk": entry.organisation_id},
        "organisations/<int:pk>/invite/": {"pk": entry.organisation_id},
        "organisations/<int:pk>/profile/": {"pk": entry.organisation_id},
        "organisations/<int:pk>/members/<int:membership_pk>/remove/": {"pk": entry.organisation_id},
        "organisations/<int:pk>/invitations/<int:invitation_pk>/revoke/": {
            "pk": entry.organisation_id
        },
        "outbox/<int:pk>/resend/": {"pk": Notification.objects.get().pk},
        "editions/<slug:slug>/phase/<slug:name>/": {"name": "close_call"},
        # The rubric is editable until scoring opens: the applicant's edition's is.
        "editions/<slug:slug>/jury/rubric/": {"slug": entry.edition.slug},
    }
    reached = {
        ("post", reverse("jury:score", args=[draft.pk])),
        ("post", reverse("jury:score_autosave", args=[draft.pk])),
        ("post", reverse("jury:rubric", args=[entry.edition.slug])),
        *[("post", reverse("awards:entry_edit", args=[entry.pk, step])) for step in STEPS],
        ("post", reverse("awards:entry_autosave", args=[entry.pk, "basics"])),
        ("post", reverse("awards:entry_autosave", args=[entry.pk, "answers"])),
        ("post", reverse("awards:edition_create")),
        ("post", reverse("awards:edition_reminders", args=[edition.slug])),
        ("post", reverse("awards:screening_entry", args=[entry.pk])),
        ("post", reverse("accounts:login")),
        ("get", reverse("awards:screening_queue")),
        ("get", reverse("notifications:outbox")),
        ("get", reverse("awards:organisation_join")),
    }
    urls = []
    for route, pattern in routes():
        wanted = pattern.pattern.converters
        # Each step of the entry's form is a page of its own.
        for step in STEPS if route == "entries/<int:pk>/edit/<slug:step>/" else [None]:
            kwargs = {name: (per_route.get(route) or {}).get(name, values[name]) for name in wanted}
            kwargs |= {"step": step} if step else {}
            urls.append(_reverse(route, kwargs))
    # The juror first and the secretariat last: the secretariat's pages remove jurors.
    clients = []
    for user in (juror.user, applicant, None, SecretariatFactory()):
        client = Client(raise_request_exception=False)
        if user is not None:
            client.force_login(user)
        clients.append(client)
    return urls, clients, reached


def _reverse(route: str, kwargs: dict) -> str:
    """The address of `route` (a pattern with its prefixes) with `kwargs` in place, whatever
    the converter (<int:pk>, <reference:reference>, <slug>)."""
    return "/" + re.sub(r"<(?:\w+:)?(\w+)>", lambda part: str(kwargs.get(part[1], part[0])), route)


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
    for client in clients:
        for url in urls:
            page = client.get(url)
            asked = client.get(url, dict.fromkeys(QUERY_NAMES, value[:QUERY_CHARS]))
            failures += [(url, "GET", r.status_code) for r in (page, asked) if r.status_code >= 500]
            if page.status_code != 200 or "html" not in page.get("Content-Type", ""):
                continue
            parser = Forms(url)
            parser.feed(page.content.decode())
            for method, action, fields in parser.forms:
                if action in SKIPPED_ACTIONS:
                    continue
                send = client.post if method == "post" else client.get
                for name in fields:
                    response = send(action, fields | {name: value})
                    sent.add((method, action.split("?")[0]))
                    if response.status_code >= 500:
                        failures.append((action, method, name, response.status_code))

    assert failures == []
    # The walk reached the forms that matter, so that it cannot pass by reaching none.
    assert reached - sent == set()
