"""The jury's decision cannot be read from the site's answers before the results are published.

Until then an entry shortlisted, not shortlisted, awarded or finalist must look "in jury review"
to everyone but the secretariat and the edition's chair — also in what the site answers when
such a person tries a step: the refusal message, the page it leads to, the status code, and
the fragment an htmx request gets. Each case below tries one step as one role on an entry put
in each hidden state in turn, and compares everything that comes back.
"""

import re

import pytest
from django.db import transaction
from django.test import Client
from django.urls import reverse

from awards.models import Entry, EntryTransition
from awards.workflow import EntryState
from jury.models import Assignment
from tests.factories import (
    EditionFactory,
    EntryFactory,
    JuryMemberFactory,
    MembershipFactory,
    QuestionFactory,
    UserFactory,
    complete_entry,
)

pytestmark = pytest.mark.django_db

HIDDEN_STATES = ("in_review", "shortlisted", "not_shortlisted", "awarded", "finalist")
TRANSITIONS = sorted({t.name for t in Entry._meta.get_field("state").get_all_transitions(Entry)})
ROLES = (
    "anonymous",
    "outsider",
    "applicant",
    "colleague",
    "other_applicant",
    "juror",
    "assigned_juror",
    "chair_elsewhere",
)
# What differs from one response to the next whatever the state: the CSRF token.
TOKENS = re.compile(rb'(csrfmiddlewaretoken" value="|"X-CSRFToken": ")[^"]+')


@pytest.fixture(scope="module")
def case(django_db_setup, django_db_blocker):
    """The entry and the people every case shares, made once and rolled back after the module."""
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        yield _make_case()
        transaction.set_rollback(True)
        outer.__exit__(None, None, None)


def _make_case():
    edition = EditionFactory(phase="deliberation")
    QuestionFactory(edition=edition)
    membership = MembershipFactory()
    entry = complete_entry(EntryFactory(edition=edition, organisation=membership.organisation))
    juror = JuryMemberFactory(edition=edition)
    assigned = JuryMemberFactory(edition=edition)
    Assignment.objects.create(member=assigned, entry=entry)
    elsewhere = JuryMemberFactory(edition=EditionFactory(phase="deliberation"), is_chair=True)
    people = {
        "anonymous": None,
        "outsider": UserFactory(),
        "applicant": membership.user,
        "colleague": MembershipFactory(organisation=membership.organisation).user,
        "other_applicant": MembershipFactory().user,
        "juror": juror.user,
        "assigned_juror": assigned.user,
        "chair_elsewhere": elsewhere.user,
    }
    return entry, people


def client_of(person) -> Client:
    client = Client()
    if person is not None:
        client.force_login(person)
    return client


def normalised(response) -> tuple:
    return (
        [code for _url, code in response.redirect_chain],
        response.redirect_chain[-1][0] if response.redirect_chain else "",
        response.status_code,
        TOKENS.sub(rb"\1", response.content),
    )


def answers(client: Client, entry: Entry, name: str, state: str) -> list[tuple]:
    """Everything the person gets back from trying `name` on `entry` put in `state`."""
    Entry.objects.filter(pk=entry.pk).update(state=state)
    url = reverse("awards:entry_transition", args=[entry.pk, name])
    got = []
    for headers in ({}, {"HX-Request": "true"}):
        data = {"confirmed": "1", "note": "A reason."}
        response = client.post(url, data, follow=True, headers=headers)
        got.append((bool(headers), *normalised(response)))
    assert Entry.objects.get(pk=entry.pk).state == state  # nobody here may move it
    return got


@pytest.mark.parametrize("name", TRANSITIONS)
@pytest.mark.parametrize("role", ROLES)
def test_a_person_who_may_not_decide_learns_nothing_of_the_decision(case, role, name):
    entry, people = case
    client = client_of(people[role])

    seen = {state: answers(client, entry, name, state) for state in HIDDEN_STATES}

    assert all(seen[state] == seen["in_review"] for state in HIDDEN_STATES)
    assert EntryTransition.objects.count() == 0


@pytest.mark.parametrize("role", ROLES)
def test_the_entry_pages_say_in_jury_review_whatever_the_decision(case, role):
    entry, people = case
    client = client_of(people[role])
    pages = [
        reverse("awards:entry_detail", args=[entry.pk]),
        reverse("awards:entry_review", args=[entry.pk]),
        reverse("awards:entry_transition", args=[entry.pk, "withdraw"]),
        reverse("dashboard"),
    ]

    seen = {}
    for state in HIDDEN_STATES:
        Entry.objects.filter(pk=entry.pk).update(state=state)
        seen[state] = [normalised(client.get(url, follow=True)) for url in pages]
        seen[state].append(pdf_text(client.get(reverse("awards:entry_pdf", args=[entry.pk]))))

    assert all(seen[state] == seen["in_review"] for state in HIDDEN_STATES)
    if role in ("applicant", "colleague"):
        assert b"In jury review" in seen["awarded"][0][3]


def pdf_text(response) -> tuple:
    """The text of a PDF answer (its bytes carry the time it was made)."""
    if response.get("Content-Type") != "application/pdf":
        return (response.status_code, b"")
    from io import BytesIO

    from pypdf import PdfReader

    text = "".join(page.extract_text() for page in PdfReader(BytesIO(response.content)).pages)
    return (response.status_code, text)


def test_the_comparison_would_see_a_difference(case):
    """The secretariat is told the real state: the same comparison tells the states apart."""
    from tests.factories import SecretariatFactory

    entry, _people = case
    client = client_of(SecretariatFactory())

    seen = {state: answers(client, entry, "award", state) for state in ("in_review", "awarded")}

    assert seen["in_review"] != seen["awarded"]


def test_every_hidden_state_is_masked():
    from awards.workflow import UNANNOUNCED_STATES

    assert {EntryState.IN_REVIEW, *UNANNOUNCED_STATES} == set(HIDDEN_STATES)
