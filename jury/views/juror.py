"""The juror's pages: accepting an invitation, the home with progress, scoring an entry,
declaring a conflict of interest."""

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.forms import SetPasswordForm
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.backends import SIGN_IN_BACKEND
from awards import selectors as award_selectors
from awards.certificates import personal_certificates
from awards.models import Attachment
from awards.views.entries import attachment_response
from core.links import link_unusable
from core.parsing import parse_choice

from .. import rounds, scoresheet, scoring, selectors, services
from ..forms import AffiliationForm, DeclareConflictForm, ScoreSheetForm
from ..models import Assignment, Evaluation


@login_not_required
def invitation(request: HttpRequest, token: str) -> HttpResponse:
    try:
        member = services.member_from_token(token)
    except services.JuryRefused as refusal:
        return link_unusable(request, refusal, heading=_("This invitation cannot be used"))
    user = member.user
    if member.accepted_at is not None and request.user == user:
        messages.info(request, _("You have accepted this invitation already."))
        return redirect("jury:home")
    needs_password = not user.has_usable_password()
    if not needs_password and request.user != user:
        # An account exists: its owner signs in first, then comes back here.
        return redirect(f"{reverse('accounts:login')}?{urlencode({'next': request.path})}")
    form = SetPasswordForm(user, request.POST or None) if needs_password else None
    affiliation = AffiliationForm(
        request.POST if request.method == "POST" else None,
        initial={"country": member.country.code, "organisation": member.organisation},
        prefix="affiliation",
    )
    if request.method == "POST" and (form is None or form.is_valid()) and affiliation.is_valid():
        services.accept_invitation(
            member=member,
            user=user,
            password=form.cleaned_data["new_password1"] if form else None,
            # A form without these fields (an older page) leaves what the secretariat typed.
            **{
                name: affiliation.cleaned_data[name]
                for name in ("country", "organisation")
                if affiliation.add_prefix(name) in request.POST
            },
        )
        if request.user != user:
            login(request, user, backend=SIGN_IN_BACKEND)
        messages.success(
            request, _("Welcome to the jury of the %(edition)s.") % {"edition": member.edition}
        )
        return redirect("dashboard")
    return render(
        request,
        "jury/invitation.html",
        {"member": member, "form": form, "affiliation": affiliation},
    )


def juror_home(request: HttpRequest) -> HttpResponse:
    """A juror's work: per jury and per round, progress, the deadline and the entries."""
    juries = []
    for member in selectors.jury_memberships_for_user(request.user):
        by_round: dict[int, list[Assignment]] = {}
        for assignment in selectors.assignments_for_juror(member):
            by_round.setdefault(assignment.round, []).append(assignment)
        juries.append(
            {
                "member": member,
                "rounds": [
                    {
                        "round": number,
                        "assignments": assignments,
                        "deadline": rounds.deadline(member.edition, number),
                        "total": len(assignments),
                        "submitted": sum(
                            1
                            for a in assignments
                            if getattr(a, "evaluation", None) is not None
                            and a.evaluation.status == Evaluation.Status.SUBMITTED
                        ),
                    }
                    for number, assignments in sorted(by_round.items())
                ]
                or [
                    {
                        "round": 1,
                        "assignments": [],
                        "deadline": member.edition.scoring_deadline,
                        "total": 0,
                        "submitted": 0,
                    }
                ],
            }
        )
    return render(
        request,
        "jury/home.html",
        {"juries": juries, "certificates": personal_certificates(request.user)},
    )


def _assignment_for(request: HttpRequest, pk: int) -> Assignment:
    # Someone else's assignment, or an entry the juror is conflicted with, does not exist here.
    assignment = get_object_or_404(
        Assignment.objects.select_related("member__edition", "entry__edition"),
        pk=pk,
        member__user=request.user,
        member__accepted_at__isnull=False,
    )
    if selectors.has_active_conflict(assignment.member, assignment.entry):
        raise Http404
    return assignment


def attachment(request: HttpRequest, pk: int, attachment_pk: int) -> FileResponse:
    """A document of an entry the juror scores (none of an entry they are conflicted with)."""
    assignment = _assignment_for(request, pk)
    if not request.user.has_perm("jury.view_entry", assignment.entry):
        raise Http404
    return attachment_response(
        get_object_or_404(Attachment, pk=attachment_pk, entry=assignment.entry)
    )


def score_entry(request: HttpRequest, pk: int) -> HttpResponse:
    assignment = _assignment_for(request, pk)
    edition = assignment.member.edition
    criteria = list(edition.criteria.all())
    evaluation = scoring.evaluation_for(assignment=assignment)
    evaluation.assignment = assignment  # read above, with its entry and edition
    form = ScoreSheetForm(request.POST if request.method == "POST" else None, criteria=criteria)
    typed = None
    if request.method == "POST":
        action = parse_choice(request.POST.get("action"), SCORE_ACTIONS) or "save"
        problem = _save_sheet(request, assignment, form, submit=action == "submit")
        if problem:
            messages.error(request, problem)
            typed = request.POST
        else:
            messages.success(
                request, _("Submitted.") if action == "submit" else _("Your scores are saved.")
            )
            if action == "next":
                following = selectors.next_assignment(assignment)
                if following is not None:
                    return redirect("jury:score", pk=following.pk)
                return redirect("jury:home")
            return redirect("jury:score", pk=assignment.pk)
    if request.method == "POST":
        evaluation.refresh_from_db()  # as the save left it, which forgets its assignment
        evaluation.assignment = assignment
    return render(
        request,
        "jury/score.html",
        {
            "assignment": assignment,
            "entry": award_selectors.entry_for_page(assignment.entry_id),
            "evaluation": evaluation,
            "closes": scoring.closes_for(evaluation),
            "rows": scoresheet.rows(criteria, evaluation, typed, form.errors if typed else None),
            "overall_comment": typed.get("overall_comment", "") if typed else evaluation.comment,
            "overall_errors": form.errors.get("overall_comment", []) if typed else [],
            "others": selectors.visible_scores(
                entry=assignment.entry, viewer_member=assignment.member
            ),
            "no_others": selectors.why_no_other_scores(
                evaluation=evaluation, viewer_member=assignment.member
            ),
        },
    )


# The score page's buttons.
SCORE_ACTIONS = ("save", "next", "submit")


def _save_sheet(request, assignment: Assignment, form: ScoreSheetForm, *, submit: bool) -> str:
    """Save (and submit) the posted score sheet; the reason it was not, or "" when it was."""
    if not form.is_valid():
        return _("Some scores need your attention; nothing you typed is lost.")
    try:
        if not submit:
            scoring.save_scores(assignment=assignment, by=request.user, **form.values())
            return ""
        try:
            scoring.submit_evaluation(assignment=assignment, by=request.user, **form.values())
        except scoring.EvaluationIncomplete as refusal:
            # Not yet complete: what the juror typed is kept as their draft.
            scoring.save_scores(assignment=assignment, by=request.user, **form.values())
            return str(refusal)
    except scoring.ScoringRefused as refusal:
        return str(refusal)
    return ""


@require_POST
def score_autosave(request: HttpRequest, pk: int) -> HttpResponse:
    """Save the draft while the juror types; only the criteria and comments the POST carries
    change."""
    assignment = _assignment_for(request, pk)
    criteria = list(assignment.member.edition.criteria.all())
    form = ScoreSheetForm(request.POST, criteria=criteria, partial=True)
    context: dict = {"saved": None, "error": None}
    if not form.is_valid():
        context["error"] = form.first_error()
        return render(request, "includes/autosave_status.html", context)
    try:
        context["saved"] = scoring.save_scores(
            assignment=assignment, by=request.user, **form.values()
        )
    except scoring.ScoringRefused as refusal:
        context["error"] = str(refusal)
    return render(request, "includes/autosave_status.html", context)


def declare_conflict(request: HttpRequest, pk: int) -> HttpResponse:
    """The juror says they have a conflict of interest with an entry they were given."""
    assignment = _assignment_for(request, pk)
    form = DeclareConflictForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.declare_conflict(
                member=assignment.member,
                entry=assignment.entry,
                by=request.user,
                note=form.cleaned_data["note"],
            )
        except services.JuryRefused as refusal:
            form.add_error(None, str(refusal))
        else:
            messages.success(
                request,
                _(
                    "Thank you. %(reference)s is no longer on your list, and the secretariat "
                    "can see your note."
                )
                % {"reference": assignment.entry.reference},
            )
            return redirect("jury:home")
    return render(
        request,
        "jury/declare_conflict.html",
        {"assignment": assignment, "entry": assignment.entry, "form": form},
    )
