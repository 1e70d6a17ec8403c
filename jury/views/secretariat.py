"""The secretariat's jury pages for one edition: members, rubric, conflicts of interest, the
assignment matrix and the progress board, and the reopening of an evaluation."""

import secrets

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.db.models import F, Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from awards import selectors as award_selectors
from awards.models import Edition
from core.parsing import parse_choice, parse_id

from .. import board, rounds, scoring, services
from ..forms import (
    AddConflictForm,
    AutomaticAssignmentForm,
    CriterionFormSet,
    InviteJurorForm,
    JurySettingsForm,
    MoreTimeForm,
    ReasonForm,
    ReopenForm,
    RoundForm,
)
from ..models import Assignment, ConflictOfInterest, CriterionScore, Evaluation, JuryMember

secretariat_only = permission_required("jury.manage_jury", raise_exception=True)


@secretariat_only
def current_jury(request: HttpRequest) -> HttpResponse:
    """The menu's "Jury": the jury of the edition the secretariat works on now."""
    edition = award_selectors.current_edition()
    if edition is None:
        messages.info(request, _("There is no edition yet: create one, then invite its jury."))
        return redirect("awards:edition_list")
    return redirect("jury:members", slug=edition.slug)


@secretariat_only
def jury_members(request: HttpRequest, slug: str) -> HttpResponse:
    edition = get_object_or_404(Edition, slug=slug)
    form = InviteJurorForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            member = services.invite_juror(edition=edition, by=request.user, **form.cleaned_data)
        except services.JuryRefused as refusal:
            form.add_error(None, str(refusal))
        else:
            messages.success(
                request,
                _("An invitation is on its way to %(email)s.") % {"email": member.user.email},
            )
            return redirect("jury:members", slug=edition.slug)
    members = edition.jury_members.select_related("user").order_by("-is_chair", "user__full_name")
    return render(
        request,
        "jury/members.html",
        {"edition": edition, "members": members, "form": form, "section": "members"},
    )


@secretariat_only
@require_POST
def remove_member(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    member = get_object_or_404(JuryMember.objects.select_related("user"), pk=pk, edition__slug=slug)
    was_accepted = member.accepted_at is not None
    try:
        services.remove_juror(member=member, by=request.user)
    except services.JuryRefused as refusal:
        messages.error(request, str(refusal))
    else:
        names = {"juror": member.user.full_name}
        if was_accepted:
            messages.success(request, _("%(juror)s is no longer on the jury.") % names)
        else:
            messages.success(request, _("The invitation of %(juror)s is withdrawn.") % names)
    return redirect("jury:members", slug=slug)


@secretariat_only
def rubric(request: HttpRequest, slug: str) -> HttpResponse:
    edition = get_object_or_404(Edition, slug=slug)
    locked = services.rubric_locked(edition)
    formset = CriterionFormSet(
        request.POST if request.method == "POST" and not locked else None,
        queryset=edition.criteria.all(),
        prefix="criteria",
    )
    if request.method == "POST" and locked:
        messages.error(request, services.RUBRIC_LOCKED)
        return redirect("jury:rubric", slug=edition.slug)
    if request.method == "POST" and formset.is_valid():
        try:
            services.save_rubric(edition=edition, by=request.user, criteria=formset.changes())
        except services.JuryRefused as refusal:
            messages.error(request, str(refusal))
        else:
            messages.success(request, _("The rubric is saved."))
            return redirect("jury:rubric", slug=edition.slug)
    return render(
        request,
        "jury/rubric.html",
        {
            "edition": edition,
            "formset": formset,
            "locked": locked,
            "locked_reason": services.RUBRIC_LOCKED,
            "criteria": edition.criteria.all(),
            "section": "rubric",
        },
    )


@secretariat_only
def conflicts(request: HttpRequest, slug: str) -> HttpResponse:
    edition = get_object_or_404(Edition, slug=slug)
    form = AddConflictForm(request.POST or None, edition=edition)
    if request.method == "POST" and form.is_valid():
        try:
            services.add_conflict(
                member=form.cleaned_data["member"],
                entry=form.cleaned_data["entry"],
                by=request.user,
                reason=form.cleaned_data["reason"],
            )
        except services.JuryRefused as refusal:
            form.add_error(None, str(refusal))
        else:
            messages.success(request, _("The conflict of interest is recorded."))
            return redirect("jury:conflicts", slug=edition.slug)
    rows = (
        ConflictOfInterest.objects.filter(member__edition=edition)
        .select_related("member__user", "entry__edition", "created_by", "lifted_by")
        # Active ones first (NULL sorts first on SQLite but last on PostgreSQL).
        .order_by(
            F("lifted_at").asc(nulls_first=True), "entry__number", "member__user__full_name", "pk"
        )
    )
    return render(
        request,
        "jury/conflicts.html",
        {"edition": edition, "form": form, "conflicts": rows, "section": "conflicts"},
    )


@secretariat_only
@require_POST
def lift_conflict(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    conflict = get_object_or_404(ConflictOfInterest, pk=pk, member__edition__slug=slug)
    form = ReasonForm(request.POST)
    if not form.is_valid():
        messages.error(
            request, _("Say why the conflict of interest is lifted: a reason is required.")
        )
        return redirect("jury:conflicts", slug=slug)
    try:
        services.lift_conflict(
            conflict=conflict, by=request.user, reason=form.cleaned_data["reason"]
        )
    except services.JuryRefused as refusal:
        messages.error(request, str(refusal))
    else:
        messages.success(request, _("The conflict of interest is lifted."))
    return redirect("jury:conflicts", slug=slug)


# The matrix page's buttons besides its cells.
MATRIX_ACTIONS = ("settings", "automatic", "tell")


@secretariat_only
def assignments(request: HttpRequest, slug: str) -> HttpResponse:
    """The matrix of jurors and entries, the jury settings and the automatic assignment."""
    edition = get_object_or_404(Edition, slug=slug)
    settings = services.settings_for(edition)
    action = parse_choice(request.POST.get("action"), MATRIX_ACTIONS)
    settings_form = JurySettingsForm(
        request.POST if action == "settings" else None, instance=settings
    )
    automatic_form = AutomaticAssignmentForm(
        request.POST if action == "automatic" else None,
        initial={"seed": secrets.randbelow(10_000)},
    )
    if request.method == "POST":
        response = _assignments_action(request, edition, settings_form, automatic_form)
        if response is not None:
            return response
    return render(
        request,
        "jury/assignments.html",
        {
            "edition": edition,
            "board": board.board(edition, page=request.GET.get("page", 1)),
            "settings_form": settings_form,
            "automatic_form": automatic_form,
            "section": "assignments",
        },
    )


def _assignments_action(request, edition, settings_form, automatic_form) -> HttpResponse | None:
    """Carry out the matrix page's POST; None to show the page again with the form's errors."""
    action = parse_choice(request.POST.get("action"), MATRIX_ACTIONS)
    # Back to the page of the matrix the form was on (its address carries the page).
    page = parse_id(request.GET.get("page"))
    matrix = reverse("jury:assignments", kwargs={"slug": edition.slug})
    here = redirect(f"{matrix}?page={page}" if page else matrix)
    if action == "settings":
        if not settings_form.is_valid():
            return None
        lifted, recorded = services.save_settings(settings=settings_form.instance, by=request.user)
        messages.success(
            request,
            _(
                "The jury settings are saved. Conflicts of interest lifted by a rule switched "
                "off: %(lifted)s; recorded by a rule that is on: %(recorded)s."
            )
            % {"lifted": lifted, "recorded": recorded},
        )
        return here
    if action == "automatic":
        if not automatic_form.is_valid():
            return None
        plan = services.assign_automatically(
            edition=edition, by=request.user, seed=automatic_form.cleaned_data["seed"]
        )
        messages.success(
            request,
            _("Entries assigned (draw number %(seed)s). %(short)s")
            % {
                "seed": automatic_form.cleaned_data["seed"],
                "short": ngettext(
                    "%(count)s entry has fewer jurors than asked for: see below.",
                    "%(count)s entries have fewer jurors than asked for: see below.",
                    len(plan.shortfalls),
                )
                % {"count": len(plan.shortfalls)}
                if plan.shortfalls
                else _("Every entry has the jurors asked for."),
            },
        )
        return here
    if action == "tell":
        sent = services.tell_jurors_their_assignments(edition=edition, by=request.user)
        messages.success(
            request,
            ngettext(
                "%(count)s juror is told of their entries.",
                "%(count)s jurors are told of their entries.",
                sent,
            )
            % {"count": sent}
            if sent
            else _("Every juror already knows their current list: nothing was sent."),
        )
        return here
    if "cell" in request.POST:
        # One form holds the whole matrix; each cell's button says "assign:juror:entry" or
        # "unassign:juror:entry".
        move, _sep, ids = request.POST["cell"].partition(":")
        member_id, _sep, entry_id = ids.partition(":")
        if move in ("assign", "unassign"):
            _set_cell(request, edition, member_id, entry_id, assigned=move == "assign")
            return redirect(f"{here.url}#entry-{parse_id(entry_id) or ''}")
    messages.error(request, _("Nothing was changed: the action was not understood."))
    return here


def _set_cell(
    request: HttpRequest, edition: Edition, member_id: str, entry_id: str, *, assigned: bool
) -> None:
    member = edition.jury_members.select_related("user").filter(pk=parse_id(member_id)).first()
    entry = edition.entries.filter(pk=parse_id(entry_id)).first()
    if member is None or entry is None:
        messages.error(request, _("That juror or entry is not in this edition."))
        return
    try:
        services.set_assignment(member=member, entry=entry, by=request.user, assigned=assigned)
    except services.JuryRefused as refusal:
        messages.error(request, str(refusal))
        return
    names = {"juror": member.user.full_name, "entry": entry.reference}
    if assigned:
        messages.success(request, _("%(juror)s now scores %(entry)s.") % names)
    else:
        messages.success(request, _("%(juror)s no longer scores %(entry)s.") % names)


@secretariat_only
def progress(request: HttpRequest, slug: str) -> HttpResponse:
    edition = get_object_or_404(Edition, slug=slug)
    round_form = RoundForm(request.GET or None)
    chosen = round_form.chosen()
    return render(
        request,
        "jury/progress.html",
        {
            "edition": edition,
            "board": board.board(edition, round=chosen, page=request.GET.get("page", 1)),
            "section": "progress",
            "round": chosen,
            "deadline": rounds.deadline(edition, chosen),
            "round_two": rounds.window(edition, rounds.ROUND_TWO)[0] is not None,
        },
    )


@secretariat_only
@require_POST
def remind(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    member = get_object_or_404(
        JuryMember.objects.select_related("user", "edition"), pk=pk, edition__slug=slug
    )
    if services.remind_juror(member=member, by=request.user):
        messages.success(
            request, _("A reminder is on its way to %(juror)s.") % {"juror": member.user.full_name}
        )
    else:
        messages.info(
            request,
            _("Nothing sent: %(juror)s has nothing left to submit, or was reminded this hour.")
            % {"juror": member.user.full_name},
        )
    return redirect("jury:progress", slug=slug)


@secretariat_only
def more_time(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """More time for a juror who missed the deadline with an evaluation not submitted."""
    assignment = get_object_or_404(
        Assignment.objects.select_related("member__user", "entry__edition"),
        pk=pk,
        member__edition__slug=slug,
    )
    edition = assignment.entry.edition
    form = MoreTimeForm(request.POST or None, timezone=edition.timezone)
    if request.method == "POST" and form.is_valid():
        try:
            scoring.give_more_time(
                assignment=assignment,
                by=request.user,
                until=form.cleaned_data["until"],
                reason=form.cleaned_data["reason"],
            )
        except scoring.ScoringRefused as refusal:
            form.add_error(None, str(refusal))
        else:
            messages.success(
                request,
                _("%(juror)s has more time and is told by mail.")
                % {"juror": assignment.member.user.full_name},
            )
            return redirect("jury:progress", slug=slug)
    return render(
        request,
        "jury/more_time.html",
        {"edition": edition, "assignment": assignment, "form": form, "section": "progress"},
    )


@secretariat_only
def reopen(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """An evaluation as the secretariat sees it, and the form to give it back to its juror."""
    evaluation = get_object_or_404(
        Evaluation.objects.select_related(
            "assignment__member__user", "assignment__entry__edition"
        ).prefetch_related(
            Prefetch(
                "scores",
                queryset=CriterionScore.objects.select_related("criterion").order_by(
                    "criterion__position", "criterion__pk"
                ),
            ),
            "reopenings__by",
        ),
        pk=pk,
        assignment__member__edition__slug=slug,
    )
    edition = evaluation.assignment.member.edition
    form = ReopenForm(request.POST or None, timezone=edition.timezone)
    if request.method == "POST" and form.is_valid():
        try:
            scoring.reopen_evaluation(
                evaluation=evaluation,
                by=request.user,
                reason=form.cleaned_data["reason"],
                until=form.cleaned_data["until"],
            )
        except scoring.ScoringRefused as refusal:
            form.add_error(None, str(refusal))
        else:
            messages.success(
                request,
                _("The evaluation is open again; %(juror)s is told by mail.")
                % {"juror": evaluation.assignment.member.user.full_name},
            )
            return redirect("jury:progress", slug=slug)
    return render(
        request,
        "jury/evaluation.html",
        {
            "edition": edition,
            "evaluation": evaluation,
            "score": scoring.weighted_score(evaluation),
            "form": form,
            "section": "progress",
        },
    )
