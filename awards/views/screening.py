"""The secretariat's eligibility screening: the queue, one entry's checklist and decision."""

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from core.parsing import parse_choice, parse_slug, require

from .. import selectors
from ..eligibility import checklist
from ..filters import AWAITING, ScreeningFilter
from ..forms.screening import BulkDecisionForm, ChecklistForm, DecisionForm
from ..models import Edition, Entry
from ..services import screening as services
from ..services.transitions import TransitionRefused, steps_for

screening_permission = permission_required("awards.screen_entry", raise_exception=True)


def _edition(request: HttpRequest) -> Edition:
    """The edition named by the page's `edition` field, else the current one."""
    typed = request.GET.get("edition") or request.POST.get("edition")
    slug = require(parse_slug(typed)) if typed else None
    edition = Edition.objects.filter(slug=slug).first() if slug else selectors.current_edition()
    if edition is None:
        raise Http404
    return edition


@screening_permission
def screening_queue(request: HttpRequest) -> HttpResponse:
    edition = _edition(request)
    data = request.GET.copy()
    data.setdefault("state", AWAITING)
    queue = ScreeningFilter(data, queryset=selectors.screening_queue(edition))
    page = Paginator(queue.qs, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "awards/screening_queue.html",
        {
            "edition": edition,
            "editions": Edition.objects.order_by("-year"),
            "filter": queue,
            "page": page,
            "bulk_form": BulkDecisionForm(queue=selectors.screening_queue(edition)),
        },
    )


@screening_permission
@require_POST
def screening_bulk(request: HttpRequest) -> HttpResponse:
    edition = _edition(request)
    form = BulkDecisionForm(request.POST, queue=selectors.screening_queue(edition))
    if not form.is_valid():
        messages.error(request, _("Choose a decision and at least one entry."))
    else:
        entries = form.cleaned_data["entries"].prefetch_related(
            "partners", "projects", "eligibility_answers", "edition__eligibility_criteria"
        )
        decided, refused = services.decide_many(
            entries=list(entries),
            by=request.user,
            decision=form.cleaned_data["decision"],
            note=form.cleaned_data["note"],
        )
        if decided:
            messages.success(
                request,
                _("Decision recorded for %(count)s entries: %(references)s.")
                % {"count": len(decided), "references": ", ".join(e.reference for e in decided)},
            )
        for entry, why in refused:
            messages.error(
                request, _("%(reference)s: %(why)s") % {"reference": entry.reference, "why": why}
            )
    return redirect(f"{reverse('awards:screening_queue')}?edition={edition.slug}")


@screening_permission
def screening_entry(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        entry = selectors.entry_for_screening(pk)
    except Entry.DoesNotExist as error:
        raise Http404 from error
    rows = checklist(entry)
    checklist_form = ChecklistForm(request.POST or None, rows=rows)
    decision_form = DecisionForm(request.POST or None)
    if request.method == "POST" and checklist_form.is_valid() and decision_form.is_valid():
        services.save_checklist(
            entry=entry,
            by=request.user,
            answers=checklist_form.answers(),
            notes=checklist_form.notes(),
        )
        decision = parse_choice(request.POST.get("decision"), services.DECISIONS)
        if decision is None:
            messages.success(request, _("Checklist saved."))
            return redirect("awards:screening_entry", pk=entry.pk)
        try:
            services.decide(
                entry=entry,
                by=request.user,
                decision=decision,
                note=decision_form.cleaned_data["note"],
                internal_note=decision_form.cleaned_data["internal_note"],
            )
        except TransitionRefused as refusal:
            messages.error(request, str(refusal))
            entry = selectors.entry_for_screening(pk)
        else:
            messages.success(request, _("Decision recorded; the applicant is told by email."))
            return redirect("awards:screening_entry", pk=entry.pk)
    return render(
        request,
        "awards/screening_entry.html",
        {
            "entry": entry,
            "checklist_form": checklist_form,
            "decision_form": decision_form,
            "history": selectors.entry_history(entry, internal=True),
            "internal": True,
            "decisions": _decisions_offered(entry, request.user),
        },
    )


# The buttons of the three decisions, in the order they are offered.
DECISION_BUTTONS = [
    ("eligible", gettext_lazy("Eligible"), "btn-success"),
    ("clarify", gettext_lazy("Ask for clarification"), "btn-outline-primary"),
    ("ineligible", gettext_lazy("Not eligible"), "btn-outline-danger"),
]


def _decisions_offered(entry: Entry, user) -> list[tuple[str, str, str]]:
    """The decisions the state machine lets this person take on the entry now."""
    steps = steps_for(entry, user, names=services.DECISIONS.values())
    return [button for button in DECISION_BUTTONS if services.DECISIONS[button[0]] in steps]
