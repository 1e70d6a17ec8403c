import datetime
import zoneinfo

import pytest
from django.contrib.messages import get_messages
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from awards.forms.editions import EditionForm
from awards.models import Answer, Edition, Entry, Question
from awards.services.editions import (
    DEFAULT_QUESTIONS,
    clone_edition,
    create_edition,
    update_edition,
)
from tests.factories import EditionFactory, OrganisationFactory, SecretariatFactory, UserFactory

pytestmark = pytest.mark.django_db

BRUSSELS = zoneinfo.ZoneInfo("Europe/Brussels")


def brussels(*args: int) -> datetime.datetime:
    return datetime.datetime(*args, tzinfo=BRUSSELS)


def utc(*args: int) -> datetime.datetime:
    return datetime.datetime(*args, tzinfo=datetime.UTC)


TYPED_TIMELINE = ["2027-03-01T09:00", "2027-10-31T23:59", "2027-11-15T17:00", "2027-11-20T09:00"]
TYPED_TIMELINE += ["2027-12-20T18:00", "2028-01-15T10:00", "2028-02-01T19:00"]


def form_data(**overrides: str) -> dict[str, object]:
    """What a person types in the edition form, field by field (dates as datetime-local)."""
    data: dict[str, object] = {
        "year": "2027",
        "title": "PLATFORMAwards 2027",
        "slug": "platformawards-2027",
        "timezone": "Europe/Brussels",
        **dict(zip(Edition.TIMELINE, TYPED_TIMELINE, strict=True)),
        "projects_since": "2024-01-01",
        "languages": ["en", "fr"],
        "rules_text": "Open to local governments of the EU.",
        "shortlist_size": "8",
        "summary_word_limit": "200",
        "max_partners": "30",
        "max_projects": "20",
        "max_attachments": "5",
        "max_attachment_mb": "10",
    }
    data.update(overrides)
    return data


def question_data(edition: Edition, extra: dict[str, str] | None = None) -> dict[str, object]:
    """The question formset as the page posts it: every existing question, plus `extra`."""
    questions = list(edition.questions.all())
    data: dict[str, object] = {
        "questions-TOTAL_FORMS": str(len(questions) + 1),
        "questions-INITIAL_FORMS": str(len(questions)),
    }
    names = ["title", "guidance", "word_limit", "position"]
    rows = [{"id": q.pk} | {name: getattr(q, name) for name in names} for q in questions]
    # The blank block for a new question arrives with the defaults it shows.
    rows.append({"title": "", "guidance": "", "word_limit": 500, "position": 0} | (extra or {}))
    for i, row in enumerate(rows):
        data |= {f"questions-{i}-{name}": str(value) for name, value in row.items()}
    return data


def make_entry(edition: Edition, number: int = 1, state: str = "draft") -> Entry:
    entry = Entry(edition=edition, organisation=OrganisationFactory(), number=number)
    entry.save()
    # The state field is protected: only the workflow moves it, so tests set it in the database.
    submitted_at = None if state == "draft" else timezone.now()
    Entry.objects.filter(pk=entry.pk).update(state=state, submitted_at=submitted_at)
    return entry


def timeline(year: int) -> list[datetime.datetime]:
    """The milestones of an edition of `year` in Brussels wall-clock time, the last three in
    the next year. 28 March and 27 March fall in winter time in 2026 and 2027 but in summer time
    in 2028 and 2029; 31 October falls in winter time in all of them."""
    moments = [(0, 3, 28, 9, 0), (0, 10, 31, 23, 59), (0, 11, 15, 17, 0), (0, 11, 20, 9, 0)]
    moments += [(1, 1, 15, 18, 0), (1, 2, 10, 10, 0), (1, 3, 27, 19, 0)]
    return [brussels(year + offset, *rest) for offset, *rest in moments]


def edition_2026(**overrides) -> Edition:
    """An edition whose milestones fall on both sides of daylight saving time changes."""
    fields = {
        "year": 2026,
        "title": "PLATFORMAwards 2026",
        "slug": "platformawards-2026",
        **dict(zip(Edition.TIMELINE, timeline(2026), strict=True)),
        "projects_since": datetime.date(2024, 2, 29),
    }
    # Read back, as the views do: the database returns the instants in UTC.
    return Edition.objects.get(pk=EditionFactory(**(fields | overrides)).pk)


def messages_of(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


# Services


def test_create_edition_adds_the_five_default_questions():
    built = EditionFactory.build(year=2027)
    fields = {name: getattr(built, name) for name in ["year", "title", "slug", *Edition.TIMELINE]}

    edition = create_edition(by=SecretariatFactory(), **fields)

    assert list(edition.questions.values_list("position", "title", "guidance")) == [
        (i, title, guidance) for i, (title, guidance) in enumerate(DEFAULT_QUESTIONS, start=1)
    ]


def test_update_edition_refuses_question_changes_after_a_submission():
    edition = EditionFactory()
    question = Question.objects.create(edition=edition, title="Old", position=1)
    make_entry(edition, state="submitted")
    question.title = "New"

    with pytest.raises(ValidationError) as error:
        update_edition(edition=edition, by=SecretariatFactory(), questions=[question])

    assert error.value.messages == [
        "The questions can no longer be changed: an entry has been submitted."
    ]
    assert Question.objects.get(pk=question.pk).title == "Old"


def test_clone_edition_keeps_wall_clock_time_across_daylight_saving_changes():
    source = edition_2026()

    clone = clone_edition(source=source, by=SecretariatFactory())

    assert [getattr(clone, name) for name in Edition.TIMELINE] == timeline(2028)
    # 28 March was winter time in 2026 and is summer time in 2028: the instant moves by an hour.
    assert source.call_opens == utc(2026, 3, 28, 8, 0)
    assert clone.call_opens == utc(2028, 3, 28, 7, 0)
    assert clone.submission_deadline == utc(2028, 10, 31, 22, 59)
    assert clone.projects_since == datetime.date(2026, 2, 28)  # from 29 February 2024


def test_clone_edition_given_year_moves_dates_by_that_many_years():
    source = edition_2026()

    clone = clone_edition(source=source, by=SecretariatFactory(), year=2029)

    assert (clone.year, clone.title) == (2029, "PLATFORMAwards 2029")
    assert [getattr(clone, name) for name in Edition.TIMELINE] == timeline(2029)
    assert clone.projects_since == datetime.date(2027, 2, 28)


@pytest.mark.parametrize(
    ("title", "taken_slug", "expected"),
    [
        ("PLATFORMAwards 2026", None, ("PLATFORMAwards 2028", "platformawards-2028")),
        ("Best practice awards", None, ("Best practice awards 2028", "best-practice-awards-2028")),
        (
            "PLATFORMAwards 2026",
            "platformawards-2028",
            ("PLATFORMAwards 2028", "platformawards-2028-2"),
        ),
    ],
    ids=["year-replaced", "year-appended", "slug-taken"],
)
def test_clone_edition_names_it_for_the_new_year(title, taken_slug, expected):
    if taken_slug:
        EditionFactory(year=2040, slug=taken_slug)
    source = edition_2026(title=title)

    clone = clone_edition(source=source, by=SecretariatFactory())

    assert (clone.year, clone.title, clone.slug) == (2028, *expected)


def test_clone_edition_copies_questions_and_settings():
    settings = {"timezone": "Europe/Lisbon", "rules_text": "EU only.", "shortlist_size": 12}
    settings |= {"languages": ["en", "pl"], "summary_word_limit": 150, "max_attachments": 3}
    settings |= {"max_attachment_mb": 20, "max_partners": 12, "max_projects": 4}
    source = edition_2026(**settings)
    Question.objects.create(edition=source, position=2, title="Impact", word_limit=300)
    Question.objects.create(edition=source, position=1, title="Strategy", guidance="Why?")

    clone = clone_edition(source=source, by=SecretariatFactory())

    assert {name: getattr(clone, name) for name in settings} == settings
    assert list(clone.questions.values_list("position", "title", "guidance", "word_limit")) == [
        (1, "Strategy", "Why?", 500),
        (2, "Impact", "", 300),
    ]
    assert source.questions.count() == 2


def test_clone_edition_refuses_a_year_that_exists():
    source = edition_2026()
    EditionFactory(year=2028)

    with pytest.raises(ValidationError) as error:
        clone_edition(source=source, by=SecretariatFactory())

    assert error.value.messages == ["An edition for 2028 exists already."]
    assert Edition.objects.count() == 2


# The form: dates typed as wall-clock times of the edition's zone


@pytest.mark.parametrize(
    ("zone", "typed", "stored"),
    [
        ("Europe/Brussels", "2027-10-31T23:59", utc(2027, 10, 31, 22, 59)),
        ("Europe/Brussels", "2027-06-30T23:59", utc(2027, 6, 30, 21, 59)),
        ("America/New_York", "2027-10-31T23:59", utc(2027, 11, 1, 3, 59)),
    ],
    ids=["brussels-winter", "brussels-summer", "new-york"],
)
def test_edition_form_reads_typed_datetimes_in_the_edition_zone(zone, typed, stored):
    form = EditionForm(
        form_data(timezone=zone, submission_deadline=typed, call_opens="2027-01-01T00:00")
    )

    with timezone.override("Asia/Tokyo"):  # whatever zone the request runs in
        assert form.is_valid(), form.errors
    assert form.cleaned_data["submission_deadline"] == stored


@pytest.mark.parametrize(
    ("zone", "shown"),
    [("Europe/Brussels", "2027-10-31T23:59"), ("America/Bogota", "2027-10-31T17:59")],
)
def test_edition_form_shows_stored_datetimes_in_the_edition_zone(zone, shown):
    deadline = utc(2027, 10, 31, 22, 59)
    opens = deadline - datetime.timedelta(days=1)
    edition = EditionFactory(timezone=zone, call_opens=opens, submission_deadline=deadline)

    html = str(EditionForm(instance=Edition.objects.get(pk=edition.pk)))

    assert f'type="datetime-local" name="submission_deadline" value="{shown}"' in html


def test_edition_form_empty_slug_made_from_title():
    form = EditionForm(form_data(slug="", title="PLATFORMAwards 2027: Lyon & Ghent"))

    assert form.is_valid(), form.errors
    assert form.cleaned_data["slug"] == "platformawards-2027-lyon-ghent"


# Views


def test_edition_create_saves_edition_with_default_questions(client):
    client.force_login(SecretariatFactory())

    response = client.post(reverse("awards:edition_create"), form_data())

    edition = Edition.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("awards:edition_update", args=["platformawards-2027"])
    assert edition.submission_deadline == utc(2027, 10, 31, 22, 59)
    assert edition.languages == ["en", "fr"]
    assert edition.questions.count() == 5
    assert messages_of(response) == [
        "“PLATFORMAwards 2027” has been created with the default questions: review them below."
    ]


def test_edition_create_page_offers_brussels_time_by_default(client):
    client.force_login(SecretariatFactory())

    html = client.get(reverse("awards:edition_create")).content.decode()

    assert '<option value="Europe/Brussels" selected>' in html
    assert "typed and shown in the edition&#x27;s time zone, Europe/Brussels." in html


def test_edition_update_saves_fields_and_questions(client):
    edition = EditionFactory(year=2027, slug="platformawards-2027")
    kept = Question.objects.create(edition=edition, position=1, title="Strategy")
    removed = Question.objects.create(edition=edition, position=2, title="Obsolete")
    data = form_data(title="PLATFORMAwards 2027 (renamed)") | question_data(
        edition, extra={"title": "Citizens", "word_limit": "400", "position": "3"}
    )
    data |= {"questions-0-title": "Strategy and objectives", "questions-1-DELETE": "on"}
    client.force_login(SecretariatFactory())

    response = client.post(reverse("awards:edition_update", args=[edition.slug]), data)

    edition.refresh_from_db()
    assert response.status_code == 302
    assert response.url == reverse("awards:edition_list")
    assert edition.title == "PLATFORMAwards 2027 (renamed)"
    assert list(edition.questions.values_list("pk", "title", "word_limit")) == [
        (kept.pk, "Strategy and objectives", 500),
        (edition.questions.get(title="Citizens").pk, "Citizens", 400),
    ]
    assert not Question.objects.filter(pk=removed.pk).exists()


def test_edition_update_timeline_out_of_order_keeps_typed_input(client):
    edition = EditionFactory(year=2027, slug="platformawards-2027", title="PLATFORMAwards 2027")
    before = edition.scoring_deadline
    data = form_data(title="Typed title", scoring_deadline="2027-11-19T08:00") | question_data(
        edition
    )
    client.force_login(SecretariatFactory())

    response = client.post(reverse("awards:edition_update", args=[edition.slug]), data)

    html = response.content.decode()
    assert response.status_code == 200
    assert response.context["form"].errors == {
        "scoring_deadline": ["This date must fall on or after “scoring opens”."]
    }
    assert 'name="scoring_deadline" value="2027-11-19T08:00"' in html
    assert 'name="title" value="Typed title"' in html
    assert 'aria-describedby="id_scoring_deadline_helptext id_scoring_deadline_error"' in html
    assert (
        '<p id="error_1_id_scoring_deadline">'
        "<strong>This date must fall on or after “scoring opens”.</strong></p>"
    ) in html
    assert "<h1>Edit PLATFORMAwards 2027</h1>" in html
    edition.refresh_from_db()
    assert (edition.title, edition.scoring_deadline) == ("PLATFORMAwards 2027", before)


def test_edition_update_unreadable_date_gives_only_its_own_error(client):
    edition = EditionFactory(year=2027, slug="platformawards-2027")
    data = form_data(submission_deadline="31/10/2027 23h59") | question_data(edition)
    client.force_login(SecretariatFactory())

    response = client.post(reverse("awards:edition_update", args=[edition.slug]), data)

    assert response.context["form"].errors == {"submission_deadline": ["Enter a valid date/time."]}
    assert 'name="submission_deadline" value="31/10/2027 23h59"' in response.content.decode()


def test_edition_update_unknown_edition_is_404(client):
    client.force_login(SecretariatFactory())

    response = client.get(reverse("awards:edition_update", args=["no-such-edition"]))

    assert response.status_code == 404


def test_edition_update_questions_read_only_after_a_submission(client):
    edition = EditionFactory(year=2027, slug="platformawards-2027")
    Question.objects.create(edition=edition, position=1, title="Strategy", word_limit=300)
    make_entry(edition, state="submitted")
    client.force_login(SecretariatFactory())

    html = client.get(reverse("awards:edition_update", args=[edition.slug])).content.decode()

    assert "its questions can no longer be changed" in html
    assert "<strong>Strategy</strong>\n              (at most 300 words)" in html
    assert "questions-TOTAL_FORMS" not in html


def test_edition_update_ignores_question_changes_after_a_submission(client):
    edition = EditionFactory(year=2027, slug="platformawards-2027")
    question = Question.objects.create(edition=edition, position=1, title="Strategy")
    make_entry(edition, state="submitted")
    data = form_data(title="Renamed") | question_data(edition, extra={"title": "Sneaked in"})
    data["questions-0-title"] = "Changed"
    client.force_login(SecretariatFactory())

    response = client.post(reverse("awards:edition_update", args=[edition.slug]), data)

    edition.refresh_from_db()
    assert response.status_code == 302
    assert edition.title == "Renamed"
    assert list(edition.questions.values_list("pk", "title")) == [(question.pk, "Strategy")]


def test_edition_update_removing_an_answered_question_shows_the_refusal(client):
    edition = EditionFactory(year=2027, slug="platformawards-2027")
    question = Question.objects.create(edition=edition, position=1, title="Strategy")
    Answer.objects.create(entry=make_entry(edition), question=question, text="Because")
    data = form_data() | question_data(edition) | {"questions-0-DELETE": "on"}
    client.force_login(SecretariatFactory())

    response = client.post(reverse("awards:edition_update", args=[edition.slug]), data)

    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == [
        "A question that applicants have started to answer cannot be removed."
    ]
    assert Question.objects.filter(pk=question.pk).exists()


@pytest.mark.parametrize(("data", "year"), [({}, 2028), ({"year": " 2029 "}, 2029)])
def test_edition_clone_redirects_to_the_new_edition(client, data, year):
    source = edition_2026()
    client.force_login(SecretariatFactory())

    response = client.post(reverse("awards:edition_clone", args=[source.slug]), data)

    assert response.status_code == 302
    assert response.url == reverse("awards:edition_update", args=[f"platformawards-{year}"])
    assert messages_of(response) == [
        f"“PLATFORMAwards {year}” has been prepared from “PLATFORMAwards 2026”: "
        "check its dates and questions."
    ]
    assert list(Edition.objects.values_list("year", flat=True)) == [year, 2026]


def test_edition_clone_existing_year_redirects_back_with_the_error(client):
    source = edition_2026()
    EditionFactory(year=2028)
    client.force_login(SecretariatFactory())

    response = client.post(
        reverse("awards:edition_clone", args=[source.slug]), {"year": "2028"}, follow=True
    )

    assert response.redirect_chain == [(reverse("awards:edition_list"), 302)]
    assert "An edition for 2028 exists already." in response.content.decode()
    assert Edition.objects.count() == 2


BAD_YEARS = ["20x8", "-2028", "28", "١٢٣٤", "99999"]


@pytest.mark.parametrize(
    ("year", "message"),
    [
        *[(typed, "Enter the year of the new edition as four digits.") for typed in BAD_YEARS],
        ("9999", "The dates cannot be moved to 9999."),
    ],
)
def test_edition_clone_unusable_year_redirects_back_with_the_error(client, year, message):
    source = edition_2026()
    client.force_login(SecretariatFactory())

    response = client.post(reverse("awards:edition_clone", args=[source.slug]), {"year": year})

    assert (response.status_code, response.url) == (302, reverse("awards:edition_list"))
    assert messages_of(response) == [message]
    assert Edition.objects.count() == 1


def test_edition_clone_refuses_get(client):
    source = edition_2026()
    client.force_login(SecretariatFactory())

    response = client.get(reverse("awards:edition_clone", args=[source.slug]))

    assert response.status_code == 405


def test_edition_list_shows_counts_and_next_milestone_in_the_edition_zone(client):
    edition = EditionFactory(
        title="PLATFORMAwards 2031",
        timezone="Europe/Brussels",
        call_opens=utc(2020, 1, 1),
        submission_deadline=utc(2099, 10, 31, 22, 59),
    )
    make_entry(edition, 1, "submitted")
    make_entry(edition, 2, "submitted")
    make_entry(edition, 3)
    client.force_login(SecretariatFactory())

    response = client.get(reverse("awards:edition_list"))

    html = response.content.decode()
    row = response.context["editions"][0]
    assert (row.submitted_count, row.draft_count) == (2, 1)
    assert '<time datetime="2099-10-31T23:59:00+01:00">Oct. 31, 2099, 11:59 p.m.</time>' in html
    assert "(Europe/Brussels)" in html
    assert '<td class="text-end">2</td>\n              <td class="text-end">1</td>' in html


# Permissions and queries

VIEWS = [
    ("get", "awards:edition_list", False),
    ("get", "awards:edition_create", False),
    ("post", "awards:edition_create", False),
    ("get", "awards:edition_update", True),
    ("post", "awards:edition_update", True),
    ("post", "awards:edition_clone", True),
]


@pytest.mark.parametrize(("method", "name", "takes_slug"), VIEWS)
def test_edition_views_refuse_non_secretariat_and_anonymous(client, method, name, takes_slug):
    edition = edition_2026()
    url = reverse(name, args=[edition.slug] if takes_slug else [])
    data = form_data() if method == "post" else {}

    anonymous = getattr(client, method)(url, data)
    client.force_login(UserFactory())
    member = getattr(client, method)(url, data)

    assert (anonymous.status_code, anonymous.url) == (302, f"/accounts/sign-in/?next={url}")
    assert member.status_code == 403
    assert Edition.objects.count() == 1


@pytest.mark.parametrize("size", [1, 20])
def test_edition_list_query_count_constant(client, django_assert_num_queries, size):
    for _ in range(size):
        edition = EditionFactory()
        make_entry(edition, 1, "submitted")
        make_entry(edition, 2)
    client.force_login(SecretariatFactory())

    # session, user, the user's groups (once: rules caches them), editions with entry counts.
    with django_assert_num_queries(4):
        response = client.get(reverse("awards:edition_list"))

    assert len(response.context["editions"]) == size
