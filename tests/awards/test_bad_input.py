"""Nonsense sent to any form of the applicant's side gets an answer, never a server error."""

import pytest
from django.urls import reverse

from tests.factories import PartnerFactory

pytestmark = pytest.mark.django_db

JUNK = [
    {},
    {"edition": "x", "organisation": "'; DROP TABLE"},
    {"organisation": "9999999999999999999999"},
    {"title": "\x00", "summary": "a" * 100_000, "language": "xx", "sdgs": ["99", "abc"]},
    {"partners-TOTAL_FORMS": "abc", "partners-INITIAL_FORMS": "-1"},
    {"projects-TOTAL_FORMS": "1", "projects-INITIAL_FORMS": "0", "projects-0-start_year": "1e9"},
    {"version": "not-a-date", "decision": "maybe", "until": "yesterday", "email": "@@"},
]


def urls_for(entry, organisation, token):
    pk = entry.pk
    return [
        reverse("awards:entry_create"),
        reverse("awards:organisation_create"),
        reverse("awards:organisation_join"),
        reverse("awards:colleague_invite", kwargs={"pk": organisation.pk}),
        reverse("awards:membership_decide", kwargs={"pk": organisation.pk, "membership_pk": 1}),
        *[
            reverse("awards:entry_edit", kwargs={"pk": pk, "step": s})
            for s in ["basics", "partners", "projects", "answers", "attachments"]
        ],
        reverse("awards:entry_autosave", kwargs={"pk": pk, "step": "basics"}),
        reverse("awards:entry_autosave", kwargs={"pk": pk, "step": "answers"}),
        reverse("awards:entry_transition", kwargs={"pk": pk, "name": "submit"}),
        reverse("awards:entry_transition", kwargs={"pk": pk, "name": "explode"}),
        reverse("awards:entry_extension", kwargs={"pk": pk}),
        reverse("awards:partners_ask", kwargs={"pk": pk}),
        reverse("awards:partner_respond", kwargs={"token": token}),
        reverse("awards:partner_respond", kwargs={"token": "garbage"}),
        reverse("awards:invitation_accept", kwargs={"token": "garbage"}),
    ]


@pytest.mark.parametrize("data", JUNK)
def test_junk_never_causes_a_server_error(client, applicant_entry, data):
    from awards.services.partners import partner_token

    user, entry = applicant_entry
    partner = PartnerFactory(entry=entry)
    client.force_login(user)

    for url in urls_for(entry, entry.organisation, partner_token(partner)):
        response = client.post(url, data)
        assert response.status_code < 500, (url, data, response.status_code)
