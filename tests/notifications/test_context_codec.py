"""The outbox's context codec: what goes in comes back equal, through JSON and PostgreSQL."""

import datetime
import json
import zoneinfo
from decimal import Decimal

import pytest
from django.db import connection
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from notifications.context import UnstorableValue, decode, encode
from notifications.kinds import Kind
from notifications.models import Notification
from notifications.services import Recipient, notify

BRUSSELS = zoneinfo.ZoneInfo("Europe/Brussels")

# Text as people type it, with ISO-looking strings and the codec's own tags mixed in.
texts = st.text(
    st.characters(exclude_characters="\x00", exclude_categories=["Cs"])
) | st.sampled_from(
    [
        "2026-02-30T10:00Z",
        "2026-01-01T10:00Z",
        "2026-01-01T10:00:00.123+02:00",
        "2026-01-01",
        "__type__",
        "datetime",
        "{{ recipient.email }}",
        "{% now 'Y' %}",
        "<script>alert(1)</script>",
    ]
)
aware_datetimes = st.datetimes(
    min_value=datetime.datetime(1900, 1, 1),
    max_value=datetime.datetime(2200, 1, 1),
    timezones=st.timezones() | st.just(datetime.UTC),
)
scalars = (
    texts
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.booleans()
    | st.none()
    | aware_datetimes
    | st.dates()
    | st.decimals(allow_nan=False, allow_infinity=False)
)
keys = texts | st.sampled_from(["__type__", "value", "zone"])
contexts = st.recursive(
    scalars,
    lambda children: st.lists(children, max_size=4) | st.dictionaries(keys, children, max_size=4),
    max_leaves=20,
)


def through_json(value):
    """What a JSON column gives back (SQLite keeps the text as written)."""
    return json.loads(json.dumps(encode(value)))


@settings(max_examples=500, deadline=None)
@given(contexts)
def test_decode_gives_back_what_was_encoded(value):
    assert decode(through_json(value)) == value


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(contexts)
def test_decode_gives_back_what_was_encoded_through_postgresql_jsonb(postgresql, value):
    # PostgreSQL rewrites JSON on the way in (numbers as decimals, keys sorted and deduplicated).
    with connection.cursor() as cursor:
        cursor.execute("SELECT %s::jsonb::text", [json.dumps(encode(value))])
        [stored] = cursor.fetchone()

    assert decode(json.loads(stored)) == value


def test_datetimes_come_back_in_their_own_zone_at_their_own_wall_clock_time():
    skipped = datetime.datetime(2031, 3, 30, 2, 30, tzinfo=BRUSSELS)  # the clocks jump 2 → 3
    repeated = datetime.datetime(2031, 10, 26, 2, 30, fold=1, tzinfo=BRUSSELS)  # the second 2:30
    utc = datetime.datetime(2031, 3, 15, 9, 30, 0, 123456, tzinfo=datetime.UTC)

    values = decode(through_json([skipped, repeated, utc]))

    assert [(v.tzinfo, v.isoformat(), v.fold) for v in values] == [
        (BRUSSELS, "2031-03-30T02:30:00+01:00", 0),
        (BRUSSELS, "2031-10-26T02:30:00+01:00", 1),
        (datetime.UTC, "2031-03-15T09:30:00.123456+00:00", 0),
    ]


def test_encode_tags_only_what_json_lacks_and_wraps_a_dict_that_looks_like_a_tag():
    value = {
        "title": "2026-01-01T10:00Z",
        "until": datetime.datetime(2031, 3, 15, 9, 30, tzinfo=datetime.UTC),
        "day": datetime.date(2031, 3, 15),
        "score": Decimal("7.50"),
        "weight": 0.5,
        "own": {"__type__": "datetime", "value": "2026-01-01T10:00:00+00:00"},
    }

    assert encode(value) == {
        "title": "2026-01-01T10:00Z",
        "until": {"__type__": "datetime", "value": "2031-03-15T09:30:00+00:00"},
        "day": {"__type__": "date", "value": "2031-03-15"},
        "score": {"__type__": "decimal", "value": "7.50"},
        "weight": {"__type__": "float", "value": "0.5"},
        "own": {
            "__type__": "dict",
            "value": {"__type__": "datetime", "value": "2026-01-01T10:00:00+00:00"},
        },
    }


def test_str_subclasses_are_stored_as_plain_text():
    assert type(decode(through_json(mark_safe("<b>Wells</b>")))) is str
    assert decode(through_json(Kind.ENTRY_SUBMITTED)) == "entry.submitted"


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (datetime.datetime(2031, 3, 15, 9, 30), "context.entry.until: "),
        (datetime.time(9, 30), "context.entry.until: time cannot go into a message's context"),
        (("a", "b"), "context.entry.until: tuple cannot go into a message's context"),
        ({1: "one"}, "context.entry.until: the key 1 is not text"),
        (float("nan"), "context.entry.until: nan is not a finite number"),
        (Decimal("Infinity"), "context.entry.until: Decimal('Infinity') is not a finite number"),
        ("a\x00b", "context.entry.until: text with a NUL character cannot be stored"),
        ("\ud800", "context.entry.until: text that is not valid Unicode"),
        (gettext_lazy("Sent"), "context.entry.until: a lazy translation would be sent"),
    ],
)
def test_encode_refuses_what_it_could_not_give_back_and_says_where(value, message):
    with pytest.raises(UnstorableValue) as refused:
        encode({"entry": {"until": value}})

    assert str(refused.value).startswith(message)


@pytest.mark.parametrize(
    "stored",
    [
        {"__type__": "datetime"},
        {"__type__": "datetime", "value": "2031-03-15T09:30:00+00:00", "extra": 1},
        {"__type__": "decimal", "value": "1", "zone": "Europe/Brussels"},
        {"__type__": "set", "value": []},
    ],
)
def test_decode_refuses_a_tag_encode_never_writes(stored):
    with pytest.raises(ValueError):
        decode(stored)


@pytest.mark.django_db
def test_notify_refuses_an_unstorable_context_and_writes_nothing():
    with pytest.raises(UnstorableValue):
        notify(
            Kind.PASSWORD_RESET,
            to=Recipient(email="ana@example.org"),
            context={"when": datetime.datetime(2031, 3, 15, 9, 30)},
            key="reset:naive",
        )

    assert Notification.objects.count() == 0


@pytest.mark.django_db
def test_notify_stores_the_tagged_form_and_plain_text_can_still_be_queried():
    notify(
        Kind.PASSWORD_RESET,
        to=Recipient(email="ana@example.org"),
        context={
            "inviter": {"email": "ana@example.org"},
            "until": datetime.datetime(2031, 3, 15, 9, 30, tzinfo=datetime.UTC),
        },
        key="reset:tagged",
    )

    row = Notification.objects.get(context__inviter__email="ana@example.org")
    assert row.context["until"] == {"__type__": "datetime", "value": "2031-03-15T09:30:00+00:00"}
