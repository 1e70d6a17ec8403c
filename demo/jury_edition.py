"""The demo's previous edition, with its jury at work: entries under review, assigned to the
jurors, some evaluations submitted and some in draft. Built through the services, as the
secretariat and the jurors would have done it over the months."""

import datetime
from decimal import Decimal

from django.utils import timezone

from accounts.models import User
from awards.models import Edition, Organisation
from awards.services.editions import create_edition, update_edition
from awards.services.screening import decide, save_checklist
from awards.services.transitions import change_phase
from jury.models import Assignment, JuryMember
from jury.scoring import save_scores, submit_evaluation
from jury.services import assign_automatically, save_settings, settings_for

from .entries import act_for, fill_entry

# Organisation, country, kind, applicant and entry, each entry submitted.
JURY_ENTRIES = [
    (
        "City of Ghent",
        "BE",
        Organisation.Kind.MUNICIPALITY,
        "Gita Gentenaar",
        {
            "title": "Ghent and Mopti: a market hall run by its traders",
            "summary": "The cities rebuilt Mopti's central market with a traders' association "
            "that now runs it, and trained municipal staff in participatory budgeting.",
            "language": "en",
            "sdgs": [8, 11, 16],
            "partners": [("City of Mopti", "ML", "Oumar Traoré", "market@mopti.example")],
            "project": ("Marché central de Mopti", 2018, 2023, "640000", "EUR"),
        },
    ),
    (
        "Province of Utrecht",
        "NL",
        Organisation.Kind.REGION,
        "Pieter de Vries",
        {
            "title": "Utrecht and Xai-Xai: flood-ready neighbourhoods",
            "summary": "Provincial water engineers and Xai-Xai's municipal council mapped flood "
            "risk street by street with residents and built early warning into local radio.",
            "language": "en",
            "sdgs": [11, 13],
            "partners": [
                ("Municipality of Xai-Xai", "MZ", "Lúcia Mabunda", "risk@xai-xai.example")
            ],
            "project": ("Bairros preparados", 2020, None, "910000", "EUR"),
        },
    ),
    (
        "City of Leipzig",
        "DE",
        Organisation.Kind.MUNICIPALITY,
        "Lena Leipziger",
        {
            "title": "Leipzig and Addis Ababa: vocational training for urban services",
            "summary": "Municipal companies of both cities run apprenticeships in waste and "
            "transport services, with curricula written together.",
            "language": "en",
            "sdgs": [4, 8],
            "partners": [("City of Addis Ababa", "ET", "Selam Bekele", "skills@addis.example")],
            "project": ("Urban services academy", 2019, 2024, "1500000", "EUR"),
        },
    ),
    (
        "Region of Tuscany",
        "IT",
        Organisation.Kind.REGION,
        "Tommaso Toscano",
        {
            "title": "Tuscany and Kasserine: olive oil cooperatives for young farmers",
            "summary": "Regional agencies and the governorate set up cooperatives that give young "
            "farmers land, training and a shared press.",
            "language": "en",
            "sdgs": [1, 2, 8],
            "partners": [
                ("Governorate of Kasserine", "TN", "Amel Ben Salah", "agri@kasserine.example")
            ],
            "project": ("Cooperative giovani", 2021, None, "720000", "EUR"),
        },
    ),
    (
        "City of Gdańsk",
        "PL",
        Organisation.Kind.MUNICIPALITY,
        "Gosia Gdańska",
        {
            "title": "Gdańsk and Lviv: open city data for reconstruction",
            "summary": "An open data portal and the skills to run it, shared between the two "
            "cities' IT departments to plan reconstruction in the open.",
            "language": "en",
            "sdgs": [9, 16, 17],
            "partners": [("City of Lviv", "UA", "Oksana Hnatiuk", "data@lviv.example")],
            "project": ("Open Lviv", 2022, None, "480000", "EUR"),
        },
    ),
]


def seed_jury_edition(*, year: int, secretariat: User, jurors: list[JuryMember]) -> Edition:
    """The edition of `year` in jury review, with the demo jury accepted on it. Made once:
    an existing edition of that year is returned as it is."""
    existing = Edition.objects.filter(year=year).first()
    if existing is not None:
        return existing
    now = timezone.now().replace(minute=0, second=0, microsecond=0)
    hour, day = datetime.timedelta(hours=1), datetime.timedelta(days=1)
    edition = create_edition(
        by=secretariat,
        year=year,
        title=f"PLATFORMAwards {year}",
        slug=f"platformawards-{year}",
        call_opens=now - 120 * day,
        submission_deadline=now + hour,
        clarification_deadline=now + 2 * hour,
        scoring_opens=now + 3 * hour,
        scoring_deadline=now + 4 * hour,
        deliberation_at=now + 5 * hour,
        announcement_at=now + 6 * hour,
    )
    edition = change_phase(edition=edition, name="open_call", by=secretariat)
    for org_name, country, kind, person, spec in JURY_ENTRIES:
        user = _applicant(org_name, person)
        organisation = act_for(user, name=org_name, country=country, kind=kind)
        spec = spec | {"submit": True}
        fill_entry(edition=edition, organisation=organisation, by=user, spec=spec)
    # Months pass: the call closes, the secretariat screens, the jury review opens.
    edition = update_edition(
        edition=edition,
        by=secretariat,
        submission_deadline=now - 60 * day,
        clarification_deadline=now - 45 * day,
        scoring_opens=now - 10 * day,
        scoring_deadline=now + 20 * day,
        deliberation_at=now + 30 * day,
        announcement_at=now + 45 * day,
    )
    edition = change_phase(edition=edition, name="close_call", by=secretariat)
    checklist = list(edition.eligibility_criteria.all())
    for entry in edition.entries.all():
        save_checklist(
            entry=entry, by=secretariat, answers={c.pk: True for c in checklist}, notes={}
        )
        decide(entry=entry, by=secretariat, decision="eligible", note="")
    for member in jurors:
        JuryMember.objects.create(
            edition=edition,
            user=member.user,
            is_chair=member.is_chair,
            country=member.country,
            organisation=member.organisation,
            accepted_at=now - 30 * day,
        )
    edition = change_phase(edition=edition, name="open_jury_review", by=secretariat)
    settings = settings_for(edition)
    settings.jurors_per_entry = 2
    save_settings(settings=settings, by=secretariat)
    assign_automatically(edition=edition, by=secretariat, seed=year)
    _score(edition)
    return edition


def _applicant(org_name: str, full_name: str) -> User:
    email = (
        org_name.lower()
        .replace("city of ", "")
        .replace("region of ", "")
        .replace("province of ", "")
    )
    email = "".join(c for c in email if c.isalnum()) + "@demo.platformawards.eu"
    user, _ = User.objects.get_or_create(
        email=email, defaults={"full_name": full_name, "email_verified_at": timezone.now()}
    )
    return user


def _score(edition: Edition) -> None:
    """Each juror has submitted their first evaluation and has the second in draft."""
    criteria = list(edition.criteria.all())
    members = edition.jury_members.select_related("user").order_by("pk")
    for offset, member in enumerate(members):
        assignments = list(
            Assignment.objects.filter(member=member)
            .select_related("entry")
            .order_by("entry__number")
        )
        for position, assignment in enumerate(assignments[:2]):
            scores = {
                c.pk: str(Decimal(5 + (offset + position + i) % 5)) for i, c in enumerate(criteria)
            }
            comments = {criteria[0].pk: "Clear objectives, shared by both councils."}
            if position == 1:
                scores.pop(criteria[-1].pk)  # the draft is not finished yet
            save_scores(
                assignment=assignment,
                by=member.user,
                scores=scores,
                not_applicable=set(),
                comments=comments,
                overall_comment="A partnership other cities can learn from.",
            )
            if position == 0:
                submit_evaluation(assignment=assignment, by=member.user)
