"""The applicant's pages pass axe-core and show deadlines in the person's own time zone."""

import re
from zoneinfo import ZoneInfo

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from awards.models import Entry, Partner
from awards.services.partners import partner_token

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize(
    "path",
    [
        "/dashboard/",
        "/entries/{draft}/edit/basics/",
        "/entries/{draft}/edit/partners/",
        "/entries/{draft}/edit/projects/",
        "/entries/{draft}/edit/answers/",
        "/entries/{draft}/edit/attachments/",
        "/entries/{draft}/review/",
        "/entries/{draft}/",
        "/entries/{draft}/delete/",
        "/entries/{submitted}/",
        "/organisations/join/?name=Lyon",
        "/organisations/{organisation}/",
    ],
)
def test_applicant_page_has_no_accessibility_violations(page, sign_in, live_server, demo, path):
    entries = Entry.objects.filter(organisation__name="Region of Andalusia")
    draft = entries.get(state="draft")
    submitted = Entry.objects.get(state="submitted")
    Entry.objects.filter(pk=submitted.pk).update(organisation=draft.organisation)
    sign_in("andalucia@demo.platformawards.eu", demo["password"])

    page.goto(
        live_server.url
        + path.format(draft=draft.pk, submitted=submitted.pk, organisation=draft.organisation_id)
    )
    results = Axe().run(page)

    assert results.violations_count == 0, results.generate_report()


def test_partner_confirmation_page_has_no_accessibility_violations(page, live_server, demo):
    partner = Partner.objects.filter(entry__state="submitted").first()

    page.goto(f"{live_server.url}/partners/{partner_token(partner)}/")
    results = Axe().run(page)

    assert results.violations_count == 0, results.generate_report()


@pytest.mark.browser_context_args(timezone_id="America/Bogota", locale="en-GB")
def test_deadline_also_shown_in_the_persons_time_zone(page, sign_in, live_server, demo):
    sign_in("andalucia@demo.platformawards.eu", demo["password"])
    draft = Entry.objects.get(state="draft", organisation__name="Region of Andalusia")
    deadline = draft.edition.submission_deadline.astimezone(ZoneInfo("America/Bogota"))

    page.goto(f"{live_server.url}/entries/{draft.pk}/review/")

    local = page.locator(".local-time").first
    expect(local).to_contain_text("your time")
    # Written the way the page's language (English) writes times: "1:00 PM", "9:30 AM".
    hour = deadline.hour % 12 or 12
    noon = "AM" if deadline.hour < 12 else "PM"
    expect(local).to_contain_text(re.compile(rf"(?<!\d){hour}:{deadline:%M}\W{noon}"))
    expect(local).to_contain_text(f"{deadline:%b} {deadline.day}, {deadline.year}")


def test_autosave_says_so_when_a_colleague_has_deleted_the_draft(page, sign_in, live_server, demo):
    from awards.services.entries import delete_draft

    sign_in("andalucia@demo.platformawards.eu", demo["password"])
    draft = Entry.objects.get(state="draft", organisation__name="Region of Andalusia")
    page.goto(f"{live_server.url}/entries/{draft.pk}/edit/basics/")
    title = page.get_by_label("Title")
    title.fill("A first change")
    expect(page.locator("#autosave-status")).to_contain_text("Draft saved at")

    delete_draft(entry=draft, by=draft.organisation.memberships.first().user)
    title.fill("A change nobody will see")
    title.blur()

    expect(page.locator("#autosave-status")).to_contain_text(
        "Not saved: the page is out of date or the connection dropped."
    )
