"""A certificate checked as its readers check it, in a real browser: a visitor follows the
verification address printed on a winner's certificate and sees it valid; the secretariat
revokes it; the visitor sees it revoked. Every certificate page passes axe-core."""

import io
import re

import pypdf
import pytest
from playwright.sync_api import expect

from awards import certificates
from awards.models import Certificate, Entry
from tests.factories import (
    PASSWORD,
    EditionFactory,
    EntryFactory,
    OrganisationFactory,
    PartnerFactory,
    SecretariatFactory,
)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def issued(settings, live_server):
    # The address printed on the certificate is the site's own: here, the live server's.
    settings.SITE_URL = live_server.url
    edition = EditionFactory(phase="published")
    entry = EntryFactory(
        edition=edition,
        organisation=OrganisationFactory(name="Ville de Lyon", country="FR"),
        title="Lyon and Lviv: water for every district",
    )
    Entry.objects.filter(pk=entry.pk).update(state="awarded")
    PartnerFactory(entry=entry, name="Львівська міська рада", country="UA", status="confirmed")
    # Asked for, and issued by the task (eager here) once committed.
    certificates.request_certificate(
        edition=edition,
        kind=Certificate.Kind.PRIZE,
        source="prize:1",
        entry=entry,
        prize_name="1st prize",
        citation="A partnership other cities can follow.",
        recipients=certificates.entry_recipients(entry),
        language="en",
    )

    certificate = Certificate.objects.get(source="prize:1")
    assert certificate.is_issued
    return certificate


def _printed_address(certificate) -> str:
    with certificate.pdf.open("rb") as handle:
        text = pypdf.PdfReader(io.BytesIO(handle.read())).pages[0].extract_text()
    return re.search(r"https?://\S+/certificates/\S+/", text).group(0)


def test_a_visitor_follows_the_printed_address_and_sees_valid_then_revoked(
    page, browser, sign_in, live_server, issued
):
    address = _printed_address(issued)
    assert address == f"{live_server.url}/certificates/{issued.code}/"

    context = browser.new_context()
    visitor = context.new_page()
    visitor.goto(address)
    expect(visitor.get_by_role("status")).to_contain_text("Valid.")
    expect(visitor.get_by_text("Львівська міська рада")).to_be_visible()

    # The secretariat revokes it from the edition's certificates.
    sign_in(SecretariatFactory().email, PASSWORD)
    page.goto(f"{live_server.url}/editions/{issued.edition.slug}/certificates/")
    page.get_by_text("Revoke", exact=True).first.click()
    page.get_by_label("Reason").fill("Awarded in error: the partnership was not eligible.")
    page.get_by_role("button", name="Revoke", exact=True).click()
    expect(page.locator(".alert").first).to_contain_text(f"Certificate {issued.code} is revoked")

    visitor.reload()
    expect(visitor.get_by_role("alert")).to_contain_text("Revoked.")
    expect(visitor.get_by_role("alert")).to_contain_text("Awarded in error")
    context.close()


@pytest.mark.parametrize(
    "path",
    ["certificates/", "certificates/{code}/", "certificates/credential/", "certificates/NONE/"],
)
def test_the_certificate_pages_have_no_accessibility_violations(page, live_server, issued, path):
    from axe_playwright_python.sync_playwright import Axe

    response = page.goto(f"{live_server.url}/{path.format(code=issued.code)}")
    assert response.status in (200, 404)
    results = Axe().run(page)

    assert results.violations_count == 0, results.generate_report()


@pytest.mark.parametrize("path", ["certificates/", "signatories/"])
def test_the_secretariats_certificate_pages_have_no_accessibility_violations(
    page, sign_in, live_server, issued, path
):
    from axe_playwright_python.sync_playwright import Axe

    sign_in(SecretariatFactory().email, PASSWORD)
    response = page.goto(f"{live_server.url}/editions/{issued.edition.slug}/{path}")
    assert response.status == 200
    results = Axe().run(page)

    assert results.violations_count == 0, results.generate_report()
