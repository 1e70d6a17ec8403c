"""A juror who acts, or acted, on this site for an organisation involved in an entry is
conflicted with it, whatever country and organisation they declared — including when they
join such an organisation after being given the entry."""

import pytest

from awards.models import Entry, FormerMembership
from awards.services import organisations as organisation_services
from jury.models import Assignment, ConflictOfInterest, JurySettings
from jury.services import record_automatic_conflicts
from tests.factories import (
    EditionFactory,
    EntryFactory,
    JuryMemberFactory,
    MembershipFactory,
    OrganisationFactory,
    PartnerFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

MEMBERSHIP = ConflictOfInterest.Kind.MEMBERSHIP


def entry_in_review(edition, **kwargs) -> Entry:
    entry = EntryFactory(edition=edition, organisation__country="FR", **kwargs)
    PartnerFactory(entry=entry, country="SN", name="Commune de Ziguinchor")
    Entry.objects.filter(pk=entry.pk).update(state="in_review")
    return entry


def kinds(member, entry) -> list[str]:
    return sorted(
        ConflictOfInterest.objects.filter(
            member=member, entry=entry, lifted_at__isnull=True
        ).values_list("kind", flat=True)
    )


@pytest.fixture
def edition():
    edition = EditionFactory(phase="jury_review")
    # Only memberships count here: the declared country and organisation rules are off.
    JurySettings.objects.create(
        edition=edition, conflict_same_country=False, conflict_same_organisation=False
    )
    return edition


def test_a_member_of_the_lead_applicant_is_conflicted(edition):
    entry = entry_in_review(edition)
    juror = JuryMemberFactory(edition=edition, country="DE", organisation="UNDP")
    MembershipFactory(organisation=entry.organisation, user=juror.user)

    assert record_automatic_conflicts(edition=edition) == 1
    assert kinds(juror, entry) == [MEMBERSHIP]


def test_a_former_member_of_the_lead_applicant_is_conflicted(edition):
    entry = entry_in_review(edition)
    juror = JuryMemberFactory(edition=edition, country="DE", organisation="UNDP")
    membership = MembershipFactory(organisation=entry.organisation, user=juror.user)
    MembershipFactory(organisation=entry.organisation)  # someone stays behind

    organisation_services.remove_member(membership=membership, by=juror.user)
    record_automatic_conflicts(edition=edition)

    assert FormerMembership.objects.filter(user=juror.user).count() == 1
    assert kinds(juror, entry) == [MEMBERSHIP]


def test_a_request_to_join_that_was_never_approved_is_no_conflict(edition):
    entry = entry_in_review(edition)
    juror = JuryMemberFactory(edition=edition, country="DE", organisation="UNDP")
    MembershipFactory(organisation=entry.organisation, user=juror.user, is_approved=False)

    assert record_automatic_conflicts(edition=edition) == 0


def test_a_member_of_a_partner_government_on_the_site_is_conflicted(edition):
    entry = entry_in_review(edition)
    juror = JuryMemberFactory(edition=edition, country="DE", organisation="UNDP")
    partner_government = OrganisationFactory(name="COMMUNE DE ZIGUINCHOR", country="SN")
    MembershipFactory(organisation=partner_government, user=juror.user)
    namesake_elsewhere = OrganisationFactory(name="Commune de Ziguinchor", country="GN")
    other = JuryMemberFactory(edition=edition, country="DE", organisation="UNDP")
    MembershipFactory(organisation=namesake_elsewhere, user=other.user)

    assert record_automatic_conflicts(edition=edition) == 1
    assert (kinds(juror, entry), kinds(other, entry)) == ([MEMBERSHIP], [])


def test_the_contact_of_a_partner_is_conflicted(edition):
    entry = entry_in_review(edition)
    partner = entry.partners.get()
    juror = JuryMemberFactory(
        edition=edition, user=UserFactory(email=partner.contact_email.upper()), country="DE"
    )

    assert record_automatic_conflicts(edition=edition) == 1
    assert kinds(juror, entry) == [MEMBERSHIP]


def test_joining_an_involved_organisation_after_assignment_conflicts_at_once(edition):
    entry = entry_in_review(edition)
    juror = JuryMemberFactory(edition=edition, country="DE", organisation="UNDP")
    Assignment.objects.create(member=juror, entry=entry)
    colleague = MembershipFactory(organisation=entry.organisation).user
    request = organisation_services.request_membership(
        organisation=entry.organisation, by=juror.user
    )

    organisation_services.decide_membership(membership=request, by=colleague, approve=True)

    assert kinds(juror, entry) == [MEMBERSHIP]
    # Not yet opened, the assignment goes, as with any new conflict.
    assert not Assignment.objects.filter(member=juror, entry=entry).exists()


def test_accepting_an_invitation_of_an_involved_organisation_conflicts_at_once(edition):
    entry = entry_in_review(edition)
    juror = JuryMemberFactory(edition=edition, country="DE", organisation="UNDP")
    colleague = MembershipFactory(organisation=entry.organisation).user
    invitation = organisation_services.invite_colleague(
        organisation=entry.organisation, by=colleague, email=juror.user.email
    )

    organisation_services.accept_invitation(invitation=invitation, user=juror.user)

    assert kinds(juror, entry) == [MEMBERSHIP]


def test_the_membership_conflict_is_not_lifted_by_switching_a_rule(edition):
    from jury.services import save_settings
    from tests.factories import SecretariatFactory

    entry = entry_in_review(edition)
    juror = JuryMemberFactory(edition=edition, country="DE", organisation="UNDP")
    MembershipFactory(organisation=entry.organisation, user=juror.user)
    record_automatic_conflicts(edition=edition)

    settings = JurySettings.objects.get(edition=edition)
    settings.conflict_same_country = settings.conflict_same_organisation = True
    save_settings(settings=settings, by=SecretariatFactory())
    settings.conflict_same_country = settings.conflict_same_organisation = False
    save_settings(settings=settings, by=SecretariatFactory())

    assert kinds(juror, entry) == [MEMBERSHIP]
