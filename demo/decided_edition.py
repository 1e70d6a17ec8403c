"""The demo's decided edition, four years back: scored by the whole jury in round one, a
shortlist confirmed, prizes (a special prize among them) recorded and confirmed by the chair,
and the results published. Built through the services at the times they happened, as the
secretariat, the jurors and the chair would have done it, so that the ranking, the shortlist,
the deliberation board, the prizes, the exports and the jury report all have data to show."""

from decimal import Decimal
from typing import Any

from accounts.models import User
from awards.models import Edition, Organisation
from awards.services.editions import update_edition
from awards.services.transitions import change_phase
from jury.models import Assignment
from jury.scoring import save_scores, submit_evaluation
from jury.services import (
    assign_automatically,
    confirm_decision,
    confirm_shortlist,
    discuss,
    record_prize,
    settings_for,
)

from .clock import DemoClock
from .jury_edition import call_with_entries, screen_and_seat
from .people import Juror

DECIDED_ENTRIES: list[tuple[str, str, str, str, dict[str, Any]]] = [
    # The demo's Lyon applicant holds this one: its certificate is theirs to download.
    (
        "City of Lyon",
        "FR",
        Organisation.Kind.MUNICIPALITY,
        "Louise Lyonnais",
        {
            "title": "Lyon and Rufisque: a flood plan drawn with fishing families",
            "summary": "The two cities mapped flooding and coastal erosion with the fishing "
            "community and moved the fish market out of the flood zone together.",
            "language": "fr",
            "sdgs": [11, 13, 14],
            "partners": [("Ville de Rufisque", "SN", "Awa Ndiaye", "littoral@rufisque.example")],
            "project": ("Littoral partagé", 2017, 2022, "820000", "EUR"),
        },
    ),
    (
        "Province of Barcelona",
        "ES",
        Organisation.Kind.REGION,
        "Berta Barcelonesa",
        {
            "title": "Barcelona and Tunis: local finance that citizens can read",
            "summary": "Provincial finance officers and the municipality of Tunis published the "
            "budget in plain language and opened a participatory budget for the medina.",
            "language": "es",
            "sdgs": [16, 17],
            "partners": [("Municipalité de Tunis", "TN", "Sami Trabelsi", "budget@tunis.example")],
            "project": ("Pressupostos oberts", 2018, 2023, "560000", "EUR"),
        },
    ),
    (
        "City of Lisbon",
        "PT",
        Organisation.Kind.MUNICIPALITY,
        "Luís Lisboeta",
        {
            "title": "Lisbon and Praia: clean water for every neighbourhood",
            "summary": "The water utilities of both cities extended the network to informal "
            "neighbourhoods with residents' committees that read the meters.",
            "language": "en",
            "sdgs": [6, 11],
            "partners": [("Câmara Municipal da Praia", "CV", "Ana Tavares", "agua@praia.example")],
            "project": ("Água para todos", 2016, 2021, "1200000", "EUR"),
        },
    ),
    (
        "City of Malmö",
        "SE",
        Organisation.Kind.MUNICIPALITY,
        "Maja Malmöbo",
        {
            "title": "Malmö and Nakuru: young people plan their streets",
            "summary": "Youth councils in both cities redesigned three streets with planners and "
            "now sit on the committee that maintains them.",
            "language": "en",
            "sdgs": [5, 10, 11],
            "partners": [("County of Nakuru", "KE", "Wanjiru Kamau", "youth@nakuru.example")],
            "project": ("Streets by youth", 2019, None, "390000", "EUR"),
        },
    ),
    (
        "City of Vienna",
        "AT",
        Organisation.Kind.MUNICIPALITY,
        "Valentin Wiener",
        {
            "title": "Vienna and Belgrade: social housing renovated with its tenants",
            "summary": "Housing companies of both cities renovated two estates with the tenants' "
            "associations, halving their heating bills.",
            "language": "en",
            "sdgs": [7, 11],
            "partners": [("City of Belgrade", "RS", "Milica Petrović", "housing@bg.example")],
            "project": ("Gemeinsam sanieren", 2018, 2022, "2100000", "EUR"),
        },
    ),
    (
        "City of Dublin",
        "IE",
        Organisation.Kind.MUNICIPALITY,
        "Deirdre Dubliner",
        {
            "title": "Dublin and Kampala: libraries that lend more than books",
            "summary": "Librarians of both cities turned branch libraries into places to borrow "
            "tools, learn digital skills and meet the council.",
            "language": "en",
            "sdgs": [4, 16],
            "partners": [("Kampala Capital City", "UG", "Grace Nabirye", "library@kcca.example")],
            "project": ("Open branches", 2020, None, "260000", "EUR"),
        },
    ),
]

# Each entry's quality and each juror's severity, so that the ranking has something to show:
# jurors differ, and normalising them changes the order near the top.
QUALITY = [8.2, 7.6, 7.9, 6.4, 7.1, 5.5]
SEVERITY = [-1.2, 0.4, 0.9]
SHORTLIST_SIZE = 5


def seed_decided_edition(
    *, clock: DemoClock, secretariat: User, jurors: list[tuple[Juror, User]]
) -> Edition:
    """The edition four years back, its decision confirmed and its results published.

    Side effects, in order: the edition created and its entries submitted during its call
    (as `call_with_entries`); the timeline moved back to where it was; the call closed, every
    entry screened eligible, the jury seated and the jury review opened; every juror assigned
    every entry they are not in conflict with, and every evaluation submitted inside the
    scoring window; the deliberation opened; the five best entries by mean shortlisted; the
    chair puts the best up for discussion and records a 1st, 2nd and 3rd prize and a special
    prize; the chair confirms; the results published at the announcement.
    """
    year = clock.year - 4
    edition = call_with_entries(
        clock=clock, secretariat=secretariat, year=year, entries=DECIDED_ENTRIES
    )
    edition = update_edition(
        edition=edition,
        by=secretariat,
        shortlist_size=SHORTLIST_SIZE,
        call_opens=clock.noon(-520),
        submission_deadline=clock.noon(-460),
        clarification_deadline=clock.noon(-445),
        scoring_opens=clock.noon(-430),
        scoring_deadline=clock.noon(-400),
        deliberation_at=clock.noon(-390),
        announcement_at=clock.noon(-380),
    )
    edition, members = screen_and_seat(
        edition, secretariat=secretariat, jurors=jurors, accepted_at=clock.noon(-440)
    )
    settings_for(edition)  # every juror scores every entry: the default
    assign_automatically(edition=edition, by=secretariat, seed=year)
    _score_everything(edition, at=clock.noon(-410))
    edition = change_phase(
        edition=edition, name="open_deliberation", by=secretariat, now=clock.noon(-392)
    )
    chair = next(m.user for m in members if m.is_chair)
    _decide(edition, secretariat=secretariat, chair=chair, clock=clock)
    return change_phase(
        edition=edition, name="publish_results", by=secretariat, now=clock.noon(-379)
    )


def _score_everything(edition: Edition, *, at: Any) -> None:
    criteria = list(edition.criteria.order_by("position"))
    entries = {e.pk: n for n, e in enumerate(edition.entries.order_by("number"))}
    members = list(edition.jury_members.select_related("user").order_by("pk"))
    for offset, member in enumerate(members):
        severity = SEVERITY[offset % len(SEVERITY)]
        for assignment in Assignment.objects.filter(member=member).select_related("entry"):
            quality = QUALITY[entries[assignment.entry_id] % len(QUALITY)]
            scores = {}
            for position, criterion in enumerate(criteria):
                # Ten-point marks around the entry's quality, moved by the juror's severity.
                mark = quality + severity + ((position + offset) % 3 - 1) * 0.5
                span = criterion.scale_max - criterion.scale_min
                value = criterion.scale_min + max(0.0, min(10.0, mark)) / 10 * span
                scores[criterion.pk] = Decimal(round(value * 2) / 2).quantize(Decimal("0.1"))
            save_scores(
                assignment=assignment,
                by=member.user,
                scores=scores,
                comments={criteria[0].pk: "The partners' roles are clear and shared."},
                overall_comment="Convincing results; the cooperation is equal on both sides.",
                now=at,
            )
            submit_evaluation(assignment=assignment, by=member.user, now=at)


def _decide(edition: Edition, *, secretariat: User, chair: User, clock: DemoClock) -> None:
    from jury import standings

    result = standings.standings(edition, settings=settings_for(edition))
    best = [f.entry for f in sorted(result.figures.entries, key=lambda f: -(f.mean or 0))]
    shortlisted = best[:SHORTLIST_SIZE]
    confirm_shortlist(
        edition=edition,
        entries=shortlisted,
        method="mean",
        by=secretariat,
        now=clock.noon(-391),
    )
    entries = {e.pk: e for e in edition.entries.filter(pk__in=shortlisted)}
    at = clock.noon(-390)
    discuss(edition=edition, entry=entries[shortlisted[0]], by=chair, now=at)
    rationales = {
        "first": "Equal partners from the first day, and results the residents can see.",
        "second": "A method other cities already copy, with its costs laid open.",
        "third": "Patient work that reached those the city had never served.",
    }
    for entry_id, (kind, rationale) in zip(shortlisted, rationales.items(), strict=False):
        record_prize(
            edition=edition,
            entry=entries[entry_id],
            kind=kind,
            rationale=rationale,
            citation="",
            by=chair,
            now=at,
        )
    youth = next(e for e in entries.values() if e.title.startswith("Malmö"))
    record_prize(
        edition=edition,
        entry=youth,
        kind="special",
        name="Youth engagement prize",
        citation="For giving the streets to those who will live in them longest.",
        rationale="The jury created this prize for the youth councils' part in the decisions.",
        by=chair,
        now=at,
    )
    discuss(edition=edition, entry=None, by=chair, now=at)
    confirm_decision(edition=edition, by=chair, now=clock.noon(-389))
