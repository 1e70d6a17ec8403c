import pytest
from playwright.sync_api import expect

from awards.models import Entry

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_screening_with_a_clarification_round(page, sign_in, live_server, demo):
    entry = Entry.objects.get(state="submitted")

    sign_in(demo["secretariat"], demo["password"])
    page.get_by_role("link", name="Screening", exact=True).click()
    page.get_by_role("link", name=entry.reference).click()
    page.get_by_label("Reason or question for the applicant").fill(
        "Which of the two cities chairs the water board?"
    )
    page.get_by_role("button", name="Ask for clarification").click()
    expect(page.get_by_text("Decision recorded")).to_be_visible()

    sign_in("lyon@demo.platformawards.eu", demo["password"])
    page.get_by_role("link", name=entry.reference).click()
    expect(page.get_by_role("status")).to_contain_text(
        "The secretariat asks: Which of the two cities chairs the water board?"
    )
    page.get_by_role("link", name="Continue editing").click()
    page.get_by_label("Summary").fill("Porto-Novo chairs the water board; Lyon advises it.")
    page.get_by_role("button", name="Save draft").click()
    page.get_by_role("link", name="Review and submit").click()
    page.get_by_role("button", name="Submit the entry again").click()
    expect(page.get_by_text("Your entry is submitted again")).to_be_visible()

    sign_in(demo["secretariat"], demo["password"])
    page.goto(f"{live_server.url}/screening/{entry.pk}/")
    page.get_by_role("button", name="Eligible", exact=True).click()
    expect(page.get_by_text("Decision recorded")).to_be_visible()

    history = page.get_by_role("region", name="History").get_by_role("listitem")
    expect(history).to_have_count(4)
    expect(history.nth(0)).to_contain_text("Draft → Submitted")
    expect(history.nth(1)).to_contain_text(
        "Submitted → Clarification requested (Sofia Secretariat): Which of the two cities"
    )
    expect(history.nth(2)).to_contain_text("Clarification requested → Submitted")
    expect(history.nth(3)).to_contain_text("Submitted → Eligible")
    entry.refresh_from_db()
    assert entry.state == "eligible"


@pytest.mark.parametrize(
    "path",
    [
        "/dashboard/",
        "/screening/",
        "/screening/{entry}/",
        "/editions/",
        "/editions/{slug}/",
        "/editions/{slug}/reminders/",
        "/editions/{slug}/jury/",
        "/outbox/",
        "/outbox/preview/entry.submitted/",
    ],
)
def test_secretariat_page_has_no_accessibility_violations(page, sign_in, live_server, demo, path):
    from axe_playwright_python.sync_playwright import Axe

    entry = Entry.objects.get(state="submitted")
    sign_in(demo["secretariat"], demo["password"])

    page.goto(live_server.url + path.format(entry=entry.pk, slug=entry.edition.slug))
    results = Axe().run(page)

    assert results.violations_count == 0, results.generate_report()
