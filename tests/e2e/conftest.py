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
def demo(transactional_db):
    from django.core.management import call_command

    call_command("seed_demo", "--password", "demo-pass-e2e-1", stdout=io.StringIO())
    return {"password": "demo-pass-e2e-1", "secretariat": "secretariat@demo.platformawards.eu"}
