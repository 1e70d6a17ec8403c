import datetime
import re
from decimal import Decimal

import pytest
import time_machine
from django.core import mail
from django.urls import reverse

from accounts.models import User
from jury.models import JuryMember
from tests.accounts.spellings import fullwidth
from tests.factories import (
    PASSWORD,
    EditionFactory,
    JuryMemberFactory,
    SecretariatFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def invite(client, edition, capture, **fields):
    data = {
        "email": "judge@example.org",
        "full_name": "Judith Judge",
        "country": "NL",
        "organisation": "VNG International",
        "language": "fr",
        **fields,
    }
    client.force_login(SecretariatFactory())
    with capture(execute=True):
        return client.post(reverse("jury:members", kwargs={"slug": edition.slug}), data)


def link_in(message) -> str:
    return re.search(r"(/jury/invitations/\S+/)", message.body).group(1)


def test_newcomer_invited_sets_a_password_and_joins(client, django_capture_on_commit_callbacks):
    edition = EditionFactory(title="PLATFORMAwards 2031")
    invite(client, edition, django_capture_on_commit_callbacks)
    message = mail.outbox[0]
    assert message.subject == "Invitation au jury des PLATFORMAwards 2031"
    user = User.objects.get(email="judge@example.org")
    assert not user.has_usable_password()
    client.logout()

    page = client.get(link_in(message))
    response = client.post(
        link_in(message),
        {
            "new_password1": "a-juror-pass-2031",
            "new_password2": "a-juror-pass-2031",
            # As the page sends them: what the secretariat typed, confirmed.
            "affiliation-country": "NL",
            "affiliation-organisation": "VNG International",
        },
    )

    assert "Choose a password for your account (judge@example.org)." in page.content.decode()
    assert response["Location"] == reverse("dashboard")
    member = JuryMember.objects.get(user=user)
    assert member.accepted_at is not None
    user.refresh_from_db()
    assert user.check_password("a-juror-pass-2031")
    assert (member.country.code, member.organisation) == ("NL", "VNG International")


def test_existing_account_signs_in_before_accepting(client, django_capture_on_commit_callbacks):
    edition = EditionFactory()
    user = UserFactory(email="judge@example.org")
    invite(client, edition, django_capture_on_commit_callbacks)
    link = link_in(mail.outbox[0])
    client.logout()

    assert client.get(link)["Location"].startswith(reverse("accounts:login"))
    client.force_login(user)
    client.post(link, {"affiliation-country": "NL", "affiliation-organisation": ""})

    assert JuryMember.objects.get(user=user).accepted_at is not None
    user.refresh_from_db()
    assert user.check_password(PASSWORD)


def test_invitation_expires_after_three_weeks(client, django_capture_on_commit_callbacks):
    edition = EditionFactory()
    invite(client, edition, django_capture_on_commit_callbacks)
    link = link_in(mail.outbox[0])
    client.logout()

    with time_machine.travel(datetime.timedelta(days=22)):
        response = client.get(link)

    assert response.status_code == 404
    assert "This invitation has expired." in response.content.decode()


def test_second_chair_refused_and_input_kept(client, django_capture_on_commit_callbacks):
    edition = EditionFactory()
    JuryMemberFactory(edition=edition, is_chair=True)

    response = invite(client, edition, django_capture_on_commit_callbacks, is_chair="on")

    html = response.content.decode()
    assert "This edition&#x27;s jury already has a chair." in html
    assert 'value="Judith Judge"' in html
    assert not JuryMember.objects.filter(user__email="judge@example.org", is_chair=True).exists()


def test_jury_page_closed_to_jurors(client):
    member = JuryMemberFactory()
    client.force_login(member.user)

    response = client.get(reverse("jury:members", kwargs={"slug": member.edition.slug}))

    assert response.status_code == 403


def test_the_juror_confirms_or_corrects_country_and_organisation_when_accepting(
    client, django_capture_on_commit_callbacks
):
    from awards.models import Entry
    from jury.models import ConflictOfInterest
    from tests.factories import EntryFactory

    edition = EditionFactory()
    belgian = EntryFactory(edition=edition, organisation__country="BE")
    Entry.objects.filter(pk=belgian.pk).update(state="in_review")
    invite(client, edition, django_capture_on_commit_callbacks)
    link = link_in(mail.outbox[0])
    client.logout()

    page = client.get(link).content.decode()
    client.post(
        link,
        {
            "new_password1": "a-juror-pass-2031",
            "new_password2": "a-juror-pass-2031",
            "affiliation-country": "BE",
            "affiliation-organisation": "  Brussels Capital Region ",
        },
    )

    assert 'value="VNG International"' in page  # what the secretariat typed, to confirm
    member = JuryMember.objects.get(user__email="judge@example.org")
    assert (member.country.code, member.organisation) == ("BE", "Brussels Capital Region")
    # The corrected country is the one the conflicts follow.
    assert ConflictOfInterest.objects.filter(member=member, entry_id=belgian.pk).exists()


def test_withdrawing_an_invitation_stops_its_link(client, django_capture_on_commit_callbacks):
    edition = EditionFactory()
    invite(client, edition, django_capture_on_commit_callbacks)
    member = JuryMember.objects.get()

    response = client.post(
        reverse("jury:remove_member", kwargs={"slug": edition.slug, "pk": member.pk}),
        follow=True,
    )
    client.logout()
    link = client.get(link_in(mail.outbox[0]))

    assert "The invitation of Judith Judge is withdrawn." in response.content.decode()
    assert not JuryMember.objects.exists()
    assert link.status_code == 404
    assert "This invitation has been withdrawn." in link.content.decode()


def test_a_juror_who_has_scored_stays_on_the_jury(client):
    from awards.models import Entry
    from jury import scoring
    from jury.models import Assignment
    from tests.factories import EntryFactory, scoring_edition

    edition = scoring_edition()
    entry = EntryFactory(edition=edition)
    Entry.objects.filter(pk=entry.pk).update(state="in_review")
    member = JuryMemberFactory(edition=edition, user__full_name="Sara Scorer")
    assignment = Assignment.objects.create(member=member, entry=entry)
    criterion = edition.criteria.first()
    scoring.save_scores(
        assignment=assignment,
        by=member.user,
        scores={criterion.pk: Decimal("7")},
        comments={},
    )
    client.force_login(SecretariatFactory())

    response = client.post(
        reverse("jury:remove_member", kwargs={"slug": edition.slug, "pk": member.pk}),
        follow=True,
    )

    assert "Sara Scorer has started scoring, so they stay on the jury" in response.content.decode()
    assert JuryMember.objects.filter(pk=member.pk).exists()


def test_only_the_secretariat_removes_jurors(client):
    member = JuryMemberFactory()
    client.force_login(JuryMemberFactory(edition=member.edition, is_chair=True).user)

    response = client.post(
        reverse("jury:remove_member", kwargs={"slug": member.edition.slug, "pk": member.pk})
    )

    assert response.status_code == 403
    assert JuryMember.objects.filter(pk=member.pk).exists()


def test_the_link_used_again_after_accepting_changes_nothing(
    client, django_capture_on_commit_callbacks
):
    edition = EditionFactory()
    invite(client, edition, django_capture_on_commit_callbacks)
    link = link_in(mail.outbox[0])
    member = JuryMember.objects.get()
    member.accepted_at = member.invited_at
    member.save(update_fields=["accepted_at"])
    client.force_login(member.user)

    response = client.post(
        link, {"affiliation-country": "PT", "affiliation-organisation": ""}, follow=True
    )

    assert response.redirect_chain[-1][0] == reverse("jury:home")
    assert "Vous avez déjà accepté cette invitation." in response.content.decode()  # in French
    member.refresh_from_db()
    assert (member.country.code, member.organisation) == ("NL", "VNG International")


def test_a_country_is_needed_to_accept(client, django_capture_on_commit_callbacks):
    edition = EditionFactory()
    invite(client, edition, django_capture_on_commit_callbacks)
    client.logout()

    response = client.post(
        link_in(mail.outbox[0]),
        {
            "new_password1": "a-juror-pass-2031",
            "new_password2": "a-juror-pass-2031",
            "affiliation-country": "",
            "affiliation-organisation": "VNG International",
        },
    )

    assert response.status_code == 200
    assert "This field is required." in response.content.decode()
    assert JuryMember.objects.get().accepted_at is None


def test_withdrawing_a_newcomers_invitation_removes_the_unused_account(
    client, django_capture_on_commit_callbacks
):
    edition = EditionFactory()
    invite(client, edition, django_capture_on_commit_callbacks)
    existing = UserFactory(email="known@example.org")
    invite(client, edition, django_capture_on_commit_callbacks, email="known@example.org")
    newcomer, known = JuryMember.objects.order_by("pk")

    for member in (newcomer, known):
        client.post(reverse("jury:remove_member", kwargs={"slug": edition.slug, "pk": member.pk}))

    assert not User.objects.filter(email="judge@example.org").exists()
    assert User.objects.filter(pk=existing.pk).exists()


def test_a_juror_with_a_declared_conflict_stays_on_the_jury(client):
    from awards.models import Entry
    from jury.services import declare_conflict
    from tests.factories import EntryFactory

    member = JuryMemberFactory(user__full_name="Dora Declarer")
    entry = EntryFactory(edition=member.edition)
    Entry.objects.filter(pk=entry.pk).update(state="in_review")
    entry.refresh_from_db()
    declare_conflict(member=member, entry=entry, by=member.user, note="My former employer.")
    client.force_login(SecretariatFactory())

    response = client.post(
        reverse("jury:remove_member", kwargs={"slug": member.edition.slug, "pk": member.pk}),
        follow=True,
    )

    assert "Dora Declarer has conflicts of interest on record" in response.content.decode()
    assert member.conflicts.get().note == "My former employer."


def test_removing_a_juror_who_only_opened_entries_takes_their_empty_drafts_and_conflicts():
    from awards.models import Entry
    from jury.models import Assignment, ConflictOfInterest, Evaluation
    from jury.services import record_automatic_conflicts, remove_juror
    from tests.factories import EntryFactory, PartnerFactory

    member = JuryMemberFactory(country="ES")
    opened, shared_country = (
        EntryFactory(edition=member.edition, organisation__country=country)
        for country in ("BE", "ES")
    )
    PartnerFactory(entry=opened, country="SN")
    Entry.objects.filter(pk__in=[opened.pk, shared_country.pk]).update(state="in_review")
    record_automatic_conflicts(edition=member.edition)
    Evaluation.objects.create(assignment=Assignment.objects.create(member=member, entry=opened))
    assert list(member.conflicts.values_list("entry", "kind")) == [(shared_country.pk, "country")]

    remove_juror(member=member, by=SecretariatFactory())

    assert ConflictOfInterest.objects.count() == 0
    assert (JuryMember.objects.count(), Assignment.objects.count()) == (0, 0)
    assert Evaluation.objects.count() == 0


def test_inviting_an_address_in_another_spelling_invites_its_account(
    client, django_capture_on_commit_callbacks
):
    juror = UserFactory(email="judge@example.org")
    edition = EditionFactory()

    typed = fullwidth("JUDGE") + "@Example.org"

    response = invite(client, edition, django_capture_on_commit_callbacks, email=typed)

    assert response.status_code == 302
    assert User.objects.filter(email__icontains="judge").count() == 1
    assert JuryMember.objects.get(edition=edition).user == juror


def test_accepting_checks_the_conflicts_of_the_juror_who_accepts_and_of_no_other():
    """Each juror's conflicts are recorded when they accept (or the planner runs): checking
    every other juror against every entry again at each acceptance made seating a jury grow
    with the square of its size."""
    from awards.models import Entry
    from jury.models import ConflictOfInterest
    from jury.services import accept_invitation
    from tests.factories import EntryFactory

    seated = JuryMemberFactory(country="ES")  # accepted before the entry was in review
    edition = seated.edition
    entry = EntryFactory(edition=edition, organisation__country="ES")
    Entry.objects.filter(pk=entry.pk).update(state="in_review")
    newcomer = JuryMemberFactory(edition=edition, country="ES", accepted_at=None)

    accept_invitation(member=newcomer, user=newcomer.user)

    assert list(ConflictOfInterest.objects.values_list("member", "entry")) == [
        (newcomer.pk, entry.pk)
    ]


def test_a_juror_accepting_is_checked_against_the_entries_they_may_be_involved_in_only(
    monkeypatch,
):
    """Each rule still finds its conflict, names compared case folded ("ŁÓDŹ" is "Łódź") and
    addresses in the site's one spelling; the entries nothing links to the juror are not even
    read, so that accepting costs the same in an edition of ten thousand entries."""
    from awards.models import Entry
    from jury.models import ConflictOfInterest
    from jury.services import accept_invitation
    from jury.services import conflicts as conflict_services
    from tests.factories import EntryFactory, MembershipFactory, PartnerFactory

    newcomer = JuryMemberFactory(
        country="GE", organisation="Ville de ŁÓDŹ", accepted_at=None, user__email="ana@vng.nl"
    )
    edition = newcomer.edition
    MembershipFactory(user=newcomer.user, organisation__name="Tbilisi", organisation__country="GE")

    def entry(**partner):
        made = EntryFactory(edition=edition, organisation__country="BE")
        PartnerFactory(entry=made, **{"country": "SN", **partner})
        Entry.objects.filter(pk=made.pk).update(state="in_review")
        return made

    same_country = entry(country="GE", name="Batumi")
    same_organisation = entry(name="ville de łódź", country="PL")
    partner_contact = entry(contact_email="Ana@VNG.nl")
    government = entry(name="TBILISI", country="GE")
    unrelated = [entry() for _ in range(12)]
    read = []
    involvements = conflict_services.involvements

    def reading(entries):
        found = involvements(entries)
        read.extend(involvement.entry_id for involvement in found)
        return found

    monkeypatch.setattr(conflict_services, "involvements", reading)

    accept_invitation(member=newcomer, user=newcomer.user)

    assert set(ConflictOfInterest.objects.values_list("entry", "kind")) == {
        (same_country.pk, "country"),
        (same_organisation.pk, "organisation"),
        (partner_contact.pk, "membership"),
        (government.pk, "country"),
        (government.pk, "membership"),
    }
    linked = {same_country.pk, same_organisation.pk, partner_contact.pk, government.pk}
    assert set(read) == linked
    assert not set(read) & {e.pk for e in unrelated}
