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


@pytest.fixture
def redis_server(postgresql):
    """A Redis of the test's own on a free port, which the test may stop and start again."""
    from tests.support import RedisServer

    binary = services.redis_server_binary()
    services.require(binary is not None, "redis-server is not installed")
    server = RedisServer(binary, services.free_port())
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def mail_dir(tmp_path):
    """Where a worker started by the test writes the mails it sends."""
    folder = tmp_path / "mail"
    folder.mkdir()
    return folder


@pytest.fixture
def worker_issuing_env(settings) -> dict[str, str]:
    """What a worker process needs to issue certificates as this test's site does: its
    media folder, seal and credential key."""
    return {
        "DJANGO_MEDIA_ROOT": str(settings.MEDIA_ROOT),
        "CERTIFICATE_SEAL_FILE": str(settings.CERTIFICATE_SEAL_FILE),
        "CERTIFICATE_SEAL_PASSWORD": settings.CERTIFICATE_SEAL_PASSWORD,
        "CREDENTIAL_KEY_FILE": str(settings.CREDENTIAL_KEY_FILE),
    }


@pytest.fixture(scope="session")
def seal_path(tmp_path_factory):
    """One self-signed seal for the whole run (making an RSA key takes a moment)."""
    from awards.management.commands.create_seal import make_seal

    path = tmp_path_factory.mktemp("seal") / "seal.p12"
    path.write_bytes(make_seal(name="Test seal", years=1, password="test"))
    return path


@pytest.fixture(scope="session")
def credential_key_path(tmp_path_factory):
    from awards.credentials import write_key

    path = tmp_path_factory.mktemp("credentials") / "key.jwk"
    write_key(path)
    return path


@pytest.fixture(autouse=True)
def _test_settings(settings, tmp_path, seal_path, credential_key_path) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.CERTIFICATE_SEAL_FILE = seal_path
    settings.CERTIFICATE_SEAL_PASSWORD = "test"
    settings.CREDENTIAL_KEY_FILE = credential_key_path
    # Fast hashing for the accounts factories make; sign-in still checks real passwords.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # The public pages' parts (showcase/cache.py) are kept in the process's memory: each test
    # starts with none.
    from django.core.cache import cache

    cache.clear()


@pytest.fixture
def rows_made_by_migrations(transactional_db) -> None:
    """Transactional tests empty every table when they end, taking with them the rows that
    migrations made (the 17 SDGs, the secretariat group); a test that needs them makes them."""
    from django.contrib.auth.models import Group

    from accounts.models import SECRETARIAT_GROUP
    from awards.models import SustainableDevelopmentGoal

    SustainableDevelopmentGoal.objects.bulk_create(
        [SustainableDevelopmentGoal(number=n) for n in range(1, 18)], ignore_conflicts=True
    )
    Group.objects.get_or_create(name=SECRETARIAT_GROUP)


# Fixtures that stop a service every process of the run shares: a test using one runs alone.
STOPS_A_SHARED_SERVICE = {"database_server"}


def pytest_collection_modifyitems(config, items):
    for item in items:
        if STOPS_A_SHARED_SERVICE.intersection(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.exclusive)
