"""A whole edition in a real browser, in English and in French: the secretariat prepares it and
opens its call; a newcomer signs up, creates an organisation and submits an entry, which its
partner confirms; the secretariat screens it and opens the jury review; a chair and two jurors
accept their invitations and score; the shortlist is confirmed, the chair records a prize and
locks the decision; the results are published; the applicant downloads the certificate and a
visitor, from the home page, finds the winner and verifies it.

Pages are reached by their links and buttons, named in each person's language; only the first
address of a sitting and the links people receive (by mail, or printed on the certificate) are
typed. Weeks pass on the clock. Every distinct page of each role passes WCAG 2.1 AA (axe-core).
"""

import datetime
import io
import re
from pathlib import Path
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import pytest
import time_machine
from axe_playwright_python.sync_playwright import Axe
from django.core import mail
from django.urls import resolve
from django.utils import timezone, translation
from django.utils.translation import gettext, ngettext
from playwright.sync_api import expect

from accounts.models import User
from awards.models import Certificate, Edition, Entry, SustainableDevelopmentGoal
from tests.factories import PASSWORD, SecretariatFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

DAY = datetime.timedelta(days=1)
# What each person's browser asks for: the site answers in it until they sign in, and in the
# language of their profile after.
LOCALES = {"en": "en-GB", "fr": "fr-FR"}
WCAG_21_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
APPLICANT = ("elena@bologna.example", "tortellini-2031-x")
PARTNER = "kofi@kumasi.example"
# (email, name, country, chairs, the mark given on every criterion): none from the entry's
# countries (Italy, Ghana), so that none is conflicted with it.
JURY = [
    ("chair@jury.example", "Clara Chair", "DE", True, "8"),
    ("nils@jury.example", "Nils Juror", "NL", False, "9"),
    ("ines@jury.example", "Inês Juror", "PT", False, "7"),
]
JUROR_PASSWORD = "scores-all-day-2031"


class Site:
    """The site in one language, and what axe-core found on every distinct page seen."""

    def __init__(self, browser, base_url: str, language: str) -> None:
        self.browser, self.base_url, self.language = browser, base_url, language
        self.axe = Axe()
        self.audited: set[str] = set()
        self.findings: list[str] = []

    def t(self, text: str, plural: str = "", count: int = 0, **values: object) -> str:
        """`text` as the pages write it in the site's language (counting `count` when it has a
        `plural`)."""
        with translation.override(self.language):
            translated = ngettext(text, plural, count) if plural else gettext(text)
        values = {"count": count, **values} if plural else values
        return translated % values if values else translated

    def moved(self, edition: Edition, phase: str) -> str:
        """The message of a phase change, `phase` as the workflow names it."""
        message = "%(edition)s is now in the phase “%(phase)s”."
        return self.t(message, edition=edition.title, phase=self.t(phase))

    def audit(self, person: "Person") -> None:
        page = person.page
        expect(page.locator("html")).to_have_attribute("lang", self.language)
        match = resolve(urlsplit(page.url).path)
        # A page seen signed out is the same for everyone; signed in, it is each role's own.
        signed_in = page.get_by_role("button", name=self.t("Sign out")).count() > 0
        who = person.role if signed_in else "signed out"
        key = f"{who}: {match.view_name} {match.kwargs.get('step', '')} «{page.title()}»"
        if key in self.audited:
            return
        self.audited.add(key)
        options = {"runOnly": {"type": "tag", "values": WCAG_21_AA}, "resultTypes": ["violations"]}
        for violation in self.axe.run(page, options=options).response["violations"]:
            nodes = "; ".join(" ".join(node["target"]) for node in violation["nodes"])
            self.findings.append(
                f"[{self.language}] {key}: {violation['id']} ({violation['help']}) at {nodes}"
            )


class Person:
    """One person at their own browser, walking the site by its links and buttons."""

    def __init__(self, site: Site, role: str) -> None:
        self.site, self.role = site, role
        self.context = site.browser.new_context(locale=LOCALES[site.language])
        self.page = page = self.context.new_page()
        page.set_default_timeout(10_000)
        self.main = page.get_by_role("main")
        self.menu = page.get_by_role("navigation", name=site.t("Main"))
        self.breadcrumb = page.get_by_role("navigation", name=site.t("Breadcrumb"))
        self.jury_tabs = page.get_by_role("navigation", name=site.t("The jury"))

    def open(self, address: str) -> None:
        """Type an address: the first of a sitting, or one received."""
        self.page.goto(address if address.startswith("http") else self.site.base_url + address)
        self.site.audit(self)

    def follow(self, name: str, within=None) -> None:
        self._click("link", name, within)

    def press(self, name: str, within=None) -> None:
        self._click("button", name, within)

    def _click(self, role: str, name: str, within) -> None:
        with self.page.expect_navigation():
            (within or self.page).get_by_role(role, name=name, exact=True).click()
        self.site.audit(self)

    def says(self, text: str) -> None:
        expect(self.main).to_contain_text(text)

    def reads_heading(self, text: str) -> None:
        expect(self.page.get_by_role("heading", level=1)).to_have_text(text)

    def fill(self, fields: dict[str, str]) -> None:
        for selector, value in fields.items():
            self.page.locator(selector).fill(value)

    def leave(self) -> None:
        self.context.close()


def sign_in(site: Site, role: str, email: str, password: str) -> Person:
    """A new sitting: the home page, its sign-in link, the dashboard."""
    person = Person(site, role)
    person.open("/")
    person.follow(site.t("Sign in"), within=person.main)
    person.page.get_by_label(site.t("Email address")).fill(email)
    person.page.get_by_label(site.t("Password")).fill(password)
    person.press(site.t("Sign in"), within=person.main)
    person.reads_heading(site.t("Dashboard"))
    return person


def mailed_link(email: str, pattern: str) -> str:
    """The path of the last link of that shape mailed to `email`."""
    bodies = [m.body for m in mail.outbox if m.to == [email] and re.search(pattern, m.body)]
    assert bodies, f"no mail to {email} holds a link {pattern}"
    return re.search(pattern, bodies[-1]).group(0)


def edition_page(site: Site, person: Person, edition: Edition) -> None:
    person.follow(site.t("Editions"), within=person.menu)
    person.follow(edition.title, within=person.main)


def prepare_the_edition(site: Site, secretariat: User) -> Edition:
    t, now = site.t, timezone.now()
    person = sign_in(site, "secretariat", secretariat.email, PASSWORD)
    person.follow(t("Editions"), within=person.menu)
    person.follow(t("New edition"))
    year = now.year + 1
    person.fill({"#id_year": str(year), "#id_title": f"PLATFORMAwards {year}"})
    # The milestones, typed as the edition's time zone (Brussels, by default) reads them.
    for name, days in zip(Edition.TIMELINE, (-1, 20, 27, 28, 50, 55, 60), strict=True):
        moment = (now + days * DAY).astimezone(ZoneInfo("Europe/Brussels"))
        person.page.locator(f"#id_{name}").fill(moment.strftime("%Y-%m-%dT%H:%M"))
    person.press(t("Create the edition"))
    edition = Edition.objects.get(year=year)
    created = "“%(title)s” has been created with the default questions: review them below."
    person.says(t(created, title=edition.title))

    # The rubric: results count twice.
    person.follow(t("Jury"), within=person.main)
    person.follow(t("Rubric"))
    person.page.locator("#id_criteria-1-weight").fill("2")
    person.press(t("Save the rubric"))
    person.says(t("The rubric is saved."))

    person.follow(edition.title, within=person.breadcrumb)
    person.press(t("Open the call for entries"))
    person.says(site.moved(edition, "Call for entries open"))
    person.leave()
    return edition


def sign_up_and_create_the_organisation(site: Site) -> Person:
    t, (email, password) = site.t, APPLICANT
    person = Person(site, "applicant")
    person.open("/")
    person.follow(t("Create an account"), within=person.main)
    person.fill({"#id_email": email, "#id_full_name": "Elena Bolognese"})
    expect(person.page.locator("#id_preferred_language")).to_have_value(site.language)
    person.fill({"#id_password1": password, "#id_password2": password})
    person.press(t("Create the account"))
    expect(person.page.get_by_role("heading", name=t("Confirm your email address"))).to_be_visible()

    person.open(mailed_link(email, r"/accounts/confirm/\S+/"))
    person.says(t("Thank you: %(email)s is confirmed.", email=email))
    person.follow(t("Create your organisation"))
    person.page.locator("#id_name").fill("Comune di Bologna")
    person.page.locator("#id_kind").select_option("municipality")
    person.page.locator("#id_country").select_option("IT")
    person.press(t("Create"), within=person.main)
    return person


def fill_in_the_entry(site: Site, person: Person) -> None:
    t, page = site.t, person.page
    page.locator("#id_title").fill("Bologna and Kumasi: markets that feed the city")
    page.locator("#id_summary").fill("Two cities rebuilt their food markets together.")
    page.locator("#id_language").select_option(site.language)
    with translation.override(site.language):
        goals = [str(SustainableDevelopmentGoal.objects.get(number=n)) for n in (2, 11)]
    for goal in goals:
        page.get_by_label(goal).check()
    person.press(t("Save and continue"))

    page.locator("#id_partners-0-name").fill("Kumasi Metropolitan Assembly")
    page.locator("#id_partners-0-contact_name").fill("Kofi Mensah")
    page.locator("#id_partners-0-contact_email").fill(PARTNER)
    page.locator("#id_partners-0-country").select_option("GH")
    person.press(t("Save and continue"))

    person.fill({"#id_projects-0-title": "Markets of Kumasi", "#id_projects-0-start_year": "2022"})
    person.press(t("Save and continue"))

    for answer in page.locator("textarea").all():
        answer.fill("Eight markets rebuilt with their traders; 3,000 stalls reopened.")
    person.press(t("Save and continue"))

    plan = {"name": "market-plan.pdf", "mimeType": "application/pdf", "buffer": blank_pdf()}
    page.locator("input[type=file]").set_input_files(plan)
    page.locator("#id_description").fill("The plan of the markets")
    page.locator("#id_is_public").check()
    person.press(t("Upload"))
    expect(page.get_by_role("link", name=plan["name"])).to_be_visible()
    person.follow(t("Continue to the review"))


def submit_an_entry(site: Site) -> Entry:
    t = site.t
    person = sign_up_and_create_the_organisation(site)
    person.follow(t("Start an entry"))
    person.press(t("Create the draft"))
    fill_in_the_entry(site, person)
    person.says(t("The entry is complete and can be submitted."))
    person.press(t("Submit the entry"))
    submitted = (
        "Your entry is submitted. A receipt with its reference number is on its way by email."
    )
    person.says(t(submitted))
    person.leave()
    return Entry.objects.get()


def partner_confirms(site: Site) -> None:
    person = Person(site, "partner")
    person.open(mailed_link(PARTNER, r"/partners/\S+/"))
    person.press(site.t("Yes, we take part"))
    person.reads_heading(site.t("Thank you"))
    person.leave()


def screen_and_open_the_jury_review(site: Site, secretariat: User, entry: Entry) -> Person:
    t, edition = site.t, entry.edition
    person = sign_in(site, "secretariat", secretariat.email, PASSWORD)
    edition_page(site, person, edition)
    person.press(t("Close the call and start screening"))
    person.says(site.moved(edition, "Eligibility screening"))

    person.follow(t("Eligibility screening"), within=person.main)
    person.follow(entry.reference)
    # Every item of the checklist is answered "yes" from the entry's data, partner included.
    answers = person.main.get_by_role("radio", name=t("Yes"), exact=True, checked=True)
    expect(answers).to_have_count(edition.eligibility_criteria.count())
    person.press(t("Eligible"))
    person.says(t("Decision recorded; the applicant is told by email."))

    edition_page(site, person, edition)
    person.press(t("Open the jury review (moves every eligible entry)"))
    person.says(site.moved(edition, "Jury review"))
    return person


def invite_the_jury(site: Site, person: Person) -> None:
    t, page = site.t, person.page
    person.follow(t("Jury"), within=person.main)
    for email, name, country, chairs, _mark in JURY:
        page.get_by_label(t("Email address")).fill(email)
        page.get_by_label(t("Full name")).fill(name)
        page.locator("#id_country").select_option(country)
        page.get_by_label(t("Organisation")).fill("European Committee of the Regions")
        page.get_by_label(t("Chairs the jury")).set_checked(chairs)
        page.locator("#id_language").select_option(site.language)
        person.press(t("Send the invitation"))
        person.says(t("An invitation is on its way to %(email)s.", email=email))


def jurors_accept(site: Site) -> None:
    for email, _name, _country, chairs, _mark in JURY:
        juror = Person(site, "chair" if chairs else "juror")
        juror.open(mailed_link(email, r"/jury/invitations/\S+/"))
        juror.fill({"#id_new_password1": JUROR_PASSWORD, "#id_new_password2": JUROR_PASSWORD})
        juror.press(site.t("Accept the invitation"))
        juror.reads_heading(site.t("Dashboard"))
        juror.leave()


def assign_the_jury(site: Site, person: Person) -> None:
    t = site.t
    person.follow(t("Assignments"))
    person.press(t("Assign automatically"))
    person.says(t("Every entry has the jurors asked for."))
    person.press(t("Mail each juror their entries"))
    told = (
        "%(count)s juror is told of their entries.",
        "%(count)s jurors are told of their entries.",
    )
    person.says(t(*told, len(JURY)))
    person.leave()


def score(site: Site, email: str, role: str, entry: Entry, mark: str) -> None:
    t = site.t
    juror = sign_in(site, role, email, JUROR_PASSWORD)
    juror.follow(t("Score your entries"))
    juror.follow(entry.reference)
    criteria = list(entry.edition.criteria.order_by("position"))
    juror.fill({f"#score_{criterion.pk}": mark for criterion in criteria})
    juror.page.locator(f"#comment_{criteria[1].pk}").fill("The traders run the markets now.")
    juror.page.locator("#overall_comment").fill("A partnership other cities can follow.")
    juror.press(t("Submit"))
    juror.says(t("Submitted: your scores are locked. The secretariat can reopen them if needed."))
    juror.leave()


def confirm_the_shortlist(site: Site, secretariat: User, entry: Entry) -> None:
    t, edition = site.t, entry.edition
    person = sign_in(site, "secretariat", secretariat.email, PASSWORD)
    edition_page(site, person, edition)
    person.press(t("Close scoring and open the deliberation"))
    person.says(site.moved(edition, "Deliberation"))
    person.follow(t("Jury"), within=person.main)
    person.follow(t("Ranking"))
    expect(person.page.get_by_role("heading", name=t("How far the jury agrees"))).to_be_visible()
    person.follow(t("Shortlist"), within=person.jury_tabs)
    expect(person.page.get_by_label(re.compile(re.escape(entry.reference)))).to_be_checked()
    person.press(t("Confirm the shortlist"))
    shortlist = (
        "The shortlist of %(count)s entry is confirmed.",
        "The shortlist of %(count)s entries is confirmed.",
    )
    person.says(t(*shortlist, 1))
    person.leave()


def the_chair_decides(site: Site, entry: Entry) -> None:
    t, option = site.t, f"{entry.reference} · {entry.title}"
    chair = sign_in(site, "chair", JURY[0][0], JUROR_PASSWORD)
    chair.follow(t("Score your entries"))
    chair.follow(t("The deliberation board"))
    chair.page.get_by_label(t("Entry under discussion")).select_option(label=option)
    chair.press(t("Put up for discussion"))
    expect(chair.page.locator("#meeting-current")).to_contain_text(entry.reference)

    chair.follow(t("Prizes"), within=chair.jury_tabs)
    chair.page.locator("#id_entry").select_option(label=option)
    chair.page.locator("#id_kind").select_option(label=t("1st prize"))
    chair.page.get_by_label(t("Citation")).fill("Markets that feed two cities.")
    chair.page.get_by_label(t("The jury's rationale")).fill("Traders and both cities together.")
    chair.press(t("Record the prize"))
    recorded = t("%(prize)s recorded for %(entry)s.", prize=t("1st prize"), entry=entry.reference)
    chair.says(recorded)
    chair.press(t("Confirm and lock the decision"))
    chair.says(t("The decision is confirmed and locked: the results can now be published."))
    chair.leave()


def publish(site: Site, secretariat: User, edition: Edition) -> None:
    t = site.t
    person = sign_in(site, "secretariat", secretariat.email, PASSWORD)
    edition_page(site, person, edition)
    person.follow(t("Publish the results"))
    person.page.locator("#id_confirmed").check()
    person.press(t("Publish the results now"))
    person.says(t("The results are published."))
    # Their tasks issue the certificates once the publication has committed: the prize's and
    # one thanking each member of the jury.
    person.follow(edition.title, within=person.breadcrumb)
    person.follow(t("Certificates"), within=person.main)
    expect(person.main.get_by_text(t("Issued"), exact=True)).to_have_count(1 + len(JURY))
    person.leave()


def applicant_downloads_the_certificate(site: Site, entry: Entry) -> bytes:
    person = sign_in(site, "applicant", *APPLICANT)
    person.follow(entry.reference)
    with person.page.expect_download() as download:
        person.main.get_by_role("link", name=site.t("Download the sealed PDF")).click()
    pdf = Path(download.value.path()).read_bytes()
    person.leave()
    return pdf


def a_visitor_verifies_the_certificate(site: Site, entry: Entry, pdf: bytes) -> None:
    t = site.t
    visitor = Person(site, "visitor")
    visitor.open("/")
    visitor.follow(t("Results"), within=visitor.menu)
    visitor.follow(entry.edition.title)
    visitor.follow(entry.title)
    visitor.reads_heading(entry.title)
    expect(visitor.page.get_by_text(t("1st prize"), exact=True)).to_be_visible()
    expect(visitor.page.get_by_role("cell", name="Kumasi Metropolitan Assembly")).to_be_visible()

    # The certificate in hand: the address printed on it, then the file itself, then its code.
    visitor.open(printed_address(pdf))
    expect(visitor.page.get_by_role("status")).to_contain_text(t("Valid."))
    certificate = {"name": "certificate.pdf", "mimeType": "application/pdf", "buffer": pdf}
    visitor.page.locator("input[type=file]").set_input_files(certificate)
    visitor.press(t("Check the file"))
    intact = "This file is a certificate exactly as issued, with the programme's seal intact."
    visitor.says(t(intact))
    visitor.follow(t("Check a code instead"))
    code = Certificate.objects.get(entry=entry).code
    visitor.page.get_by_label(t("Verification code")).fill(code)
    visitor.press(t("Check"))
    expect(visitor.page.get_by_role("status")).to_contain_text(t("Valid."))
    visitor.leave()


def printed_address(pdf: bytes) -> str:
    from pypdf import PdfReader

    text = PdfReader(io.BytesIO(pdf)).pages[0].extract_text()
    return re.search(r"https?://\S+/certificates/\S+/", text).group(0)


def blank_pdf() -> bytes:
    from pypdf import PdfWriter

    writer, buffer = PdfWriter(), io.BytesIO()
    writer.add_blank_page(200, 200)
    writer.write(buffer)
    return buffer.getvalue()


@pytest.mark.parametrize("language", ["en", "fr"])
def test_an_edition_from_its_call_to_a_winners_verified_certificate(
    browser, live_server, settings, language
):
    # The address printed on the certificates is the site's own: here, the live server's.
    settings.SITE_URL = live_server.url
    site = Site(browser, live_server.url, language)
    secretariat = SecretariatFactory(email="sofia@secretariat.example", preferred_language=language)

    with time_machine.travel(timezone.now(), tick=True) as clock:
        edition = prepare_the_edition(site, secretariat)
        entry = submit_an_entry(site)
        partner_confirms(site)

        clock.move_to(edition.submission_deadline + DAY)
        person = screen_and_open_the_jury_review(site, secretariat, entry)
        invite_the_jury(site, person)
        jurors_accept(site)
        assign_the_jury(site, person)

        clock.move_to(edition.scoring_opens + datetime.timedelta(hours=2))
        for email, _name, _country, chairs, mark in JURY:
            score(site, email, "chair" if chairs else "juror", entry, mark)
        confirm_the_shortlist(site, secretariat, entry)
        the_chair_decides(site, entry)
        publish(site, secretariat, edition)
        pdf = applicant_downloads_the_certificate(site, entry)
        a_visitor_verifies_the_certificate(site, entry, pdf)

    entry.refresh_from_db()
    edition.refresh_from_db()
    assert (entry.state, edition.phase) == ("awarded", "published")
    # Everyone's profile keeps the language they chose, or were invited in.
    assert set(User.objects.values_list("preferred_language", flat=True)) == {language}
    assert Certificate.objects.filter(edition=edition, sha256="").count() == 0
    assert site.findings == [], "Accessibility violations:\n" + "\n".join(site.findings)
