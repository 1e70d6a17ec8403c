"""This year's demo edition: its call open, a jury ready, and the applicants' entries."""

from accounts.models import User
from awards.models import Edition
from awards.services.editions import create_edition
from awards.services.transitions import change_phase

from .clock import DemoClock
from .entries import DEMO_ENTRIES, fill_entry
from .people import Applicant, Juror, restore_organisation, seat_jurors

RULES_TEXT = (
    "Open to local and regional governments of the 27 EU member states and their associations, "
    "for a partnership with one or more local or regional governments in a partner country."
)


def seed_current_edition(
    *,
    clock: DemoClock,
    secretariat: User,
    jurors: list[tuple[Juror, User]],
    applicants: list[tuple[Applicant, User]],
) -> Edition:
    """This year's edition, its call open for another month.

    Side effects, in order: the edition created with the programme's defaults (questions,
    checklist, reminder rules, the jury's rubric and settings) and its call opened; the demo's
    jury accepted on it; each applicant's organisation restored and its entries filled in
    (Lyon's first submitted, its partner confirming; Andalusia's partners asked).
    """
    year = clock.year
    edition = create_edition(
        by=secretariat,
        year=year,
        title=f"PLATFORMAwards {year}",
        slug=f"platformawards-{year}",
        call_opens=clock.noon(-30),
        submission_deadline=clock.noon(30),
        clarification_deadline=clock.noon(45),
        scoring_opens=clock.noon(50),
        scoring_deadline=clock.noon(80),
        deliberation_at=clock.noon(90),
        announcement_at=clock.noon(100),
        rules_text=RULES_TEXT,
    )
    edition = change_phase(edition=edition, name="open_call", by=secretariat)
    seat_jurors(edition=edition, jurors=jurors, accepted_at=clock.noon(-7))
    for applicant, user in applicants:
        organisation = restore_organisation(
            member=user,
            name=applicant.organisation,
            kind=applicant.kind,
            country=applicant.country,
        )
        for spec in DEMO_ENTRIES[applicant.organisation]:
            fill_entry(edition=edition, organisation=organisation, by=user, spec=spec)
    return edition
