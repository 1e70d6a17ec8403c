import io
import os

import pytest

from tests import services


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    services.require(
        services.chromium_available(), f"Chromium is not installed at {services.CHROMIUM}"
    )
    # Playwright's sync API runs an event loop in this thread; the test's own database access
    # happens outside it, so Django's async guard does not apply.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    yield {
        **browser_type_launch_args,
        "executable_path": services.CHROMIUM,
        "headless": True,
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-dev-shm-usage",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
        ],
    }
    del os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"]


@pytest.fixture
def demo():
    from django.core.management import call_command

    call_command("seed_demo", "--password", "demo-pass-e2e-1", stdout=io.StringIO())
    return {"password": "demo-pass-e2e-1", "secretariat": "secretariat@demo.platformawards.eu"}


@pytest.fixture(autouse=True)
def _fail_fast(page):
    # A person waits a few seconds, not thirty: a missing element should fail quickly.
    page.set_default_timeout(10_000)


@pytest.fixture(autouse=True)
def _live_server_rows(rows_made_by_migrations):
    """Every live-server test starts with the rows migrations made (see tests/conftest.py)."""


@pytest.fixture
def sign_in(page, live_server):
    """Sign in as a person through the sign-in page, in English, and land on the dashboard."""
    from playwright.sync_api import expect

    from accounts.models import User

    def sign_in_as(email: str, password: str) -> None:
        User.objects.filter(email=email).update(preferred_language="en")
        page.context.clear_cookies()
        page.goto(f"{live_server.url}/accounts/sign-in/")
        page.get_by_label("Email address").fill(email)
        page.get_by_label("Password").fill(password)
        page.get_by_role("button", name="Sign in").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Dashboard")

    return sign_in_as
