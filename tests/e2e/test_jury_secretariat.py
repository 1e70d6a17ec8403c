import pytest
from playwright.sync_api import expect

from awards.models import Edition
from jury.board import board
from jury.models import Assignment, ConflictOfInterest, Evaluation, Reopening
from notifications.models import Notification

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def jury_edition():
    return Edition.objects.get(phase="jury_review")


def test_secretariat_overrides_a_cell_reminds_and_reopens_then_the_juror_sees_why(
    page, sign_in, live_server, demo
):
    edition = jury_edition()
    sign_in(demo["secretariat"], demo["password"])

    # The matrix: an empty cell is assigned by hand.
    page.goto(f"{live_server.url}/editions/{edition.slug}/jury/assignments/")
    row = next(row for row in board(edition).entries if row.editable and row.assigned < 3)
    empty = next(cell for cell in row.cells if cell.status == "")
    name = empty.member.user.full_name
    page.get_by_role("button", name=f"Assign {name}, {row.entry.reference}").click()
    expect(page.locator(".alert").first).to_contain_text(f"{name} now scores {row.entry.reference}")
    assert Assignment.objects.filter(member__edition=edition, is_manual=True).count() == 1

    # The progress board: remind a juror who has evaluations left.
    page.get_by_role("link", name="Progress").click()
    page.get_by_role("button", name="Remind Jonas Juror").click()
    expect(page.locator(".alert").first).to_contain_text("A reminder is on its way to Jonas Juror")
    assert Notification.objects.filter(kind="reminder.juror").count() == 1

    # Reopen Jonas's submitted evaluation, with a reason.
    submitted = Evaluation.objects.get(
        assignment__member__edition=edition,
        assignment__member__user__email="juror1@demo.platformawards.eu",
        status="submitted",
    )
    reference = submitted.assignment.entry.reference
    row = page.get_by_role("row").filter(has_text=reference)
    row.get_by_role("listitem").filter(has_text="Jonas Juror").get_by_role("link").click()
    expect(page.get_by_role("heading", level=2)).to_contain_text("Jonas Juror")
    page.get_by_label("Reason").fill("Please comment on local democracy.")
    page.get_by_role("button", name="Reopen").click()
    expect(page.locator(".alert").first).to_contain_text("open again")
    reopening = Reopening.objects.get(evaluation=submitted)
    assert reopening.reason == "Please comment on local democracy."

    # The juror finds the evaluation open again, with the reason, and declares a conflict with
    # another entry.
    sign_in("juror1@demo.platformawards.eu", demo["password"])
    page.goto(f"{live_server.url}/jury/assignments/{submitted.assignment_id}/")
    expect(page.get_by_text("Please comment on local democracy.")).to_be_visible()
    other = (
        Assignment.objects.filter(member=submitted.assignment.member)
        .exclude(pk=submitted.assignment_id)
        .select_related("entry")
        .first()
    )
    page.goto(f"{live_server.url}/jury/assignments/{other.pk}/")
    page.get_by_role("link", name="Declare a conflict of interest with this entry").click()
    page.get_by_label("Why you have a conflict of interest with this entry").fill(
        "My sister works for the partner city."
    )
    page.get_by_role("button", name="Declare the conflict").click()
    expect(page.locator(".alert").first).to_contain_text("no longer on your list")
    expect(page.get_by_role("main")).not_to_contain_text(other.entry.title)
    assert ConflictOfInterest.objects.get(
        member=other.member, entry=other.entry, kind="declared"
    ).note == ("My sister works for the partner city.")
    response = page.goto(f"{live_server.url}/jury/assignments/{other.pk}/")
    assert response.status == 404


@pytest.mark.parametrize(
    "path",
    [
        "/editions/{slug}/jury/",
        "/editions/{slug}/jury/rubric/",
        "/editions/{slug}/jury/conflicts/",
        "/editions/{slug}/jury/assignments/",
        "/editions/{slug}/jury/progress/",
        "/editions/{slug}/jury/evaluations/{evaluation}/",
        "/editions/{slug}/jury/assignments/{assignment}/more-time/",
    ],
)
def test_secretariat_jury_page_has_no_accessibility_violations(
    page, sign_in, live_server, demo, path
):
    from axe_playwright_python.sync_playwright import Axe

    edition = jury_edition()
    evaluation = Evaluation.objects.filter(
        assignment__member__edition=edition, status="submitted"
    ).first()
    sign_in(demo["secretariat"], demo["password"])

    page.goto(
        live_server.url
        + path.format(
            slug=edition.slug, evaluation=evaluation.pk, assignment=evaluation.assignment_id
        )
    )
    results = Axe().run(page)

    assert results.violations_count == 0, results.generate_report()


def test_declare_conflict_page_has_no_accessibility_violations(page, sign_in, live_server, demo):
    from axe_playwright_python.sync_playwright import Axe

    assignment = Assignment.objects.filter(
        member__edition=jury_edition(), member__user__email="juror2@demo.platformawards.eu"
    ).first()
    sign_in("juror2@demo.platformawards.eu", demo["password"])

    page.goto(f"{live_server.url}/jury/assignments/{assignment.pk}/conflict/")
    results = Axe().run(page)

    assert results.violations_count == 0, results.generate_report()


def test_invitation_page_has_no_accessibility_violations(page, live_server, demo):
    from axe_playwright_python.sync_playwright import Axe

    from accounts.models import User
    from jury.services import invitation_token, invite_juror

    member = invite_juror(
        edition=jury_edition(),
        by=User.objects.get(email=demo["secretariat"]),
        email="new.juror@example.org",
        full_name="Nina Newcomer",
        country="AT",
        organisation="City of Vienna",
    )

    page.goto(f"{live_server.url}/jury/invitations/{invitation_token(member)}/")
    expect(page.get_by_label("Your organisation")).to_have_value("City of Vienna")
    results = Axe().run(page)

    assert results.violations_count == 0, results.generate_report()
