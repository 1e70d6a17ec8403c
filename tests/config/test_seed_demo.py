import datetime
import io
import zoneinfo
from decimal import Decimal

import pytest
import time_machine
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.core.validators import validate_email
from django.db.models import Q

from accounts.models import SECRETARIAT_GROUP, User
from accounts.services import update_profile
from awards.models import (
    Edition,
    Entry,
    Organisation,
    OrganisationInvitation,
    OrganisationMembership,
    Partner,
)
from awards.services.organisations import (
    create_organisation,
    decide_membership,
    invite_colleague,
    request_membership,
    update_organisation,
)
from awards.services.transitions import transition_entry
from jury.models import Assignment, Evaluation, JuryMember
from jury.scoring import save_scores, submit_evaluation
from notifications.models import Notification

pytestmark = pytest.mark.django_db

BRUSSELS = zoneinfo.ZoneInfo("Europe/Brussels")
DEMO_DOMAIN = "@demo.platformawards.eu"


def run_seed(*args):
    out = io.StringIO()
    call_command("seed_demo", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def seed(django_capture_on_commit_callbacks):
    """seed_demo as `make demo` runs it: what it leaves for after the commit (mails, asking
    partners) happens too."""

    def run(*args):
        with django_capture_on_commit_callbacks(execute=True):
            return run_seed(*args)

    return run


def login_lines(output):
    return [line for line in output.splitlines() if line.startswith("  ")]


def test_seed_demo_prints_a_working_login_for_every_role():
    output = run_seed("--password", "s3cret-demo-pass")

    roles = {line.split()[0] for line in login_lines(output)}
    assert roles == {"secretariat", "jury", "juror", "applicant"}
    for line in login_lines(output):
        words = line.split()
        email, password = next(word for word in words if "@" in word), words[-1]
        assert User.objects.get(email=email).check_password(password)


def test_seed_demo_logins_say_each_account_language():
    output = run_seed("--password", "s3cret-demo-pass")

    assert output.splitlines()[-7:] == [
        "Logins (role, email, interface language, password):",
        "  secretariat  secretariat@demo.platformawards.eu   English   s3cret-demo-pass",
        "  jury chair   chair@demo.platformawards.eu         English   s3cret-demo-pass",
        "  juror        juror1@demo.platformawards.eu        English   s3cret-demo-pass",
        "  juror        juror2@demo.platformawards.eu        English   s3cret-demo-pass",
        "  applicant    lyon@demo.platformawards.eu          French    s3cret-demo-pass",
        "  applicant    andalucia@demo.platformawards.eu     Spanish   s3cret-demo-pass",
    ]
    assert User.objects.get(email="lyon@demo.platformawards.eu").preferred_language == "fr"


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
    # previous edition where the jury is at work; five more, and the jury, in the decided one,
    # whose sixth entry is the demo's own City of Lyon's.
    assert counts == [16, 3, 12, 12, 9]


def test_seed_demo_accounts_and_organisations_are_valid_as_the_site_checks_them():
    run_seed()

    emails = sorted(User.objects.values_list("email", flat=True))
    for email in emails:
        validate_email(email)
    # Gdańsk's applicant is written without the accent, as an address may be.
    assert "gdansk@demo.platformawards.eu" in emails
    for instance in [*User.objects.all(), *Organisation.objects.all()]:
        instance.full_clean()


def test_seed_demo_secretariat_has_the_role():
    run_seed()

    user = User.objects.get(email="secretariat@demo.platformawards.eu")
    assert user.has_perm("accounts.view_secretariat_dashboard")
    assert JuryMember.objects.filter(is_chair=True).count() == 3  # one per edition


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


def test_seed_demo_shows_a_decided_edition_with_a_special_prize():
    from jury import standings
    from jury.models import Prize
    from jury.services import settings_for

    output = run_seed()

    edition = Edition.objects.get(phase="published")
    assert f"Decided, results published: {edition.title}" in output
    assert edition.results_locked_at is not None
    prizes = {p.kind: p for p in Prize.objects.filter(edition=edition, confirmed_at__isnull=False)}
    assert set(prizes) == {"first", "second", "third", "special", "finalist"}
    assert prizes["special"].name == "Youth engagement prize"
    assert sorted(edition.entries.values_list("state", flat=True)) == [
        "awarded",
        "awarded",
        "awarded",
        "awarded",
        "finalist",
        "not_shortlisted",
    ]
    result = standings.standings(edition, settings=settings_for(edition))
    # Every juror scored every entry, so both agreement figures are defined.
    assert result.figures.kendall_w is not None
    assert result.figures.krippendorff_alpha is not None
    first = next(f for f in result.figures.entries if f.entry == prizes["first"].entry_id)
    assert first.ranks["mean"] == 1


def test_seed_demo_asks_andalusias_partners_so_a_partner_link_is_mailed(seed, settings):
    settings.SITE_URL = "http://127.0.0.1:8100"

    seed()

    draft = Entry.objects.get(organisation__name="Region of Andalusia")
    assert draft.state == "draft"
    assert sorted(draft.partners.values_list("status", flat=True)) == [
        Partner.Status.PENDING,
        Partner.Status.PENDING,
    ]
    # In the entry's language, as the partners of an entry in Spanish are written to.
    sent = Notification.objects.filter(
        kind="entry.partner_confirmation",
        recipient_email__in=draft.partners.values_list("contact_email", flat=True),
    ).order_by("pk")
    assert list(sent.values_list("recipient_email", "language", "status")) == [
        ("cooperation@tetouan.example", "es", "sent"),
        ("salma@chefchaouen.example", "es", "sent"),
    ]


# Moments at which a demo whose dates depended on the hour failed: a second before the hour
# (the previous edition's deadline fell an hour after the hour rounded down), before midnight,
# the last second before daylight saving time starts and ends in Brussels, and a 29 February.
AWKWARD_MOMENTS = {
    "before the hour": datetime.datetime(2026, 6, 15, 10, 59, 59, tzinfo=BRUSSELS),
    "before midnight": datetime.datetime(2026, 6, 15, 23, 59, 59, tzinfo=BRUSSELS),
    "before summer time": datetime.datetime(2026, 3, 29, 1, 59, 59, tzinfo=BRUSSELS),
    "before winter time": datetime.datetime(2026, 10, 25, 2, 59, 59, fold=0, tzinfo=BRUSSELS),
    "29 February": datetime.datetime(2028, 2, 29, 23, 59, 59, tzinfo=BRUSSELS),
}


@pytest.mark.parametrize("moment", AWKWARD_MOMENTS.values(), ids=AWKWARD_MOMENTS.keys())
def test_seed_demo_succeeds_whatever_the_moment(moment):
    # The clock keeps running from the moment: the seed crosses the hour, the day, the change.
    with time_machine.travel(moment, tick=True):
        output = run_seed()

    year = moment.year
    assert f"Demo edition: PLATFORMAwards {year}" in output
    assert f"Jury at work: PLATFORMAwards {year - 2}" in output
    assert f"Decided, results published: PLATFORMAwards {year - 4}" in output
    current = Edition.objects.get(year=year)
    assert current.phase == "call_open"
    assert list(current.entries.order_by("number").values_list("state", flat=True)) == [
        "submitted",
        "draft",
        "draft",
    ]
    previous = Edition.objects.get(year=year - 2)
    assert previous.entries.filter(state="in_review").count() == 5


@time_machine.travel(datetime.datetime(2026, 6, 15, 10, 0, tzinfo=BRUSSELS), tick=False)
def test_seed_demo_dates_are_whole_days_from_today_at_noon():
    run_seed()

    current, previous = Edition.objects.get(year=2026), Edition.objects.get(year=2024)
    noon = datetime.time(12, 0)
    for edition in (current, previous):
        for name in Edition.TIMELINE:
            local = getattr(edition, name).astimezone(BRUSSELS)
            assert local.time() == noon, name
    assert current.submission_deadline.astimezone(BRUSSELS) == datetime.datetime(
        2026, 7, 15, 12, 0, tzinfo=BRUSSELS
    )
    # The previous edition's call closed two months ago; its jury scores until in 20 days.
    assert previous.submission_deadline.astimezone(BRUSSELS) == datetime.datetime(
        2026, 4, 16, 12, 0, tzinfo=BRUSSELS
    )
    assert previous.scoring_deadline.astimezone(BRUSSELS) == datetime.datetime(
        2026, 7, 5, 12, 0, tzinfo=BRUSSELS
    )


def people_state():
    """The demo's people as plain values: who they are, their roles and organisations."""
    return [
        (
            user.email,
            user.full_name,
            user.preferred_language,
            (user.is_active, user.is_staff, user.is_superuser, user.email_verified),
            sorted(group.name for group in user.groups.all()),
            sorted(
                (m.organisation.name, m.is_approved) for m in user.organisation_memberships.all()
            ),
        )
        for user in User.objects.filter(email__endswith=DEMO_DOMAIN).order_by("email")
    ]


def demo_state():
    """What the demo promises, as plain values: its people, organisations, editions, entries,
    partners, jury and evaluations, and its outbox."""
    return {
        "people": people_state(),
        # An organisation a visitor made while signed in as a demo person is the visitor's.
        "organisations": list(
            Organisation.objects.filter(memberships__user__email__endswith=DEMO_DOMAIN)
            .order_by("name")
            .values_list("name", "country", "kind", "website")
        ),
        "memberships": sorted(
            OrganisationMembership.objects.values_list("organisation__name", "user__email")
        ),
        "editions": list(
            Edition.objects.order_by("year").values_list(
                "year", "title", "slug", "phase", *Edition.TIMELINE
            )
        ),
        "entries": list(
            Entry.objects.order_by("edition__year", "number").values_list(
                "edition__year", "number", "organisation__name", "title", "state", "language"
            )
        ),
        "partners": sorted(
            Partner.objects.values_list("entry__edition__year", "entry__number", "name", "status")
        ),
        "jury": sorted(
            JuryMember.objects.values_list(
                "edition__year", "user__email", "is_chair", "country", "organisation"
            )
        ),
        "evaluations": sorted(
            Evaluation.objects.values_list(
                "assignment__member__user__email", "assignment__entry__number", "status"
            )
        ),
        # What was sent to visitors is theirs; what went to the demo's people and partners
        # is the demo's.
        "outbox": sorted(
            Notification.objects.filter(
                Q(recipient_email__endswith=DEMO_DOMAIN)
                | Q(recipient_email__in=Partner.objects.values("contact_email"))
            ).values_list("kind", "recipient_email", "status")
        ),
    }


def use_the_demo():
    """What visitors do to a demo: submit the draft, withdraw an entry, score, change their
    profile, password and organisation, take roles, join other organisations, get locked out."""
    from axes.models import AccessAttempt

    lyon = User.objects.get(email="lyon@demo.platformawards.eu")
    andalucia = User.objects.get(email="andalucia@demo.platformawards.eu")
    juror = User.objects.get(email="juror2@demo.platformawards.eu")
    ready = Entry.objects.get(organisation__name="Region of Andalusia")
    transition_entry(entry=ready, name="submit", by=andalucia)
    submitted = Entry.objects.get(state="submitted", organisation__name="City of Lyon")
    transition_entry(entry=submitted, name="withdraw", by=lyon, note="Trying the demo.")
    draft = Evaluation.objects.get(assignment__member__user=juror, status="draft")
    assignment = draft.assignment
    criteria = list(assignment.entry.edition.criteria.all())
    save_scores(
        assignment=assignment,
        by=juror,
        scores={c.pk: Decimal(9) for c in criteria},
        overall_comment="Done.",
    )
    submit_evaluation(assignment=assignment, by=juror)
    update_profile(user=lyon, full_name="Someone else", preferred_language="en")
    lyon.set_password("a-visitor-chose-this")
    lyon.save(update_fields=["password"])
    city = Organisation.objects.get(name="City of Lyon")
    visitor = User.objects.create_user(email="visitor@example.org", full_name="A Visitor")
    decide_membership(
        membership=request_membership(organisation=city, by=visitor), by=lyon, approve=True
    )
    invite_colleague(organisation=city, by=lyon, email="colleague@example.org")
    update_organisation(
        organisation=city, by=lyon, name="Ville de Lyon", website="https://lyon.example"
    )
    create_organisation(by=lyon, name="Visitors' town", kind="municipality", country="FR")
    juror.groups.add(Group.objects.get(name=SECRETARIAT_GROUP))
    juror.is_superuser = True
    juror.save(update_fields=["is_superuser"])
    JuryMember.objects.filter(user=juror).update(country="FR", is_chair=False)
    AccessAttempt.objects.create(
        username="chair@demo.platformawards.eu",
        ip_address="127.0.0.1",
        user_agent="test",
        failures_since_start=5,
    )


@time_machine.travel(datetime.datetime(2026, 6, 15, 10, 0, tzinfo=BRUSSELS), tick=True)
def test_seed_demo_again_restores_the_demo_after_it_was_used(seed):
    from axes.models import AccessAttempt

    seed("--password", "s3cret-demo-pass")
    before = demo_state()
    use_the_demo()
    assert demo_state() != before

    seed("--password", "s3cret-demo-pass")

    after = demo_state()
    for part in before:
        assert after[part] == before[part], part
    for email in ("lyon@demo.platformawards.eu", "juror2@demo.platformawards.eu"):
        assert User.objects.get(email=email).check_password("s3cret-demo-pass")
    assert AccessAttempt.objects.count() == 0
    # The visitor keeps the account, not the place in the demo's organisation.
    assert User.objects.filter(email="visitor@example.org").count() == 1
    assert OrganisationInvitation.objects.count() == 0
    # Nothing from before the second run is left over: the entries and the jury's work are
    # the demo's again, numbered as the first time.
    assert Entry.objects.filter(state="withdrawn").count() == 0
    # Two per entry where the jury is at work, every juror on every entry they are not in
    # conflict with in the decided edition.
    assert Assignment.objects.count() == 28
