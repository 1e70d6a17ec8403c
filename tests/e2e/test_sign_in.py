import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from awards.models import Edition

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_secretariat_signs_in_and_sees_dashboard(page, live_server, demo):
    page.goto(f"{live_server.url}/")
    page.get_by_role("link", name="Sign in").first.click()

    page.get_by_label("Email address").fill(demo["secretariat"])
    page.get_by_label("Password").fill(demo["password"])
    page.get_by_role("button", name="Sign in").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Dashboard")
    expect(page.get_by_role("heading", name="Secretariat")).to_be_visible()
    for edition in Edition.objects.all():  # the open call, and the previous one in jury review
        expect(page.get_by_role("row", name=edition.title)).to_contain_text("/ 3")


def test_switching_language_translates_the_page(page, live_server, demo):
    page.goto(f"{live_server.url}/accounts/sign-in/")

    page.get_by_label("Language").select_option("es")
    page.get_by_role("button", name="Change").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Iniciar sesión")
    expect(page.locator("html")).to_have_attribute("lang", "es")


def test_sign_in_page_has_no_accessibility_violations(page, live_server, demo):
    page.goto(f"{live_server.url}/accounts/sign-in/")

    results = Axe().run(page)

    assert results.violations_count == 0, results.generate_report()


def test_dashboard_has_no_accessibility_violations(page, live_server, demo):
    page.goto(f"{live_server.url}/accounts/sign-in/")
    page.get_by_label("Email address").fill(demo["secretariat"])
    page.get_by_label("Password").fill(demo["password"])
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Dashboard")

    results = Axe().run(page)

    assert results.violations_count == 0, results.generate_report()
