"""No request body larger than its route accepts is read, spooled or stored: the site answers
413 before CsrfViewMiddleware parses it, and a file past its edition's limit is stopped while it
arrives, with the reason on the form."""

import io

import pytest
from django.core.files.uploadhandler import MemoryFileUploadHandler, TemporaryFileUploadHandler
from django.urls import reverse
from PIL import Image

from tests.factories import applicant_with_entry

pytestmark = pytest.mark.django_db

MB = 1024 * 1024


class UnreadBody:
    """A request body that must never be read: reading it fails the test."""

    def read(self, *args):
        raise AssertionError("the body was read")

    readline = read


@pytest.fixture
def spooled(monkeypatch):
    """The files Django's own upload handlers start storing, by name."""
    started: list[str] = []
    for handler in (MemoryFileUploadHandler, TemporaryFileUploadHandler):
        original = handler.new_file

        def spy(self, field_name, file_name, *args, original=original, **kwargs):
            started.append(file_name)
            return original(self, field_name, file_name, *args, **kwargs)

        monkeypatch.setattr(handler, "new_file", spy)
    return started


def test_a_huge_anonymous_post_to_the_sign_in_page_is_refused_unread(client, spooled):
    response = client.generic(
        "POST",
        reverse("accounts:login"),
        CONTENT_TYPE="multipart/form-data; boundary=x",
        CONTENT_LENGTH=str(500 * MB),
        **{"wsgi.input": UnreadBody()},
    )

    assert response.status_code == 413
    html = response.content.decode()
    assert "larger than this page accepts (at most 3.0\xa0MB), so none of it was read" in html
    assert spooled == []


def test_the_refusal_is_in_the_visitors_language(client):
    response = client.generic(
        "POST",
        reverse("accounts:login"),
        CONTENT_TYPE="application/x-www-form-urlencoded",
        CONTENT_LENGTH=str(10 * MB),
        headers={"accept-language": "fr"},
        **{"wsgi.input": UnreadBody()},
    )

    assert response.status_code == 413
    assert '<html lang="fr"' in response.content.decode()


def test_an_ordinary_page_takes_a_body_up_to_its_cap(client, settings):
    settings.REQUEST_BODY_MAX_BYTES = 2000
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 2000
    url = reverse("accounts:login")

    under = client.post(url, {"username": "a@b.eu", "password": "x" * 1500})
    over = client.post(url, {"username": "a@b.eu", "password": "x" * 2100})

    assert (under.status_code, over.status_code) == (200, 413)


def test_an_autosave_over_the_cap_gets_its_status_line(client, settings):
    settings.REQUEST_BODY_MAX_BYTES = 1000
    user, entry = applicant_with_entry()
    client.force_login(user)

    response = client.post(
        reverse("awards:entry_autosave", kwargs={"pk": entry.pk, "step": "basics"}),
        {"summary": "x" * 2000},
        headers={"HX-Request": "true"},
    )

    assert response.status_code == 413
    assert "Not saved: this is more than a page can send." in response.content.decode()


def test_a_file_sent_where_none_is_expected_is_not_stored(client, spooled):
    upload = io.BytesIO(b"%PDF-1.4 not wanted here")
    upload.name = "cv.pdf"

    response = client.post(
        reverse("accounts:login"), {"username": "a@b.eu", "password": "x", "cv": upload}
    )

    assert response.status_code == 200
    assert spooled == []
    assert dict(response.wsgi_request.FILES) == {}


def png_of(size: int) -> io.BytesIO:
    """A real PNG padded to `size` bytes."""
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), (1, 2, 3)).save(buffer, format="PNG")
    content = buffer.getvalue()
    upload = io.BytesIO(content + b"\0" * (size - len(content)))
    upload.name = "map.png"
    return upload


@pytest.fixture
def small_limit_entry(settings, tmp_path):
    """An applicant's draft in an edition taking attachments of 1 MB; every upload goes through
    a temporary file in a folder of its own, so that what is left on disk can be seen."""
    settings.FILE_UPLOAD_MAX_MEMORY_SIZE = 1024
    settings.FILE_UPLOAD_TEMP_DIR = tmp_path / "uploads"
    settings.FILE_UPLOAD_TEMP_DIR.mkdir()
    user, entry = applicant_with_entry()
    entry.edition.max_attachment_mb = 1
    entry.edition.save()
    return user, entry


def attachments_url(entry) -> str:
    return reverse("awards:entry_edit", kwargs={"pk": entry.pk, "step": "attachments"})


def test_an_attachment_over_the_editions_limit_is_stopped_with_the_reason(
    client, small_limit_entry, settings
):
    user, entry = small_limit_entry
    client.force_login(user)

    response = client.post(
        attachments_url(entry), {"file": png_of(MB + 10_000), "description": "Kept words"}
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert "The file “map.png” is larger than the 1 MB limit." in html
    assert "Kept words" in html
    assert entry.attachments.count() == 0
    # What had arrived of it was deleted as soon as it passed the limit, not kept until the end.
    assert list(settings.FILE_UPLOAD_TEMP_DIR.iterdir()) == []
    assert not (settings.MEDIA_ROOT / "entries").exists()


def test_an_attachment_far_over_the_limit_is_refused_unread(client, small_limit_entry, spooled):
    user, entry = small_limit_entry
    client.force_login(user)

    response = client.generic(
        "POST",
        attachments_url(entry),
        CONTENT_TYPE="multipart/form-data; boundary=x",
        CONTENT_LENGTH=str(MB + 65 * 1024),
        **{"wsgi.input": UnreadBody()},
    )

    assert response.status_code == 413
    assert "at most 1.1\xa0MB" in response.content.decode()
    assert spooled == []
    assert entry.attachments.count() == 0


def test_an_attachment_within_the_limit_is_stored(client, small_limit_entry):
    user, entry = small_limit_entry
    client.force_login(user)

    response = client.post(attachments_url(entry), {"file": png_of(MB - 1000)})

    assert response.status_code == 302
    assert entry.attachments.get().size == MB - 1000


@pytest.mark.parametrize("declared", ["²", "-1", "1e3", "abc"])
def test_a_malformed_content_length_is_a_bad_request(client, declared):
    response = client.generic(
        "POST",
        reverse("accounts:login"),
        CONTENT_TYPE="application/x-www-form-urlencoded",
        CONTENT_LENGTH=declared,
        **{"wsgi.input": UnreadBody()},
    )

    assert response.status_code == 400
    assert "The request could not be read" in response.content.decode()
