"""Deleting a draft that was never submitted: confirmed first, everything goes, files too."""

import io
import re

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from pypdf import PdfWriter

from awards.models import Answer, Attachment, Entry, Partner
from awards.services.entries import EntryLocked, add_attachment, delete_draft, save_basics
from tests.factories import (
    MembershipFactory,
    SecretariatFactory,
    applicant_with_entry,
    complete_entry,
)

pytestmark = pytest.mark.django_db


def pdf_upload() -> SimpleUploadedFile:
    writer = PdfWriter()
    writer.add_blank_page(100, 100)
    buffer = io.BytesIO()
    writer.write(buffer)
    return SimpleUploadedFile("budget.pdf", buffer.getvalue())


def delete_url(entry) -> str:
    return reverse("awards:entry_delete", kwargs={"pk": entry.pk})


@pytest.fixture
def draft_with_everything():
    user, entry = applicant_with_entry(title="Rivers that unite")
    complete_entry(entry)
    attachment = add_attachment(entry=entry, by=user, upload=pdf_upload())
    return user, entry, attachment


def test_delete_is_confirmed_first_then_removes_the_draft_and_its_files(
    client, draft_with_everything, django_capture_on_commit_callbacks
):
    user, entry, attachment = draft_with_everything
    client.force_login(user)

    detail = client.get(entry.get_absolute_url()).content.decode()
    confirm = client.get(delete_url(entry)).content.decode()
    assert Entry.objects.filter(pk=entry.pk).exists()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(delete_url(entry), follow=True)

    assert "Delete this draft" in detail
    assert "its 1 attachment; nobody can bring it back" in confirm
    assert response.redirect_chain[-1][0] == reverse("dashboard")
    assert "The draft “Rivers that unite” has been deleted." in response.content.decode()
    assert not Entry.objects.filter(pk=entry.pk).exists()
    assert not Partner.objects.filter(entry_id=entry.pk).exists()
    assert not Answer.objects.filter(entry_id=entry.pk).exists()
    assert not Attachment.objects.filter(entry_id=entry.pk).exists()
    assert not attachment.file.storage.exists(attachment.file.name)


@pytest.mark.parametrize("state", ["submitted", "clarification_requested", "withdrawn"])
def test_an_entry_that_left_the_draft_state_cannot_be_deleted(client, state):
    user, entry = applicant_with_entry()
    Entry.objects.filter(pk=entry.pk).update(state=state)
    client.force_login(user)

    detail = client.get(entry.get_absolute_url()).content.decode()
    response = client.post(delete_url(entry), follow=True)

    assert "Delete this draft" not in detail
    assert (
        "Only a draft that was never submitted can be deleted; withdraw this entry instead."
        in response.content.decode()
    )
    assert Entry.objects.filter(pk=entry.pk).exists()


def test_a_draft_given_back_after_submission_is_not_deleted(client):
    # An entry once submitted stays on record even if its state is draft again.
    user, entry = applicant_with_entry()
    Entry.objects.filter(pk=entry.pk).update(submitted_at="2026-01-01T10:00:00Z")
    client.force_login(user)

    client.post(delete_url(entry))

    assert Entry.objects.filter(pk=entry.pk).exists()


def test_only_the_organisations_members_may_delete_a_draft(client):
    _, entry = applicant_with_entry()

    client.force_login(MembershipFactory().user)
    stranger = client.post(delete_url(entry))
    client.force_login(SecretariatFactory())
    secretariat = client.post(delete_url(entry))
    client.logout()
    anonymous = client.post(delete_url(entry))

    assert stranger.status_code == 404
    assert secretariat.status_code == 403
    assert anonymous.status_code == 302
    assert Entry.objects.filter(pk=entry.pk).exists()


def test_colleagues_are_told_and_the_deleter_is_not(client, django_capture_on_commit_callbacks):
    user, entry = applicant_with_entry(title="Rivers that unite")
    colleague = MembershipFactory(organisation=entry.organisation).user
    client.force_login(user)

    with django_capture_on_commit_callbacks(execute=True):
        client.post(delete_url(entry))

    [message] = mail.outbox
    assert message.to == [colleague.email]
    assert message.subject == "Draft deleted: Rivers that unite"
    assert f"{user.full_name} has deleted the draft “Rivers that unite”" in message.body


def test_a_colleagues_save_after_the_page_was_opened_stops_the_deletion(client):
    user, entry = applicant_with_entry(title="Rivers that unite")
    colleague = MembershipFactory(organisation=entry.organisation).user
    client.force_login(user)
    shown = re.search(
        r'name="version" value="([^"]+)"', client.get(delete_url(entry)).content.decode()
    ).group(1)
    save_basics(
        entry=entry,
        by=colleague,
        title="Rivers that unite, second version",
        summary="",
        language="",
        sdgs=[],
    )

    response = client.post(delete_url(entry), {"version": shown}, follow=True)

    assert "A colleague saved this draft after you opened this page" in response.content.decode()
    assert Entry.objects.filter(pk=entry.pk).exists()


def test_saving_a_draft_a_colleague_has_just_deleted_is_refused_cleanly():
    user, entry = applicant_with_entry()
    stale = Entry.objects.get(pk=entry.pk)
    delete_draft(entry=entry, by=user)

    with pytest.raises(EntryLocked, match="A colleague has deleted this draft"):
        save_basics(entry=stale, by=user, title="Too late", summary="", language="", sdgs=[])


def test_the_delete_page_of_an_entry_that_cannot_go_says_why(client):
    user, entry = applicant_with_entry()
    Entry.objects.filter(pk=entry.pk).update(state="submitted")
    client.force_login(user)

    response = client.get(delete_url(entry), follow=True)

    assert response.redirect_chain[-1][0] == entry.get_absolute_url()
    assert "withdraw this entry instead" in response.content.decode()
    assert "Yes, delete the draft" not in response.content.decode()


def test_the_secretariat_sees_no_delete_button(client):
    _, entry = applicant_with_entry()
    client.force_login(SecretariatFactory())

    assert "Delete this draft" not in client.get(entry.get_absolute_url()).content.decode()
