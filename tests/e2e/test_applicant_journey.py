import io
import re

import pytest
from django.core import mail
from playwright.sync_api import expect
from pypdf import PdfReader

from awards.models import Entry, Partner
from tests.factories import EditionFactory, QuestionFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def open_call():
    edition = EditionFactory(title="PLATFORMAwards 2031")
    QuestionFactory(edition=edition, title="Results and local impact", word_limit=80)
    return edition


def fill_partner(page, index, name, country, contact, email):
    page.locator(f"#id_partners-{index}-name").fill(name)
    page.locator(f"#id_partners-{index}-country").select_option(country)
    page.locator(f"#id_partners-{index}-contact_name").fill(contact)
    page.locator(f"#id_partners-{index}-contact_email").fill(email)


def test_new_applicant_submits_entry_and_partner_confirms(page, live_server, open_call, tmp_path):
    page.goto(f"{live_server.url}/accounts/sign-up/")
    page.get_by_label("Email address").fill("elena@bologna.example")
    page.get_by_label("Full name").fill("Elena Bolognese")
    page.locator("#id_password1").fill("tortellini-2031-x")
    page.locator("#id_password2").fill("tortellini-2031-x")
    page.get_by_role("button", name="Create the account").click()

    # The address is confirmed through the link mailed to it before anything else.
    expect(page.get_by_role("heading", name="Confirm your email address")).to_be_visible()
    page.get_by_role("link", name="Create your organisation").click()
    expect(page.get_by_text("Confirm your email address first")).to_be_visible()
    confirmation = next(m for m in mail.outbox if m.to == ["elena@bologna.example"])
    page.goto(live_server.url + re.search(r"(/accounts/confirm/\S+/)", confirmation.body).group(1))
    expect(page.get_by_text("Thank you: elena@bologna.example is confirmed.")).to_be_visible()
    expect(page.get_by_role("heading", name="Confirm your email address")).to_have_count(0)

    page.get_by_role("link", name="Create your organisation").click()
    page.get_by_label("Name").fill("Comune di Bologna")
    page.get_by_label("Kind").select_option("municipality")
    page.get_by_label("Country").select_option("IT")
    page.get_by_role("button", name="Create").click()
    page.get_by_role("link", name="Dashboard").click()
    page.get_by_role("link", name="Start a new entry").click()
    page.get_by_role("button", name="Create the draft").click()

    page.get_by_label("Title").fill("Bologna and Kumasi: markets that feed the city")
    page.get_by_label("Summary").fill("Two cities rebuilt their food markets together.")
    page.get_by_label("Language of the entry").select_option("en")
    page.get_by_label("2. Zero hunger").check()
    page.get_by_label("11. Sustainable cities and communities").check()
    page.get_by_role("button", name="Save and continue").click()

    fill_partner(
        page, 0, "Kumasi Metropolitan Assembly", "GH", "Kofi Mensah", "kofi@kumasi.example"
    )
    page.get_by_role("button", name="Save and continue").click()
    page.get_by_role("link", name="Step 2: Partners").click()
    fill_partner(page, 1, "Ejisu Municipal Assembly", "GH", "Ama Owusu", "ama@ejisu.example")
    page.get_by_role("button", name="Save and continue").click()

    page.get_by_label("Project title").fill("Markets of Kumasi")
    page.get_by_label("Start year").fill("2020")
    page.get_by_role("button", name="Save and continue").click()

    page.get_by_label("Results and local impact").fill("Eight markets rebuilt; 3,000 traders.")
    page.get_by_role("button", name="Save and continue").click()

    attachment = tmp_path / "market-plan.pdf"
    attachment.write_bytes(_small_pdf())
    page.locator("input[type=file]").set_input_files(str(attachment))
    page.get_by_role("button", name="Upload").click()
    expect(page.get_by_role("link", name="market-plan.pdf")).to_be_visible()
    page.get_by_role("link", name="Continue to the review").click()

    expect(page.get_by_text("The entry is complete and can be submitted.")).to_be_visible()
    page.get_by_role("button", name="Submit the entry").click()
    expect(page.get_by_text("Your entry is submitted.")).to_be_visible()

    entry = Entry.objects.get()
    assert (entry.state, entry.partners.count(), entry.attachments.count()) == ("submitted", 2, 1)
    partner_mail = next(m for m in mail.outbox if m.to == ["kofi@kumasi.example"])
    link = re.search(r"(/partners/\S+/)", partner_mail.body).group(1)

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download as PDF").click()
    pdf_text = " ".join(
        " ".join(p.extract_text().split())
        for p in PdfReader(io.BytesIO(_read(download_info.value))).pages
    )
    assert "Bologna and Kumasi: markets that feed the city" in pdf_text

    page.context.clear_cookies()
    page.goto(f"{live_server.url}{link}")
    expect(page.get_by_role("heading", name="Confirm the partnership")).to_be_visible()
    page.get_by_role("button", name="Yes, we take part").click()
    expect(page.get_by_role("heading", name="Thank you")).to_be_visible()
    assert entry.partners.get(contact_email="kofi@kumasi.example").status == (
        Partner.Status.CONFIRMED
    )


def test_autosave_keeps_typing_across_a_closed_tab(page, live_server, open_call):
    from tests.factories import PASSWORD, EntryFactory, MembershipFactory

    membership = MembershipFactory(user__email="tab@closer.example")
    entry = EntryFactory(edition=open_call, organisation=membership.organisation)
    page.goto(f"{live_server.url}/accounts/sign-in/")
    page.get_by_label("Email address").fill("tab@closer.example")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.goto(f"{live_server.url}/entries/{entry.pk}/edit/basics/")

    page.get_by_label("Summary").fill("Typed and never saved by hand")
    expect(page.get_by_text("Draft saved at")).to_be_visible(timeout=10_000)
    page.close()

    entry.refresh_from_db()
    assert entry.summary == "Typed and never saved by hand"


def _read(download) -> bytes:
    with open(download.path(), "rb") as handle:
        return handle.read()


def _small_pdf() -> bytes:
    from pypdf import PdfWriter

    buffer = io.BytesIO()
    writer = PdfWriter()
    writer.add_blank_page(200, 200)
    writer.write(buffer)
    return buffer.getvalue()
