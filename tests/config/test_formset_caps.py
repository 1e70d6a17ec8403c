"""No formset builds more forms than its cap, whatever TOTAL_FORMS a request claims.

Django builds min(TOTAL_FORMS, absolute_max) forms and absolute_max defaults to max_num + 1000,
so TOTAL_FORMS=99999999 used to build over a thousand forms per request."""

import time
from dataclasses import dataclass

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from awards.models import LinkedProject, Partner, Question, ReminderRule
from awards.models.editions import MAX_QUESTIONS, MAX_REMINDER_RULES
from awards.services.editions import update_edition
from jury.models import MAX_CRITERIA, Criterion
from jury.services import add_default_criteria
from tests.factories import (
    EditionFactory,
    EntryFactory,
    MembershipFactory,
    PartnerFactory,
    SecretariatFactory,
)

pytestmark = pytest.mark.django_db

INFLATED = "99999999"


@dataclass(frozen=True)
class Page:
    """A page with a formset: how to reach it, its prefix, its cap, the rows it writes."""

    name: str
    prefix: str
    message: str
    cap: int
    model: type


PAGES = [
    Page("partners", "partners", "An entry has at most 4 partners in this edition.", 4, Partner),
    Page(
        "projects",
        "projects",
        "An entry has at most 3 linked projects in this edition.",
        3,
        LinkedProject,
    ),
    Page(
        "questions",
        "questions",
        f"An edition has at most {MAX_QUESTIONS} questions.",
        MAX_QUESTIONS,
        Question,
    ),
    Page(
        "reminders",
        "rules",
        f"An edition has at most {MAX_REMINDER_RULES} reminder rules.",
        MAX_REMINDER_RULES,
        ReminderRule,
    ),
    Page(
        "rubric",
        "criteria",
        f"The rubric has at most {MAX_CRITERIA} criteria.",
        MAX_CRITERIA,
        Criterion,
    ),
]


def open_page(client, page: Page) -> str:
    """Sign in whoever edits `page` and return its address."""
    edition = EditionFactory(max_partners=4, max_projects=3)
    if page.name in ("partners", "projects"):
        member = MembershipFactory()
        entry = edition.entries.create(organisation=member.organisation, number=1)
        client.force_login(member.user)
        return reverse("awards:entry_edit", kwargs={"pk": entry.pk, "step": page.name})
    client.force_login(SecretariatFactory())
    if page.name == "questions":
        return reverse("awards:edition_update", kwargs={"slug": edition.slug})
    if page.name == "reminders":
        return reverse("awards:edition_reminders", kwargs={"slug": edition.slug})
    add_default_criteria(edition=edition)
    return reverse("jury:rubric", kwargs={"slug": edition.slug})


@pytest.mark.parametrize("form_page", PAGES, ids=[p.name for p in PAGES])
def test_inflated_total_forms_builds_at_most_the_cap_and_changes_nothing(client, form_page):
    page = form_page
    url = open_page(client, page)
    rows_before = page.model.objects.count()
    data = {
        f"{page.prefix}-TOTAL_FORMS": INFLATED,
        f"{page.prefix}-INITIAL_FORMS": "0",
        f"{page.prefix}-0-name": "Filled in",
        f"{page.prefix}-0-title": "Filled in",
    }

    started = time.monotonic()
    response = client.post(url, data)
    elapsed = time.monotonic() - started

    formset = response.context["form" if page.name in ("partners", "projects") else "formset"]
    assert response.status_code == 200
    assert len(formset.forms) == page.cap
    assert page.message in response.content.decode()
    assert page.model.objects.count() == rows_before
    # A thousand forms took seconds; the cap keeps a request well under one.
    assert elapsed < 10


@pytest.mark.parametrize("form_page", PAGES[:2], ids=[p.name for p in PAGES[:2]])
def test_one_row_more_than_the_edition_allows_is_refused_with_the_limit(client, form_page):
    page = form_page
    url = open_page(client, page)
    fields = {
        "partners": {"name": "Town", "country": "SN", "contact_name": "A", "contact_email": ""},
        "projects": {"title": "Wells", "start_year": "2022", "currency": "EUR"},
    }[page.name]
    data = {f"{page.prefix}-TOTAL_FORMS": str(page.cap + 1), f"{page.prefix}-INITIAL_FORMS": "0"}
    for i in range(page.cap + 1):
        data |= {f"{page.prefix}-{i}-{key}": value for key, value in fields.items()}
        if page.name == "partners":
            data[f"{page.prefix}-{i}-contact_email"] = f"p{i}@town.sn"

    response = client.post(url, data)

    assert page.message in response.content.decode()
    assert page.model.objects.count() == 0


def test_lowering_the_partner_limit_below_an_entrys_partners_is_refused():
    entry = EntryFactory()
    PartnerFactory.create_batch(3, entry=entry)

    with pytest.raises(ValidationError) as refusal:
        update_edition(edition=entry.edition, by=SecretariatFactory(), max_partners=2)

    assert refusal.value.messages == [
        "An entry of this edition already has 3 partners: the limit cannot be lower."
    ]
    entry.edition.refresh_from_db()
    assert entry.edition.max_partners == 30
    update_edition(edition=entry.edition, by=SecretariatFactory(), max_partners=3)
    entry.edition.refresh_from_db()
    assert entry.edition.max_partners == 3
