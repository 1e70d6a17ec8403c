"""Deleting a person's account never deletes a record of the programme.

Entries, their history and screening, the jury's roster, conflicts of interest, evaluations,
scores, reopenings and phase changes outlive everyone who took part: a link to a person is
emptied (SET_NULL), or the deletion is refused (PROTECT) while the person's part in a record
needs them, and the admin says why instead of failing.
"""

from decimal import Decimal

import pytest
from django.apps import apps
from django.db import models
from django.db.models import ProtectedError
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from accounts.models import User
from awards.models import (
    EditionPhaseChange,
    EligibilityAnswer,
    Entry,
    EntryTransition,
    OrganisationMembership,
)
from awards.services.transitions import transition_entry
from jury.models import (
    Assignment,
    ConflictOfInterest,
    CriterionScore,
    Evaluation,
    JuryMember,
    Reopening,
)
from tests.factories import (
    EntryFactory,
    JuryMemberFactory,
    SecretariatFactory,
    UserFactory,
    applicant_with_entry,
    complete_entry,
    scoring_edition,
)

pytestmark = pytest.mark.django_db

# The programme's records: none may go because a person, or anything else, is deleted, but for
# the few rows that are their owner's own (below).
RECORDS = {
    Entry,
    EntryTransition,
    EligibilityAnswer,
    EditionPhaseChange,
    JuryMember,
    ConflictOfInterest,
    Evaluation,
    CriterionScore,
    Reopening,
}
OWNED_RECORDS = {
    # An edition may be deleted only while it has no entry (Entry.edition is PROTECT); its
    # phase log and an unused jury roster mean nothing without it.
    ("awards.Edition", "awards.EditionPhaseChange"),
    ("awards.Edition", "jury.JuryMember"),
    # An evaluation is protected from every cascade; its scores and reopenings are its parts.
    ("jury.Evaluation", "jury.CriterionScore"),
    ("jury.Evaluation", "jury.Reopening"),
}


def cascades_from(model: type[models.Model]) -> set[type[models.Model]]:
    """Every model whose rows deleting a `model` row deletes too, following CASCADE through
    every foreign key and one-to-one field (those hidden with related_name="+" included)."""
    deleted: set[type[models.Model]] = set()
    pending = [model]
    while pending:
        current = pending.pop()
        for relation in current._meta.get_fields(include_hidden=True):
            if not (relation.auto_created and not relation.concrete):
                continue
            if not (relation.one_to_many or relation.one_to_one):
                continue
            if relation.on_delete is models.CASCADE and relation.related_model not in deleted:
                deleted.add(relation.related_model)
                pending.append(relation.related_model)
    return deleted


def label(model: type[models.Model]) -> str:
    return model._meta.label


def test_deleting_a_person_cascades_only_into_their_own_links():
    assert {label(model) for model in cascades_from(User)} == {
        "accounts.User_groups",
        "accounts.User_user_permissions",
        "admin.LogEntry",  # Django's own history of the admin: the person's actions in it
        "awards.OrganisationMembership",  # belonging to an organisation, not a record
        "awards.FormerMembership",  # having belonged: it only makes a juror conflicted
    }


def test_no_deletion_of_anything_cascades_into_a_record_but_its_owners():
    reached = {
        (label(model), label(record))
        for model in apps.get_models(include_auto_created=True)
        for record in cascades_from(model) & RECORDS
        if record is not model
    }

    assert reached == OWNED_RECORDS


@pytest.fixture
def juror_with_record():
    """A juror who submitted an evaluation (scored, reopened once) and declared a conflict."""
    edition = scoring_edition()
    member = JuryMemberFactory(edition=edition)
    entry, other = (EntryFactory(edition=edition) for _ in range(2))
    Entry.objects.filter(pk__in=[entry.pk, other.pk]).update(state="in_review")
    evaluation = Evaluation.objects.create(
        assignment=Assignment.objects.create(member=member, entry=entry),
        status=Evaluation.Status.SUBMITTED,
        submitted_at=timezone.now(),
    )
    for criterion in edition.criteria.all():
        CriterionScore.objects.create(evaluation=evaluation, criterion=criterion, value=Decimal(7))
    Reopening.objects.create(evaluation=evaluation, by=SecretariatFactory(), reason="A comment")
    ConflictOfInterest.objects.create(
        member=member, entry=other, kind=ConflictOfInterest.Kind.DECLARED, note="Former adviser"
    )
    return member


def the_jurys_record() -> tuple[int, int, int, int, int, int]:
    return (
        JuryMember.objects.count(),
        Assignment.objects.count(),
        Evaluation.objects.count(),
        CriterionScore.objects.count(),
        Reopening.objects.count(),
        ConflictOfInterest.objects.count(),
    )


def test_deleting_a_juror_with_a_submitted_evaluation_is_refused_and_keeps_it(juror_with_record):
    scores = juror_with_record.edition.criteria.count()
    before = the_jurys_record()

    with pytest.raises(ProtectedError):
        juror_with_record.user.delete()

    assert before == (1, 1, 1, scores, 1, 1)
    assert the_jurys_record() == before
    assert User.objects.filter(pk=juror_with_record.user_id).exists()


def test_admin_says_why_a_juror_cannot_be_deleted_and_deletes_nothing(client, juror_with_record):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    url = reverse("admin:accounts_user_delete", args=[juror_with_record.user_id])
    before = the_jurys_record()

    shown = client.get(url)
    posted = client.post(url, {"post": "yes"})

    assert (shown.status_code, posted.status_code) == (200, 200)
    page = " ".join(posted.content.decode().split())
    assert "would require deleting the following protected related objects" in page
    change = reverse("admin:jury_jurymember_change", args=[juror_with_record.pk])
    assert f'Jury member: <a href="{change}">{escape(str(juror_with_record))}</a>' in page
    assert (
        "The programme's records need these people, so their accounts stay. To stop someone "
        "signing in, untick “Active” on their account instead."
    ) in page
    assert User.objects.filter(pk=juror_with_record.user_id).exists()
    assert the_jurys_record() == before


def test_admin_deleting_selected_people_refuses_for_a_juror_and_says_why(client, juror_with_record):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    applicant = UserFactory()

    response = client.post(
        reverse("admin:accounts_user_changelist"),
        {
            "action": "delete_selected",
            "_selected_action": [juror_with_record.user_id, applicant.pk],
            "post": "yes",
        },
    )

    assert response.status_code == 200
    page = " ".join(response.content.decode().split())
    assert "would require deleting the following protected related objects" in page
    assert "untick “Active” on their account instead." in page
    assert User.objects.filter(pk__in=[juror_with_record.user_id, applicant.pk]).count() == 2


def test_admin_deleting_a_jury_member_with_an_evaluation_is_refused(client, juror_with_record):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    before = the_jurys_record()

    response = client.post(
        reverse("admin:jury_jurymember_delete", args=[juror_with_record.pk]), {"post": "yes"}
    )

    assert response.status_code == 200
    assert "protected related objects" in response.content.decode()
    assert the_jurys_record() == before


def test_deleting_an_applicant_keeps_their_entry_and_its_history(
    django_capture_on_commit_callbacks,
):
    applicant, entry = applicant_with_entry(title="Wells for every district")
    complete_entry(entry)
    Entry.objects.filter(pk=entry.pk).update(created_by=applicant, last_saved_by=applicant)
    with django_capture_on_commit_callbacks(execute=True):
        entry = transition_entry(entry=entry, name="submit", by=applicant)
        transition_entry(entry=entry, name="withdraw", by=applicant, note="Postponed")

    applicant.delete()

    entry.refresh_from_db()
    assert (entry.title, entry.state, entry.created_by, entry.last_saved_by) == (
        "Wells for every district",
        "withdrawn",
        None,
        None,
    )
    assert list(entry.transitions.order_by("pk").values_list("transition", "by", "note")) == [
        ("submit", None, ""),
        ("withdraw", None, "Postponed"),
    ]
    assert not OrganisationMembership.objects.filter(user_id=applicant.pk).exists()
