"""The public pages once the results are out: the results, the gallery's search and filters,
an entry's page with its meta data, the feed, the sitemap and robots.txt."""

import datetime
import json
import re

import pytest
import time_machine
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from awards.models import Attachment, Edition, Entry
from awards.services import publication
from tests.factories import SecretariatFactory
from tests.factories.publication import (
    DAY,
    Decided,
    recite_first_prize,
    rename_edition,
    rename_juror,
    rename_lead,
    rename_partner,
)

pytestmark = pytest.mark.django_db


def published(**kwargs) -> Decided:
    decided = Decided(announce_in=-DAY, **kwargs)
    publication.publish_now(edition=decided.edition, by=SecretariatFactory())
    return decided


def titles(response) -> set[str]:
    return {entry.title for entry in response.context["page"]}


@pytest.fixture
def decided():
    return published()


def test_the_results_name_the_prizes_finalists_jury_and_numbers(client, decided):
    body = client.get(reverse("showcase:results", args=[decided.edition.slug])).content.decode()

    assert "1st prize" in body and "Special prize: Prize for EU-Ukraine partnerships" in body
    assert "Water reached 40,000 homes." in body
    assert decided.finalist.title in body and decided.chair.user.full_name in body
    assert "Львівська міська рада" in body and "Declined town" not in body
    # Every entry received counts, as the programme reports it ("26 applications, 74 local
    # governments"): 5 entries, 11 governments (5 leads and the 6 partners that did not
    # decline), 10 countries.
    numbers = re.findall(r"<dd class=\"col-sm-8\">(\d+)</dd>", body)
    assert numbers == ["5", "11", "10"]


@pytest.mark.parametrize(
    "query, expected",
    [
        ("", {"winner", "finalist", "shown"}),
        ("q=water", {"winner"}),
        ("q=Львівська", {"winner"}),  # a partner's name, in Cyrillic
        ("q=tourism rural", {"finalist"}),
        ("q=nothing+like+it", set()),
        ("prize=any", {"winner"}),
        ("prize=finalist", {"finalist"}),
        ("prize=special", {"winner"}),
        ("country=UA", {"winner"}),  # a partner's country
        ("country=ES", {"finalist"}),  # a lead's country
        ("region=africa", {"winner", "finalist"}),
        ("region=asia", {"shown"}),  # Georgia
        ("region=asia&country=UA", set()),
        ("sdg=4", {"shown"}),
        ("language=fr", {"winner"}),
    ],
)
def test_the_gallery_searches_and_filters(client, decided, query, expected):
    response = client.get(reverse("showcase:gallery") + "?" + query)

    names = {getattr(decided, name).title for name in expected}
    assert response.status_code == 200 and titles(response) == names


@pytest.mark.parametrize(
    "query",
    [
        "sdg=99",
        "sdg=x",
        "prize=%00",
        "country=ZZ",
        "page=-1",
        "page=999999999999",
        "q=" + "x" * 500,
    ],
)
def test_a_filter_that_is_not_a_choice_is_said_and_the_gallery_still_shows(client, decided, query):
    response = client.get(reverse("showcase:gallery") + "?" + query)

    assert response.status_code == 200
    assert len(titles(response)) == 3


def test_an_entry_page_carries_open_graph_and_json_ld(client, decided):
    url = reverse("showcase:entry", args=[decided.winner.reference])
    body = client.get(url).content.decode()

    assert f'<meta property="og:title" content="{decided.winner.title}">' in body
    data = json.loads(
        re.search(r'<script type="application/ld\+json">(.*?)</script>', body).group(1)
    )
    assert data["@type"] == "Project" and data["name"] == decided.winner.title
    assert data["founder"]["address"]["addressCountry"] == "FR"
    assert {m["name"] for m in data["member"]} == {"Львівська міська рада", "بلدية تونس"}
    assert any("1st prize" in award for award in data["award"])
    for private in ("@example", "Awa Diop", "contact"):
        assert private not in body


def test_no_text_of_an_applicant_ends_the_json_ld_script(client, decided):
    Entry.objects.filter(pk=decided.winner.pk).update(
        title="</script><script>alert(1)</script>", summary="<b>&</b>"
    )
    body = client.get(reverse("showcase:entry", args=[decided.winner.reference])).content.decode()

    block = re.search(r'<script type="application/ld\+json">(.*?)</script>', body, re.S).group(1)
    assert json.loads(block)["name"] == "</script><script>alert(1)</script>"
    assert "<script>alert(1)" not in body


def test_entries_not_made_public_have_no_page(client, decided):
    for entry in (decided.hidden, decided.ineligible):
        assert client.get(reverse("showcase:entry", args=[entry.reference])).status_code == 404
    assert client.get("/gallery/PA0000-0000/").status_code == 404


def test_only_the_files_marked_public_are_served(client, decided):
    def attach(public):
        return Attachment.objects.create(
            entry=decided.winner,
            file=SimpleUploadedFile("photo.png", b"\x89PNG\r\n\x1a\n" + b"0" * 20),
            original_name="photo.png",
            content_type="image/png",
            size=28,
            sha256="0" * 64,
            description="Opening of the water station",
            is_public=public,
        )

    shown, kept = attach(True), attach(False)
    page = client.get(reverse("showcase:entry", args=[decided.winner.reference])).content.decode()

    shown_url = reverse("showcase:file", args=[decided.winner.reference, shown.pk])
    kept_url = reverse("showcase:file", args=[decided.winner.reference, kept.pk])
    assert shown_url in page and kept_url not in page
    served = client.get(shown_url)
    assert served.status_code == 200 and served["Content-Type"] == "image/png"
    # Read to its end, the response closes itself (the test client's own closing).
    assert b"".join(served.streaming_content).startswith(b"\x89PNG")
    assert client.get(kept_url).status_code == 404


def test_the_feed_sitemap_and_robots(client, decided):
    feed = client.get(reverse("showcase:feed"))
    sitemap = client.get(reverse("showcase:sitemap")).content.decode()
    robots = client.get(reverse("showcase:robots")).content.decode()

    assert feed["Content-Type"].startswith("application/atom+xml")
    assert decided.winner.title in feed.content.decode()
    assert decided.hidden.title not in feed.content.decode()
    assert reverse("showcase:entry", args=[decided.shown.reference]) in sitemap
    assert reverse("showcase:entry", args=[decided.hidden.reference]) not in sitemap
    assert reverse("showcase:results", args=[decided.edition.slug]) in sitemap
    assert "Disallow: /entries/" in robots and "Sitemap: " in robots


PAGES = {
    "gallery": lambda d: reverse("showcase:gallery"),
    "gallery searched": lambda d: reverse("showcase:gallery") + "?q=local&region=europe",
    "results": lambda d: reverse("showcase:results", args=[d.edition.slug]),
    "entry": lambda d: reverse("showcase:entry", args=[d.winner.reference]),
    "feed": lambda d: reverse("showcase:feed"),
    "sitemap": lambda d: reverse("showcase:sitemap"),
    "API list": lambda d: "/api/entries?page_size=100",
    "API list searched": lambda d: "/api/entries?q=local&region=europe",
}


@pytest.mark.parametrize("public_page", PAGES)
def test_a_public_page_takes_the_same_queries_for_1_and_100_published_entries(client, public_page):
    def queries(decided, published_entries):
        assert Entry.objects.filter(published_at__isnull=False).count() == published_entries
        client.get(PAGES[public_page](decided))  # sessions and the like warmed alike
        cache.clear()  # the page's queries, not its cached parts, are what is counted
        with CaptureQueriesContext(connection) as captured:
            assert client.get(PAGES[public_page](decided)).status_code == 200
        return len(captured)

    one = published(year=2030)
    Entry.objects.exclude(pk=one.winner.pk).update(published_at=None)
    few = queries(one, 1)
    many = published(extra_reviewed=96, year=2031)  # 99 more: 100 in all

    assert few == queries(many, 100)


def test_a_cached_page_costs_one_query_and_a_publication_shows_at_once(client):
    first = published(year=2030)
    url = reverse("showcase:gallery")
    client.get(url)
    with CaptureQueriesContext(connection) as captured:
        shown = client.get(url).content.decode()
    assert len(captured) <= 2 and first.winner.title in shown

    later = Decided(announce_in=-DAY, year=2032)
    Entry.objects.filter(edition=later.edition).update(title="Newly published partnership")
    publication.publish_now(edition=later.edition, by=SecretariatFactory())

    assert "Newly published partnership" in client.get(url).content.decode()


def test_a_correction_of_a_public_entry_shows_at_once(client, decided):
    url = reverse("showcase:entry", args=[decided.winner.reference])
    assert decided.winner.title in client.get(url).content.decode()

    entry = Entry.objects.get(pk=decided.winner.pk)
    entry.title = "Corrected title of the partnership"
    entry.save(update_fields=["title", "updated_at"])

    assert "Corrected title of the partnership" in client.get(url).content.decode()


def test_a_page_kept_for_every_visitor_carries_each_visitors_own_csrf_token(decided):
    from django.test import Client

    url = reverse("showcase:gallery")
    tokens = []
    for _visitor in range(2):
        visitor = Client(enforce_csrf_checks=True)
        body = visitor.get(url).content.decode()
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', body).group(1)
        assert "csrf-token-of-the-visitor" not in body
        # The language switcher of the kept page works for this visitor.
        switched = visitor.post(
            reverse("accounts:set_language"),
            {"csrfmiddlewaretoken": token, "language": "fr", "next": url},
        )
        assert switched.status_code == 302
        assert "Bonnes pratiques" in visitor.get(url).content.decode()
        tokens.append(token)
    assert tokens[0] != tokens[1]


def test_a_signed_in_visitor_sees_the_kept_parts_inside_their_own_menu(client, decided):
    person = SecretariatFactory(full_name="Ana Pérez")
    client.force_login(person)
    url = reverse("showcase:entry", args=[decided.winner.reference])

    client.get(url)
    with CaptureQueriesContext(connection) as captured:
        second = client.get(url).content.decode()

    assert person.get_short_name() in second and decided.winner.title in second
    # The session, the person, and the one query that says whether the public data changed.
    assert len(captured) <= 4, [q["sql"] for q in captured]


def test_a_kept_page_names_the_sites_own_address_whatever_host_asked(client, settings, decided):
    settings.ALLOWED_HOSTS = ["platformawards.example", "other.example"]
    settings.SITE_URL = "https://platformawards.example"
    url = reverse("showcase:results", args=[decided.edition.slug])

    client.get(url, HTTP_HOST="other.example")
    body = client.get(url, HTTP_HOST="platformawards.example").content.decode()

    assert f'content="https://platformawards.example{url}"' in body
    assert "other.example" not in body


def test_the_gallery_and_api_filter_by_the_theme_of_the_call(client, decided):
    other = published(year=2031)
    Edition.objects.filter(pk=decided.edition.pk).update(theme="Climate and cities")

    gallery = client.get(reverse("showcase:gallery") + "?theme=Climate+and+cities")
    assert titles(gallery) == {decided.winner.title, decided.finalist.title, decided.shown.title}
    assert "Climate and cities" in gallery.content.decode()
    results = client.get(reverse("showcase:results", args=[decided.edition.slug]))
    assert "Theme of the call: Climate and cities" in results.content.decode()
    api = client.get("/api/entries?theme=Climate+and+cities").json()
    assert {item["edition"] for item in api["items"]} == {decided.edition.slug}
    assert other.edition.slug not in {item["edition"] for item in api["items"]}
    editions = {e["slug"]: e["theme"] for e in client.get("/api/editions").json()}
    assert editions == {decided.edition.slug: "Climate and cities", other.edition.slug: ""}


def test_without_any_theme_the_gallery_offers_no_theme_filter(client, decided):
    assert 'name="theme"' not in client.get(reverse("showcase:gallery")).content.decode()


@pytest.mark.parametrize(
    "change", [recite_first_prize, rename_edition, rename_partner, rename_lead, rename_juror]
)
def test_a_change_to_what_the_results_show_shows_at_once(client, decided, change):
    url = reverse("showcase:results", args=[decided.edition.slug])
    client.get(url)  # the page is kept

    shown = change(decided)

    assert shown in client.get(url).content.decode()


def test_a_change_to_what_is_not_public_changes_nothing_public(client, decided):
    from showcase import selectors

    before = selectors.last_change()
    draft = Decided(year=2033)  # not announced
    partner = draft.winner.partners.first()
    partner.name = "Changed in a draft"
    partner.save()
    draft.prizes[0].save()
    draft.edition.save()
    draft.chair.user.save()

    assert selectors.last_change() == before


def test_a_change_to_what_the_api_shows_gives_it_a_new_etag(client, decided):
    url = f"/api/entries/{decided.winner.reference}"
    first = client.get(url)
    with time_machine.travel(timezone.now() + datetime.timedelta(minutes=1)):
        recite_first_prize(decided)  # later than the second Last-Modified gave

    again = client.get(url, headers={"if-none-match": first["ETag"]})
    assert again.status_code == 200
    assert "Corrected citation of the jury" in again.content.decode()
    since = client.get(url, headers={"if-modified-since": first["Last-Modified"]})
    assert since.status_code == 200
