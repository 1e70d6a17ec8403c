"""The public site as a visitor uses it, in a real browser: last edition's winner found through
the gallery's search and filters, then its page; every public page passes axe-core, in English
and in French."""

import pytest
from django.conf import settings
from playwright.sync_api import expect

from awards.services import publication
from tests.factories import SecretariatFactory
from tests.factories.publication import DAY, Decided

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def editions():
    """Two published editions: an earlier one, and last edition with the winner sought."""
    secretariat = SecretariatFactory()
    earlier = Decided(announce_in=-DAY, year=2024)
    publication.publish_now(edition=earlier.edition, by=secretariat)
    last = Decided(announce_in=-DAY, year=2026)
    publication.publish_now(edition=last.edition, by=secretariat)
    return earlier, last


def test_a_visitor_finds_last_editions_winner_and_opens_its_page(page, live_server, editions):
    _earlier, last = editions
    page.goto(f"{live_server.url}/")
    page.get_by_role("link", name="Best practices").click()

    page.get_by_label("Search").fill("Lviv water")
    page.get_by_label("Edition").select_option(label=last.edition.title)
    page.get_by_label("Prize", exact=True).select_option(label="Every prize")
    page.get_by_label("Region of the world").select_option(label="Europe")
    page.get_by_role("button", name="Search").click()

    expect(page.get_by_role("status")).to_have_text("1 best practice")
    page.get_by_role("link", name=last.winner.title).click()

    expect(page.get_by_role("heading", level=1)).to_have_text(last.winner.title)
    expect(page.get_by_text("1st prize", exact=True)).to_be_visible()
    expect(page.get_by_role("cell", name="Львівська міська рада")).to_be_visible()
    assert page.url.endswith(f"/gallery/{last.winner.reference}/")


PUBLIC_PAGES = [
    "/",
    "/results/",
    "/results/{slug}/",
    "/gallery/",
    "/gallery/?q=water&country=UA",
    "/gallery/?sdg=99",
    "/gallery/{reference}/",
    "/gallery/PA1999-0001/",
    "/certificates/",
    "/api/docs",
]


@pytest.mark.parametrize("language", ["en", "fr"])
@pytest.mark.parametrize("path", PUBLIC_PAGES)
def test_every_public_page_has_no_accessibility_violations(
    page, live_server, editions, path, language
):
    from axe_playwright_python.sync_playwright import Axe

    _earlier, last = editions
    page.context.add_cookies(
        [{"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "url": live_server.url}]
    )
    url = path.format(slug=last.edition.slug, reference=last.winner.reference)
    response = page.goto(f"{live_server.url}{url}")

    assert response.status in (200, 404)
    assert page.locator("html").get_attribute("lang") == language
    results = Axe().run(page)
    assert results.violations_count == 0, results.generate_report()
