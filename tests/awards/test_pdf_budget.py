"""A PDF is made within a time and size budget, or refused politely: no entry keeps a worker
busy, however it is written."""

import multiprocessing
import time

import pytest
from django.urls import reverse

from awards import pdf
from tests.factories import complete_entry

pytestmark = pytest.mark.django_db


@pytest.fixture
def signed_in_entry(client, applicant_entry):
    user, entry = applicant_entry
    complete_entry(entry)
    client.force_login(user)
    return entry


def pdf_url(entry) -> str:
    return reverse("awards:entry_pdf", kwargs={"pk": entry.pk})


def test_a_render_past_its_time_is_stopped_and_the_person_told(
    client, signed_in_entry, settings, monkeypatch
):
    import weasyprint  # noqa: F401  loaded first: importing it takes seconds on a busy machine

    settings.PDF_RENDER_SECONDS = 1
    # A render that would never end; the child process inherits the patched function.
    monkeypatch.setattr(pdf, "write_pdf", lambda html, **options: time.sleep(3600))

    started = time.monotonic()
    response = client.get(pdf_url(signed_in_entry), follow=True)
    elapsed = time.monotonic() - started

    assert "Making this PDF took too long, so it was stopped." in response.content.decode()
    assert response.redirect_chain == [(signed_in_entry.get_absolute_url(), 302)]
    assert elapsed < 5
    assert multiprocessing.active_children() == []


def test_html_beyond_the_budget_is_not_rendered(client, signed_in_entry, settings, monkeypatch):
    settings.PDF_MAX_HTML_CHARS = 1000
    monkeypatch.setattr(pdf, "write_pdf", lambda html, **options: pytest.fail("rendered"))

    response = client.get(pdf_url(signed_in_entry), follow=True)

    assert "This document is too long to be made into a PDF here." in response.content.decode()


def test_a_pdf_beyond_its_size_is_not_handed_out(client, signed_in_entry, settings):
    settings.PDF_MAX_BYTES = 1000

    response = client.get(pdf_url(signed_in_entry), follow=True)

    assert "This PDF would be larger than 1000\xa0bytes, so it is not offered." in (
        response.content.decode()
    )


def test_a_render_that_fails_is_a_message(client, signed_in_entry, monkeypatch):
    def broken(html):
        raise MemoryError

    monkeypatch.setattr(pdf, "write_pdf", broken)

    response = client.get(pdf_url(signed_in_entry), follow=True)

    assert "This PDF could not be made. Try again in a while." in response.content.decode()


def test_an_entry_within_the_budget_is_rendered(client, signed_in_entry):
    response = client.get(pdf_url(signed_in_entry))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF-")
