"""The jury report: method and settings, participation, agreement, the ranking, the shortlist
and the decision with its rationale, as a PDF ready to send to the programme's funders.

Its figures are jury.standings', the same as the ranking page and the exports; it is rendered
within the PDF budget of awards.pdf.
"""

from django.db.models import Count, Q
from django.template.loader import render_to_string

from awards.models import Edition
from awards.pdf import asset_folder, render_pdf
from awards.workflow import EntryState

from . import standings
from .models import Evaluation, JurySettings, Prize
from .ranking import in_rank_order
from .rounds import ROUND_TWO
from .services import ballot_result, deliberation_for, settings_for

# The report lists this many entries of the ranking; the export carries all of them.
REPORT_RANKING_ROWS = 200


def report_context(edition: Edition, *, hidden: frozenset[int] = frozenset()) -> dict[str, object]:
    """What the report shows; `hidden` are the entries its reader is in conflict with, whose
    figures it leaves out (a chair's report; the secretariat's has every entry)."""
    settings_for(edition)
    settings = JurySettings.objects.select_related("tie_break_criterion").get(edition=edition)
    deliberation = deliberation_for(edition)
    round = deliberation.round
    try:
        result: standings.Standings | None = standings.standings(
            edition, round=round, settings=settings
        )
    except standings.NoScores:
        result = None
    entries = {e.pk: e for e in edition.entries.select_related("organisation", "edition")}
    ranked = []
    if result is not None:
        method = settings.ranking_method
        ordered = in_rank_order(
            (f for f in result.figures.entries if f.entry not in hidden), method
        )
        ranked = [(entries[f.entry], f) for f in ordered[:REPORT_RANKING_ROWS]]
    round_two: list[tuple[object, object]] = []
    if deliberation.round_two_opens is not None:
        try:
            second = standings.standings(edition, round=ROUND_TWO, settings=settings)
        except standings.NoScores:
            second = None
        if second is not None:
            ordered_two = in_rank_order(
                (f for f in second.figures.entries if f.entry not in hidden), "mean"
            )
            round_two = [(entries[f.entry], f) for f in ordered_two]
    ballot = ballot_result(edition)
    ballot_places = (
        [[entries[pk] for pk in place if pk not in hidden] for place in ballot.places]
        if ballot is not None
        else []
    )
    participation = Evaluation.objects.filter(
        assignment__entry__edition=edition, assignment__round=round
    ).aggregate(
        assigned=Count("pk"),
        submitted=Count("pk", filter=Q(status=Evaluation.Status.SUBMITTED)),
    )
    prizes = sorted(
        edition.prizes.select_related("entry__organisation", "entry__edition", "decided_by"),
        key=lambda p: (p.order, p.entry.number, p.pk),
    )
    return {
        "edition": edition,
        "settings": settings,
        "deliberation": deliberation,
        "round": round,
        "result": result,
        "ranked": ranked,
        "ranked_all": len(result.figures.entries) if result else 0,
        "participation": participation,
        "jurors": edition.jury_members.filter(accepted_at__isnull=False)
        .select_related("user")
        .order_by("-is_chair", "user__full_name"),
        "shortlist": [
            e
            for e in sorted(entries.values(), key=lambda e: e.number)
            if e.state in (EntryState.SHORTLISTED, EntryState.AWARDED, EntryState.FINALIST)
        ],
        "prizes": [p for p in prizes if p.kind != Prize.Kind.FINALIST],
        "finalists": [p for p in prizes if p.kind == Prize.Kind.FINALIST],
        "round_two": round_two,
        "ballot_places": [place for place in ballot_places if place],
        "css": (asset_folder() / "report.css").as_uri(),
    }


def render_report_pdf(edition: Edition, *, hidden: frozenset[int] = frozenset()) -> bytes:
    """The jury report as a PDF; awards.pdf.PdfRefused beyond the budget."""
    context = report_context(edition, hidden=hidden)
    return render_pdf(render_to_string("jury/report_pdf.html", context))
