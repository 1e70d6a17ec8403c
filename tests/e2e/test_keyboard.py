"""The forms people fill in most, completed with the keyboard alone: each control reached by
Tab in the page's order, typed into, ticked with Space and sent with Enter, as a juror who
cannot use a mouse does. A control that Tab skips, or a step that needs a click, fails."""

from decimal import Decimal

import pytest
from playwright.sync_api import Page, expect

from awards.models import Entry
from jury.models import Assignment, Evaluation
from tests.factories import PASSWORD, EntryFactory, JuryMemberFactory, scoring_edition

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
# More Tab presses than any of these pages has controls before the one sought.
MOST_TABS = 120


def tab_to(page: Page, selector: str, text: str = "") -> None:
    """Press Tab until the control matching `selector` (and reading `text`, if given) has
    the focus."""
    for _ in range(MOST_TABS):
        page.keyboard.press("Tab")
        if page.evaluate(FOCUSED, [selector, text]):
            return
    raise AssertionError(f"Tab never reached {selector} {text}")


def follow(page: Page) -> None:
    """Enter on the focused link or button, and the page it leads to loaded."""
    with page.expect_navigation():
        page.keyboard.press("Enter")


def sign_in(page: Page, live_server, email: str) -> None:
    page.goto(f"{live_server.url}/accounts/sign-in/")
    tab_to(page, "#id_username")
    page.keyboard.type(email)
    tab_to(page, "#id_password")
    page.keyboard.type(PASSWORD)
    follow(page)
    expect(page.get_by_role("heading", level=1)).to_have_text("Dashboard")


FOCUSED = """([selector, text]) => {
  const focused = document.activeElement;
  return focused.matches(selector) && (!text || focused.textContent.trim() === text);
}"""


def test_a_juror_scores_and_submits_an_entry_with_the_keyboard_alone(page, live_server):
    edition = scoring_edition(title="PLATFORMAwards 2031")
    entry = EntryFactory(edition=edition, title="Markets that feed the city")
    Entry.objects.filter(pk=entry.pk).update(state="in_review")
    member = JuryMemberFactory(edition=edition, user__preferred_language="en")
    assignment = Assignment.objects.create(member=member, entry=entry)
    criteria = list(edition.criteria.order_by("position"))

    sign_in(page, live_server, member.user.email)

    page.goto(f"{live_server.url}/jury/")
    tab_to(page, f"a[href$='/jury/assignments/{assignment.pk}/']")
    follow(page)
    expect(page.locator(f"#score_{criteria[0].pk}")).to_be_visible()

    for criterion in criteria[:-1]:
        tab_to(page, f"#score_{criterion.pk}")
        page.keyboard.type("7")
    tab_to(page, f"#comment_{criteria[0].pk}")
    page.keyboard.type("Clear roles on both sides.")
    tab_to(page, f"#na_{criteria[-1].pk}")
    page.keyboard.press("Space")
    tab_to(page, "#overall_comment")
    page.keyboard.type("A partnership others can learn from.")
    tab_to(page, "button[value='submit']")
    follow(page)

    expect(page.get_by_text("Submitted: your scores are locked.")).to_be_visible()
    evaluation = Evaluation.objects.get(assignment=assignment)
    assert evaluation.status == "submitted"
    assert evaluation.comment == "A partnership others can learn from."
    stored = {s.criterion_id: (s.value, s.not_applicable) for s in evaluation.scores.all()}
    assert stored == {
        **{c.pk: (Decimal("7"), False) for c in criteria[:-1]},
        criteria[-1].pk: (None, True),
    }


def focus(page: Page, label: str) -> None:
    """Tab to the control labelled `label` (its id read from the page, as a screen reader
    announces the label; nothing is clicked)."""
    tab_to(page, f"[id='{page.get_by_label(label).first.get_attribute('id')}']")


def test_an_applicant_fills_in_and_submits_an_entry_with_the_keyboard_alone(page, live_server):
    from tests.factories import EditionFactory, MembershipFactory, QuestionFactory

    edition = EditionFactory(title="PLATFORMAwards 2031")
    QuestionFactory(edition=edition, title="Results and local impact", word_limit=80)
    membership = MembershipFactory(user__email="elena@bologna.example")
    entry = EntryFactory(edition=edition, organisation=membership.organisation)

    sign_in(page, live_server, "elena@bologna.example")
    page.goto(f"{live_server.url}/entries/{entry.pk}/edit/basics/")

    focus(page, "Title")
    page.keyboard.type("Bologna and Kumasi: markets that feed the city")
    focus(page, "Summary")
    page.keyboard.type("Two cities rebuilt their food markets together.")
    focus(page, "Language of the entry")
    page.keyboard.type("English")
    focus(page, "11. Sustainable cities and communities")
    page.keyboard.press("Space")
    tab_to(page, "button[type=submit]", "Save and continue")
    follow(page)

    tab_to(page, "#id_partners-0-name")
    page.keyboard.type("Kumasi Metropolitan Assembly")
    tab_to(page, "#id_partners-0-country")
    page.keyboard.type("Ghana")
    tab_to(page, "#id_partners-0-contact_name")
    page.keyboard.type("Kofi Mensah")
    tab_to(page, "#id_partners-0-contact_email")
    page.keyboard.type("kofi@kumasi.example")
    tab_to(page, "button[type=submit]", "Save and continue")
    follow(page)

    tab_to(page, "#id_projects-0-title")
    page.keyboard.type("Markets of Kumasi")
    tab_to(page, "#id_projects-0-start_year")
    page.keyboard.type("2020")
    tab_to(page, "button[type=submit]", "Save and continue")
    follow(page)

    focus(page, "Results and local impact")
    page.keyboard.type("Eight markets rebuilt; 3,000 traders.")
    tab_to(page, "button[type=submit]", "Save and continue")
    follow(page)

    tab_to(page, "a", "Continue to the review")
    follow(page)
    expect(page.get_by_text("The entry is complete and can be submitted.")).to_be_visible()
    tab_to(page, "button", "Submit the entry")
    follow(page)
    expect(page.get_by_text("Your entry is submitted.")).to_be_visible()

    entry.refresh_from_db()
    assert entry.state == "submitted"
    assert (entry.title, entry.language) == ("Bologna and Kumasi: markets that feed the city", "en")
    assert entry.answers.get().text == "Eight markets rebuilt; 3,000 traders."
    assert list(entry.sdgs.values_list("number", flat=True)) == [11]
    partner = entry.partners.get()
    assert (partner.name, partner.country.code) == ("Kumasi Metropolitan Assembly", "GH")
