import datetime
from unittest import mock

import pytest
from django.utils import timezone

from notifications.delivery import sweep
from notifications.models import Notification

pytestmark = pytest.mark.django_db


def test_sweep_hands_a_due_row_out_once_per_pause():
    now = timezone.now()
    due = Notification.objects.create(
        kind="entry.submitted", key="k1", recipient_email="a@example.org", next_attempt_at=now
    )
    Notification.objects.create(
        kind="entry.submitted",
        key="k2",
        recipient_email="b@example.org",
        next_attempt_at=now + datetime.timedelta(minutes=5),
    )

    with mock.patch("notifications.delivery.dispatch") as dispatch:
        first = sweep(now=now)
        again = sweep(now=now + datetime.timedelta(minutes=1))

    assert (first, again) == (1, 0)
    dispatch.assert_called_once_with(due.pk)
