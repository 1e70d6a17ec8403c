"""Past editions imported from a CSV: what is imported, what each refused line says, and that
a second import of the same file imports nothing twice."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from awards.models import Edition, Entry
from jury.models import Prize
from showcase import imports
from tests.factories import EditionFactory, SecretariatFactory, UserFactory

pytestmark = pytest.mark.django_db

HEADER = "year,title,lead,lead_country,partners,prize,summary,link\n"
GOOD = (
    "2018,Lviv and Lyon: water,Ville de Lyon,FR,Львівська міська рада (UA); بلدية تونس (TN),"
    'first,"Two cities, one water network.",https://example.org/lviv-lyon\n'
    "2018,Schools in Gdańsk,Gdańsk,PL,თბილისის მერია (GE),special: Prize for education,,\n"
    "2020,Tourism that stays local,Sevilla,ES,Province of Tétouan (MA),finalist,,\n"
)


def upload(client, text: str, *, encoding="utf-8"):
    client.force_login(SecretariatFactory())
    return client.post(
        reverse("showcase:import"),
        {"file": SimpleUploadedFile("past.csv", text.encode(encoding), "text/csv")},
    )


def test_past_winners_are_imported_and_shown_in_the_gallery(client):
    response = upload(client, HEADER + GOOD)

    assert response.status_code == 200
    report = response.context["report"]
    assert (report.imported, report.already, report.refused) == (3, 0, [])
    edition = Edition.objects.get(year=2018)
    assert edition.phase == "archived" and edition.results_announced
    lyon = Entry.objects.get(title="Lviv and Lyon: water")
    assert lyon.published_at is not None and lyon.public_url == "https://example.org/lviv-lyon"
    assert {p.country.code for p in lyon.partners.all()} == {"UA", "TN"}
    assert Prize.objects.get(kind="special").name == "Prize for education"
    client.logout()
    gallery = client.get(reverse("showcase:gallery") + "?q=Львівська").content.decode()
    assert "Lviv and Lyon: water" in gallery
    page = client.get(reverse("showcase:entry", args=[lyon.reference])).content.decode()
    assert "https://example.org/lviv-lyon" in page and "1st prize" in page
    entry = client.get(f"/api/entries/{lyon.reference}").json()
    assert entry["website"] == "https://example.org/lviv-lyon" and entry["year"] == 2018


def test_importing_the_same_file_again_imports_nothing_twice(client):
    upload(client, HEADER + GOOD)
    report = upload(client, HEADER + GOOD).context["report"]

    assert (report.imported, report.already) == (0, 3)
    assert Entry.objects.count() == 3 and Edition.objects.count() == 2


@pytest.mark.parametrize(
    "line, reason",
    [
        ("18,T,Lead,FR,P (UA),first,,", "four digits"),
        ("2099,T,Lead,FR,P (UA),first,,", "four digits"),
        ("2018,,Lead,FR,P (UA),first,,", "title must be given"),
        ("2018," + "W" * 201 + ",Lead,FR,P (UA),first,,", "200 characters"),
        ("2018,T,Lead,ZZ,P (UA),first,,", "“ZZ” is not a country code"),
        ("2018,T,Lead,FR,,first,,", "at least one partner"),
        ("2018,T,Lead,FR,Partner without country,first,,", "is not a partner"),
        ("2018,T,Lead,FR,P (XX),first,,", "“XX” is not a country code"),
        ("2018,T,Lead,FR,P (UA),gold,,", "first, second, third, finalist"),
        ("2018,T,Lead,FR,P (UA),special:,,", "first, second, third, finalist"),
        ("2018,T,Lead,FR,P (UA),first,,javascript:alert(1)", "web address"),
        ("2018,T,Lead,FR,P (UA),first,,,extra", "more cells"),
    ],
)
def test_each_refused_line_says_why_and_the_others_are_imported(client, line, reason):
    response = upload(client, HEADER + line + "\n" + GOOD)

    report = response.context["report"]
    assert report.imported == 3
    assert len(report.refused) == 1 and report.refused[0][0] == 2
    assert reason in report.refused[0][1]
    assert reason.split("“")[0] in response.content.decode()


def test_a_line_repeated_in_the_file_is_refused_once(client):
    report = upload(client, HEADER + GOOD + GOOD.splitlines(keepends=True)[0]).context["report"]

    assert report.imported == 3 and report.refused == [(5, "The same entry is on an earlier line.")]


def test_an_edition_run_on_this_site_is_not_imported_into(client):
    EditionFactory(year=2018, phase="jury_review")

    report = upload(client, HEADER + GOOD).context["report"]

    assert report.imported == 1
    assert all("run on this site" in reason for _line, reason in report.refused)


@pytest.mark.parametrize(
    "text, encoding, reason",
    [
        ("title,lead\nx,y\n", "utf-8", "missing: year, lead_country, partners, prize"),
        (HEADER + "2018,Zürich,Zürich,CH,P (UA),first,,\n", "latin-1", "not UTF-8"),
    ],
)
def test_a_file_that_cannot_be_read_says_why_and_imports_nothing(client, text, encoding, reason):
    response = upload(client, text, encoding=encoding)

    assert response.status_code == 200 and reason in response.content.decode()
    assert not Entry.objects.exists()


def test_only_the_secretariat_imports(client):
    client.force_login(UserFactory())
    assert client.get(reverse("showcase:import")).status_code == 403
    rows, report = imports.read((HEADER + GOOD).encode())
    with pytest.raises(imports.ImportRefused):
        imports.import_rows(rows, report, by=UserFactory())
    assert not Entry.objects.exists()


def test_a_theme_is_given_to_its_edition_and_a_different_one_for_the_same_year_refused(client):
    header = HEADER.rstrip("\n") + ",theme\n"
    lines = [line + ",The Sustainable Development Goals" for line in GOOD.splitlines()]
    lines.append("2018,Another,Gent,BE,Kigali (RW),finalist,,,Climate")

    report = upload(client, header + "\n".join(lines) + "\n").context["report"]

    assert report.imported == 3 and len(report.refused) == 1
    assert "another theme: “The Sustainable Development Goals”" in report.refused[0][1]
    assert Edition.objects.get(year=2018).theme == "The Sustainable Development Goals"
    client.logout()
    gallery = client.get(reverse("showcase:gallery") + "?theme=The+Sustainable+Development+Goals")
    assert {entry.title for entry in gallery.context["page"]} == {
        "Lviv and Lyon: water",
        "Schools in Gdańsk",
        "Tourism that stays local",
    }
