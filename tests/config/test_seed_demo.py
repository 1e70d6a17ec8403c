import io

import pytest
from django.core.management import call_command

from accounts.models import User
from awards.models import Edition, Organisation, OrganisationMembership
from jury.models import JuryMember

pytestmark = pytest.mark.django_db


def run_seed(*args):
    out = io.StringIO()
    call_command("seed_demo", *args, stdout=out)
    return out.getvalue()


def test_seed_demo_prints_a_working_login_for_every_role():
    output = run_seed("--password", "s3cret-demo-pass")

    roles = {line.split()[0] for line in output.splitlines() if line.startswith("  ")}
    assert {"secretariat", "jury", "juror", "applicant"} <= roles
    for line in output.splitlines():
        if line.startswith("  "):
            email, password = line.split()[-2:]
            assert User.objects.get(email=email).check_password(password)


def test_seed_demo_is_idempotent():
    run_seed()
    counts = [
        m.objects.count() for m in (User, Edition, Organisation, OrganisationMembership, JuryMember)
    ]

    run_seed()

    assert [
        m.objects.count() for m in (User, Edition, Organisation, OrganisationMembership, JuryMember)
    ] == counts
    # Five more applicants, organisations and memberships, and the jury again, in the
    # previous edition where the jury is at work.
    assert counts == [11, 2, 7, 7, 6]


def test_seed_demo_secretariat_has_the_role():
    run_seed()

    user = User.objects.get(email="secretariat@demo.platformawards.eu")
    assert user.has_perm("accounts.view_secretariat_dashboard")
    assert JuryMember.objects.filter(is_chair=True).count() == 2  # one per edition


def test_seed_demo_shows_the_jury_at_work_in_the_previous_edition():
    from jury import board

    output = run_seed()

    edition = Edition.objects.get(phase="jury_review")
    assert f"Jury at work: {edition.title}" in output
    jurors = board.board(edition).jurors
    assert len(jurors) == 3
    # Each juror has one evaluation submitted and one in draft, and a conflict of interest
    # (the demo's jurors come from countries of the entries).
    assert [(j.submitted, j.draft) for j in jurors] == [(1, 1)] * 3
    assert all(j.conflicted == 1 for j in jurors)
    assert edition.entries.filter(state="in_review").count() == 5
