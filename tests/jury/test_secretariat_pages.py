"""The secretariat's jury pages of an edition, and the juror's declaration of a conflict, through
the client: who may open them, what their forms do, and what they show."""

import datetime
import html
import re
from decimal import Decimal
from html.parser import HTMLParser
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from awards.models import Edition, Entry
from jury import scoring, services
from jury.models import (
    Assignment,
    ConflictOfInterest,
    Criterion,
    Evaluation,
    JuryMember,
    JurySettings,
    Reopening,
)
from notifications.models import Notification
from tests.factories import (
    EditionFactory,
    EntryFactory,
    JuryMemberFactory,
    MembershipFactory,
    SecretariatFactory,
    scoring_edition,
)

pytestmark = pytest.mark.django_db


# Helpers -------------------------------------------------------------------------------------


def in_review(edition, title="Markets for every district", **kwargs) -> Entry:
    entry = EntryFactory(edition=edition, title=title, **kwargs)
    Entry.objects.filter(pk=entry.pk).update(state="in_review")
    entry.refresh_from_db()
    return entry


def juror(edition, name, **kwargs):
    return JuryMemberFactory(edition=edition, user__full_name=name, **kwargs)


def draft(assignment, value="6"):
    criterion = assignment.member.edition.criteria.first()
    return scoring.save_scores(
        assignment=assignment,
        by=assignment.member.user,
        scores={criterion.pk: Decimal(value)},
        comments={},
    )


def submit(assignment, values=None, comment=""):
    criteria = list(assignment.member.edition.criteria.all())
    values = values or ["7"] * len(criteria)
    scoring.save_scores(
        assignment=assignment,
        by=assignment.member.user,
        scores={c.pk: Decimal(v) for c, v in zip(criteria, values, strict=True)},
        comments={},
        overall_comment=comment,
    )
    return scoring.submit_evaluation(assignment=assignment, by=assignment.member.user)


def page(response) -> str:
    assert response.status_code == 200, response.status_code
    return html.unescape(response.content.decode())


def text(content: str) -> str:
    """The page's words, without tags, on one line."""
    return " ".join(re.sub(r"<[^>]*>", " ", content).split())


def shown_messages(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


class _Forms(HTMLParser):
    """The fields a browser would send for each form of a page (buttons left out)."""

    def __init__(self):
        super().__init__()
        self.forms: list[dict[str, str]] = []
        self._textarea = self._select = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.forms.append({})
        elif not self.forms or not attrs.get("name"):
            return
        elif tag == "input" and attrs.get("type") not in ("submit", "button"):
            if attrs.get("type") in ("checkbox", "radio") and "checked" not in attrs:
                return
            self.forms[-1][attrs["name"]] = attrs.get("value") or ""
        elif tag == "textarea":
            self._textarea = attrs["name"]
            self.forms[-1][self._textarea] = ""
        elif tag == "select":
            self._select = attrs["name"]
            self.forms[-1].setdefault(self._select, "")

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)

    def handle_data(self, data):
        if self._textarea:
            self.forms[-1][self._textarea] += data

    def handle_endtag(self, tag):
        if tag == "textarea":
            self._textarea = None
        elif tag == "select":
            self._select = None


def form_with(content: str, field: str) -> dict[str, str]:
    parser = _Forms()
    parser.feed(content)
    [form] = [form for form in parser.forms if field in form]
    return form


class _Rows(HTMLParser):
    """The text of each table row, cell by cell."""

    def __init__(self):
        super().__init__()
        self.rows: list[list[str]] = []
        self._cell: list[str] | None = None

    def handle_starttag(self, tag, attrs):
        if tag == "tr":
            self.rows.append([])
        elif tag in ("td", "th") and self.rows:
            self._cell = []

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self._cell is not None:
            self.rows[-1].append(" ".join(" ".join(self._cell).split()))
            self._cell = None


def row_of(content: str, start: str) -> list[str]:
    parser = _Rows()
    parser.feed(content)
    [row] = [row for row in parser.rows if row and row[0].startswith(start)]
    return row


# Fixtures ------------------------------------------------------------------------------------


@pytest.fixture
def edition():
    return scoring_edition()


@pytest.fixture
def secretariat():
    return SecretariatFactory(full_name="Sam Secretariat")


@pytest.fixture
def staff_client(client, secretariat):
    client.force_login(secretariat)
    return client


def urls(edition, **ids) -> dict[str, str]:
    slug = edition.slug
    return {
        "members": reverse("jury:members", args=[slug]),
        "rubric": reverse("jury:rubric", args=[slug]),
        "conflicts": reverse("jury:conflicts", args=[slug]),
        "assignments": reverse("jury:assignments", args=[slug]),
        "progress": reverse("jury:progress", args=[slug]),
        "evaluation": reverse("jury:evaluation", args=[slug, ids["evaluation"]]),
        "lift": reverse("jury:lift_conflict", args=[slug, ids["conflict"]]),
        "remind": reverse("jury:remind", args=[slug, ids["member"]]),
    }


POST_ONLY = ("lift", "remind")


@pytest.fixture
def every_page(edition):
    member = juror(edition, "Ada Juror")
    entry = in_review(edition)
    assignment = Assignment.objects.create(member=member, entry=entry)
    evaluation = submit(assignment)
    other = in_review(edition)
    conflict = ConflictOfInterest.objects.create(
        member=member, entry=other, kind="secretariat", note="Sits on its board"
    )
    return member, urls(edition, evaluation=evaluation.pk, conflict=conflict.pk, member=member.pk)


# Who may open the pages ----------------------------------------------------------------------


@pytest.mark.parametrize("who", ["applicant", "juror", "chair"])
def test_secretariat_pages_forbidden_to_applicants_and_jurors(client, edition, every_page, who):
    member, pages = every_page
    if who == "chair":
        member.is_chair = True
        member.save()
    user = MembershipFactory().user if who == "applicant" else member.user
    client.force_login(user)

    for name, url in pages.items():
        response = client.post(url, {"reason": "x"}) if name in POST_ONLY else client.get(url)
        assert response.status_code == 403, name
        if name not in POST_ONLY:
            assert client.post(url, {"reason": "x", "action": "tell"}).status_code == 403, name
    assert not Notification.objects.filter(kind__startswith="jury.assigned").exists()
    assert ConflictOfInterest.objects.get().lifted_at is None
    assert Evaluation.objects.get().status == "submitted"


def test_secretariat_pages_open_to_the_secretariat(staff_client, every_page):
    _member, pages = every_page

    for name, url in pages.items():
        if name not in POST_ONLY:
            assert staff_client.get(url).status_code == 200, name


def test_secretariat_pages_send_anonymous_visitors_to_sign_in(client, every_page):
    _member, pages = every_page
    sign_in = reverse("accounts:login")

    for name, url in pages.items():
        response = client.post(url) if name in POST_ONLY else client.get(url)
        assert response.status_code == 302, name
        assert response.url.startswith(f"{sign_in}?next="), name


def test_pages_of_an_unknown_edition_are_not_found(staff_client):
    for name in ("members", "rubric", "conflicts", "assignments", "progress"):
        assert staff_client.get(reverse(f"jury:{name}", args=["no-such"])).status_code == 404


def test_members_page_lists_the_jury_and_refuses_a_bad_invitation(staff_client, edition):
    juror(edition, "Ada Juror")
    JuryMemberFactory(edition=edition, user__full_name="Ben Invited", accepted_at=None)
    url = reverse("jury:members", args=[edition.slug])

    content = text(page(staff_client.get(url)))
    assert "Ada Juror" in content
    assert "Ben Invited" in content
    assert "not yet accepted" in content

    content = page(
        staff_client.post(url, {"email": "not-an-address", "full_name": "", "language": "en"})
    )
    assert "Enter a valid email address." in content
    assert "This field is required." in content
    assert 'value="not-an-address"' in content
    assert not Notification.objects.exists()


# Rubric --------------------------------------------------------------------------------------


@pytest.fixture
def open_edition():
    """Scoring opens in weeks: the rubric can still change."""
    edition = EditionFactory()
    services.add_default_criteria(edition=edition)
    return edition


def rubric_form(client, edition) -> dict[str, str]:
    return form_with(page(client.get(urls_rubric(edition))), "criteria-TOTAL_FORMS")


def urls_rubric(edition) -> str:
    return reverse("jury:rubric", args=[edition.slug])


def test_rubric_edits_a_criterion_and_adds_one(staff_client, open_edition):
    data = rubric_form(staff_client, open_edition)
    data |= {
        "criteria-0-name": "Strategy, renamed",
        "criteria-0-weight": "2.5",
        "criteria-5-name": "Gender equality",
        "criteria-5-position": "6",
        "criteria-5-weight": "0.5",
        "criteria-5-scale_min": "1",
        "criteria-5-scale_max": "5",
    }

    response = staff_client.post(urls_rubric(open_edition), data, follow=True)

    assert "The rubric is saved." in shown_messages(response)
    rubric = list(open_edition.criteria.values_list("name", "weight", "scale_min", "scale_max"))
    assert len(rubric) == 6
    assert rubric[0] == ("Strategy, renamed", 2.5, 0, 10)
    assert rubric[-1] == ("Gender equality", 0.5, 1, 5)
    assert "Gender equality" in page(response)


def test_rubric_untouched_form_saves_nothing_new(staff_client, open_edition):
    data = rubric_form(staff_client, open_edition)

    response = staff_client.post(urls_rubric(open_edition), data)

    assert response.status_code == 302
    assert open_edition.criteria.count() == 5


@pytest.mark.parametrize(
    ("changes", "typed", "error"),
    [
        ({"criteria-1-name": ""}, 'name="criteria-1-weight" value="1', "This field is required."),
        (
            {"criteria-1-scale_min": "8", "criteria-1-scale_max": "8"},
            'name="criteria-1-scale_min" value="8"',
            "The highest score must be above the lowest.",
        ),
        (
            {"criteria-1-scale_min": "9", "criteria-1-scale_max": "3"},
            'name="criteria-1-scale_max" value="3"',
            "The highest score must be above the lowest.",
        ),
        (
            {"criteria-1-weight": "heavy"},
            'name="criteria-1-weight" value="heavy"',
            "Enter a number.",
        ),
        (
            {"criteria-1-weight": "-1"},
            'name="criteria-1-weight" value="-1"',
            "greater than or equal to 0",
        ),
        (
            {"criteria-5-name": "", "criteria-5-weight": "3"},
            'name="criteria-5-weight" value="3"',
            "This field is required.",
        ),
    ],
)
def test_rubric_invalid_input_kept_with_an_error(staff_client, open_edition, changes, typed, error):
    before = list(open_edition.criteria.values_list("name", "weight", "scale_min", "scale_max"))
    data = rubric_form(staff_client, open_edition) | changes | {"criteria-0-name": "Kept words"}

    response = staff_client.post(urls_rubric(open_edition), data)

    content = page(response)
    assert error in content
    assert typed in content
    assert 'value="Kept words"' in content
    assert (
        list(open_edition.criteria.values_list("name", "weight", "scale_min", "scale_max"))
        == before
    )


def test_rubric_keeps_at_least_one_criterion(staff_client, open_edition):
    data = rubric_form(staff_client, open_edition)
    data |= {f"criteria-{i}-DELETE": "on" for i in range(5)}

    content = page(staff_client.post(urls_rubric(open_edition), data))

    assert "Keep at least one criterion in the rubric." in content
    assert open_edition.criteria.count() == 5


def test_rubric_deletes_a_criterion(staff_client, open_edition):
    data = rubric_form(staff_client, open_edition) | {"criteria-4-DELETE": "on"}

    response = staff_client.post(urls_rubric(open_edition), data)

    assert response.status_code == 302
    assert open_edition.criteria.count() == 4


def test_rubric_never_changes_a_criterion_of_another_edition(staff_client, open_edition):
    other = EditionFactory()
    [foreign] = services.add_default_criteria(edition=other)[:1]
    data = rubric_form(staff_client, open_edition) | {
        "criteria-0-id": str(foreign.pk),
        "criteria-0-name": "Hijacked",
    }

    response = staff_client.post(urls_rubric(open_edition), data)

    # The formset finds no such criterion in this edition's rubric, so that form is left out.
    assert response.status_code == 302
    foreign.refresh_from_db()
    assert (foreign.name, foreign.edition) == ("Strategic approach and objectives", other)
    assert not Criterion.objects.filter(name="Hijacked").exists()
    assert open_edition.criteria.count() == 5


@pytest.mark.parametrize(
    "data",
    [
        {},
        {"criteria-TOTAL_FORMS": "x", "criteria-INITIAL_FORMS": "0"},
        {"criteria-TOTAL_FORMS": "5000", "criteria-INITIAL_FORMS": "0"},
    ],
)
def test_rubric_tampered_management_form_refused_cleanly(staff_client, open_edition, data):
    response = staff_client.post(urls_rubric(open_edition), data)

    assert response.status_code == 200
    assert 'class="alert alert-danger"' in response.content.decode()
    assert open_edition.criteria.count() == 5


def test_rubric_locked_once_scoring_opens(staff_client, edition):
    before = list(Criterion.objects.values_list("pk", "name", "weight"))
    url = urls_rubric(edition)

    content = page(staff_client.get(url))
    assert "so the rubric can no longer change" in content
    assert "criteria-TOTAL_FORMS" not in content
    assert "Strategic approach and objectives" in content

    criterion = edition.criteria.first()
    response = staff_client.post(
        url,
        {
            "criteria-TOTAL_FORMS": "1",
            "criteria-INITIAL_FORMS": "1",
            "criteria-0-id": criterion.pk,
            "criteria-0-name": "Changed after opening",
            "criteria-0-position": "1",
            "criteria-0-weight": "9",
            "criteria-0-scale_min": "0",
            "criteria-0-scale_max": "10",
            "criteria-0-DELETE": "on",
        },
        follow=True,
    )

    assert shown_messages(response) == [str(services.RUBRIC_LOCKED)]
    assert list(Criterion.objects.values_list("pk", "name", "weight")) == before


def test_rubric_locked_table_shows_weights_as_typed(staff_client, edition):
    edition.criteria.filter(position=1).update(weight=10)
    edition.criteria.filter(position=2).update(weight="0.5")
    edition.criteria.filter(position=3).update(weight=0)

    content = page(staff_client.get(urls_rubric(edition)))

    assert row_of(content, "Strategic approach")[1] == "10"
    assert row_of(content, "Results and local impact")[1] == "0.5"
    assert row_of(content, "Local democracy")[1] == "0"


# Conflicts of interest -----------------------------------------------------------------------


def conflicts_url(edition) -> str:
    return reverse("jury:conflicts", args=[edition.slug])


def test_conflict_recorded_with_its_reason(staff_client, edition):
    member = juror(edition, "Ada Juror")
    entry = in_review(edition, title="Harbour cleanup")

    response = staff_client.post(
        conflicts_url(edition),
        {"member": member.pk, "entry": entry.pk, "reason": "Her brother runs the harbour"},
        follow=True,
    )

    assert "The conflict of interest is recorded." in shown_messages(response)
    row = row_of(page(response), entry.reference)
    assert "Ada Juror" in row[1]
    assert "Her brother runs the harbour" in row[2]
    assert "Sam Secretariat" in row[3]
    conflict = ConflictOfInterest.objects.get()
    assert (conflict.kind, conflict.lifted_at) == ("secretariat", None)


def test_conflict_without_reason_refused(staff_client, edition):
    member = juror(edition, "Ada Juror")
    entry = in_review(edition)

    for reason in ("", "   "):
        response = staff_client.post(
            conflicts_url(edition), {"member": member.pk, "entry": entry.pk, "reason": reason}
        )
        assert "This field is required." in page(response)
    assert not ConflictOfInterest.objects.exists()


def test_conflict_with_juror_or_entry_of_another_edition_refused(staff_client, edition):
    member = juror(edition, "Ada Juror")
    entry = in_review(edition)
    foreign_member = JuryMemberFactory()
    foreign_entry = in_review(foreign_member.edition)

    for data in (
        {"member": foreign_member.pk, "entry": entry.pk},
        {"member": member.pk, "entry": foreign_entry.pk},
        {"member": "junk", "entry": entry.pk},
    ):
        response = staff_client.post(conflicts_url(edition), {**data, "reason": "Because"})
        assert "Select a valid choice" in page(response)
    assert not ConflictOfInterest.objects.exists()


def test_conflict_recorded_twice_refused_on_the_form(staff_client, edition):
    member = juror(edition, "Ada Juror")
    entry = in_review(edition)
    data = {"member": member.pk, "entry": entry.pk, "reason": "Because"}
    staff_client.post(conflicts_url(edition), data)

    content = page(staff_client.post(conflicts_url(edition), data))

    assert "already has a conflict of interest" in content
    assert ConflictOfInterest.objects.count() == 1


def lift_url(edition, conflict) -> str:
    return reverse("jury:lift_conflict", args=[edition.slug, conflict.pk])


@pytest.fixture
def conflict(edition):
    return ConflictOfInterest.objects.create(
        member=juror(edition, "Ada Juror"),
        entry=in_review(edition, title="Harbour cleanup"),
        kind="declared",
        note="I advised them",
    )


def test_conflict_lifted_with_its_reason(staff_client, edition, conflict):
    response = staff_client.post(
        lift_url(edition, conflict), {"reason": "The advice ended in 2019"}, follow=True
    )

    assert "The conflict of interest is lifted." in shown_messages(response)
    row = row_of(page(response), conflict.entry.reference)
    assert "Sam Secretariat" in row[4]
    assert "The advice ended in 2019" in row[4]
    conflict.refresh_from_db()
    assert conflict.lifted_at is not None
    assert conflict.lift_reason == "The advice ended in 2019"


def test_conflict_lift_without_reason_refused(staff_client, edition, conflict):
    for data in ({}, {"reason": ""}, {"reason": "  "}):
        response = staff_client.post(lift_url(edition, conflict), data, follow=True)
        assert shown_messages(response) == [
            "Say why the conflict of interest is lifted: a reason is required."
        ]
    conflict.refresh_from_db()
    assert conflict.lifted_at is None


def test_conflict_lifted_twice_refused(staff_client, edition, conflict):
    staff_client.post(lift_url(edition, conflict), {"reason": "Over"})

    response = staff_client.post(lift_url(edition, conflict), {"reason": "Again"}, follow=True)

    assert "This conflict of interest was lifted already." in shown_messages(response)
    conflict.refresh_from_db()
    assert conflict.lift_reason == "Over"


def test_conflicts_listed_active_first_then_lifted(staff_client, edition, conflict):
    lifted = ConflictOfInterest.objects.create(
        member=conflict.member,
        entry=in_review(edition, title="Old ties"),
        kind="secretariat",
        note="Former employer",
        lifted_at=timezone.now(),
        lift_reason="Ten years ago",
    )
    newer = ConflictOfInterest.objects.create(
        member=juror(edition, "Ben Juror"),
        entry=in_review(edition, title="Newer entry"),
        kind="secretariat",
        note="Friend",
    )

    content = page(staff_client.get(conflicts_url(edition)))

    order = [content.index(c.entry.reference) for c in (conflict, newer, lifted)]
    assert order == sorted(order)


def test_conflict_of_another_edition_not_found_through_this_one(staff_client, edition, conflict):
    other = scoring_edition()

    response = staff_client.post(lift_url(other, conflict), {"reason": "Sneaky"})

    assert response.status_code == 404
    assert (
        staff_client.post(
            reverse("jury:lift_conflict", args=[edition.slug, 999999]), {"reason": "x"}
        ).status_code
        == 404
    )
    conflict.refresh_from_db()
    assert conflict.lifted_at is None


# Assignments ---------------------------------------------------------------------------------


def assignments_url(edition) -> str:
    return reverse("jury:assignments", args=[edition.slug])


def settings_data(**changes):
    return {
        "action": "settings",
        "jurors_per_entry": "2",
        "conflict_same_country": "on",
        "conflict_same_organisation": "on",
        **changes,
    }


def test_settings_saved(staff_client, edition):
    response = staff_client.post(
        assignments_url(edition),
        settings_data(jurors_per_entry="3", hide_scores_until_closed="on"),
        follow=True,
    )

    assert shown_messages(response) == [
        "The jury settings are saved. Conflicts of interest lifted by a rule switched off: 0; "
        "recorded by a rule that is on: 0."
    ]
    settings = JurySettings.objects.get(edition=edition)
    assert settings.jurors_per_entry == 3
    assert settings.hide_scores_until_closed
    assert settings.conflict_same_country


@pytest.mark.parametrize(
    ("value", "error"),
    [
        ("0", "Ensure this value is greater than or equal to 1."),
        ("-2", "Ensure this value is greater than or equal to"),
        ("two", "Enter a whole number."),
    ],
)
def test_settings_bad_input_shows_an_error(staff_client, edition, value, error):
    services.settings_for(edition)

    response = staff_client.post(assignments_url(edition), settings_data(jurors_per_entry=value))

    content = page(response)
    assert error in content
    assert f'value="{value}"' in content
    assert JurySettings.objects.get(edition=edition).jurors_per_entry is None


def test_automatic_assignment_with_a_seed(staff_client, edition):
    members = [juror(edition, name) for name in ("Ada", "Ben", "Cy")]
    entries = [in_review(edition) for _ in range(4)]
    JurySettings.objects.update_or_create(edition=edition, defaults={"jurors_per_entry": 2})

    response = staff_client.post(
        assignments_url(edition), {"action": "automatic", "seed": "42"}, follow=True
    )

    [message] = shown_messages(response)
    assert "draw number 42" in message
    assert "Every entry has the jurors asked for." in message
    for entry in entries:
        assert Assignment.objects.filter(entry=entry).count() == 2
    assert {a.member for a in Assignment.objects.all()} == set(members)
    assert "fewer jurors than asked for" not in page(response)


def test_automatic_assignment_reports_shortfalls_for_conflicts(staff_client, edition):
    ada, ben, _cy = (juror(edition, name) for name in ("Ada", "Ben", "Cy"))
    crowded = in_review(edition, title="Crowded entry")
    in_review(edition)
    for member in (ada, ben):
        ConflictOfInterest.objects.create(member=member, entry=crowded, kind="secretariat")
    JurySettings.objects.update_or_create(edition=edition, defaults={"jurors_per_entry": 2})

    response = staff_client.post(
        assignments_url(edition), {"action": "automatic", "seed": "7"}, follow=True
    )

    [message] = shown_messages(response)
    assert "1 entry has fewer jurors than asked for: see below." in message
    content = page(response)
    [shortfalls] = re.findall(r'<section[^>]*"short-heading".*?</section>', content, re.S)
    assert "1 entry has fewer jurors than asked for" in shortfalls
    assert (
        f"{crowded.reference} : 1 of 2 jurors: only 1 juror of the jury is free of conflict "
        "with it." in text(shortfalls)
    )
    assert Assignment.objects.filter(entry=crowded).count() == 1


def test_automatic_assignment_bad_seed_shows_an_error(staff_client, edition):
    juror(edition, "Ada")
    in_review(edition)

    for seed, error in [
        ("", "This field is required."),
        ("-1", "Ensure this value is greater than or equal to 0."),
        ("lucky", "Enter a whole number."),
    ]:
        response = staff_client.post(
            assignments_url(edition), {"action": "automatic", "seed": seed}
        )
        assert error in text(page(response))
    assert not Assignment.objects.exists()


def cell(move, member, entry) -> dict[str, str]:
    return {"cell": f"{move}:{member.pk}:{entry.pk}"}


def test_cell_assigns_and_unassigns(staff_client, edition):
    member = juror(edition, "Ada Juror")
    entry = in_review(edition)
    url = assignments_url(edition)

    response = staff_client.post(url, cell("assign", member, entry))
    assert response.url == f"{url}#entry-{entry.pk}"
    assert Assignment.objects.get().is_manual
    response = staff_client.get(url)
    assert f"Ada Juror now scores {entry.reference}." in shown_messages(response)
    assert f'value="unassign:{member.pk}:{entry.pk}"' in page(response)

    response = staff_client.post(url, cell("unassign", member, entry), follow=True)
    assert f"Ada Juror no longer scores {entry.reference}." in shown_messages(response)
    assert not Assignment.objects.exists()
    assert f'value="assign:{member.pk}:{entry.pk}"' in page(response)


def test_cell_of_a_conflicted_juror_refused(staff_client, edition):
    member = juror(edition, "Ada Juror")
    entry = in_review(edition)
    ConflictOfInterest.objects.create(member=member, entry=entry, kind="declared", note="Mine")

    response = staff_client.post(
        assignments_url(edition), cell("assign", member, entry), follow=True
    )

    assert f"Ada Juror has a conflict of interest with {entry.reference}." in shown_messages(
        response
    )
    assert not Assignment.objects.exists()


def test_cell_of_a_juror_who_started_scoring_stays(staff_client, edition):
    member = juror(edition, "Ada Juror")
    entry = in_review(edition)
    draft(Assignment.objects.create(member=member, entry=entry))

    response = staff_client.post(
        assignments_url(edition), cell("unassign", member, entry), follow=True
    )

    assert "has started scoring" in shown_messages(response)[0]
    assert Assignment.objects.count() == 1


@pytest.mark.parametrize(
    "value",
    [
        "assign:x:y",
        "assign:999999:1",
        "unassign:1:999999",
        "delete:1:2",
        "",
        ":",
        "assign",
        "assign::",
        "assign:1",
        "assign:-1:-2",
        "assign:²:³",
        "assign:१:२",
        "assign:99999999999999999999999:1",
        "assign:1:2:3",
        "assign:1.5:2",
    ],
)
def test_junk_cell_values_change_nothing(staff_client, edition, value):
    member = juror(edition, "Ada Juror")
    entry = in_review(edition)
    other = juror(scoring_edition(), "Foreign Juror")
    # The same junk around real ids: 1 stands for the juror, 2 for the entry.
    with_real_ids = value.translate({ord("1"): str(member.pk), ord("2"): str(entry.pk)})
    understood = value.partition(":")[0] in ("assign", "unassign")

    for cell_value in (value, with_real_ids):
        response = staff_client.post(assignments_url(edition), {"cell": cell_value}, follow=True)
        assert shown_messages(response) == [
            "That juror or entry is not in this edition."
            if understood
            else "Nothing was changed: the action was not understood."
        ], cell_value
    response = staff_client.post(
        assignments_url(edition), {"cell": f"assign:{other.pk}:{entry.pk}"}, follow=True
    )
    assert shown_messages(response) == ["That juror or entry is not in this edition."]
    assert not Assignment.objects.exists()


def test_unknown_action_changes_nothing(staff_client, edition):
    response = staff_client.post(assignments_url(edition), {"action": "explode"}, follow=True)

    assert "Nothing was changed: the action was not understood." in shown_messages(response)


def test_tell_queues_one_mail_per_juror_then_none(staff_client, edition):
    ada, ben, _cy = (juror(edition, name) for name in ("Ada", "Ben", "Cy"))
    entry = in_review(edition, title="Harbour cleanup")
    for member in (ada, ben):
        Assignment.objects.create(member=member, entry=entry)
    url = assignments_url(edition)

    response = staff_client.post(url, {"action": "tell"}, follow=True)

    assert "2 jurors are told of their entries." in shown_messages(response)
    mails = Notification.objects.filter(kind="jury.assigned")
    assert sorted(mails.values_list("recipient_email", flat=True)) == sorted(
        [ada.user.email, ben.user.email]
    )

    response = staff_client.post(url, {"action": "tell"}, follow=True)

    assert "Every juror already knows their current list: nothing was sent." in shown_messages(
        response
    )
    assert mails.count() == 2


# Progress board ------------------------------------------------------------------------------


def progress_url(edition) -> str:
    return reverse("jury:progress", args=[edition.slug])


@pytest.fixture
def jury_at_work(edition):
    """Ada: one submitted, one draft, one not started, one conflict; Ben: one submitted and one
    not started; Cy: nothing."""
    ada, ben, cy = (juror(edition, name) for name in ("Ada", "Ben", "Cy"))
    e1, e2, e3, e4 = (in_review(edition, title=f"Entry {n}") for n in range(1, 5))
    submit(Assignment.objects.create(member=ada, entry=e1))
    draft(Assignment.objects.create(member=ada, entry=e2))
    Assignment.objects.create(member=ada, entry=e3)
    ConflictOfInterest.objects.create(member=ada, entry=e4, kind="secretariat", note="Board")
    submit(Assignment.objects.create(member=ben, entry=e1))
    Assignment.objects.create(member=ben, entry=e2)
    return (ada, ben, cy), (e1, e2, e3, e4)


def test_progress_counts_per_juror_and_entry(staff_client, edition, jury_at_work):
    (ada, _ben, _cy), (e1, e2, e3, e4) = jury_at_work

    content = page(staff_client.get(progress_url(edition)))

    # Juror, submitted, in draft, not started, conflicts, last saved, actions.
    assert row_of(content, "Ada")[1:5] == ["1 of 3", "1", "1", "1"]
    assert row_of(content, "Ben")[1:5] == ["1 of 2", "0", "1", "0"]
    assert row_of(content, "Cy")[1:5] == ["0 of 0", "0", "0", "0"]
    assert "Remind Ada" in row_of(content, "Ada")[6]
    assert "Remind" not in row_of(content, "Cy")[6]
    assert "overdue" not in content

    # Entry, submitted of assigned, the jurors.
    rows = {e: row_of(content, e.reference) for e in (e1, e2, e3, e4)}
    assert rows[e1][1:] == ["2 of 2", "Ada: submitted Ben: submitted"]
    assert rows[e2][1:] == ["0 of 2", "Ada: in draft Ben: not started"]
    assert rows[e3][1:] == ["0 of 1", "Ada: not started"]
    assert rows[e4][1:] == ["0 of 0", "Ada: conflict of interest"]
    evaluation = Evaluation.objects.get(assignment__member=ada, assignment__entry=e1)
    assert reverse("jury:evaluation", args=[edition.slug, evaluation.pk]) in content


def test_progress_marks_unsubmitted_work_overdue_after_the_deadline(
    client, secretariat, edition, jury_at_work
):
    _jurors, (e1, e2, e3, _e4) = jury_at_work

    with time_machine.travel(edition.scoring_deadline + datetime.timedelta(hours=1), tick=False):
        client.force_login(secretariat)
        content = page(client.get(progress_url(edition)))

    assert "The scoring deadline has passed" in content
    assert "overdue" in row_of(content, "Ada")[0]
    assert "overdue" in row_of(content, "Ben")[0]
    assert "overdue" not in row_of(content, "Cy")[0]
    assert "overdue" not in row_of(content, e1.reference)[2]
    assert row_of(content, e2.reference)[2] == (
        f"Ada: in draft (overdue) Give more time Ada, {e2.reference} "
        f"Ben: not started (overdue) Give more time Ben, {e2.reference}"
    )
    assert row_of(content, e3.reference)[2] == (
        f"Ada: not started (overdue) Give more time Ada, {e3.reference}"
    )


def test_progress_just_before_the_deadline_is_not_overdue(
    client, secretariat, edition, jury_at_work
):
    with time_machine.travel(edition.scoring_deadline, tick=False):
        client.force_login(secretariat)
        content = page(client.get(progress_url(edition)))

    assert "overdue" not in content


def test_remind_queues_a_reminder_once_an_hour(staff_client, edition, jury_at_work):
    (ada, _ben, cy), _entries = jury_at_work
    remind = reverse("jury:remind", args=[edition.slug, ada.pk])

    response = staff_client.post(remind, follow=True)

    assert "A reminder is on its way to Ada." in shown_messages(response)
    [mail] = Notification.objects.filter(kind="reminder.juror")
    assert mail.recipient_email == ada.user.email
    assert (mail.context["left"], mail.context["total"]) == (2, 3)

    response = staff_client.post(remind, follow=True)
    assert "Nothing sent" in shown_messages(response)[0]
    staff_client.post(reverse("jury:remind", args=[edition.slug, cy.pk]))
    assert Notification.objects.filter(kind="reminder.juror").count() == 1


def test_remind_a_juror_of_another_edition_not_found(staff_client, edition):
    foreign = JuryMemberFactory()

    response = staff_client.post(reverse("jury:remind", args=[edition.slug, foreign.pk]))

    assert response.status_code == 404
    assert staff_client.get(reverse("jury:remind", args=[edition.slug, 1])).status_code == 405


def busy_jury(edition, size):
    """Four jurors on `size` entries: every kind of cell, whatever the size."""
    members = [juror(edition, name) for name in ("Ada", "Ben", "Cy", "Dee")]
    services.settings_for(edition)
    entries = [in_review(edition, title=f"Entry {n}") for n in range(size)]
    Assignment.objects.bulk_create(
        Assignment(member=member, entry=entry, is_manual=(i + j) % 2 == 0)
        for i, member in enumerate(members[:3])
        for j, entry in enumerate(entries)
    )
    assignments = list(Assignment.objects.order_by("pk"))
    Evaluation.objects.bulk_create(
        Evaluation(
            assignment=a,
            status="submitted" if i % 3 == 0 else "draft",
            submitted_at=timezone.now() if i % 3 == 0 else None,
        )
        for i, a in enumerate(assignments)
        if i % 3 != 2
    )
    ConflictOfInterest.objects.bulk_create(
        ConflictOfInterest(member=members[3], entry=entry, kind="secretariat")
        for entry in entries[::2]
    )


@pytest.mark.parametrize("size", [5, 60])
def test_progress_board_query_count_constant(
    staff_client, django_assert_num_queries, edition, size
):
    busy_jury(edition, size)

    # session, user, the user's groups (the secretariat check), the edition, then the board:
    # round one's deadline is the edition's, whether round two is open, settings, jurors,
    # entries, conflicts and assignments.
    with django_assert_num_queries(10):
        response = staff_client.get(progress_url(edition))

    assert row_of(page(response), "Dee")[4] == str(len(range(0, size, 2)))


@pytest.mark.parametrize("size", [5, 60])
def test_assignment_matrix_query_count_constant(
    staff_client, django_assert_num_queries, edition, size
):
    busy_jury(edition, size)

    # session, user, the user's groups (the secretariat check), the edition, the settings for
    # the form, then the board: settings, jurors, entries, conflicts and assignments.
    with django_assert_num_queries(10):
        response = staff_client.get(assignments_url(edition))

    assert f"{size} entries, 4 jurors" in page(response)


# Evaluation ----------------------------------------------------------------------------------


@pytest.fixture
def submitted(edition):
    member = juror(edition, "Ada Juror")
    entry = in_review(edition, title="Harbour cleanup")
    return submit(
        Assignment.objects.create(member=member, entry=entry),
        values=["0", "10", "7.5", "3", "4"],
        comment="A clear, strong case",
    )


def evaluation_url(edition, evaluation) -> str:
    return reverse("jury:evaluation", args=[edition.slug, evaluation.pk])


def test_evaluation_shows_the_scores(staff_client, edition, submitted):
    content = page(staff_client.get(evaluation_url(edition, submitted)))

    assert "Ada Juror\N{RIGHT SINGLE QUOTATION MARK}s evaluation of" in content
    assert "A clear, strong case" in content
    assert row_of(content, "Strategic approach")[1] == "0"
    assert row_of(content, "Results and local impact")[1] == "10"
    assert row_of(content, "Local democracy")[1] == "7.5"
    assert "weighted score 4.90 / 10" in content
    assert "Reopen this evaluation" in content


def test_reopen_with_a_reason(staff_client, edition, submitted):
    response = staff_client.post(
        evaluation_url(edition, submitted), {"reason": "Criterion 2 misread"}, follow=True
    )

    assert response.redirect_chain[-1][0] == progress_url(edition)
    assert "The evaluation is open again; Ada Juror is told by mail." in shown_messages(response)
    submitted.refresh_from_db()
    assert (submitted.status, submitted.submitted_at) == ("draft", None)
    [reopening] = Reopening.objects.all()
    assert (reopening.evaluation, reopening.reason) == (submitted, "Criterion 2 misread")
    [mail] = Notification.objects.filter(kind="jury.evaluation_reopened")
    assert mail.recipient_email == submitted.assignment.member.user.email
    content = page(staff_client.get(evaluation_url(edition, submitted)))
    assert "Criterion 2 misread" in content
    assert "Sam Secretariat" in content


def test_reopen_without_a_reason_refused(staff_client, edition, submitted):
    for reason in ("", "   "):
        content = page(staff_client.post(evaluation_url(edition, submitted), {"reason": reason}))
        assert "This field is required." in content
    submitted.refresh_from_db()
    assert submitted.status == "submitted"
    assert not Reopening.objects.exists()


def test_reopen_a_draft_cleanly_refused(staff_client, edition, submitted):
    staff_client.post(evaluation_url(edition, submitted), {"reason": "First time"})

    response = staff_client.post(evaluation_url(edition, submitted), {"reason": "Second time"})

    content = page(response)
    assert "This evaluation is not submitted, so there is nothing to reopen." in content
    assert Reopening.objects.count() == 1
    assert Notification.objects.filter(kind="jury.evaluation_reopened").count() == 1


def test_evaluation_of_another_edition_not_found(staff_client, submitted):
    other = scoring_edition()

    assert staff_client.get(evaluation_url(other, submitted)).status_code == 404


# The juror declares a conflict ---------------------------------------------------------------


@pytest.fixture
def assigned(edition):
    member = juror(edition, "Ada Juror")
    entry = in_review(edition, title="Harbour cleanup")
    return Assignment.objects.create(member=member, entry=entry)


def test_declare_conflict_page_shows_the_form(client, assigned):
    client.force_login(assigned.member.user)

    content = page(client.get(reverse("jury:declare_conflict", args=[assigned.pk])))

    assert "Declare a conflict of interest" in content
    assert 'name="note"' in content
    assert "Harbour cleanup" in content


def test_declare_conflict_with_a_note(client, assigned):
    client.force_login(assigned.member.user)
    home = reverse("jury:home")
    assert assigned.entry.reference in page(client.get(home))

    response = client.post(
        reverse("jury:declare_conflict", args=[assigned.pk]),
        {"note": "My sister leads it"},
        follow=True,
    )

    assert response.redirect_chain[-1][0] == home
    assert any("is no longer on your list" in m for m in shown_messages(response))
    assert assigned.entry.reference not in page(client.get(home))
    assert client.get(reverse("jury:score", args=[assigned.pk])).status_code == 404
    assert client.get(reverse("jury:declare_conflict", args=[assigned.pk])).status_code == 404
    conflict = ConflictOfInterest.objects.get()
    assert (conflict.kind, conflict.note) == ("declared", "My sister leads it")


def test_declare_conflict_without_a_note_keeps_the_page(client, assigned):
    client.force_login(assigned.member.user)

    for note in ("", "   "):
        content = page(
            client.post(reverse("jury:declare_conflict", args=[assigned.pk]), {"note": note})
        )
        assert "This field is required." in content
    assert not ConflictOfInterest.objects.exists()
    assert client.get(reverse("jury:score", args=[assigned.pk])).status_code == 200


@pytest.mark.parametrize("size", [5, 60])
def test_conflicts_page_query_count_constant(
    staff_client, django_assert_num_queries, edition, size
):
    busy_jury(edition, size)
    lifted = ConflictOfInterest.objects.filter(member__edition=edition).first()
    services.lift_conflict(conflict=lifted, by=SecretariatFactory(), reason="Not a real link")

    # session, user, groups, the edition, the conflicts with their jurors, entries and people,
    # and the form's two lists (jurors, entries).
    with django_assert_num_queries(7):
        response = staff_client.get(conflicts_url(edition))

    assert "Not a real link" in page(response)


def test_conflict_lifted_by_a_rule_switched_off_says_so_in_the_readers_language(
    staff_client, secretariat, edition
):
    french = juror(edition, "Fleur", country="FR")
    entry = in_review(edition, organisation__country="FR")
    services.record_automatic_conflicts(edition=edition)
    settings = services.settings_for(edition)
    settings.conflict_same_country = False
    assert services.save_settings(settings=settings, by=SecretariatFactory()) == (1, 0)

    english = text(page(staff_client.get(conflicts_url(edition))))
    secretariat.preferred_language = "fr"
    secretariat.save(update_fields=["preferred_language"])
    french_page = text(page(staff_client.get(conflicts_url(edition))))

    assert "The rule that recorded it was switched off." in english
    assert "La règle qui l’avait enregistré a été désactivée." in french_page  # noqa: RUF001
    assert ConflictOfInterest.objects.get(member=french, entry=entry).lift_reason == ""


def test_reopen_after_the_deadline_gives_a_time_read_in_the_editions_zone(
    staff_client, secretariat, edition, submitted
):
    # A zone other than the site's, so that reading the time in the wrong one shows.
    Edition.objects.filter(pk=edition.pk).update(timezone="America/Bogota")
    edition.refresh_from_db()
    zone = ZoneInfo(edition.timezone)
    after = edition.scoring_deadline + datetime.timedelta(days=1)
    until_local = (edition.scoring_deadline + datetime.timedelta(days=4)).astimezone(zone)
    typed = until_local.strftime("%Y-%m-%dT%H:%M")

    with time_machine.travel(after, tick=False):
        staff_client.force_login(secretariat)  # a session of weeks ago has expired
        without = staff_client.post(
            evaluation_url(edition, submitted), {"reason": "Criterion 2 misread"}
        )
        with_time = staff_client.post(
            evaluation_url(edition, submitted),
            {"reason": "Criterion 2 misread", "until": typed},
            follow=True,
        )

    assert "say until when the juror may change the evaluation" in page(without)
    assert "Criterion 2 misread</textarea>" in page(without)  # what was typed is kept
    assert with_time.redirect_chain[-1][0] == progress_url(edition)
    submitted.refresh_from_db()
    assert submitted.open_until == until_local.replace(second=0, microsecond=0)


def more_time_url(edition, assignment) -> str:
    return reverse("jury:more_time", args=[edition.slug, assignment.pk])


def test_more_time_for_a_late_juror_from_the_progress_board(staff_client, secretariat, edition):
    late = Assignment.objects.create(member=juror(edition, "Lou Late"), entry=in_review(edition))
    after = edition.scoring_deadline + datetime.timedelta(days=1)
    until = (edition.scoring_deadline + datetime.timedelta(days=3)).astimezone(
        ZoneInfo(edition.timezone)
    )

    with time_machine.travel(after, tick=False):
        staff_client.force_login(secretariat)
        board_page = page(staff_client.get(progress_url(edition)))
        missing = staff_client.post(more_time_url(edition, late), {"reason": "Was abroad"})
        given = staff_client.post(
            more_time_url(edition, late),
            {"reason": "Was abroad", "until": until.strftime("%Y-%m-%dT%H:%M")},
            follow=True,
        )
        after_page = page(staff_client.get(progress_url(edition)))

    assert more_time_url(edition, late) in board_page
    assert "Was abroad</textarea>" in page(missing)  # what was typed is kept
    assert "This field is required." in page(missing)
    assert "Lou Late has more time and is told by mail." in shown_messages(given)
    evaluation = Evaluation.objects.get(assignment=late)
    assert evaluation.open_until == until.replace(second=0, microsecond=0)
    assert "(overdue)" not in row_of(after_page, late.entry.reference)[2]


def test_more_time_is_the_secretariats_and_stays_in_its_edition(client, edition):
    late = Assignment.objects.create(member=juror(edition, "Lou Late"), entry=in_review(edition))
    client.force_login(late.member.user)
    forbidden = client.get(more_time_url(edition, late))
    client.force_login(SecretariatFactory())
    elsewhere = client.get(reverse("jury:more_time", args=[scoring_edition().slug, late.pk]))

    assert forbidden.status_code == 403
    assert elsewhere.status_code == 404


def test_the_matrix_shows_a_page_of_entries_and_counts_them_all(staff_client, edition):
    """60 entries: the first page holds 50 rows of cells, the second the other 10; each juror's
    counts and the caption are of all 60; an entry short of jurors links to its page."""
    busy_jury(edition, 60)
    JurySettings.objects.filter(edition=edition).update(jurors_per_entry=4)

    first = page(staff_client.get(assignments_url(edition)))
    second = page(staff_client.get(assignments_url(edition) + "?page=2"))

    entries = list(edition.entries.order_by("number"))
    assert "60 entries, 4 jurors" in first and "60 entries, 4 jurors" in second
    assert f'id="entry-{entries[49].pk}"' in first and f'id="entry-{entries[50].pk}"' not in first
    assert f'id="entry-{entries[50].pk}"' in second and f'id="entry-{entries[0].pk}"' not in second
    assert "60 entries have fewer jurors than asked for" in text(first)
    assert "The first 50 of 60 are listed." in text(first)
    assert f'href="?page=1#entry-{entries[0].pk}"' in first
    assert f'href="?page=2#entry-{entries[50].pk}"' not in first  # beyond the first 50 listed
    progress = page(staff_client.get(progress_url(edition) + "?page=2"))
    assert row_of(progress, "Dee")[4] == "30"  # its conflicts with all 60, from any page
    assert entries[55].reference in progress and entries[5].reference not in progress


def test_a_cell_set_on_a_later_page_comes_back_to_that_page(staff_client, edition):
    busy_jury(edition, 60)
    dee = JuryMember.objects.get(edition=edition, user__full_name="Dee")
    entry = edition.entries.order_by("number")[51]  # on page 2, not conflicted with Dee

    response = staff_client.post(
        assignments_url(edition) + "?page=2", {"cell": f"assign:{dee.pk}:{entry.pk}"}
    )

    assert response.status_code == 302
    assert response["Location"] == f"{assignments_url(edition)}?page=2#entry-{entry.pk}"
    assert Assignment.objects.filter(member=dee, entry=entry).exists()
