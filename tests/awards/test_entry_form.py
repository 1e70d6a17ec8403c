import datetime
import io
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from awards.models import Entry
from tests.awards.conftest import formset_data
from tests.factories import EditionFactory, EntryFactory, MembershipFactory, QuestionFactory

pytestmark = pytest.mark.django_db


def edit_url(entry, step):
    return reverse("awards:entry_edit", kwargs={"pk": entry.pk, "step": step})


def png_upload(name="map.png"):
    buffer = io.BytesIO()
    Image.new("RGB", (20, 10), (1, 2, 3)).save(buffer, format="PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def test_entry_create_numbers_entries_per_edition(client):
    membership = MembershipFactory()
    edition = EditionFactory(year=2031)
    EntryFactory(edition=edition, number=6)
    client.force_login(membership.user)

    response = client.post(
        reverse("awards:entry_create"),
        {"edition": edition.pk, "organisation": membership.organisation.pk},
    )

    entry = Entry.objects.get(organisation=membership.organisation)
    assert entry.reference == "PA2031-0007"
    assert response["Location"] == edit_url(entry, "basics")


def test_entry_create_refuses_closed_edition(client):
    membership = MembershipFactory()
    edition = EditionFactory(call_opens=timezone.now() - datetime.timedelta(days=400))
    client.force_login(membership.user)

    response = client.post(
        reverse("awards:entry_create"),
        {"edition": edition.pk, "organisation": membership.organisation.pk},
        follow=True,
    )

    assert "The call for entries of this edition is closed." in response.content.decode()
    assert Entry.objects.count() == 0


def test_basics_saves_draft_with_incomplete_fields(client, applicant_entry):
    user, entry = applicant_entry
    client.force_login(user)

    response = client.post(edit_url(entry, "basics"), {"title": "Water first", "summary": ""})

    assert response.status_code == 302
    entry.refresh_from_db()
    assert (entry.title, entry.summary) == ("Water first", "")


def test_basics_overlong_title_refused_and_text_kept(client, applicant_entry):
    user, entry = applicant_entry
    client.force_login(user)
    long_title = "T" * 201

    response = client.post(
        edit_url(entry, "basics"), {"title": long_title, "summary": "Kept summary words"}
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert "Ensure this value has at most 200 characters (it has 201)." in html
    assert "Kept summary words" in html
    assert f'value="{long_title}"' in html
    entry.refresh_from_db()
    assert entry.title == ""


def test_autosave_saves_while_typing(client, applicant_entry):
    user, entry = applicant_entry
    client.force_login(user)

    response = client.post(
        reverse("awards:entry_autosave", kwargs={"pk": entry.pk, "step": "basics"}),
        {"title": "Half a tit", "summary": "Typing…", "sdgs": ["6"]},
        headers={"HX-Request": "true"},
    )

    assert "Draft saved at" in response.content.decode()
    entry.refresh_from_db()
    assert (entry.title, entry.summary, [g.number for g in entry.sdgs.all()]) == (
        "Half a tit",
        "Typing…",
        [6],
    )


def test_autosave_answers(client, applicant_entry):
    user, entry = applicant_entry
    question = entry.edition.questions.get()
    client.force_login(user)

    client.post(
        reverse("awards:entry_autosave", kwargs={"pk": entry.pk, "step": "answers"}),
        {f"answer_{question.pk}": "Our strategy began in 2015."},
    )

    assert entry.answers.get().text == "Our strategy began in 2015."


def test_autosave_after_submission_changes_nothing(client, applicant_entry):
    user, entry = applicant_entry
    Entry.objects.filter(pk=entry.pk).update(state="submitted", title="Final")
    client.force_login(user)

    response = client.post(
        reverse("awards:entry_autosave", kwargs={"pk": entry.pk, "step": "basics"}),
        {"title": "Sneaky change"},
    )

    assert "This entry can no longer be changed." in response.content.decode()
    entry.refresh_from_db()
    assert entry.title == "Final"


def test_partners_two_added_and_bad_email_keeps_input(client, applicant_entry):
    user, entry = applicant_entry
    client.force_login(user)
    rows = [
        {
            "name": "Commune de Dakar",
            "country": "SN",
            "contact_name": "Awa",
            "contact_email": "awa@dakar.sn",
        },
        {
            "name": "Municipio de Cuenca",
            "country": "EC",
            "contact_name": "Luis",
            "contact_email": "not-an-email",
        },
    ]

    refused = client.post(edit_url(entry, "partners"), formset_data("partners", rows))

    html = refused.content.decode()
    assert "Enter a valid email address." in html
    assert 'value="Municipio de Cuenca"' in html
    assert entry.partners.count() == 0

    rows[1]["contact_email"] = "luis@cuenca.ec"
    client.post(edit_url(entry, "partners"), formset_data("partners", rows))

    assert sorted(entry.partners.values_list("name", flat=True)) == [
        "Commune de Dakar",
        "Municipio de Cuenca",
    ]


def test_project_end_before_start_refused(client, applicant_entry):
    user, entry = applicant_entry
    client.force_login(user)
    row = {"title": "Wells", "start_year": "2022", "end_year": "2020", "currency": "eur"}

    response = client.post(edit_url(entry, "projects"), formset_data("projects", [row]))

    assert "The end year cannot come before the start year." in response.content.decode()
    assert entry.projects.count() == 0


def test_attachment_upload_stores_checked_file(client, applicant_entry):
    user, entry = applicant_entry
    client.force_login(user)

    client.post(edit_url(entry, "attachments"), {"file": png_upload(), "description": "Map"})

    attachment = entry.attachments.get()
    assert (attachment.original_name, attachment.content_type, attachment.description) == (
        "map.png",
        "image/png",
        "Map",
    )
    assert attachment.file.name.startswith(f"entries/{entry.pk}/")
    download = client.get(
        reverse(
            "awards:attachment_download", kwargs={"pk": entry.pk, "attachment_pk": attachment.pk}
        )
    )
    assert download["Content-Type"] == "image/png"
    assert b"".join(download.streaming_content).startswith(b"\x89PNG")


def test_removing_an_attachment_deletes_its_file_once_the_removal_commits(
    client, applicant_entry, django_capture_on_commit_callbacks
):
    user, entry = applicant_entry
    client.force_login(user)
    client.post(edit_url(entry, "attachments"), {"file": png_upload()})
    attachment = entry.attachments.get()
    storage, name = attachment.file.storage, attachment.file.name
    url = reverse(
        "awards:attachment_remove", kwargs={"pk": entry.pk, "attachment_pk": attachment.pk}
    )

    with django_capture_on_commit_callbacks() as on_commit:
        response = client.post(url, follow=True)
    before_commit = storage.exists(name)
    for callback in on_commit:
        callback()

    assert "“map.png” removed." in response.content.decode()
    assert not entry.attachments.exists()
    assert before_commit
    assert not storage.exists(name)


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        (
            "report.pdf",
            b"MZ\x90\x00" + b"\x00" * 100,
            "it is a program, and programs are not accepted",
        ),
        ("empty.pdf", b"", "is empty"),
        (
            "logo.png",
            b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
            "SVG images can contain scripts",
        ),
    ],
)
def test_attachment_refused_with_reason(client, applicant_entry, name, content, message):
    user, entry = applicant_entry
    client.force_login(user)

    response = client.post(
        edit_url(entry, "attachments"), {"file": SimpleUploadedFile(name, content)}
    )

    assert response.status_code == 200
    assert message in response.content.decode()
    assert entry.attachments.count() == 0


def test_attachment_over_size_limit_refused(client, applicant_entry):
    user, entry = applicant_entry
    entry.edition.max_attachment_mb = 1
    entry.edition.save()
    client.force_login(user)
    big = SimpleUploadedFile("big.pdf", b"%PDF-1.4\n" + b"0" * (1024 * 1024) + b"\n%%EOF")

    response = client.post(edit_url(entry, "attachments"), {"file": big})

    assert "larger than the 1 MB limit" in response.content.decode()
    assert entry.attachments.count() == 0


def test_attachment_count_limit(client, applicant_entry):
    user, entry = applicant_entry
    entry.edition.max_attachments = 1
    entry.edition.save()
    client.force_login(user)
    client.post(edit_url(entry, "attachments"), {"file": png_upload("a.png")})

    response = client.post(edit_url(entry, "attachments"), {"file": png_upload("b.png")})

    assert "This entry already has 1 attachments, the most the edition allows." in (
        response.content.decode()
    )
    assert entry.attachments.count() == 1


def test_other_organisations_entry_is_not_found(client, applicant_entry):
    _, entry = applicant_entry
    stranger = MembershipFactory().user
    client.force_login(stranger)

    for url in [
        reverse("awards:entry_detail", kwargs={"pk": entry.pk}),
        edit_url(entry, "basics"),
        reverse("awards:entry_pdf", kwargs={"pk": entry.pk}),
    ]:
        assert client.get(url).status_code == 404
    response = client.post(edit_url(entry, "basics"), {"title": "Hijacked"})
    assert response.status_code == 404
    entry.refresh_from_db()
    assert entry.title == ""


def test_concurrent_save_tells_who_was_slower_and_keeps_text(client, applicant_entry):
    user, entry = applicant_entry
    colleague = MembershipFactory(organisation=entry.organisation).user
    seen_by_user = entry.version
    client.force_login(colleague)
    client.post(edit_url(entry, "basics"), {"title": "Colleague's title", "version": entry.version})

    client.force_login(user)
    response = client.post(
        edit_url(entry, "basics"),
        {"title": "My title", "summary": "My words", "version": seen_by_user},
    )

    html = response.content.decode()
    assert "A colleague saved this entry while you were editing it." in html
    assert "My words" in html
    entry.refresh_from_db()
    assert entry.title == "Colleague's title"


def test_autosave_hands_back_the_new_version_for_the_next_save(client, applicant_entry):
    user, entry = applicant_entry
    client.force_login(user)

    autosave = client.post(
        reverse("awards:entry_autosave", kwargs={"pk": entry.pk, "step": "basics"}),
        {"title": "Draft one", "version": entry.version},
    )
    version = re.search(r'id="entry-version" value="([^"]+)"', autosave.content.decode()).group(1)
    response = client.post(edit_url(entry, "basics"), {"title": "Draft two", "version": version})

    assert response.status_code == 302
    entry.refresh_from_db()
    assert entry.title == "Draft two"


def test_own_earlier_save_is_no_conflict(client, applicant_entry):
    # An autosave still in flight when the person clicks "save" must not refuse their own save.
    user, entry = applicant_entry
    opened = entry.version
    client.force_login(user)
    client.post(edit_url(entry, "basics"), {"title": "Autosaved", "version": opened})

    response = client.post(edit_url(entry, "basics"), {"title": "Saved", "version": opened})

    assert response.status_code == 302
    entry.refresh_from_db()
    assert entry.title == "Saved"


# Character limits --------------------------------------------------------------------------


def test_summary_of_long_words_refused_and_text_kept(client, applicant_entry):
    # 200 "words" of 5,000 characters each were once accepted, and the PDF never came.
    user, entry = applicant_entry
    client.force_login(user)
    summary = " ".join(["w" * 5000] * 200)

    response = client.post(edit_url(entry, "basics"), {"title": "Kept title", "summary": summary})

    html = response.content.decode()
    assert response.status_code == 200
    assert "Ensure this value has at most 2400 characters (it has 1000199)." in html
    assert 'value="Kept title"' in html
    assert summary in html
    entry.refresh_from_db()
    assert (entry.title, entry.summary) == ("", "")


def test_answer_beyond_its_character_limit_refused(client, applicant_entry):
    user, entry = applicant_entry
    question = entry.edition.questions.get()
    client.force_login(user)

    response = client.post(edit_url(entry, "answers"), {f"answer_{question.pk}": "x" * 601})

    assert "Ensure this value has at most 600 characters (it has 601)." in response.content.decode()
    assert entry.answers.count() == 0


def test_autosave_beyond_the_character_limit_saves_nothing(client, applicant_entry):
    user, entry = applicant_entry
    client.force_login(user)

    response = client.post(
        reverse("awards:entry_autosave", kwargs={"pk": entry.pk, "step": "basics"}),
        {"title": "Half", "summary": "w" * 2401},
    )

    assert "Not saved: some fields need your attention." in response.content.decode()
    entry.refresh_from_db()
    assert (entry.title, entry.summary) == ("", "")


# Autosave changes only what it carries -----------------------------------------------------


def test_autosave_of_the_title_alone_keeps_summary_language_and_goals(client, applicant_entry):
    user, entry = applicant_entry
    entry.summary, entry.language = "Two cities bring water.", "en"
    entry.save()
    entry.sdgs.set([6])
    client.force_login(user)

    response = client.post(
        reverse("awards:entry_autosave", kwargs={"pk": entry.pk, "step": "basics"}),
        {"title": "Water first"},
    )

    assert "Draft saved at" in response.content.decode()
    entry.refresh_from_db()
    assert (entry.title, entry.summary, entry.language, [g.number for g in entry.sdgs.all()]) == (
        "Water first",
        "Two cities bring water.",
        "en",
        [6],
    )


def test_autosave_with_the_goals_shown_and_none_ticked_clears_them(client, applicant_entry):
    user, entry = applicant_entry
    entry.sdgs.set([6, 17])
    client.force_login(user)

    client.post(
        reverse("awards:entry_autosave", kwargs={"pk": entry.pk, "step": "basics"}),
        {"title": "Water first", "carried": "sdgs"},
    )

    assert list(entry.sdgs.all()) == []


def test_autosave_of_one_answer_keeps_the_others(client, applicant_entry):
    user, entry = applicant_entry
    first = entry.edition.questions.get()
    second = QuestionFactory(edition=entry.edition)
    client.force_login(user)
    client.post(
        edit_url(entry, "answers"),
        {f"answer_{first.pk}": "Strategy.", f"answer_{second.pk}": "Results."},
    )

    client.post(
        reverse("awards:entry_autosave", kwargs={"pk": entry.pk, "step": "answers"}),
        {f"answer_{second.pk}": "Results, with figures."},
    )

    assert dict(entry.answers.values_list("question_id", "text")) == {
        first.pk: "Strategy.",
        second.pk: "Results, with figures.",
    }


def test_page_save_without_a_field_still_empties_it(client, applicant_entry):
    # A page posts every field it shows: a field left out of the whole page's form is empty.
    user, entry = applicant_entry
    entry.summary = "Old summary"
    entry.save()
    client.force_login(user)

    client.post(edit_url(entry, "basics"), {"title": "Water first"})

    entry.refresh_from_db()
    assert (entry.title, entry.summary) == ("Water first", "")
