"""The public pages kept in the cache: with a cache every process shares, a kept page costs no
query, and every kind of change to public data is shown at once; with a cache of one
process's own, the database says at each request whether anything changed."""

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from awards.models import Entry
from awards.services import publication
from showcase import cache as kept
from tests.factories import SecretariatFactory
from tests.factories.publication import DAY, Decided, recite_first_prize, retitle_winner

pytestmark = pytest.mark.django_db


@pytest.fixture
def shared(monkeypatch):
    """This process's cache read as one all processes share (as Redis is in production)."""
    monkeypatch.setattr(kept, "shared", lambda: True)


@pytest.fixture
def decided(django_capture_on_commit_callbacks):
    decided = Decided(announce_in=-DAY)
    with django_capture_on_commit_callbacks(execute=True):
        publication.publish_now(edition=decided.edition, by=SecretariatFactory())
    return decided


def queries(client, url) -> tuple[int, str]:
    with CaptureQueriesContext(connection) as captured:
        body = client.get(url).content.decode()
    return len(captured), body


@pytest.mark.parametrize("name", ["gallery", "entry", "results", "api"])
def test_a_kept_page_costs_no_query_with_a_shared_cache(client, shared, decided, name):
    url = {
        "gallery": reverse("showcase:gallery"),
        "entry": reverse("showcase:entry", args=[decided.winner.reference]),
        "results": reverse("showcase:results", args=[decided.edition.slug]),
        "api": "/api/entries",
    }[name]
    client.get(url)

    count, body = queries(client, url)
    assert count == 0 and decided.winner.title in body


def test_a_publication_shows_at_once_with_a_shared_cache(
    client, shared, decided, django_capture_on_commit_callbacks
):
    url = reverse("showcase:gallery")
    client.get(url)
    later = Decided(announce_in=-DAY, year=2032)
    Entry.objects.filter(edition=later.edition).update(title="Newly published partnership")

    with django_capture_on_commit_callbacks(execute=True):
        publication.publish_now(edition=later.edition, by=SecretariatFactory())

    assert "Newly published partnership" in client.get(url).content.decode()


def _correct(decided):
    publication.correct_public_text(
        entry=Entry.objects.get(pk=decided.winner.pk),
        by=SecretariatFactory(),
        title="Title corrected by the secretariat",
        summary="Summary corrected by the secretariat.",
        reason="A typing mistake in the title.",
    )
    return "Title corrected by the secretariat"


@pytest.mark.parametrize("change", [retitle_winner, recite_first_prize, _correct])
def test_a_change_shows_at_once_with_a_shared_cache(
    client, shared, decided, change, django_capture_on_commit_callbacks
):
    url = reverse("showcase:entry", args=[decided.winner.reference])
    api = f"/api/entries/{decided.winner.reference}"
    client.get(url)
    tag = client.get(api)["ETag"]

    with django_capture_on_commit_callbacks(execute=True):
        shown = change(decided)

    assert shown in client.get(url).content.decode()
    assert client.get(api, headers={"if-none-match": tag}).status_code == 200


def test_a_cache_that_lost_the_moment_asks_the_database_again(client, shared, decided):
    url = reverse("showcase:gallery")
    client.get(url)
    cache.delete(kept.CHANGED)

    # The page made again (the moment the cache held may have been later than the database's).
    assert decided.winner.title in client.get(url).content.decode()
    assert queries(client, url)[0] == 0


def test_with_a_cache_of_its_own_a_process_sees_another_processs_change(client, decided):
    url = reverse("showcase:entry", args=[decided.winner.reference])
    client.get(url)
    # As another process would: no signal reaches this one, only the database changes.
    Entry.objects.filter(pk=decided.winner.pk).update(
        title="Changed by another process", updated_at=timezone.now()
    )

    assert "Changed by another process" in client.get(url).content.decode()
    assert queries(client, url)[0] == 1  # the moment, asked of the database
