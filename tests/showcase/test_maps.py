"""A partnership's map: drawn here from the atlas in node_modules, nothing from another host."""

import xml.etree.ElementTree as ET

import pytest
from django.urls import reverse

from awards.services import publication
from showcase import maps
from tests.factories import SecretariatFactory
from tests.factories.publication import DAY, Decided

SVG = "{http://www.w3.org/2000/svg}"


def test_the_atlas_knows_the_countries_of_the_programme():
    known = maps.atlas()
    assert len(known) > 190
    for code in ("FR", "UA", "TN", "SN", "GE", "BR", "MT", "LU"):
        assert code in known
    # Lyon is north of Tunis and west of Lviv; the drawing's y grows southwards.
    france, tunisia, ukraine = known["FR"].centre, known["TN"].centre, known["UA"].centre
    assert france[1] < tunisia[1] and france[0] < ukraine[0]
    assert known["MT"].path == ""  # an island a dot at this scale: its centre only


def test_the_world_is_one_svg_document_with_a_path_a_country():
    world = ET.fromstring(maps.world_svg())
    assert world.tag == f"{SVG}svg"
    assert len(world.findall(f".//{SVG}path")) == sum(1 for c in maps.atlas().values() if c.path)


def test_a_map_shows_the_part_of_the_world_the_partnership_spans():
    near = maps.partner_map("ES", ["TN"])
    far = maps.partner_map("FR", ["BR", "VN"])

    assert near.view[2] < far.view[2] <= maps.WIDTH
    for shown in (near, far):
        x, y, width, height = shown.view
        for country in [shown.lead, *shown.partners]:
            assert x <= country.centre[0] <= x + width and y <= country.centre[1] <= y + height
    assert len(far.links) == 2 and far.links[0].end == maps.atlas()["BR"].centre


def test_a_country_the_atlas_lacks_or_the_leads_own_is_left_out_of_the_drawing():
    drawn = maps.partner_map("FR", ["FR", "XK", "UA", "UA"])

    assert [country.code for country in drawn.partners] == ["UA"] and len(drawn.links) == 1
    assert not maps.partner_map("XK", []).drawn


@pytest.mark.django_db
def test_an_entry_page_draws_its_partners_on_the_map(client):
    decided = Decided(announce_in=-DAY)
    publication.publish_now(edition=decided.edition, by=SecretariatFactory())

    body = client.get(reverse("showcase:entry", args=[decided.winner.reference])).content.decode()
    start = body.index('<figure class="partner-map">')
    figure = ET.fromstring(body[start : body.index("</figure>", start) + len("</figure>")])
    svg = figure.find("svg")  # in HTML, without a namespace
    assert svg.get("role") == "img"
    title = "".join(svg.find("title").itertext())
    assert "lead applicant in France" in title and "Ukraine, Tunisia" in title
    assert svg.find("image").get("href") == reverse("showcase:world_map")
    assert len(svg.findall("path[@class='partner-country']")) == 2
    assert len(svg.findall("path[@class='partner-link']")) == 2

    world = client.get(reverse("showcase:world_map"))
    assert world["Content-Type"] == "image/svg+xml" and "max-age" in world["Cache-Control"]
    assert world.content.decode() == maps.world_svg()
