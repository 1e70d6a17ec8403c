"""The demo's people and their organisations, restored at every run to what the README promises:
names, interface languages, passwords, roles and the organisations they act for."""

import datetime
from dataclasses import dataclass

from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from accounts.models import SECRETARIAT_GROUP, User
from awards.models import Edition, Organisation, OrganisationMembership
from awards.services.organisations import create_organisation, update_organisation
from jury.models import JuryMember

DEMO_DOMAIN = "demo.platformawards.eu"


@dataclass(frozen=True, kw_only=True)
class Person:
    role: str
    email: str
    full_name: str
    language: str = "en"


@dataclass(frozen=True, kw_only=True)
class Juror(Person):
    country: str
    organisation: str
    is_chair: bool = False


@dataclass(frozen=True, kw_only=True)
class Applicant(Person):
    organisation: str
    kind: str
    country: str


SECRETARIAT = Person(
    role="secretariat", email=f"secretariat@{DEMO_DOMAIN}", full_name="Sofia Secretariat"
)
JURORS = [
    Juror(
        role="jury chair",
        email=f"chair@{DEMO_DOMAIN}",
        full_name="Chiara Chair",
        country="IT",
        organisation="Committee of the Regions",
        is_chair=True,
    ),
    Juror(
        role="juror",
        email=f"juror1@{DEMO_DOMAIN}",
        full_name="Jonas Juror",
        country="DE",
        organisation="UNDP",
    ),
    Juror(
        role="juror",
        email=f"juror2@{DEMO_DOMAIN}",
        full_name="Joanna Jurorska",
        country="PL",
        organisation="Council of Europe",
    ),
]
APPLICANTS = [
    Applicant(
        role="applicant",
        email=f"lyon@{DEMO_DOMAIN}",
        full_name="Louise Lyonnais",
        language="fr",
        organisation="City of Lyon",
        kind=Organisation.Kind.MUNICIPALITY,
        country="FR",
    ),
    Applicant(
        role="applicant",
        email=f"andalucia@{DEMO_DOMAIN}",
        full_name="Andrés Andaluz",
        language="es",
        organisation="Region of Andalusia",
        kind=Organisation.Kind.REGION,
        country="ES",
    ),
]
LOGINS: list[Person] = [SECRETARIAT, *JURORS, *APPLICANTS]


def demo_address(name: str) -> str:
    """An address at the demo's domain for `name`, in the letters an address may hold
    ("Gdańsk" gives gdansk@...)."""
    return slugify(name).replace("-", "") + f"@{DEMO_DOMAIN}"


@transaction.atomic
def restore_account(
    *, person: Person, password_hash: str | None, is_secretariat: bool = False
) -> User:
    """The account of `person`, as the demo promises it.

    Side effects, in order: the account made when missing; its name and interface language
    restored; its password set from `password_hash` (hashed once for every demo login: they
    share it, and hashing is what takes time), or none when that is None (a person who never
    signs in); active, address confirmed; its roles reset, the secretariat's group and staff
    status for the secretariat and no group, staff status, superuser status or permission of
    its own for anyone else; failed sign-ins of the address forgotten, so that a locked-out
    login opens.
    """
    from axes.utils import reset as forget_failed_sign_ins

    user = User.objects.filter(email__iexact=person.email).first() or User(email=person.email)
    user.full_name, user.preferred_language = person.full_name, person.language
    if password_hash is None:
        user.set_unusable_password()
    else:
        user.password = password_hash
    user.is_active = True
    user.is_staff = is_secretariat
    user.is_superuser = False
    user.email_verified_at = user.email_verified_at or timezone.now()
    user.save()
    groups = [Group.objects.get_or_create(name=SECRETARIAT_GROUP)[0]] if is_secretariat else []
    user.groups.set(groups)
    user.user_permissions.clear()
    forget_failed_sign_ins(username=user.email)
    return user


@transaction.atomic
def restore_organisation(*, member: User, name: str, kind: str, country: str) -> Organisation:
    """The demo's organisation `name`, as the demo made it, with `member` the one person
    acting for it.

    Side effects, in order: the organisation found by its name, or (renamed since) as the first
    one `member` acted for, or else created with `member` as its first member; its profile
    restored; the memberships of anyone else and its pending invitations removed, and the
    memberships `member` took elsewhere; `member`'s membership approved.
    """
    organisation = (
        Organisation.objects.filter(name__iexact=name, country=country).first()
        or Organisation.objects.filter(memberships__user=member)
        .order_by("memberships__created_at", "pk")
        .first()
    )
    if organisation is None:
        return create_organisation(by=member, name=name, kind=kind, country=country)
    organisation = update_organisation(
        organisation=organisation, by=member, name=name, kind=kind, country=country, website=""
    )
    OrganisationMembership.objects.filter(organisation=organisation).exclude(user=member).delete()
    OrganisationMembership.objects.filter(user=member).exclude(organisation=organisation).delete()
    organisation.invitations.all().delete()
    OrganisationMembership.objects.update_or_create(
        organisation=organisation, user=member, defaults={"is_approved": True}
    )
    return organisation


def seat_jurors(
    *, edition: Edition, jurors: list[tuple[Juror, User]], accepted_at: datetime.datetime
) -> list[JuryMember]:
    """Side effects: each juror on the jury of `edition`, as having accepted at `accepted_at`
    (the invitation and its mail belong to a past the demo does not replay)."""
    return [
        JuryMember.objects.create(
            edition=edition,
            user=user,
            is_chair=juror.is_chair,
            country=juror.country,
            organisation=juror.organisation,
            accepted_at=accepted_at,
        )
        for juror, user in jurors
    ]
