"""Saves that can change nothing public ask nothing of the public entries."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.models import User
from tests.factories import JuryMemberFactory

pytestmark = pytest.mark.django_db


def entry_updates(captured) -> list[str]:
    return [
        q["sql"] for q in captured.captured_queries if q["sql"].startswith('UPDATE "awards_entry"')
    ]


def test_an_account_just_made_touches_no_entry():
    with CaptureQueriesContext(connection) as captured:
        User.objects.create_user(email="new@example.org", full_name="New Person", password="x" * 12)

    assert entry_updates(captured) == []


def test_a_jurors_new_name_touches_the_editions_they_judged():
    member = JuryMemberFactory()
    user = member.user

    with CaptureQueriesContext(connection) as captured:
        user.full_name = "Renamed Juror"
        user.save()

    assert len(entry_updates(captured)) == 1
