"""The demo's previous edition, with its jury at work: entries under review, assigned to the
jurors, some evaluations submitted and some in draft. Built through the services, as the
secretariat and the jurors would have done it over the months."""

import datetime
from decimal import Decimal
from typing import Any

from accounts.models import User
from awards.models import Edition, Organisation
from awards.services.editions import create_edition, update_edition
from awards.services.screening import decide, save_checklist
from awards.services.transitions import change_phase
from jury.models import Assignment, JuryMember
from jury.scoring import save_scores, submit_evaluation
from jury.services import assign_automatically, save_settings, settings_for

from .clock import DemoClock
from .entries import fill_entry
from .people import (
    APPLICANTS,
    Juror,
    Person,
    demo_address,
    restore_account,
    restore_organisation,
    seat_jurors,
)

# Organisation, country, kind, applicant and entry, each entry submitted.
JURY_ENTRIES: list[tuple[str, str, str, str, dict[str, Any]]] = [
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


def seed_jury_edition(
    *, clock: DemoClock, secretariat: User, jurors: list[tuple[Juror, User]]
) -> Edition:
    """The edition two years back, in jury review, with the demo's jurors accepted on it.

    Side effects, in order: the edition created with its call open and its deadline a month
    ahead; its five applicants' entries filled in and submitted, each partner confirming; the
    timeline moved to where it stands now (the call closed two months ago, scoring open for
    another twenty days) and the call closed; every entry screened eligible; the jury accepted
    and the jury review opened; two jurors assigned per entry, around their conflicts of
    interest; each juror's first evaluation submitted and the second in draft.
    """
    edition = call_with_entries(
        clock=clock, secretariat=secretariat, year=clock.year - 2, entries=JURY_ENTRIES
    )
    # Months pass: the call closes, the secretariat screens, the jury review opens.
    edition = update_edition(
        edition=edition,
        by=secretariat,
        submission_deadline=clock.noon(-60),
        clarification_deadline=clock.noon(-45),
        scoring_opens=clock.noon(-10),
        scoring_deadline=clock.noon(20),
        deliberation_at=clock.noon(30),
        announcement_at=clock.noon(45),
    )
    edition, _members = screen_and_seat(
        edition, secretariat=secretariat, jurors=jurors, accepted_at=clock.noon(-30)
    )
    settings = settings_for(edition)
    settings.jurors_per_entry = 2
    save_settings(settings=settings, by=secretariat)
    assign_automatically(edition=edition, by=secretariat, seed=edition.year)
    _score(edition)
    return edition


def screen_and_seat(
    edition: Edition,
    *,
    secretariat: User,
    jurors: list[tuple[Juror, User]],
    accepted_at: datetime.datetime,
) -> tuple[Edition, list[JuryMember]]:
    """The call closed, every entry screened eligible, the jury seated as having accepted at
    `accepted_at`, and the jury review opened."""
    edition = change_phase(edition=edition, name="close_call", by=secretariat)
    checklist = list(edition.eligibility_criteria.all())
    for entry in edition.entries.all():
        save_checklist(
            entry=entry, by=secretariat, answers={c.pk: True for c in checklist}, notes={}
        )
        decide(entry=entry, by=secretariat, decision="eligible", note="")
    members = seat_jurors(edition=edition, jurors=jurors, accepted_at=accepted_at)
    edition = change_phase(edition=edition, name="open_jury_review", by=secretariat)
    return edition, members


def call_with_entries(
    *,
    clock: DemoClock,
    secretariat: User,
    year: int,
    entries: list[tuple[str, str, str, str, dict[str, Any]]],
) -> Edition:
    """The edition of `year` as it was while its call was open, each of `entries` (the
    organisation, its country and kind, its applicant, the entry) submitted in time."""
    edition = create_edition(
        by=secretariat,
        year=year,
        title=f"PLATFORMAwards {year}",
        slug=f"platformawards-{year}",
        call_opens=clock.noon(-120),
        submission_deadline=clock.noon(30),
        clarification_deadline=clock.noon(45),
        scoring_opens=clock.noon(50),
        scoring_deadline=clock.noon(80),
        deliberation_at=clock.noon(90),
        announcement_at=clock.noon(100),
    )
    edition = change_phase(edition=edition, name="open_call", by=secretariat)
    for org_name, country, kind, full_name, spec in entries:
        user = _applicant(org_name, full_name)
        organisation = restore_organisation(member=user, name=org_name, kind=kind, country=country)
        submitted = {**spec, "submit": True}
        fill_entry(edition=edition, organisation=organisation, by=user, spec=submitted)
    return edition


def _applicant(org_name: str, full_name: str) -> User:
    """The applicant of an earlier edition's organisation: the demo login that acts for it
    (restored already, with its password and language), or else an account that never signs
    in."""
    login = next((a for a in APPLICANTS if a.organisation == org_name), None)
    if login is not None:
        return User.objects.get(email__iexact=login.email)
    place = org_name
    for prefix in ("City of ", "Region of ", "Province of "):
        place = place.removeprefix(prefix)
    person = Person(role="applicant", email=demo_address(place), full_name=full_name)
    return restore_account(person=person, password_hash=None)


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
                c.pk: Decimal(5 + (offset + position + i) % 5) for i, c in enumerate(criteria)
            }
            comments = {criteria[0].pk: "Clear objectives, shared by both councils."}
            if position == 1:
                scores.pop(criteria[-1].pk)  # the draft is not finished yet
            save_scores(
                assignment=assignment,
                by=member.user,
                scores=scores,
                comments=comments,
                overall_comment="A partnership other cities can learn from.",
            )
            if position == 0:
                submit_evaluation(assignment=assignment, by=member.user)
