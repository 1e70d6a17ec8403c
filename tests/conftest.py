import pytest
from django.db import connection

from tests import services


@pytest.fixture
def redis_url() -> str:
    url = services.redis_url()
    services.require(services.redis_reachable(url), f"Redis is not reachable at {url}")
    return url


@pytest.fixture
def postgresql(db) -> None:
    services.require(
        connection.vendor == "postgresql",
        f"this test needs PostgreSQL; the database is {connection.vendor} (set DATABASE_URL)",
    )


@pytest.fixture(autouse=True)
def _test_settings(settings, tmp_path) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"
    # Fast hashing for the accounts factories make; sign-in still checks real passwords.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
