import datetime
import io
import re

import pytest
import time_machine
from django.core import mail
from django.urls import reverse
from pypdf import PdfReader

from awards.models import Entry, EntryTransition, Partner
from awards.services.transitions import TransitionRefused, transition_entry
from tests.factories import SecretariatFactory, complete_entry

pytestmark = pytest.mark.django_db


def submit(client, entry, capture):
    with capture(execute=True):
        return client.post(
            reverse("awards:entry_transition", kwargs={"pk": entry.pk, "name": "submit"}),
            follow=True,
        )


def test_submit_complete_entry_sends_receipt_and_asks_partners(
    client, applicant_entry, django_capture_on_commit_callbacks
):
    user, entry = applicant_entry
    complete_entry(entry)
    client.force_login(user)

    response = submit(client, entry, django_capture_on_commit_callbacks)

    entry.refresh_from_db()
    assert entry.state == "submitted"
    assert entry.submitted_at is not None
    assert "Your entry is submitted." in response.content.decode()
    subjects = sorted(message.subject for message in mail.outbox)
    assert subjects == [
        f"Entry {entry.reference} received",
        f"Please confirm your partnership with {entry.organisation.name} (PLATFORMAwards)",
    ]
    receipt = next(m for m in mail.outbox if "received" in m.subject)
    assert receipt.to == [user.email]
    assert entry.reference in receipt.body
    assert entry.partners.get().status == Partner.Status.PENDING
    log = EntryTransition.objects.get(entry=entry)
    assert (log.transition, log.source_state, log.target_state, log.by) == (
        "submit",
        "draft",
        "submitted",
        user,
    )


def test_submit_incomplete_entry_refused_naming_why(
    client, applicant_entry, django_capture_on_commit_callbacks
):
    user, entry = applicant_entry
    client.force_login(user)

    response = submit(client, entry, django_capture_on_commit_callbacks)

    assert "The entry is not complete yet: the review page lists what is missing." in (
        response.content.decode()
    )
    entry.refresh_from_db()
    assert entry.state == "draft"
    assert mail.outbox == []
    assert EntryTransition.objects.count() == 0


def test_review_lists_what_is_missing(client, applicant_entry):
    user, entry = applicant_entry
    client.force_login(user)

    response = client.get(reverse("awards:entry_review", kwargs={"pk": entry.pk}))

    question = entry.edition.questions.get()
    assert response.context["missing"] == [
        "a title",
        "a summary",
        "the language of the entry",
        "at least one Sustainable Development Goal",
        "at least one partner government",
        "at least one linked project",
        f"an answer to “{question.title}”",
    ]


def test_summary_over_word_limit_blocks_submission(applicant_entry):
    _, entry = applicant_entry
    complete_entry(entry)
    entry.edition.summary_word_limit = 3
    entry.edition.save()

    assert entry.missing_items() == ["a summary within the word limit"]


def test_second_submit_refused(client, applicant_entry, django_capture_on_commit_callbacks):
    user, entry = applicant_entry
    complete_entry(entry)
    client.force_login(user)
    submit(client, entry, django_capture_on_commit_callbacks)

    response = submit(client, entry, django_capture_on_commit_callbacks)

    assert "This step is not possible while the entry is “Submitted”." in (
        response.content.decode()
    )
    assert EntryTransition.objects.count() == 1


def test_editing_after_submission_refused_and_nothing_changes(client, applicant_entry):
    user, entry = applicant_entry
    complete_entry(entry)
    transition_entry(entry=entry, name="submit", by=user)
    client.force_login(user)

    response = client.post(
        reverse("awards:entry_edit", kwargs={"pk": entry.pk, "step": "basics"}),
        {"title": "Changed after the fact"},
        follow=True,
    )

    assert "can no longer be changed" in response.content.decode()
    entry.refresh_from_db()
    assert entry.title == "Water for every district"


def test_stale_submit_told_someone_was_faster(applicant_entry):
    user, entry = applicant_entry
    complete_entry(entry)
    stale_copy = Entry.objects.get(pk=entry.pk)
    transition_entry(entry=entry, name="submit", by=user)

    with pytest.raises(TransitionRefused) as refusal:
        transition_entry(entry=stale_copy, name="withdraw", by=user)

    assert str(refusal.value) == (
        "Someone else changed this entry a moment ago; it is now “Submitted”. "
        "The page shows its current state."
    )


def test_deadline_enforced_to_the_second(applicant_entry):
    user, entry = applicant_entry
    complete_entry(entry)
    deadline = entry.edition.submission_deadline

    one_second_late = deadline + datetime.timedelta(seconds=1)
    with (
        time_machine.travel(one_second_late, tick=False),
        pytest.raises(TransitionRefused) as refusal,
    ):
        transition_entry(entry=entry, name="submit", by=user)
    assert str(refusal.value) == "The submission deadline has passed."
    entry.refresh_from_db()
    assert (entry.state, entry.title) == ("draft", "Water for every district")

    with time_machine.travel(deadline, tick=False):
        transition_entry(entry=entry, name="submit", by=user)
    entry.refresh_from_db()
    assert entry.state == "submitted"


def test_extension_lets_one_entry_submit_late(
    client, applicant_entry, django_capture_on_commit_callbacks
):
    user, entry = applicant_entry
    complete_entry(entry)
    edition = entry.edition
    edition.timezone = "Europe/Brussels"
    edition.save()
    client.force_login(SecretariatFactory())
    late = edition.submission_deadline + datetime.timedelta(days=2)
    typed = late.astimezone(edition.tzinfo).strftime("%Y-%m-%dT%H:%M")

    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("awards:entry_extension", kwargs={"pk": entry.pk}), {"until": typed})

    entry.refresh_from_db()
    assert entry.deadline_extension == late.replace(second=0, microsecond=0)
    assert [m.subject for m in mail.outbox] == [f"More time for entry {entry.reference}"]
    with time_machine.travel(late - datetime.timedelta(minutes=5), tick=False):
        transition_entry(entry=entry, name="submit", by=user)
    entry.refresh_from_db()
    assert entry.state == "submitted"


def test_applicant_cannot_grant_extension(client, applicant_entry):
    user, entry = applicant_entry
    client.force_login(user)

    response = client.post(
        reverse("awards:entry_extension", kwargs={"pk": entry.pk}), {"until": "2099-01-01T10:00"}
    )

    assert response.status_code == 403
    entry.refresh_from_db()
    assert entry.deadline_extension is None


def test_withdraw_is_confirmed_first_and_tells_everyone(
    client, applicant_entry, django_capture_on_commit_callbacks
):
    user, entry = applicant_entry
    secretariat = SecretariatFactory()
    client.force_login(user)
    url = reverse("awards:entry_transition", kwargs={"pk": entry.pk, "name": "withdraw"})

    page = client.get(url)
    unconfirmed = client.post(url, {"note": "Too soon"})
    entry.refresh_from_db()
    assert entry.state == "draft"
    assert "Withdraw this entry?" in page.content.decode()
    assert unconfirmed.status_code == 200

    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {"note": "The project was cancelled.", "confirmed": "1"})

    entry.refresh_from_db()
    assert entry.state == "withdrawn"
    assert sorted(m.to[0] for m in mail.outbox) == sorted([user.email, secretariat.email])
    assert all("The project was cancelled." in m.body for m in mail.outbox)


def test_pdf_copy_contains_the_title(client, applicant_entry):
    user, entry = applicant_entry
    complete_entry(entry)
    client.force_login(user)

    response = client.get(reverse("awards:entry_pdf", kwargs={"pk": entry.pk}))

    assert response["Content-Type"] == "application/pdf"
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    assert "Water for every district" in text
    assert entry.reference in text
    assert re.search(r"A full answer\.", text)


def test_pdf_renderer_refuses_outside_resources(applicant_entry):
    from awards.pdf import make_fetcher

    fetcher = make_fetcher()

    for url in ["file:///etc/passwd", "http://example.org/x.png", "ftp://example.org/x"]:
        with pytest.raises(ValueError, match="Resource refused"):
            fetcher.fetch(url)


@pytest.mark.parametrize(
    ("state", "deadline", "submit_transition"),
    [
        ("draft", "submission_deadline", "submit"),
        ("clarification_requested", "clarification_deadline", "resubmit"),
    ],
)
def test_review_offers_submission_until_the_deadline_that_applies(
    client, applicant_entry, state, deadline, submit_transition
):
    user, entry = applicant_entry
    Entry.objects.filter(pk=entry.pk).update(state=state)
    url = reverse("awards:entry_review", kwargs={"pk": entry.pk})
    form_action = reverse(
        "awards:entry_transition", kwargs={"pk": entry.pk, "name": submit_transition}
    )
    at = getattr(entry.edition, deadline)

    pages = []
    for moment in (at, at + datetime.timedelta(seconds=1)):
        with time_machine.travel(moment, tick=False):
            client.force_login(user)
            pages.append(client.get(url).content.decode())
    on_time, late = pages

    assert form_action in on_time
    assert "The submission deadline has passed." not in on_time
    assert form_action not in late
    assert "The submission deadline has passed." in late
