import datetime

import pytest
import time_machine
from django.core import signing
from django.urls import reverse

from core.links import LinkInvalid, SignedLink
from core.refusals import Refused


class OwnRefusal(Refused):
    pass


LINK = SignedLink(
    salt="tests.link",
    max_age=datetime.timedelta(days=2),
    expired="Too old.",
    invalid="Not genuine.",
)


def test_link_reads_back_what_it_carries():
    assert LINK.read(LINK.make(p=7, e="ana@example.org")) == {"p": 7, "e": "ana@example.org"}


def test_link_past_its_age_refused_with_the_expired_message():
    token = LINK.make(p=7)

    three_days_on = datetime.datetime.now(datetime.UTC) + datetime.timedelta(days=3)
    with time_machine.travel(three_days_on), pytest.raises(LinkInvalid) as refusal:
        LINK.read(token)

    assert str(refusal.value) == "Too old."


@pytest.mark.parametrize(
    "token",
    [
        "",
        "nonsense",
        LINK.make(p=7)[:-1],
        LINK.make(p=7) + "x",
        SignedLink(salt="other", max_age=LINK.max_age, expired="", invalid="").make(p=7),
        signing.dumps([7], salt="tests.link"),
        "²:😀:\x00",
    ],
    ids=["empty", "nonsense", "cut", "longer", "other-kind", "not-a-dict", "odd-characters"],
)
def test_tampered_or_foreign_token_refused_with_the_invalid_message(token):
    with pytest.raises(LinkInvalid) as refusal:
        LINK.read(token)

    assert str(refusal.value) == "Not genuine."


def test_a_kind_of_link_raises_the_refusal_of_its_app():
    link = SignedLink(
        salt="tests.own", max_age=LINK.max_age, expired="", invalid="No.", refusal=OwnRefusal
    )

    with pytest.raises(OwnRefusal) as refusal:
        link.read("nonsense")

    assert str(refusal.value) == "No."


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("route", "heading"),
    [
        ("awards:partner_respond", "This link cannot be used"),
        ("awards:invitation_accept", "This invitation cannot be used"),
        ("accounts:confirm_email", "This link cannot be used"),
        ("jury:invitation", "This invitation cannot be used"),
    ],
)
def test_every_kind_of_link_forged_reaches_the_same_page_saying_why(client, route, heading):
    response = client.get(reverse(route, args=["forged.token.value"]))

    assert response.status_code == 404
    assert "link_invalid.html" in [t.name for t in response.templates]
    page = response.content.decode()
    assert heading in page
    assert "<p></p>" not in page
