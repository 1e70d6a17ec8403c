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
def _rows_made_by_migrations(transactional_db):
    """Live-server tests empty every table when they end, taking with them the rows that
    migrations made (the 17 SDGs, the secretariat group); each test starts with them again."""
    from django.contrib.auth.models import Group

    from accounts.models import SECRETARIAT_GROUP
    from awards.models import SustainableDevelopmentGoal

    SustainableDevelopmentGoal.objects.bulk_create(
        [SustainableDevelopmentGoal(number=n) for n in range(1, 18)], ignore_conflicts=True
    )
    Group.objects.get_or_create(name=SECRETARIAT_GROUP)
