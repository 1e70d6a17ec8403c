"""The jury's decision in a real browser: the secretariat confirms the shortlist, the chair
runs the meeting while a juror's open board follows, records three prizes and a special
prize and confirms; the jury report names the winners. Every new page passes axe-core."""

import io
import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from awards.models import Entry
from jury.models import JurySettings, Prize
from tests.factories import PASSWORD
from tests.factories.deliberation import Scored

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def option(entry) -> str:
    """How an entry reads in the pages' lists of entries."""
    return f"{entry.reference} · {entry.title}"


@pytest.fixture
def scored():
    return Scored(
        entries=5,
        titles=[
            "Bamako and Lille: waste pickers' cooperatives",
            "Rennes and Kairouan: a shared archive",
            "Bordeaux and Douala: street lighting",
            "Grenoble and Ouagadougou: water kiosks",
            "Nantes and Saint-Louis: a river festival",
        ],
    )


def test_from_shortlist_to_confirmed_prizes_with_the_meeting_followed(
    page, browser, sign_in, live_server, scored
):
    slug = scored.edition.slug
    base = f"{live_server.url}/editions/{slug}/jury"

    # The secretariat: the ranking, then the shortlist pre-filled with the two best.
    sign_in(scored.secretariat.email, PASSWORD)
    page.goto(f"{base}/ranking/")
    expect(page.get_by_role("heading", name="How far the jury agrees")).to_be_visible()
    page.get_by_role("link", name="Shortlist").click()
    for entry in scored.entries[1:]:
        page.get_by_label(re.compile(re.escape(entry.reference))).check()
    page.get_by_role("button", name="Confirm the shortlist").click()
    expect(page.locator(".alert").first).to_contain_text("The shortlist of 4 entries is confirmed")
    assert Entry.objects.filter(state="shortlisted").count() == 4

    # A juror opens the board in another browser and keeps it open.
    juror = browser.new_context().new_page()
    juror.goto(f"{live_server.url}/accounts/sign-in/")
    juror.get_by_label("Email address").fill(scored.jurors[1].user.email)
    juror.get_by_label("Password").fill(PASSWORD)
    juror.get_by_role("button", name="Sign in").click()
    juror.goto(f"{base}/board/")
    expect(juror.locator("#meeting-current")).to_contain_text("No entry is under discussion.")

    # The chair puts an entry up for discussion; the juror's board follows without a reload.
    sign_in(scored.chair.user.email, PASSWORD)
    page.goto(f"{base}/board/")
    discussed = scored.entries[4]
    page.get_by_label("Entry under discussion").select_option(label=option(discussed))
    page.get_by_role("button", name="Put up for discussion").click()
    expect(juror.locator("#meeting-current")).to_contain_text(discussed.reference, timeout=8_000)

    # Three prizes and a special prize, a refused second 1st prize keeping what was typed.
    page.get_by_role("link", name="Prizes").click()
    awards = [
        (scored.entries[4], "1st prize", "The cooperatives now run the city's collection."),
        (scored.entries[3], "2nd prize", "Kiosks in every district."),
        (scored.entries[2], "3rd prize", "Light where people walk at night."),
    ]
    for entry, prize, rationale in awards:
        page.locator("#id_entry").select_option(label=option(entry))
        page.locator("#id_kind").select_option(label=prize)
        page.get_by_label("The jury's rationale").fill(rationale)
        page.get_by_role("button", name="Record the prize").click()
        expect(page.locator(".alert").first).to_contain_text(f"{prize} recorded")
    page.locator("#id_entry").select_option(label=option(scored.entries[1]))
    page.locator("#id_kind").select_option(label="1st prize")
    page.get_by_label("The jury's rationale").fill("Also excellent.")
    page.get_by_role("button", name="Record the prize").click()
    expect(page.get_by_role("main")).to_contain_text("already has the 1st prize")
    expect(page.get_by_label("The jury's rationale")).to_have_value("Also excellent.")
    page.locator("#id_kind").select_option(label="Special prize")
    page.get_by_label("Name of the special prize").fill("Memory of the cities")
    page.get_by_label("Citation").fill("For keeping two cities' memories together.")
    page.get_by_role("button", name="Record the prize").click()
    expect(page.locator(".alert").first).to_contain_text("Memory of the cities recorded")

    page.get_by_role("button", name="Confirm and lock the decision").click()
    expect(page.locator(".alert").first).to_contain_text("confirmed and locked")
    assert Prize.objects.filter(confirmed_at__isnull=False).count() == 4
    assert set(Entry.objects.values_list("state", flat=True)) == {"awarded", "not_shortlisted"}

    # The jury report, read back: the winners and their rationale.
    from pypdf import PdfReader

    with page.expect_download() as download:
        page.get_by_role("link", name="Download the jury report (PDF)").click()
    pdf = PdfReader(io.BytesIO(Path(download.value.path()).read_bytes()))
    text = " ".join(p.extract_text() for p in pdf.pages)
    text = " ".join(text.split())
    for entry, prize, rationale in awards:
        assert f"{prize}: {entry.title}" in text
        assert rationale in text
    assert "Memory of the cities" in text
    juror.context.close()


@pytest.mark.parametrize(
    ("who", "path"),
    [
        ("secretariat", "ranking/"),
        ("secretariat", "shortlist/"),
        ("secretariat", "exports/"),
        ("chair", "board/"),
        ("chair", "decision/"),
        ("juror", "board/"),
        ("juror", "ranking/"),
        ("juror", "ballot/"),
    ],
)
def test_the_decision_pages_have_no_accessibility_violations(
    page, sign_in, live_server, scored, who, path
):
    from axe_playwright_python.sync_playwright import Axe

    from jury import services

    services.confirm_shortlist(
        edition=scored.edition,
        entries=[e.pk for e in scored.entries[2:]],
        method="mean",
        by=scored.secretariat,
    )
    services.record_prize(
        edition=scored.edition,
        entry=Entry.objects.get(pk=scored.entries[4].pk),
        kind="first",
        rationale="Because.",
        by=scored.chair.user,
    )
    services.open_ballot(edition=scored.edition, by=scored.chair.user)
    JurySettings.objects.update_or_create(
        edition=scored.edition, defaults={"jurors_see_ranking": True}
    )
    person = {
        "secretariat": scored.secretariat,
        "chair": scored.chair.user,
        "juror": scored.jurors[1].user,
    }[who]
    sign_in(person.email, PASSWORD)

    response = page.goto(f"{live_server.url}/editions/{scored.edition.slug}/jury/{path}")
    assert response.status == 200
    results = Axe().run(page)

    assert results.violations_count == 0, results.generate_report()
