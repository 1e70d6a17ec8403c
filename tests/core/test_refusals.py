import pytest
from django.contrib.messages import get_messages
from django.contrib.messages.storage.fallback import FallbackStorage
from django.contrib.sessions.backends.signed_cookies import SessionStore
from django.test import RequestFactory

from core.refusals import Conflict, Refused, refused


def request_for(**headers):
    request = RequestFactory().post("/somewhere/", headers=headers)
    request.session = SessionStore()
    request._messages = FallbackStorage(request)
    request.htmx = "HX-Request" in headers
    return request


def test_a_page_is_told_why_and_sent_on():
    request = request_for()

    response = refused(request, Refused("The deadline has passed."), to="/back/")

    assert (response.status_code, response["Location"]) == (302, "/back/")
    assert [str(m) for m in get_messages(request)] == ["The deadline has passed."]


@pytest.mark.parametrize(("refusal", "status"), [(Refused("No."), 400), (Conflict("No."), 409)])
def test_an_htmx_request_gets_the_message_in_place_with_its_status(refusal, status):
    request = request_for(**{"HX-Request": "true"})

    response = refused(request, refusal, to="/back/")

    assert response.status_code == status
    assert response.content.decode().strip() == '<span class="text-danger">No.</span>'
    assert list(get_messages(request)) == []


def test_a_refusal_keeps_the_field_it_is_about():
    refusal = Refused("Too large.", field="file")

    assert (str(refusal), refusal.field, refusal.status) == ("Too large.", "file", 400)
