"""From scores to a decision: the ranking, the shortlist, the deliberation board with its
meeting mode, the prizes and the lock, and the exports.

Who may open which page is asked of the edition (jury/rules.py): the secretariat and the chair
run it; jurors read the board, and the ranking once scoring is over where the edition allows.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Exists, OuterRef
from django.forms import Form
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_POST

from awards.models import Edition, Entry
from awards.workflow import EditionPhase, EntryState
from core.headers import private_document
from core.limits import LONG_TEXT_MAX_CHARS
from core.parsing import parse_id
from core.refusals import Refused, refused

from .. import rounds, selectors, services, standings
from ..forms import (
    BallotForm,
    DiscussForm,
    ExportForm,
    JointPrizesForm,
    MeetingNoteForm,
    MethodForm,
    OptionalReasonForm,
    PrizeForm,
    RankingFilterForm,
    RankingSettingsForm,
    ReasonForm,
    RoundTwoForm,
    ShortlistForm,
)
from ..models import (
    ConflictOfInterest,
    Evaluation,
    JuryMember,
    JurySettings,
    MeetingNote,
    Prize,
    RankingMethod,
)
from ..ranking import EntryFigures, JurorSeverity, in_rank_order, ranks_among

METHOD_LABELS = dict(RankingMethod.choices)


def _edition(request: HttpRequest, slug: str, permission: str) -> Edition:
    edition = get_object_or_404(Edition, slug=slug)
    if not request.user.has_perm(permission, edition):
        raise PermissionDenied
    return edition


def _settings(edition: Edition) -> JurySettings:
    """The edition's jury settings with what the ranking reads of them, made first if the
    edition has none yet (one query when it has)."""
    read = JurySettings.objects.select_related("tie_break_criterion", "edition")
    found = read.filter(edition=edition).first()
    if found is None:
        services.settings_for(edition)
        found = read.get(edition=edition)
    return found


def _membership(request: HttpRequest, edition: Edition) -> JuryMember | None:
    return (
        JuryMember.objects.filter(edition=edition, user=request.user, accepted_at__isnull=False)
        .only("pk", "is_chair")
        .first()
    )


def _hidden_from(member: JuryMember | None) -> set[int]:
    """The entries a juror is in conflict with: their rows are never shown to them."""
    if member is None:
        return set()
    return set(
        ConflictOfInterest.objects.filter(member=member, lifted_at__isnull=True).values_list(
            "entry_id", flat=True
        )
    )


@dataclass
class RankingRow:
    entry: Entry
    figures: EntryFigures
    rank: int | None
    tied: bool


@dataclass
class SeverityRow:
    juror: str
    severity: JurorSeverity


def _severity_rows(
    edition: Edition, severities: list[JurorSeverity], *, names: bool
) -> list[SeverityRow]:
    members = {m.pk: m for m in edition.jury_members.select_related("user")}
    rows = []
    for severity in severities:
        member = members.get(severity.juror)
        label = (
            member.user.full_name
            if names and member is not None
            else standings.juror_code(severity.juror, edition.pk)
        )
        rows.append(SeverityRow(juror=label, severity=severity))
    return rows


def ranking(request: HttpRequest, slug: str) -> HttpResponse:
    edition = _edition(request, slug, "jury.view_ranking")
    settings = _settings(edition)
    scored_rounds = standings.rounds_with_scores(edition) or [1]
    form = RankingFilterForm(request.GET or None, rounds=scored_rounds)
    chosen_round = int(form.value("round", scored_rounds[0]))
    if chosen_round != rounds.ROUND_ONE and not _runs(request, edition):
        # Jurors read round two's ranking once it is over, as round one's.
        deadline = rounds.deadline(edition, chosen_round)
        if deadline is None or timezone.now() <= deadline:
            chosen_round = rounds.ROUND_ONE
    method = str(form.value("sort", settings.ranking_method))
    context: dict[str, object] = {
        "edition": edition,
        "section": "ranking",
        "form": form,
        "settings": settings,
        "method": method,
        "method_label": METHOD_LABELS[method],
        "methods": RankingMethod.choices,
        "round": chosen_round,
        "may_manage": request.user.has_perm("jury.manage_jury"),
    }
    if context["may_manage"]:
        context["settings_form"] = RankingSettingsForm(instance=settings)
    try:
        result = standings.standings(edition, round=chosen_round, settings=settings)
    except standings.NoScores as refusal:
        context["no_scores"] = str(refusal)
        return render(request, "jury/ranking.html", context)
    member = _membership(request, edition)
    conflicted = _hidden_from(member)
    awaiting = selectors.awaiting_own_score(member, edition, chosen_round) - conflicted
    hidden = conflicted | awaiting
    # Ranks among what the viewer may see: no gap tells where a hidden entry stands.
    rows = ranks_among(result.figures.entries, hidden) if hidden else result.figures.entries
    country = form.value("country", "")
    if country:
        in_country = set(
            edition.entries.filter(organisation__country=country).values_list("pk", flat=True)
        )
        rows = [f for f in rows if f.entry in in_country]
    sdg = form.value("sdg", None)
    if sdg:
        serving = set(edition.entries.filter(sdgs__number=sdg).values_list("pk", flat=True))
        rows = [f for f in rows if f.entry in serving]
    if form.value("disagreement", False):
        rows = [f for f in rows if f.disagreement]
    paginator = Paginator(in_rank_order(rows, method), RankingFilterForm.PER_PAGE)
    page = paginator.get_page(form.value("page", 1))
    entries = Entry.objects.select_related("organisation", "edition").in_bulk(
        [f.entry for f in page]
    )
    context.update(
        result=result,
        page=page,
        rows=[
            RankingRow(
                entry=entries[f.entry],
                figures=f,
                rank=f.ranks.get(method),
                tied=method in f.tied,
            )
            for f in page
        ],
        ties=any(method in f.tied for f in rows),
        severities=_severity_rows(
            edition, result.figures.jurors, names=bool(context["may_manage"]) or _chairs(member)
        ),
        query=_query_without_page(request),
        # Jurors never read others' severity by name, nor the rows of their conflicts.
        hidden_count=len(conflicted & {f.entry for f in result.figures.entries}),
        awaiting_count=len(awaiting & {f.entry for f in result.figures.entries}),
    )
    return render(request, "jury/ranking.html", context)


def _runs(request: HttpRequest, edition: Edition) -> bool:
    return request.user.has_perm("jury.run_deliberation", edition)


def _chairs(member: JuryMember | None) -> bool:
    return member is not None and member.is_chair


def _query_without_page(request: HttpRequest) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


# The buttons of the deliberation: each takes one step of jury.services.decision.

REASON_NEEDED = gettext_lazy("Say why: a reason is required for this step.")


def _step(
    request: HttpRequest,
    edition: Edition,
    page: str,
    step: Callable[[], Any],
    done: Callable[[Any], str] | None = None,
) -> HttpResponse:
    """Take the step and go back to `page` with its message (`done` of what the step
    returned), or with the refusal the step raised."""
    back = redirect(page, slug=edition.slug)
    try:
        result = step()
    except Refused as refusal:
        return refused(request, refusal, to=back.url)
    if done is not None:
        messages.success(request, done(result))
    return back


def _unread(request: HttpRequest, edition: Edition, page: str, problem: str) -> HttpResponse:
    """Back to `page`, saying why what the button sent could not be taken."""
    messages.error(request, str(problem))
    return redirect(page, slug=edition.slug)


def _form_problems(form: Form) -> str:
    return " ".join(str(error) for errors in form.errors.values() for error in errors)


@require_POST
def ranking_settings(request: HttpRequest, slug: str) -> HttpResponse:
    edition = _edition(request, slug, "jury.manage_jury")
    settings = _settings(edition)
    form = RankingSettingsForm(request.POST, instance=settings)
    if form.is_valid():
        try:
            services.save_ranking_settings(settings=form.save(commit=False), by=request.user)
        except Refused as refusal:
            return refused(request, refusal, to="jury:ranking", slug=edition.slug)
        messages.success(request, _("The ranking settings are saved."))
        return redirect("jury:ranking", slug=edition.slug)
    scored_rounds = standings.rounds_with_scores(edition) or [1]
    return render(
        request,
        "jury/ranking.html",
        {
            "edition": edition,
            "section": "ranking",
            "form": RankingFilterForm(rounds=scored_rounds),
            "settings": settings,
            "settings_form": form,
            "may_manage": True,
            "method": settings.ranking_method,
            "method_label": METHOD_LABELS[settings.ranking_method],
            "methods": RankingMethod.choices,
            "no_scores": _("Correct the settings below first."),
        },
        status=400,
    )


# The shortlist -------------------------------------------------------------------------------


def shortlist(request: HttpRequest, slug: str) -> HttpResponse:
    edition = _edition(request, slug, "jury.manage_jury")
    settings = _settings(edition)
    deliberation = services.deliberation_for(edition)
    in_review = list(
        edition.entries.filter(state=EntryState.IN_REVIEW)
        .select_related("organisation", "edition")
        .order_by("number")
    )
    method_form = MethodForm(request.POST if request.method == "POST" else request.GET)
    method = (method_form.is_valid() and method_form.cleaned_data["method"]) or ""
    form = ShortlistForm(request.POST or None, edition=edition)
    if request.method == "POST" and form.is_valid():
        try:
            services.confirm_shortlist(
                edition=edition,
                entries=[e.pk for e in form.cleaned_data["entries"]],
                method=form.cleaned_data["method"],
                by=request.user,
            )
        except Refused as refusal:
            form.add_error(None, str(refusal))
        else:
            count = len(form.cleaned_data["entries"])
            messages.success(
                request,
                ngettext(
                    "The shortlist of %(count)s entry is confirmed.",
                    "The shortlist of %(count)s entries is confirmed.",
                    count,
                )
                % {"count": count},
            )
            return redirect("jury:shortlist", slug=edition.slug)
    method = method or settings.ranking_method
    figures: dict[int, EntryFigures] = {}
    no_scores = ""
    try:
        result = standings.standings(edition, settings=settings)
        figures = {f.entry: f for f in result.figures.entries}
    except standings.NoScores as refusal:
        no_scores = str(refusal)
    ranked = sorted(
        in_review,
        key=lambda e: (
            figures.get(e.pk) is None or figures[e.pk].ranks.get(method) is None,
            figures[e.pk].ranks.get(method) or 0 if e.pk in figures else 0,
            e.number,
        ),
    )
    if request.method == "POST":
        # What was ticked stays ticked when the shortlist is refused.
        chosen = {str(pk) for pk in map(parse_id, request.POST.getlist("entries")) if pk}
    else:
        chosen = {str(e.pk) for e in ranked[: edition.shortlist_size] if e.pk in figures}
        form = ShortlistForm(
            initial={"method": method, "entries": [int(pk) for pk in chosen]}, edition=edition
        )
    decided = list(
        edition.entries.filter(state__in=[EntryState.SHORTLISTED, EntryState.NOT_SHORTLISTED])
        .select_related("organisation", "edition")
        .order_by("state", "number")
    )
    return render(
        request,
        "jury/shortlist.html",
        {
            "edition": edition,
            "section": "shortlist",
            "form": form,
            "method": method,
            "methods": RankingMethod.choices,
            "rows": [(e, figures.get(e.pk), str(e.pk) in chosen) for e in ranked],
            "no_scores": no_scores,
            "decided": decided,
            "deliberation": deliberation,
            "undo_form": ReasonForm(),
            "in_deliberation": edition.phase == EditionPhase.DELIBERATION,
        },
        status=400 if request.method == "POST" else 200,
    )


@require_POST
def undo_shortlist(request: HttpRequest, slug: str) -> HttpResponse:
    edition = _edition(request, slug, "jury.manage_jury")
    form = ReasonForm(request.POST)
    if not form.is_valid():
        return _unread(request, edition, "jury:shortlist", REASON_NEEDED)
    return _step(
        request,
        edition,
        "jury:shortlist",
        lambda: services.undo_shortlist(
            edition=edition, by=request.user, reason=form.cleaned_data["reason"]
        ),
        lambda moved: (
            ngettext(
                "The shortlist is undone: %(count)s entry is back in jury review.",
                "The shortlist is undone: %(count)s entries are back in jury review.",
                moved,
            )
            % {"count": moved}
        ),
    )


# The deliberation board ----------------------------------------------------------------------


@dataclass
class BoardEntry:
    entry: Entry
    figures: EntryFigures | None
    evaluations: list[Evaluation]
    prizes: list[Prize]
    round_two: EntryFigures | None = None
    note: MeetingNote | None = None


def _board_entries(
    edition: Edition, hidden: set[int], settings: JurySettings, deliberation, *, may_run: bool
) -> list[BoardEntry]:
    entries = list(
        edition.entries.filter(
            state__in=[EntryState.SHORTLISTED, EntryState.AWARDED, EntryState.FINALIST]
        )
        .exclude(pk__in=hidden)
        .select_related("organisation", "edition")
        .order_by("number")
    )
    figures: dict[int, EntryFigures] = {}
    try:
        result = standings.standings(edition, round=deliberation.round, settings=settings)
        figures = {f.entry: f for f in result.figures.entries}
    except standings.NoScores:
        pass
    evaluations: dict[int, list[Evaluation]] = {e.pk: [] for e in entries}
    for evaluation in (
        Evaluation.objects.filter(
            status=Evaluation.Status.SUBMITTED,
            assignment__round=deliberation.round,
            assignment__entry__in=entries,
        )
        # As in the ranking: a juror in conflict with the entry since does not count.
        .exclude(
            Exists(
                ConflictOfInterest.objects.filter(
                    member_id=OuterRef("assignment__member_id"),
                    entry_id=OuterRef("assignment__entry_id"),
                    lifted_at__isnull=True,
                )
            )
        )
        .select_related("assignment__member__user")
        .prefetch_related("scores__criterion")
        .order_by("assignment__member__user__full_name")
    ):
        evaluations[evaluation.assignment.entry_id].append(evaluation)
    prizes: dict[int, list[Prize]] = {e.pk: [] for e in entries}
    for prize in edition.prizes.filter(entry__in=entries):
        prizes[prize.entry_id].append(prize)
    method = settings.ranking_method
    entries.sort(
        key=lambda e: (
            (figures.get(e.pk) and figures[e.pk].ranks.get(method)) or 10**9,
            e.number,
        )
    )
    notes = {n.entry_id: n for n in edition.meeting_notes.select_related("updated_by")}
    second: dict[int, EntryFigures] = {}
    round_two_over = (
        deliberation.round_two_deadline is not None
        and timezone.now() > deliberation.round_two_deadline
    )
    if deliberation.round_two_opens is not None and (may_run or round_two_over):
        try:
            result = standings.standings(edition, round=rounds.ROUND_TWO, settings=settings)
            second = {f.entry: f for f in result.figures.entries}
        except standings.NoScores:
            pass
    return [
        BoardEntry(
            entry=e,
            figures=figures.get(e.pk),
            evaluations=evaluations[e.pk],
            prizes=prizes[e.pk],
            round_two=second.get(e.pk),
            note=notes.get(e.pk),
        )
        for e in entries
    ]


def board(request: HttpRequest, slug: str) -> HttpResponse:
    """The shortlist with its round-one figures and every juror's comments; in meeting mode
    it follows the entry the chair selects."""
    edition = _edition(request, slug, "jury.view_deliberation")
    settings = _settings(edition)
    member = _membership(request, edition)
    deliberation = services.deliberation_for(edition)
    hidden = _hidden_from(member)
    may_run = request.user.has_perm("jury.run_deliberation", edition)
    return render(
        request,
        "jury/board.html",
        {
            "edition": edition,
            "section": "board",
            "entries": _board_entries(edition, hidden, settings, deliberation, may_run=may_run),
            "deliberation": deliberation,
            "current": _current(deliberation, hidden),
            "may_run": may_run,
            "method_label": METHOD_LABELS[settings.ranking_method],
            "discuss_form": DiscussForm(edition=edition) if may_run else None,
            "round_two_form": RoundTwoForm(timezone=edition.timezone) if may_run else None,
            "note_max_chars": LONG_TEXT_MAX_CHARS,
            **_ballot_context(edition, deliberation, may_run=may_run, member=member, hidden=hidden),
        },
    )


@dataclass
class SchulzeRow:
    entry: Entry
    wins: list[int | None]


def _ballot_context(
    edition: Edition,
    deliberation,
    *,
    may_run: bool,
    member: JuryMember | None,
    hidden: set[int],
) -> dict[str, object]:
    """The ballot's state, and once it is closed (or for whoever runs the deliberation) the
    Schulze order with its pairwise matrix."""
    is_open = deliberation.ballot_opened_at is not None and deliberation.ballot_closed_at is None
    context: dict[str, object] = {
        "ballot_open": is_open,
        "ballots_cast": edition.ballots.count(),
        "my_ballot": member is not None and edition.ballots.filter(member=member).exists(),
    }
    closed = deliberation.ballot_closed_at is not None
    if not (closed or (may_run and deliberation.ballot_opened_at is not None)):
        return context
    result = services.ballot_result(edition)
    if result is None:
        return context
    entries = Entry.objects.select_related("edition").in_bulk(result.candidates)
    # A juror never reads of an entry they are in conflict with, here neither.
    shown = [i for i, pk in enumerate(result.candidates) if pk not in hidden]
    places = ([entries[pk] for pk in place if pk not in hidden] for place in result.places)
    context["schulze"] = {
        "candidates": [entries[result.candidates[i]] for i in shown],
        "rows": [
            SchulzeRow(
                entry=entries[result.candidates[i]],
                wins=[None if i == j else result.pairwise[i][j] for j in shown],
            )
            for i in shown
        ],
        "places": [kept for kept in places if kept],
    }
    return context


def _current(deliberation, hidden: set[int]) -> Entry | None:
    entry = deliberation.current_entry
    return None if entry is None or entry.pk in hidden else entry


def board_current(request: HttpRequest, slug: str) -> HttpResponse:
    """The entry under discussion, polled by every open board (htmx) in meeting mode."""
    edition = _edition(request, slug, "jury.view_deliberation")
    deliberation = services.deliberation_for(edition)
    current = _current(deliberation, _hidden_from(_membership(request, edition)))
    return render(
        request,
        "jury/includes/board_current.html",
        {"edition": edition, "current": current},
    )


@require_POST
def discuss(request: HttpRequest, slug: str) -> HttpResponse:
    edition = _edition(request, slug, "jury.run_deliberation")
    form = DiscussForm(request.POST, edition=edition)
    if not form.is_valid():
        return _unread(
            request, edition, "jury:board", _("Only a shortlisted entry can be discussed.")
        )
    return _step(
        request,
        edition,
        "jury:board",
        lambda: services.discuss(
            edition=edition, entry=form.cleaned_data["entry"], by=request.user
        ),
    )


# The decision --------------------------------------------------------------------------------


def decision(request: HttpRequest, slug: str) -> HttpResponse:
    edition = _edition(request, slug, "jury.run_deliberation")
    deliberation = services.deliberation_for(edition)
    form = PrizeForm(request.POST or None, edition=edition)
    if request.method == "POST" and form.is_valid():
        try:
            prize = services.record_prize(edition=edition, by=request.user, **form.cleaned_data)
        except Refused as refusal:
            form.add_error(None, str(refusal))
        else:
            messages.success(
                request,
                _("%(prize)s recorded for %(entry)s.")
                % {"prize": prize.title, "entry": prize.entry.reference},
            )
            return redirect("jury:decision", slug=edition.slug)
    edition.refresh_from_db()
    prizes = sorted(
        edition.prizes.select_related("entry__edition", "decided_by"), key=lambda p: p.order
    )
    return render(
        request,
        "jury/decision.html",
        {
            "edition": edition,
            "section": "decision",
            "form": form,
            "prizes": prizes,
            "deliberation": deliberation,
            "locked": edition.results_locked_at is not None,
            "in_deliberation": edition.phase == EditionPhase.DELIBERATION,
            "may_confirm": request.user.has_perm("jury.confirm_decision", edition),
            "may_reopen": request.user.has_perm("jury.manage_jury"),
            "joint_form": JointPrizesForm(initial={"allowed": deliberation.joint_prizes_allowed}),
            "remove_form": OptionalReasonForm(),
            "reopen_form": ReasonForm(),
            "events": edition.decision_events.select_related("by", "entry__edition").order_by(
                "-at"
            )[:50],
            "shortlisted": edition.entries.filter(state=EntryState.SHORTLISTED).count(),
        },
        status=400 if request.method == "POST" else 200,
    )


@require_POST
def remove_prize(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    edition = _edition(request, slug, "jury.run_deliberation")
    prizes = Prize.objects.select_related("edition", "entry")
    prize = get_object_or_404(prizes, pk=pk, edition=edition)
    form = OptionalReasonForm(request.POST)
    if not form.is_valid():
        return _unread(request, edition, "jury:decision", _form_problems(form))
    return _step(
        request,
        edition,
        "jury:decision",
        lambda: services.remove_prize(
            prize=prize, by=request.user, reason=form.cleaned_data["reason"]
        ),
        lambda _result: _("The prize is removed."),
    )


@require_POST
def joint_prizes(request: HttpRequest, slug: str) -> HttpResponse:
    edition = _edition(request, slug, "jury.confirm_decision")
    form = JointPrizesForm(request.POST)
    allowed = form.is_valid() and form.cleaned_data["allowed"]
    return _step(
        request,
        edition,
        "jury:decision",
        lambda: services.allow_joint_prizes(edition=edition, allowed=allowed, by=request.user),
        lambda _result: (
            _("Joint prizes are allowed.") if allowed else _("Joint prizes are not allowed.")
        ),
    )


@require_POST
def confirm_decision(request: HttpRequest, slug: str) -> HttpResponse:
    edition = _edition(request, slug, "jury.confirm_decision")
    return _step(
        request,
        edition,
        "jury:decision",
        lambda: services.confirm_decision(edition=edition, by=request.user),
        lambda _awarded: _(
            "The decision is confirmed and locked: the results can now be published."
        ),
    )


@require_POST
def reopen_decision(request: HttpRequest, slug: str) -> HttpResponse:
    edition = _edition(request, slug, "jury.manage_jury")
    form = ReasonForm(request.POST)
    if not form.is_valid():
        return _unread(request, edition, "jury:decision", REASON_NEEDED)
    return _step(
        request,
        edition,
        "jury:decision",
        lambda: services.reopen_decision(
            edition=edition, by=request.user, reason=form.cleaned_data["reason"]
        ),
        lambda _moved: _("The decision is reopened; the chair must confirm it again."),
    )


# Exports -------------------------------------------------------------------------------------


def exports(request: HttpRequest, slug: str) -> HttpResponse:
    edition = _edition(request, slug, "jury.manage_jury")
    scored_rounds = standings.rounds_with_scores(edition) or [1]
    form = ExportForm(request.GET or None, rounds=scored_rounds)
    if request.GET and form.is_valid():
        from ..exports import export_response

        try:
            return export_response(
                edition,
                kind=form.cleaned_data["kind"],
                format=form.cleaned_data["format"],
                round=form.cleaned_data["round"] or scored_rounds[0],
                pseudonymise=form.cleaned_data["pseudonymise"],
            )
        except Refused as refusal:
            form.add_error(None, str(refusal))
    return render(
        request,
        "jury/exports.html",
        {"edition": edition, "section": "exports", "form": form},
        status=400 if request.GET and form.errors else 200,
    )


@private_document
def report(request: HttpRequest, slug: str) -> HttpResponse:
    """The jury report PDF, for the secretariat and the chair."""
    from awards.pdf import PdfRefused

    from ..report import render_report_pdf

    edition = _edition(request, slug, "jury.run_deliberation")
    try:
        hidden = frozenset(_hidden_from(_membership(request, edition)))
        pdf = render_report_pdf(edition, hidden=hidden)
    except PdfRefused as refusal:
        return refused(request, refusal, to="jury:decision", slug=edition.slug)
    response = HttpResponse(pdf, content_type="application/pdf")
    stamp = timezone.now().strftime("%Y%m%d-%H%M%S")
    response["Content-Disposition"] = (
        f'attachment; filename="{edition.slug}-jury-report-{stamp}.pdf"'
    )
    return response


# The ranked ballot ---------------------------------------------------------------------------


def ballot(request: HttpRequest, slug: str) -> HttpResponse:
    """A juror orders the shortlist while the ballot is open."""
    edition = _edition(request, slug, "jury.view_deliberation")
    member = _membership(request, edition)
    if member is None:
        raise PermissionDenied
    deliberation = services.deliberation_for(edition)
    entries = services.ballot_entries(edition, member)
    mine = edition.ballots.filter(member=member).first()
    form = BallotForm(request.POST or None, entries=entries, ranking=mine.ranking if mine else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.cast_ballot(edition=edition, by=request.user, ranking=form.ranking())
        except Refused as refusal:
            form.add_error(None, str(refusal))
        else:
            messages.success(request, _("Your ballot is saved; you may change it until it closes."))
            return redirect("jury:board", slug=edition.slug)
    return render(
        request,
        "jury/ballot.html",
        {
            "edition": edition,
            "section": "board",
            "form": form,
            "deliberation": deliberation,
            "is_open": deliberation.ballot_opened_at is not None
            and deliberation.ballot_closed_at is None,
            "cast": mine,
        },
        status=400 if request.method == "POST" else 200,
    )


@require_POST
def ballot_open(request: HttpRequest, slug: str) -> HttpResponse:
    edition = _edition(request, slug, "jury.run_deliberation")
    return _step(
        request,
        edition,
        "jury:board",
        lambda: services.open_ballot(edition=edition, by=request.user),
        lambda _result: _("The ballot is open: every juror can now order the shortlist."),
    )


@require_POST
def ballot_close(request: HttpRequest, slug: str) -> HttpResponse:
    edition = _edition(request, slug, "jury.run_deliberation")
    return _step(
        request,
        edition,
        "jury:board",
        lambda: services.close_ballot(edition=edition, by=request.user),
        lambda cast: (
            ngettext(
                "The ballot is closed: %(count)s ballot was cast.",
                "The ballot is closed: %(count)s ballots were cast.",
                cast,
            )
            % {"count": cast}
        ),
    )


@require_POST
def round_two(request: HttpRequest, slug: str) -> HttpResponse:
    """The whole jury scores the shortlist again, until the deadline given."""
    edition = _edition(request, slug, "jury.run_deliberation")
    form = RoundTwoForm(request.POST, timezone=edition.timezone)
    if not form.is_valid():
        return _unread(
            request, edition, "jury:board", _("Give round two a deadline in the future.")
        )
    return _step(
        request,
        edition,
        "jury:board",
        lambda: services.open_round_two(
            edition=edition, by=request.user, deadline=form.cleaned_data["deadline"]
        ),
        lambda made: (
            ngettext(
                "Round two is open: %(count)s evaluation to make; each juror is told their "
                "entries.",
                "Round two is open: %(count)s evaluations to make; each juror is told their "
                "entries.",
                made,
            )
            % {"count": made}
        ),
    )


@require_POST
def meeting_note(request: HttpRequest, slug: str) -> HttpResponse:
    edition = _edition(request, slug, "jury.run_deliberation")
    form = MeetingNoteForm(request.POST, edition=edition)
    back = redirect("jury:board", slug=edition.slug)
    if not form.is_valid():
        problem = (
            _("Only a shortlisted entry has meeting notes.")
            if "entry" in form.errors
            else _form_problems(form)
        )
        return _unread(request, edition, "jury:board", problem)
    entry = form.cleaned_data["entry"]
    try:
        services.save_meeting_note(
            edition=edition, entry=entry, text=form.cleaned_data["text"], by=request.user
        )
    except Refused as refusal:
        return refused(request, refusal, to=back.url)
    messages.success(request, _("The notes on %(entry)s are saved.") % {"entry": entry.reference})
    return redirect(f"{back.url}#entry-{entry.pk}")
