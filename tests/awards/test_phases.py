import datetime

import pytest
import time_machine

from awards.models import EditionPhaseChange, Entry
from awards.tasks import advance_editions_task
from tests.factories import EditionFactory, EntryFactory

pytestmark = pytest.mark.django_db


def test_beat_closes_call_after_deadline_and_leaves_drafts():
    edition = EditionFactory()
    draft = EntryFactory(edition=edition)

    with time_machine.travel(edition.submission_deadline, tick=False):
        assert advance_editions_task() == 0
    with time_machine.travel(edition.submission_deadline + datetime.timedelta(minutes=1)):
        assert advance_editions_task() == 1
        assert advance_editions_task() == 0

    edition.refresh_from_db()
    assert edition.phase == "screening"
    assert Entry.objects.get(pk=draft.pk).state == "draft"
    change = EditionPhaseChange.objects.get()
    assert (change.transition, change.by, change.entries_moved) == ("close_call", None, 0)


def test_beat_does_not_open_calls():
    edition = EditionFactory(phase="draft")

    with time_machine.travel(edition.call_opens + datetime.timedelta(days=1)):
        advance_editions_task()

    edition.refresh_from_db()
    assert edition.phase == "draft"
