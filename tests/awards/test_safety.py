"""Refusals that protect the programme from mistakes and misuse."""

import datetime
import re
from unittest import mock

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from kombu.exceptions import OperationalError

from awards.models import Entry, Partner
from awards.services.partners import partner_token
from notifications.models import Notification
from tests.awards.conftest import formset_data
from tests.factories import (
    EditionFactory,
    MembershipFactory,
    PartnerFactory,
    QuestionFactory,
    SecretariatFactory,
    UserFactory,
    complete_entry,
)

pytestmark = pytest.mark.django_db


def test_invitation_accepted_only_by_the_invited_address(
    client, django_capture_on_commit_callbacks
):
    member = MembershipFactory()
    client.force_login(member.user)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("awards:colleague_invite", kwargs={"pk": member.organisation.pk}),
            {"email": "colleague@city.example"},
        )
    link = re.search(r"(/invitations/\S+/)", mail.outbox[0].body).group(1)
    stranger = UserFactory(email="stranger@evil.example")
    client.force_login(stranger)

    response = client.post(link, follow=True)

    assert "This invitation was sent to colleague@city.example." in response.content.decode()
    assert not stranger.organisation_memberships.exists()


def test_question_guidance_is_text_not_markup(client, applicant_entry):
    user, entry = applicant_entry
    QuestionFactory(edition=entry.edition, guidance="<script>alert(1)</script> Use < 500 words")
    client.force_login(user)

    html = client.get(
        reverse("awards:entry_edit", kwargs={"pk": entry.pk, "step": "answers"})
    ).content.decode()

    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; Use &lt; 500 words" in html


def test_email_subject_keeps_apostrophes(applicant_entry, django_capture_on_commit_callbacks):
    from awards.services.partners import ask_partners

    user, entry = applicant_entry
    entry.organisation.name = "Ville d'Angers & Région"
    entry.organisation.save()
    PartnerFactory(entry=entry)

    with django_capture_on_commit_callbacks(execute=True):
        ask_partners(entry=entry, by=user)

    assert mail.outbox[0].subject == (
        "Please confirm your partnership with Ville d'Angers & Région (PLATFORMAwards)"
    )


def test_partner_cannot_answer_for_a_withdrawn_entry(client):
    partner = PartnerFactory()
    Entry.objects.filter(pk=partner.entry_id).update(state="withdrawn")

    response = client.post(
        reverse("awards:partner_respond", kwargs={"token": partner_token(partner)}),
        {"decision": "confirm"},
    )

    assert "no longer open to replies" in response.content.decode()
    partner.refresh_from_db()
    assert partner.status == Partner.Status.NOT_ASKED


def test_renamed_partner_must_confirm_again(client, applicant_entry):
    user, entry = applicant_entry
    partner = PartnerFactory(entry=entry, status=Partner.Status.CONFIRMED, response_note="Yes")
    client.force_login(user)
    row = {
        "id": partner.pk,
        "name": "A different town",
        "country": partner.country.code,
        "contact_name": partner.contact_name,
        "contact_email": partner.contact_email,
    }

    client.post(
        reverse("awards:entry_edit", kwargs={"pk": entry.pk, "step": "partners"}),
        formset_data("partners", [row], initial=1),
    )

    partner.refresh_from_db()
    assert (partner.status, partner.response_note) == (Partner.Status.NOT_ASKED, "")


def test_edition_year_fixed_once_it_has_entries(client, applicant_entry):
    from awards.services.editions import update_edition

    _, entry = applicant_entry

    with pytest.raises(ValidationError) as refusal:
        update_edition(edition=entry.edition, by=SecretariatFactory(), year=2099)

    assert refusal.value.messages == [
        "The year can no longer change: the edition's entries carry it in their reference."
    ]


def test_extension_refused_in_the_past_and_for_submitted_entries(client, applicant_entry):
    _, entry = applicant_entry
    client.force_login(SecretariatFactory())
    url = reverse("awards:entry_extension", kwargs={"pk": entry.pk})
    zone = entry.edition.tzinfo
    past = (timezone.now() - datetime.timedelta(days=1)).astimezone(zone)

    response = client.post(url, {"until": past.strftime("%Y-%m-%dT%H:%M")}, follow=True)
    assert "An extension must end in the future" in response.content.decode()

    Entry.objects.filter(pk=entry.pk).update(state="submitted")
    later = entry.edition.submission_deadline.astimezone(zone) + datetime.timedelta(days=3)
    response = client.post(url, {"until": later.strftime("%Y-%m-%dT%H:%M")}, follow=True)
    assert "Only an entry not yet submitted can be given more time." in response.content.decode()
    entry.refresh_from_db()
    assert entry.deadline_extension is None


def test_extension_read_in_the_editions_own_time_zone(client, applicant_entry):
    _, entry = applicant_entry
    entry.edition.timezone = "America/Bogota"
    entry.edition.save()
    client.force_login(SecretariatFactory())
    local = entry.edition.submission_deadline.astimezone(entry.edition.tzinfo).replace(
        second=0, microsecond=0
    ) + datetime.timedelta(days=2)

    client.post(
        reverse("awards:entry_extension", kwargs={"pk": entry.pk}),
        {"until": local.strftime("%Y-%m-%dT%H:%M")},
    )

    entry.refresh_from_db()
    assert entry.deadline_extension == local


def test_submission_survives_a_broker_outage(
    client, applicant_entry, django_capture_on_commit_callbacks, caplog
):
    user, entry = applicant_entry
    complete_entry(entry)
    client.force_login(user)

    with (
        mock.patch("notifications.tasks.deliver_batch.delay", side_effect=OperationalError("down")),
        django_capture_on_commit_callbacks(execute=True),
    ):
        response = client.post(
            reverse("awards:entry_transition", kwargs={"pk": entry.pk, "name": "submit"})
        )

    assert response.status_code == 302
    entry.refresh_from_db()
    assert entry.state == "submitted"
    assert entry.partners.get().status == Partner.Status.PENDING
    assert "down" in caplog.text
    # Nothing is lost: the receipt and the partner's request wait in the outbox.
    assert sorted(Notification.objects.values_list("kind", "status")) == [
        ("entry.partner_confirmation", "pending"),
        ("entry.submitted", "pending"),
    ]


def test_attachment_of_another_entry_not_served_through_this_one(client, applicant_entry):
    from awards.models import Attachment

    user, entry = applicant_entry
    other = complete_entry(
        Entry.objects.create(edition=EditionFactory(), organisation=entry.organisation, number=9)
    )
    foreign = MembershipFactory().organisation
    theirs = Entry.objects.create(edition=other.edition, organisation=foreign, number=10)
    attachment = Attachment.objects.create(
        entry=theirs,
        file="entries/x.pdf",
        original_name="x.pdf",
        content_type="application/pdf",
        size=1,
        sha256="0" * 64,
    )
    client.force_login(user)

    for name in ["awards:attachment_download", "awards:attachment_remove"]:
        url = reverse(name, kwargs={"pk": entry.pk, "attachment_pk": attachment.pk})
        assert client.post(url).status_code == 404
    assert Attachment.objects.filter(pk=attachment.pk).exists()
