import datetime

import factory
from django.contrib.auth.models import Group
from django.utils import timezone

from accounts.models import SECRETARIAT_GROUP, User
from awards.models import (
    Answer,
    Edition,
    Entry,
    LinkedProject,
    Organisation,
    OrganisationMembership,
    Partner,
    Question,
)
from jury.models import JuryMember

PASSWORD = "a-long-test-password-1"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ["email"]
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.org")
    full_name = factory.Faker("name")
    preferred_language = "en"
    password = factory.django.Password(PASSWORD)
    # Most tests are about people who confirmed their address; those that are not say so.
    email_verified_at = factory.LazyFunction(timezone.now)


class SecretariatFactory(UserFactory):
    @factory.post_generation
    def secretariat(self, create, extracted, **kwargs):
        if create:
            self.groups.add(Group.objects.get_or_create(name=SECRETARIAT_GROUP)[0])


class EditionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Edition

    year = factory.Sequence(lambda n: 2030 + n)
    phase = "call_open"
    title = factory.LazyAttribute(lambda o: f"PLATFORMAwards {o.year}")
    slug = factory.LazyAttribute(lambda o: f"platformawards-{o.year}")
    call_opens = factory.LazyFunction(lambda: timezone.now() - datetime.timedelta(days=10))
    submission_deadline = factory.LazyAttribute(
        lambda o: o.call_opens + datetime.timedelta(days=40)
    )
    clarification_deadline = factory.LazyAttribute(
        lambda o: o.submission_deadline + datetime.timedelta(days=14)
    )
    scoring_opens = factory.LazyAttribute(
        lambda o: o.clarification_deadline + datetime.timedelta(days=3)
    )
    scoring_deadline = factory.LazyAttribute(
        lambda o: o.scoring_opens + datetime.timedelta(days=30)
    )
    deliberation_at = factory.LazyAttribute(
        lambda o: o.scoring_deadline + datetime.timedelta(days=7)
    )
    announcement_at = factory.LazyAttribute(
        lambda o: o.deliberation_at + datetime.timedelta(days=14)
    )


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Town {n}")
    kind = Organisation.Kind.MUNICIPALITY
    country = "BE"


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OrganisationMembership

    organisation = factory.SubFactory(OrganisationFactory)
    user = factory.SubFactory(UserFactory)
    is_approved = True


class JuryMemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = JuryMember

    edition = factory.SubFactory(EditionFactory)
    user = factory.SubFactory(UserFactory)
    country = "DE"
    organisation = "UNDP"
    accepted_at = factory.LazyFunction(timezone.now)


class QuestionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Question

    edition = factory.SubFactory(EditionFactory)
    position = factory.Sequence(int)
    title = factory.Sequence(lambda n: f"Criterion {n}")
    guidance = "Tell the jury."
    word_limit = 50


class EntryFactory(factory.django.DjangoModelFactory):
    """A draft; `complete_entry()` fills in everything submission needs."""

    class Meta:
        model = Entry

    edition = factory.SubFactory(EditionFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    number = factory.Sequence(lambda n: n + 1)
    title = ""


class PartnerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Partner

    entry = factory.SubFactory(EntryFactory)
    name = factory.Sequence(lambda n: f"Municipality {n}")
    country = "SN"
    contact_name = "Awa Diop"
    contact_email = factory.Sequence(lambda n: f"partner{n}@example.sn")


class ProjectFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = LinkedProject

    entry = factory.SubFactory(EntryFactory)
    title = "Clean water"
    start_year = 2021


def complete_entry(entry: Entry) -> Entry:
    """Give a draft everything its edition asks for, so that it can be submitted."""
    entry.title = entry.title or "Water for every district"
    entry.summary = "Two cities bring safe water to every district."
    entry.language = "en"
    entry.save()
    entry.sdgs.set([6, 17])
    PartnerFactory(entry=entry)
    ProjectFactory(entry=entry)
    for question in entry.edition.questions.all():
        Answer.objects.update_or_create(
            entry=entry, question=question, defaults={"text": "A full answer."}
        )
    return entry


def applicant_with_entry(**entry_kwargs) -> tuple:
    """An applicant acting for an organisation, and a draft of that organisation."""
    membership = MembershipFactory()
    entry = EntryFactory(organisation=membership.organisation, **entry_kwargs)
    QuestionFactory(edition=entry.edition)
    return membership.user, entry


def scoring_edition(**kwargs) -> Edition:
    """An edition whose jury is scoring now (opened yesterday, closing in 20 days), with the
    default rubric."""
    from jury.services import add_default_criteria

    now = timezone.now()
    day = datetime.timedelta(days=1)
    edition = EditionFactory(
        call_opens=now - 60 * day,
        submission_deadline=now - 30 * day,
        clarification_deadline=now - 20 * day,
        scoring_opens=now - day,
        scoring_deadline=now + 20 * day,
        deliberation_at=now + 30 * day,
        announcement_at=now + 40 * day,
        **kwargs,
    )
    add_default_criteria(edition=edition)
    return edition
