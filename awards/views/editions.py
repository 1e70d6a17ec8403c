"""The secretariat's pages for editions: the list, creating, changing and cloning one."""

import re

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from .. import selectors
from ..forms.editions import (
    EditionForm,
    PublishNowForm,
    QuestionFormSet,
    ReminderRuleFormSet,
    ScheduleForm,
)
from ..models import Edition
from ..services import editions as services
from ..services import publication
from ..services.transitions import TransitionRefused, change_phase
from ..workflow import EditionPhase

manage_editions = permission_required("awards.manage_editions", raise_exception=True)

PHASE_ACTIONS = {
    "open_call": gettext_lazy("Open the call for entries"),
    "close_call": gettext_lazy("Close the call and start screening"),
    "open_jury_review": gettext_lazy("Open the jury review (moves every eligible entry)"),
    "open_deliberation": gettext_lazy("Close scoring and open the deliberation"),
    "archive": gettext_lazy("Archive the edition"),
}


@manage_editions
@require_GET
def edition_list(request: HttpRequest) -> HttpResponse:
    return render(
        request, "awards/edition_list.html", {"editions": selectors.editions_with_entry_counts()}
    )


@manage_editions
@require_http_methods(["GET", "POST"])
def edition_create(request: HttpRequest) -> HttpResponse:
    form = EditionForm(request.POST if request.method == "POST" else None)
    if form.is_bound and form.is_valid():
        try:
            edition = services.create_edition(by=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error.messages)
        else:
            messages.success(
                request,
                _("“%(title)s” has been created with the default questions: review them below.")
                % {"title": edition.title},
            )
            return redirect("awards:edition_update", slug=edition.slug)
    return render(request, "awards/edition_form.html", {"form": form})


@manage_editions
@require_http_methods(["GET", "POST"])
def edition_update(request: HttpRequest, slug: str) -> HttpResponse:
    edition = get_object_or_404(Edition, slug=slug)
    title = edition.title  # validating the form changes the instance; the page names the saved one
    locked = services.questions_locked(edition)
    data = request.POST if request.method == "POST" else None
    form = EditionForm(data, instance=edition)
    formset = None if locked else QuestionFormSet(data, instance=edition)
    if data is not None and all([form.is_valid(), formset is None or formset.is_valid()]):
        try:
            edition = services.update_edition(
                edition=edition, by=request.user, **_question_changes(formset), **form.cleaned_data
            )
        except ValidationError as error:
            form.add_error(None, error.messages)
        else:
            messages.success(request, _("“%(title)s” has been saved.") % {"title": edition.title})
            return redirect("awards:edition_list")
    context = {
        "form": form,
        "formset": formset,
        "title": title,
        "slug": slug,
        "locked_questions": edition.questions.all() if locked else None,
        "edition": edition,
        # Every step out of the current phase; a condition that fails is explained on click.
        "phase_actions": [
            (t.name, PHASE_ACTIONS[t.name])
            for t in edition.get_all_phase_transitions()  # type: ignore[attr-defined]
            if t.source == edition.phase and t.name in PHASE_ACTIONS
        ],
    }
    return render(request, "awards/edition_form.html", context)


def _question_changes(formset) -> dict:
    if formset is None:
        return {}
    questions = formset.save(commit=False)  # nothing is written: the service does that
    return {"questions": questions, "removed_questions": formset.deleted_objects}


@manage_editions
@require_POST
def edition_clone(request: HttpRequest, slug: str) -> HttpResponse:
    source = get_object_or_404(Edition, slug=slug)
    try:
        year = _parse_year(request.POST.get("year", ""))
        edition = services.clone_edition(source=source, by=request.user, year=year)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("awards:edition_list")
    messages.success(
        request,
        _("“%(title)s” has been prepared from “%(source)s”: check its dates and questions.")
        % {"title": edition.title, "source": source.title},
    )
    return redirect("awards:edition_update", slug=edition.slug)


def _parse_year(text: str) -> int | None:
    """The year typed for a clone; empty means the service's default (two years later)."""
    text = text.strip()
    if not text:
        return None
    if not re.fullmatch(r"[0-9]{4}", text):
        raise ValidationError(_("Enter the year of the new edition as four digits."))
    return int(text)


@manage_editions
@require_POST
def edition_phase(request: HttpRequest, slug: str, name: str) -> HttpResponse:
    """Move the edition to its next phase (and its entries with it, where the phase says so)."""
    edition = get_object_or_404(Edition, slug=slug)
    if name not in PHASE_ACTIONS:
        # Publication has its own page (a schedule, or now after a confirmation).
        raise Http404
    try:
        edition = change_phase(edition=edition, name=name, by=request.user)
    except TransitionRefused as refusal:
        messages.error(request, str(refusal))
    else:
        messages.success(
            request,
            _("%(edition)s is now in the phase “%(phase)s”.")
            % {"edition": edition.title, "phase": edition.get_phase_display()},
        )
    return redirect("awards:edition_update", slug=edition.slug)


@manage_editions
@require_http_methods(["GET", "POST"])
def edition_reminders(request: HttpRequest, slug: str) -> HttpResponse:
    """The edition's reminder rules: who is reminded, how many days before or after what."""
    edition = get_object_or_404(Edition, slug=slug)
    formset = ReminderRuleFormSet(request.POST or None, instance=edition, prefix="rules")
    if request.method == "POST" and formset.is_valid():
        try:
            services.save_reminder_rules(edition=edition, by=request.user, rules=formset.changes())
        except services.EditionRefused as refusal:
            messages.error(request, str(refusal))
        else:
            messages.success(
                request, _("The reminders of %(title)s are saved.") % {"title": edition.title}
            )
            return redirect("awards:edition_reminders", slug=edition.slug)
    return render(
        request, "awards/edition_reminders.html", {"edition": edition, "formset": formset}
    )


@manage_editions
@require_http_methods(["GET", "POST"])
def edition_publication(request: HttpRequest, slug: str) -> HttpResponse:
    """The announcement of the results: schedule it, cancel the schedule, or publish now."""
    edition = get_object_or_404(Edition, slug=slug)
    action = request.POST.get("action") if request.method == "POST" else None
    schedule_form = ScheduleForm(
        request.POST if action == "schedule" else None,
        timezone=edition.timezone,
        initial={"at": timezone.localtime(edition.announcement_at, edition.tzinfo)},
    )
    publish_form = PublishNowForm(request.POST if action == "publish" else None)
    try:
        if action == "schedule" and schedule_form.is_valid():
            edition = publication.schedule_publication(
                edition=edition, by=request.user, at=schedule_form.cleaned_data["at"]
            )
            messages.success(
                request,
                _("The results will be published at %(moment)s.")
                % {"moment": _moment(edition.announcement_at, edition)},
            )
            return redirect("awards:edition_publication", slug=slug)
        if action == "cancel":
            publication.cancel_schedule(edition=edition, by=request.user)
            messages.success(request, _("The results will not be published by themselves."))
            return redirect("awards:edition_publication", slug=slug)
        if action == "publish" and publish_form.is_valid():
            edition = publication.publish_now(edition=edition, by=request.user)
            messages.success(request, _("The results are published."))
            return redirect("awards:edition_publication", slug=slug)
    except (publication.PublicationRefused, TransitionRefused) as refusal:
        messages.error(request, str(refusal))
    return render(
        request,
        "awards/edition_publication.html",
        {
            "edition": edition,
            "schedule_form": schedule_form,
            "publish_form": publish_form,
            "schedulable": edition.phase in publication.SCHEDULABLE_PHASES,
            "publishable": edition.phase == EditionPhase.DELIBERATION,
            "to_publish": selectors.publication_counts(edition),
        },
    )


def _moment(moment, edition: Edition) -> str:
    return date_format(timezone.localtime(moment, edition.tzinfo), "DATETIME_FORMAT")
