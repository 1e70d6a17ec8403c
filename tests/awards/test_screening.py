import datetime

import pytest
from django.core import mail
from django.urls import reverse

from awards.eligibility import checklist
from awards.models import EligibilityAnswer, Entry, EntryTransition
from awards.services.screening import add_default_checklist
from tests.factories import (
    EditionFactory,
    EntryFactory,
    PartnerFactory,
    ProjectFactory,
    SecretariatFactory,
    UserFactory,
    complete_entry,
)

pytestmark = pytest.mark.django_db


def submitted_entry(edition=None, **kwargs):
    edition = edition or EditionFactory()
    if not edition.eligibility_criteria.exists():
        add_default_checklist(edition=edition)
    entry = complete_entry(EntryFactory(edition=edition, **kwargs))
    Entry.objects.filter(pk=entry.pk).update(state="submitted")
    entry.refresh_from_db()
    return entry


def queue_url(edition, **params):
    query = "&".join(f"{k}={v}" for k, v in {"edition": edition.slug, **params}.items())
    return f"{reverse('awards:screening_queue')}?{query}"


def test_checklist_computes_what_the_data_tells():
    entry = submitted_entry(organisation__country="FR")
    entry.edition.projects_since = None
    entry.edition.save()
    partner = entry.partners.get()

    rows = {row.criterion.rule: row.computed for row in checklist(entry)}

    assert rows == {
        "lead_eu": True,
        "partner_country": True,
        "partners_confirmed": False,
        "project_window": True,
        "has_sdg": True,
    }
    partner.status = "confirmed"
    partner.save()
    assert {r.criterion.rule: r.computed for r in checklist(entry)}["partners_confirmed"] is True


def test_checklist_lead_outside_eu_is_no():
    entry = submitted_entry(organisation__country="NO")

    assert {r.criterion.rule: r.computed for r in checklist(entry)}["lead_eu"] is False


def test_checklist_project_window():
    entry = submitted_entry()
    entry.edition.projects_since = datetime.date(2022, 1, 1)
    entry.edition.save()
    entry.projects.update(end_year=2020)

    assert {r.criterion.rule: r.computed for r in checklist(entry)}["project_window"] is False


def test_screening_page_marks_eligible_when_checklist_says_yes(
    client, django_capture_on_commit_callbacks
):
    entry = submitted_entry()
    entry.partners.update(status="confirmed")
    client.force_login(SecretariatFactory())
    data = {f"item_{c.pk}": "yes" for c in entry.edition.eligibility_criteria.all()}

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("awards:screening_entry", kwargs={"pk": entry.pk}),
            {**data, "decision": "eligible"},
        )

    assert response.status_code == 302
    entry.refresh_from_db()
    assert entry.state == "eligible"
    assert EligibilityAnswer.objects.filter(entry=entry, answer=True).count() == 5
    assert mail.outbox == []  # the entry has no applicant members in this test


def test_screening_refuses_eligible_with_a_no_and_says_why(client):
    entry = submitted_entry()
    client.force_login(SecretariatFactory())
    criteria = list(entry.edition.eligibility_criteria.all())
    data = {f"item_{c.pk}": "yes" for c in criteria} | {f"item_{criteria[2].pk}": "no"}

    response = client.post(
        reverse("awards:screening_entry", kwargs={"pk": entry.pk}),
        {**data, "decision": "eligible"},
    )

    assert "Every item of the eligibility checklist must be answered “yes” first." in (
        response.content.decode()
    )
    entry.refresh_from_db()
    assert entry.state == "submitted"
    assert EligibilityAnswer.objects.get(entry=entry, criterion=criteria[2]).answer is False


def test_screening_ineligible_needs_a_reason_shown_to_applicant(client, applicant_entry):
    user, entry = applicant_entry
    complete_entry(entry)
    Entry.objects.filter(pk=entry.pk).update(state="submitted")
    add_default_checklist(edition=entry.edition)
    client.force_login(SecretariatFactory())
    url = reverse("awards:screening_entry", kwargs={"pk": entry.pk})

    refused = client.post(url, {"decision": "ineligible", "note": "  "})
    client.post(
        url,
        {"decision": "ineligible", "note": "The lead is a private company.", "internal_note": "x"},
    )

    assert "Say why: a reason or a question is required for this step." in refused.content.decode()
    entry.refresh_from_db()
    assert entry.state == "ineligible"
    client.force_login(user)
    page = client.get(reverse("awards:entry_detail", kwargs={"pk": entry.pk})).content.decode()
    assert "The lead is a private company." in page
    assert "internal" not in page.lower().split("<main")[1].split("</main>")[0].replace(
        "international", ""
    )


def test_clarification_round_trip(client, applicant_entry, django_capture_on_commit_callbacks):
    user, entry = applicant_entry
    complete_entry(entry)
    Entry.objects.filter(pk=entry.pk).update(state="submitted")
    client.force_login(SecretariatFactory())

    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("awards:screening_entry", kwargs={"pk": entry.pk}),
            {"decision": "clarify", "note": "Which partner leads the water board?"},
        )

    assert [m.subject for m in mail.outbox] == [f"A question about entry {entry.reference}"]
    assert "Which partner leads the water board?" in mail.outbox[0].body
    client.force_login(user)
    detail = client.get(reverse("awards:entry_detail", kwargs={"pk": entry.pk}))
    assert "Which partner leads the water board?" in detail.content.decode()
    client.post(
        reverse("awards:entry_edit", kwargs={"pk": entry.pk, "step": "basics"}),
        {"title": "Clarified title", "summary": "Two cities.", "language": "en", "sdgs": ["6"]},
    )
    client.post(reverse("awards:entry_transition", kwargs={"pk": entry.pk, "name": "resubmit"}))
    entry.refresh_from_db()
    assert (entry.state, entry.title) == ("submitted", "Clarified title")
    assert list(
        EntryTransition.objects.filter(entry=entry).values_list("transition", flat=True)
    ) == [
        "request_clarification",
        "resubmit",
    ]


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({}, ["A", "B"]),
        ({"state": "eligible"}, ["C"]),
        ({"state": ""}, ["A", "B", "C"]),
        ({"country": "ES"}, ["B"]),
        ({"sdg": "6"}, ["A"]),
        ({"language": "fr"}, ["B"]),
        ({"partners": "confirmed"}, ["B"]),
        ({"partners": "pending"}, ["A"]),
    ],
)
def test_queue_filters(client, params, expected):
    edition = EditionFactory()
    a = submitted_entry(edition, title="A", organisation__country="FR")
    b = submitted_entry(edition, title="B", organisation__country="ES")
    c = submitted_entry(edition, title="C", organisation__country="IT")
    a.sdgs.set([6])
    b.sdgs.set([11])
    Entry.objects.filter(pk=b.pk).update(language="fr")
    b.partners.update(status="confirmed")
    Entry.objects.filter(pk=c.pk).update(state="eligible")
    EntryFactory(edition=edition, title="Draft not listed")
    client.force_login(SecretariatFactory())

    response = client.get(queue_url(edition, **params))

    assert [e.title for e in response.context["page"]] == expected


@pytest.mark.parametrize("size", [1, 50])
def test_queue_query_count_constant(client, django_assert_num_queries, size):
    edition = EditionFactory()
    add_default_checklist(edition=edition)
    for _ in range(size):
        entry = EntryFactory(edition=edition)
        entry.sdgs.set([3, 4])
        PartnerFactory(entry=entry)
        ProjectFactory(entry=entry)
    Entry.objects.filter(edition=edition).update(state="submitted")
    client.force_login(SecretariatFactory())

    # session, user, groups, the edition, the page's count and rows, the rows' SDGs, the
    # editions for the switcher.
    with django_assert_num_queries(8):
        response = client.get(queue_url(edition))

    assert len(response.context["page"]) == size


def test_bulk_decision_reports_each_refusal(client):
    edition = EditionFactory()
    ready = submitted_entry(edition)
    ready.partners.update(status="confirmed")
    unconfirmed = submitted_entry(edition)
    client.force_login(SecretariatFactory())

    response = client.post(
        reverse("awards:screening_bulk"),
        {"edition": edition.slug, "entries": [ready.pk, unconfirmed.pk], "decision": "eligible"},
        follow=True,
    )

    html = response.content.decode()
    assert f"Decision recorded for 1 entries: {ready.reference}." in html
    assert f"{unconfirmed.reference}: Every item of the eligibility checklist" in html
    ready.refresh_from_db()
    unconfirmed.refresh_from_db()
    assert (ready.state, unconfirmed.state) == ("eligible", "submitted")


@pytest.mark.parametrize("url_name", ["awards:screening_queue"])
def test_screening_closed_to_applicants(client, url_name):
    client.force_login(UserFactory())

    assert client.get(reverse(url_name)).status_code == 403
    entry = submitted_entry()
    assert client.get(reverse("awards:screening_entry", kwargs={"pk": entry.pk})).status_code == 403


def test_saving_a_checklist_reads_the_entry_once_and_writes_every_answer_in_one_statement(
    django_assert_num_queries,
):
    """The entry with what the rules read (partners, projects, goals, the checklist) and one
    upsert, however many items: answering again replaces the answers, marks an answer that
    differs from the data as the secretariat's own and keeps one row per item."""
    from awards.services.screening import save_checklist

    entry = submitted_entry(organisation__country="FR")
    items = list(entry.edition.eligibility_criteria.all())
    by = SecretariatFactory()
    save_checklist(entry=entry, by=by, answers={c.pk: True for c in items}, notes={})

    # The savepoint and its release, the entry, its four relations, the upsert.
    with django_assert_num_queries(8):
        save_checklist(
            entry=entry,
            by=by,
            answers={c.pk: c.rule != "lead_eu" for c in items},
            notes={items[0].pk: "Checked by hand."},
        )

    answers = {a.criterion.rule: a for a in EligibilityAnswer.objects.filter(entry=entry)}
    assert len(answers) == len(items)
    assert answers["lead_eu"].answer is False
    assert answers["lead_eu"].computed is False  # the data says yes: the secretariat said no
    assert answers["has_sdg"].computed is True
    assert answers[items[0].rule].note == "Checked by hand."


def test_deciding_eligible_reads_the_checklist_once():
    """The step's condition is asked twice, for its message and by the transition: the answers
    and the items are read once for both."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from awards.services.screening import decide, save_checklist

    entry = submitted_entry()
    items = list(entry.edition.eligibility_criteria.all())
    by = SecretariatFactory()
    save_checklist(entry=entry, by=by, answers={c.pk: True for c in items}, notes={})

    with CaptureQueriesContext(connection) as captured:
        entry = decide(entry=entry, by=by, decision="eligible", note="")

    assert entry.state == "eligible"
    reads = [q["sql"] for q in captured.captured_queries if q["sql"].startswith("SELECT")]
    assert sum('FROM "awards_eligibilityanswer"' in sql for sql in reads) == 1
    assert sum('FROM "awards_eligibilitycriterion"' in sql for sql in reads) == 1
