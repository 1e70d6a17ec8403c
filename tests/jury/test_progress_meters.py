"""Scoring progress is drawn by a native <progress>: no inline width (refused by the
Content-Security-Policy), and it shows without JavaScript."""

import re
from decimal import Decimal

import pytest
from django.urls import reverse

from awards.models import Entry
from jury import scoring
from jury.models import Assignment
from tests.factories import EntryFactory, JuryMemberFactory, SecretariatFactory, scoring_edition

pytestmark = pytest.mark.django_db


@pytest.fixture
def one_of_four_scored():
    edition = scoring_edition()
    member = JuryMemberFactory(edition=edition, user__full_name="Ada Lovelace")
    first, *_others = (
        Assignment.objects.create(member=member, entry=EntryFactory(edition=edition))
        for _ in range(4)
    )
    scores = {criterion.pk: Decimal(7) for criterion in edition.criteria.all()}
    scoring.save_scores(assignment=first, by=member.user, scores=scores)
    scoring.submit_evaluation(assignment=first, by=member.user)
    Entry.objects.filter(edition=edition).update(state="in_review")
    return edition, member


def progress_elements(html: str) -> list[str]:
    return re.findall(r"<progress[^>]*>", html)


def test_juror_sees_their_progress_as_a_progress_element(client, one_of_four_scored):
    _edition, member = one_of_four_scored
    client.force_login(member.user)

    html = client.get(reverse("jury:home")).content.decode()

    assert progress_elements(html) == [
        '<progress class="progress-meter mb-3" max="4" value="1" aria-label="Entries scored">'
    ]
    assert "style=" not in html


def test_progress_board_shows_each_jurors_progress_as_a_progress_element(
    client, one_of_four_scored
):
    edition, _member = one_of_four_scored
    client.force_login(SecretariatFactory())

    html = client.get(reverse("jury:progress", args=[edition.slug])).content.decode()

    assert progress_elements(html) == [
        '<progress class="progress-meter progress-meter-sm mt-1" max="100" value="25"'
        ' aria-label="Progress of Ada Lovelace">'
    ]
    assert "style=" not in html
