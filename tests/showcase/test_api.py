"""The open-data API: what it gives (published, public fields only), what it refuses, its
caching headers, and that it answers to its own OpenAPI document (schemathesis against a
live server)."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.urls import reverse

from awards.services import publication
from tests.factories import SecretariatFactory
from tests.factories.publication import DAY, Decided


def published() -> Decided:
    decided = Decided(announce_in=-DAY)
    publication.publish_now(edition=decided.edition, by=SecretariatFactory())
    return decided


@pytest.mark.django_db
def test_entries_are_listed_with_their_public_fields_only(client):
    decided = published()

    body = client.get("/api/entries?page_size=2").json()

    assert body["count"] == 3 and body["pages"] == 2 and len(body["items"]) == 2
    assert body["next"].endswith("/api/entries?page_size=2&page=2")
    first = body["items"][0]
    assert first["reference"] == decided.winner.reference
    assert {p["country"] for p in first["partners"]} == {"UA", "TN"}
    assert [p["label"] for p in first["prizes"]] == [
        "1st prize",
        "Special prize: Prize for EU-Ukraine partnerships",
    ]
    text = str(body)
    for private in ("@example", "Awa Diop", "contact", "rationale", "Declined town"):
        assert private not in text


@pytest.mark.django_db
def test_nothing_is_in_the_api_before_the_moment(client):
    decided = Decided(announce_in=DAY)

    assert client.get("/api/editions").json() == []
    assert client.get("/api/entries").json()["count"] == 0
    assert client.get(f"/api/editions/{decided.edition.slug}").status_code == 404
    assert client.get(f"/api/entries/{decided.winner.reference}").status_code == 404


@pytest.mark.django_db
@pytest.mark.parametrize(
    "query",
    ["sdg=99", "sdg=x", "page=0", "page_size=1000", "prize=gold", "region=mars", "country=fr"],
)
def test_a_value_the_api_does_not_take_gets_422_saying_which(client, query):
    published()

    response = client.get("/api/entries?" + query)

    assert response.status_code == 422
    assert query.split("=")[0] in response.json()["detail"]


@pytest.mark.django_db
@pytest.mark.parametrize("query", ["edition=nope", "country=ZZ", "language=pl", "q=zzzz"])
def test_a_filter_that_matches_nothing_gives_an_empty_page(client, query):
    published()

    body = client.get("/api/entries?" + query).json()

    assert body["count"] == 0 and body["items"] == [] and body["pages"] == 1


@pytest.mark.django_db
def test_an_unchanged_answer_is_not_sent_again(client):
    published()
    first = client.get("/api/entries")

    again = client.get("/api/entries", HTTP_IF_NONE_MATCH=first["ETag"])
    since = client.get("/api/entries", HTTP_IF_MODIFIED_SINCE=first["Last-Modified"])

    assert first.status_code == 200 and again.status_code == 304 and since.status_code == 304


@pytest.mark.django_db
def test_the_documentation_is_a_page_of_the_site_read_from_the_document(client):
    page = client.get("/api/docs").content.decode()
    document = client.get("/api/openapi.json").json()

    assert set(document["paths"]) == {
        "/api/editions",
        "/api/editions/{slug}",
        "/api/entries",
        "/api/entries/{reference}",
    }
    for path in document["paths"]:
        assert f"GET {path}" in page
    assert "<code>latin_america</code>" in page and "<code>finalist</code>" in page
    assert "<script" not in page.split("</main>")[0].split("<main")[1]


@pytest.mark.django_db
def test_the_csv_holds_the_gallerys_entries(client):
    decided = published()

    response = client.get(reverse("showcase:gallery_csv") + "?country=UA")

    lines = response.content.decode("utf-8-sig").splitlines()
    assert response["Content-Type"].startswith("text/csv")
    assert len(lines) == 2 and lines[1].startswith(decided.winner.reference)


@pytest.mark.django_db(transaction=True)
def test_the_api_answers_to_its_openapi_document(live_server, rows_made_by_migrations, tmp_path):
    """Schemathesis, run against a live server, sends what the document allows (and what it
    does not) to every operation and checks each answer against the document: statuses,
    content types, bodies, no server error."""
    published()
    schemathesis = Path(sys.executable).with_name("st")

    run = subprocess.run(
        [
            schemathesis,
            "run",
            live_server.url + "/api/openapi.json",
            "--checks",
            "all",
            "--max-examples",
            "40",
            "--seed",
            "1",
            "--workers",
            "1",
        ],
        capture_output=True,
        text=True,
        timeout=600,
        cwd=tmp_path,  # where schemathesis writes its own files
        env={**os.environ, "SCHEMATHESIS_HOOKS": ""},
    )

    assert run.returncode == 0, run.stdout[-6000:] + run.stderr[-2000:]
