from typing import NamedTuple

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from awards.models import Entry, OrganisationMembership
from awards.services.partners import partner_token
from jury.models import Assignment, ConflictOfInterest, Evaluation
from jury.services import invitation_token
from notifications.models import Notification
from tests.factories import (
    JuryMemberFactory,
    SecretariatFactory,
    UserFactory,
    applicant_with_entry,
    complete_entry,
    scoring_edition,
)
from tests.support.forms import address, routes

STEPS = ["basics", "partners", "projects", "answers", "attachments"]


class Site(NamedTuple):
    """Every address of the site with something behind it; a client signed in as each role
    (juror, applicant, anonymous, secretariat, in the order a walk should take them); the
    (method, action) of the forms a walk must reach."""

    urls: list[str]
    clients: dict[str, Client]
    reached: set[tuple[str, str]]


@pytest.fixture
def site() -> Site:
    """A world with something behind every URL: an applicant's draft with a partner, a jury
    scoring with an assignment, a conflict and an evaluation, an outbox message."""
    applicant, entry = applicant_with_entry()
    complete_entry(entry)
    partner = entry.partners.get()
    edition = scoring_edition()
    juror = JuryMemberFactory(edition=edition)
    reviewed = complete_entry(
        Entry.objects.create(edition=edition, organisation=entry.organisation, number=1)
    )
    Entry.objects.filter(pk=reviewed.pk).update(state="in_review")
    assignment = Assignment.objects.create(member=juror, entry=reviewed)
    evaluation = Evaluation.objects.create(
        assignment=assignment, status="submitted", submitted_at=timezone.now()
    )
    # A second entry the juror is still scoring: its page autosaves.
    drafting = complete_entry(
        Entry.objects.create(edition=edition, organisation=entry.organisation, number=2)
    )
    Entry.objects.filter(pk=drafting.pk).update(state="in_review")
    draft = Assignment.objects.create(member=juror, entry=drafting)
    conflict = ConflictOfInterest.objects.create(
        member=JuryMemberFactory(edition=edition), entry=reviewed, kind="declared"
    )
    waiting = OrganisationMembership.objects.create(
        organisation=entry.organisation, user=UserFactory(), is_approved=False
    )
    Notification.objects.create(kind="entry.submitted", key="k", recipient_email="a@b.eu")
    values = {
        "pk": entry.pk,
        "slug": edition.slug,
        "step": "basics",
        "name": "withdraw",
        "token": partner_token(partner),
        "kind": "entry.submitted",
        "membership_pk": waiting.pk,
        "invitation_pk": 1,
        "attachment_pk": 1,
        "uidb64": "MQ",
        "code": "AAAA-BBBB-CCCC",
        "action": "revoke",
        "format": "jwt",
        "reference": "PA2030-0001",
    }
    per_route = {
        "editions/<slug:slug>/jury/members/<int:pk>/remove/": {"pk": juror.pk},
        "editions/<slug:slug>/jury/conflicts/<int:pk>/lift/": {"pk": conflict.pk},
        "editions/<slug:slug>/jury/assignments/<int:pk>/more-time/": {"pk": assignment.pk},
        "editions/<slug:slug>/jury/progress/<int:pk>/remind/": {"pk": juror.pk},
        "editions/<slug:slug>/jury/evaluations/<int:pk>/": {"pk": evaluation.pk},
        "jury/invitations/<str:token>/": {"token": invitation_token(juror)},
        "accounts/password/reset/<uidb64>/<token>/": {"token": "set-password"},
        "accounts/confirm/<str:token>/": {"token": "garbage"},
        "invitations/<str:token>/": {"token": "garbage"},
        "jury/assignments/<int:pk>/": {"pk": draft.pk},
        "jury/assignments/<int:pk>/autosave/": {"pk": draft.pk},
        "jury/assignments/<int:pk>/conflict/": {"pk": draft.pk},
        "organisations/<int:pk>/": {"pk": entry.organisation_id},
        "organisations/<int:pk>/members/<int:membership_pk>/": {"pk": entry.organisation_id},
        "organisations/<int:pk>/invite/": {"pk": entry.organisation_id},
        "organisations/<int:pk>/profile/": {"pk": entry.organisation_id},
        "organisations/<int:pk>/members/<int:membership_pk>/remove/": {"pk": entry.organisation_id},
        "organisations/<int:pk>/invitations/<int:invitation_pk>/revoke/": {
            "pk": entry.organisation_id
        },
        "outbox/<int:pk>/resend/": {"pk": Notification.objects.get().pk},
        "editions/<slug:slug>/phase/<slug:name>/": {"name": "close_call"},
        # The rubric is editable until scoring opens: the applicant's edition's is.
        "editions/<slug:slug>/jury/rubric/": {"slug": entry.edition.slug},
    }
    reached = {
        ("post", reverse("jury:score", args=[draft.pk])),
        ("post", reverse("jury:score_autosave", args=[draft.pk])),
        ("post", reverse("jury:rubric", args=[entry.edition.slug])),
        *[("post", reverse("awards:entry_edit", args=[entry.pk, step])) for step in STEPS],
        ("post", reverse("awards:entry_autosave", args=[entry.pk, "basics"])),
        ("post", reverse("awards:entry_autosave", args=[entry.pk, "answers"])),
        ("post", reverse("awards:edition_create")),
        ("post", reverse("awards:edition_reminders", args=[edition.slug])),
        ("post", reverse("awards:screening_entry", args=[entry.pk])),
        ("post", reverse("accounts:login")),
        ("post", reverse("accounts:sign_up")),
        ("get", reverse("awards:screening_queue")),
        ("get", reverse("notifications:outbox")),
        ("get", reverse("awards:organisation_join")),
    }
    urls = []
    for route, pattern in routes():
        wanted = pattern.pattern.converters
        # Each step of the entry's form is a page of its own.
        for step in STEPS if route == "entries/<int:pk>/edit/<slug:step>/" else [None]:
            kwargs = {name: (per_route.get(route) or {}).get(name, values[name]) for name in wanted}
            kwargs |= {"step": step} if step else {}
            urls.append(address(route, kwargs))
    # The juror first and the secretariat last: the secretariat's pages remove jurors.
    clients = {}
    for role, user in (
        ("juror", juror.user),
        ("applicant", applicant),
        ("anonymous", None),
        ("secretariat", SecretariatFactory()),
    ):
        clients[role] = Client(raise_request_exception=False)
        if user is not None:
            clients[role].force_login(user)
    return Site(urls, clients, reached)
