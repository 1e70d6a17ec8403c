"""Every page of the site, as each role, works under the Content-Security-Policy: Chromium
refuses nothing, says nothing in the console and throws no error.

The browser reports each refusal as a `securitypolicyviolation` event; a listener installed
with `add_init_script` (which the page's policy does not govern) hands each one to the test.
"""

import pytest
from django.contrib.auth.tokens import default_token_generator
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from playwright.sync_api import expect

from accounts.models import User
from awards.models import Edition, Entry, Partner
from awards.services.partners import partner_token
from jury.models import Assignment, Evaluation, JuryMember

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

VIOLATION_LISTENER = """
document.addEventListener("securitypolicyviolation", function (event) {
  window.reportPolicyViolation({
    page: document.location.pathname,
    directive: event.effectiveDirective,
    blocked: event.blockedURI,
    sample: event.sample,
    line: event.lineNumber,
  });
}, true);
"""


class Walk:
    """Visits pages and keeps every problem seen on the way, to be asserted empty at the end."""

    def __init__(self, page, base_url: str) -> None:
        self.page = page
        self.base_url = base_url
        self.problems: list[str] = []
        # Pages visited to see them refused (a 404): the browser logs their status, rightly.
        self.expected_failures: set[str] = set()
        page.expose_binding("reportPolicyViolation", self._violation)
        page.add_init_script(VIOLATION_LISTENER)
        page.on("console", self._console)
        page.on("pageerror", lambda error: self.problems.append(f"uncaught error: {error}"))

    def _violation(self, source, violation: dict) -> None:
        self.problems.append(
            "{page}: refused {blocked} ({directive}, line {line}) {sample}".format(**violation)
        )

    def _console(self, message) -> None:
        if message.type not in ("error", "warning"):
            return
        status_logged = message.text.startswith("Failed to load resource: the server responded")
        if status_logged and message.location.get("url") in self.expected_failures:
            return
        self.problems.append(f"console {message.type} on {self.page.url}: {message.text}")

    def visit(self, path: str, status: int = 200):
        if status != 200:
            self.expected_failures.add(self.base_url + path)
        response = self.page.goto(self.base_url + path)
        self.check(path, response, status)
        return response

    def check(self, path: str, response, status: int = 200) -> None:
        if response.status != status:
            self.problems.append(f"{path}: status {response.status}, expected {status}")
        policy = response.headers.get("content-security-policy", "")
        if "script-src 'self'" not in policy or "style-src 'self'" not in policy:
            self.problems.append(f"{path}: no strict Content-Security-Policy ({policy!r})")
        if "unsafe-" in policy:
            self.problems.append(f"{path}: the policy allows something unsafe ({policy!r})")
        if "camera=()" not in response.headers.get("permissions-policy", ""):
            self.problems.append(f"{path}: no Permissions-Policy")
        self.settle()

    def settle(self) -> None:
        # Violation events are queued as tasks: let them run before the page is left.
        self.page.evaluate(
            "() => new Promise(done => requestAnimationFrame(() => setTimeout(done, 50)))"
        )


@pytest.fixture
def walk(page, live_server):
    return Walk(page, live_server.url)


def test_anonymous_pages_refuse_nothing(walk, page, demo):
    partner = Partner.objects.filter(entry__state="submitted").first()
    person = User.objects.get(email=demo["secretariat"])
    published = Entry.objects.filter(published_at__isnull=False).select_related("edition").first()
    uid = urlsafe_base64_encode(force_bytes(person.pk))
    token = default_token_generator.make_token(person)

    for path in [
        "/",
        "/accounts/sign-up/",
        "/accounts/password/reset/",
        "/accounts/password/reset/sent/",
        f"/accounts/password/reset/{uid}/{token}/",
        "/accounts/password/reset/complete/",
        f"/partners/{partner_token(partner)}/",
        # The public site: results, the gallery searched, a published entry, the API's page.
        "/results/",
        f"/results/{published.edition.slug}/",
        "/gallery/",
        "/gallery/?q=water&region=africa",
        f"/gallery/{published.reference}/",
        "/api/docs",
    ]:
        walk.visit(path)
    # Links that are wrong or out of date say so on a page of the site's own.
    for path in [
        "/partners/not-a-link/",
        "/invitations/not-a-link/",
        "/jury/invitations/not-a-link/",
        "/accounts/confirm/not-a-link/",
        "/no-such-page/",
    ]:
        walk.visit(path, status=404)
    # A refused sign-in shows its message under the same policy.
    walk.visit("/accounts/sign-in/")
    page.get_by_label("Email address").fill(demo["secretariat"])
    page.get_by_label("Password").fill("not the password")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_text("do not match an account")).to_be_visible()
    walk.settle()

    assert walk.problems == []


def test_applicant_pages_refuse_nothing(walk, page, sign_in, demo):
    entries = Entry.objects.filter(organisation__name="Region of Andalusia")
    draft = entries.get(state="draft")
    submitted = Entry.objects.get(state="submitted")
    Entry.objects.filter(pk=submitted.pk).update(organisation=draft.organisation)
    sign_in("andalucia@demo.platformawards.eu", demo["password"])

    for path in [
        "/dashboard/",
        "/entries/new/",
        *(
            f"/entries/{draft.pk}/edit/{step}/"
            for step in ("basics", "partners", "projects", "answers", "attachments")
        ),
        f"/entries/{draft.pk}/review/",
        f"/entries/{draft.pk}/",
        f"/entries/{draft.pk}/delete/",
        f"/entries/{submitted.pk}/",
        "/organisations/new/",
        "/organisations/join/?name=Lyon",
        f"/organisations/{draft.organisation_id}/",
        "/accounts/profile/",
        "/accounts/password/change/",
    ]:
        walk.visit(path)
    # Autosave (htmx) and the live word count under the policy.
    walk.visit(f"/entries/{draft.pk}/edit/basics/")
    page.get_by_label("Title").fill("Seville and Tangier: water for every district")
    expect(page.locator("#autosave-status")).to_contain_text("Draft saved at")
    walk.visit(f"/entries/{draft.pk}/edit/answers/")
    expect(page.locator(".word-count").first).to_contain_text("words")
    walk.settle()

    assert walk.problems == []


def test_juror_pages_refuse_nothing(walk, page, sign_in, demo):
    member_assignments = Assignment.objects.filter(
        member__user__email="juror1@demo.platformawards.eu", member__edition__phase="jury_review"
    )
    draft = member_assignments.get(evaluation__status="draft")
    sign_in("juror1@demo.platformawards.eu", demo["password"])

    for path in [
        "/dashboard/",
        "/jury/",
        f"/jury/assignments/{draft.pk}/conflict/",
        f"/jury/assignments/{draft.pk}/",
    ]:
        walk.visit(path)
    # Typing a comment autosaves it (htmx), still under the policy.
    page.locator("textarea").first.fill("Strong local ownership; the budget is thin.")
    expect(page.get_by_text("Draft saved at")).to_be_visible()
    walk.settle()

    assert walk.problems == []


def test_secretariat_pages_refuse_nothing(walk, page, sign_in, demo):
    edition = Edition.objects.get(phase="call_open")
    jury = Edition.objects.get(phase="jury_review")
    submitted = Entry.objects.get(state="submitted")
    published = Entry.objects.filter(published_at__isnull=False).first()
    assignment = Assignment.objects.filter(member__edition=jury).first()
    evaluation = Evaluation.objects.filter(
        assignment__member__edition=jury, status="submitted"
    ).first()
    sign_in(demo["secretariat"], demo["password"])

    for path in [
        "/dashboard/",
        "/editions/",
        "/editions/new/",
        f"/editions/{edition.slug}/",
        f"/editions/{edition.slug}/reminders/",
        "/screening/",
        f"/screening/{submitted.pk}/",
        f"/entries/{submitted.pk}/",
        f"/organisations/{submitted.organisation_id}/",
        *(
            f"/editions/{jury.slug}/jury/{section}/"
            for section in ("", "rubric", "conflicts", "assignments", "progress")
        ),
        f"/editions/{jury.slug}/jury/assignments/{assignment.pk}/more-time/",
        f"/editions/{jury.slug}/jury/evaluations/{evaluation.pk}/",
        "/outbox/",
        # Publication, corrections after it, and the import of past editions.
        f"/editions/{jury.slug}/publication/",
        f"/entries/{published.pk}/public-text/",
        "/editions/past/import/",
    ]:
        walk.visit(path.replace("/jury//", "/jury/"))
    # A form sent, and the page it leads to with its message.
    walk.visit("/editions/")
    page.get_by_role("button", name=f"Clone {edition.title}").click()
    expect(page.get_by_text("has been prepared from")).to_be_visible()
    walk.settle()

    assert walk.problems == []


def test_admin_pages_refuse_nothing(walk, sign_in, demo):
    User.objects.create_superuser(email="root@example.org", password="admin-pass-e2e-1")
    member = JuryMember.objects.first()
    sign_in("root@example.org", "admin-pass-e2e-1")

    for path in [
        "/admin/",
        "/admin/awards/organisation/",
        "/admin/jury/jurymember/",
        f"/admin/jury/jurymember/{member.pk}/change/",
        "/admin/accounts/user/",
        "/admin/awards/edition/",
    ]:
        walk.visit(path)

    assert walk.problems == []


def test_mail_preview_shows_the_mail_as_styled_under_a_policy_of_its_own(walk, page, sign_in, demo):
    sign_in(demo["secretariat"], demo["password"])

    walk.visit("/outbox/preview/entry.submitted/?language=fr")

    frame = page.frame_locator("iframe")
    expect(frame.get_by_text("Le secrétariat des PLATFORMAwards")).to_be_visible()
    # The mail's own inline styles apply inside the frame (mail clients need them).
    expect(frame.locator("body")).to_have_css("font-family", "sans-serif")
    walk.settle()
    assert walk.problems == []


@pytest.mark.browser_context_args(viewport={"width": 400, "height": 800})
def test_menu_opens_on_a_narrow_screen_under_the_policy(walk, page, sign_in, demo):
    sign_in(demo["secretariat"], demo["password"])
    walk.visit("/dashboard/")
    editions = page.get_by_role("link", name="Editions", exact=True)
    expect(editions).to_be_hidden()

    page.get_by_role("button", name="Show or hide the menu").click()

    expect(editions).to_be_visible()
    walk.settle()
    assert walk.problems == []
