import datetime

import factory
from django.contrib.auth.models import Group
from django.utils import timezone

from accounts.models import SECRETARIAT_GROUP, User
from awards.models import Edition, Organisation, OrganisationMembership
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


class SecretariatFactory(UserFactory):
    @factory.post_generation
    def secretariat(self, create, extracted, **kwargs):
        if create:
            self.groups.add(Group.objects.get_or_create(name=SECRETARIAT_GROUP)[0])


class EditionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Edition

    year = factory.Sequence(lambda n: 2030 + n)
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
