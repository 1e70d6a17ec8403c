import re
from decimal import Decimal

import pytest
from django.core import mail
from playwright.sync_api import expect

from awards.models import Entry
from jury import scoring
from jury.models import Assignment, ConflictOfInterest
from jury.services import invite_juror
from tests.factories import (
    PASSWORD,
    EntryFactory,
    JuryMemberFactory,
    SecretariatFactory,
    scoring_edition,
)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def scoring_round():
    edition = scoring_edition(title="PLATFORMAwards 2031")
    entry = EntryFactory(edition=edition, title="Markets that feed the city")
    Entry.objects.filter(pk=entry.pk).update(state="in_review")
    colleague = JuryMemberFactory(edition=edition, user__full_name="Carla Colleague")
    theirs = Assignment.objects.create(member=colleague, entry=entry)
    scores = {c.pk: Decimal("9") for c in edition.criteria.all()}
    scoring.save_scores(assignment=theirs, by=colleague.user, scores=scores, comments={})
    scoring.submit_evaluation(assignment=theirs, by=colleague.user)
    return edition, entry


def test_juror_accepts_scores_over_two_sittings_and_then_sees_others(
    page, live_server, scoring_round, django_capture_on_commit_callbacks
):
    edition, entry = scoring_round
    with django_capture_on_commit_callbacks(execute=True):
        member = invite_juror(
            edition=edition,
            by=SecretariatFactory(),
            email="new.juror@example.org",
            full_name="Nora Newjuror",
            country="NL",
            language="en",
        )
    Assignment.objects.create(member=member, entry=entry)
    link = re.search(r"(/jury/invitations/\S+/)", mail.outbox[-1].body).group(1)

    page.goto(live_server.url + link)
    page.locator("#id_new_password1").fill("nora-scores-2031")
    page.locator("#id_new_password2").fill("nora-scores-2031")
    page.get_by_role("button", name="Accept the invitation").click()
    page.get_by_role("link", name="Score your entries").click()
    expect(page.get_by_text("0 of 1 scored")).to_be_visible()
    page.get_by_role("link", name=entry.reference).click()

    criteria = list(edition.criteria.all())
    page.locator(f"#score_{criteria[0].pk}").fill("7")
    page.locator(f"#comment_{criteria[0].pk}").fill("Clear strategy.")
    expect(page.get_by_text("Draft saved at")).to_be_visible(timeout=10_000)
    expect(page.get_by_text("They are shown here once you have submitted")).to_be_visible()
    page.goto(live_server.url + "/jury/")  # the first sitting ends

    page.get_by_role("link", name=entry.reference).click()
    expect(page.locator(f"#score_{criteria[0].pk}")).to_have_value("7")
    for criterion in criteria[1:-1]:
        page.locator(f"#score_{criterion.pk}").fill("8")
    page.locator(f"#na_{criteria[-1].pk}").check()
    page.get_by_role("button", name="Submit", exact=True).click()

    expect(page.get_by_text("Submitted: your scores are locked.")).to_be_visible()
    others = page.get_by_role("region", name="The other jurors' scores")
    expect(others).to_contain_text("Carla Colleague")
    expect(others).to_contain_text("9")


def test_conflicted_juror_cannot_open_the_entry(page, sign_in, live_server, scoring_round):
    edition, entry = scoring_round
    member = JuryMemberFactory(edition=edition, user__email="conflicted@example.org")
    assignment = Assignment.objects.create(member=member, entry=entry)
    ConflictOfInterest.objects.create(member=member, entry=entry, kind="country")

    sign_in("conflicted@example.org", PASSWORD)
    page.goto(f"{live_server.url}/jury/")
    expect(page.get_by_text("No entry is assigned to you yet.")).to_be_visible()

    response = page.goto(f"{live_server.url}/jury/assignments/{assignment.pk}/")

    assert response.status == 404
    assert entry.title not in page.content()


@pytest.mark.parametrize("path", ["/jury/", "/jury/assignments/{pk}/"])
def test_jury_pages_have_no_accessibility_violations(
    page, sign_in, live_server, scoring_round, path
):
    from axe_playwright_python.sync_playwright import Axe

    edition, entry = scoring_round
    member = JuryMemberFactory(edition=edition, user__email="axe@example.org")
    assignment = Assignment.objects.create(member=member, entry=entry)
    sign_in("axe@example.org", PASSWORD)

    page.goto(live_server.url + path.format(pk=assignment.pk))
    results = Axe().run(page)

    assert results.violations_count == 0, results.generate_report()
