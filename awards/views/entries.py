"""The applicant's entry: the steps of its form, its review and submission, its read-only copy."""

import logging

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from accounts.decorators import email_confirmed_required
from core.headers import private_document
from core.limits import accepts_uploads
from core.parsing import parse_id, parse_token
from core.refusals import refused

from .. import selectors
from ..certificates import entry_certificates
from ..forms.entries import (
    PUBLIC_DISPLAY_CONSENT,
    AnswersForm,
    AttachmentForm,
    BasicsForm,
    ExtensionForm,
    PartnerFormSet,
    ProjectFormSet,
    PublicTextForm,
    SubmitForm,
    TransitionForm,
)
from ..models import Attachment, Entry, Organisation
from ..services import entries as services
from ..services import publication
from ..services.transitions import (
    TransitionRefused,
    check_transition,
    steps_for,
    transition_entry,
)
from ..workflow import EntryState, before_clarification_deadline, before_deadline

logger = logging.getLogger(__name__)

STEPS = [
    ("basics", gettext_lazy("The partnership")),
    ("partners", gettext_lazy("Partners")),
    ("projects", gettext_lazy("Linked projects")),
    ("answers", gettext_lazy("Criteria")),
    ("attachments", gettext_lazy("Attachments")),
]
STEP_NAMES = [name for name, _label in STEPS]


def entry_or_404(request: HttpRequest, pk: int, perm: str = "awards.view_entry") -> Entry:
    try:
        entry = selectors.entry_for_page(pk)
    except Entry.DoesNotExist as error:
        raise Http404 from error
    # The same answer for "not yours" and "does not exist": ids reveal nothing.
    if not request.user.has_perm("awards.view_entry", entry):
        raise Http404
    if not request.user.has_perm(perm, entry):
        raise PermissionDenied
    return entry


@email_confirmed_required
@permission_required("awards.create_entry", raise_exception=True)
def entry_create(request: HttpRequest) -> HttpResponse:
    editions = list(selectors.open_editions())
    organisations = list(
        Organisation.objects.filter(memberships__user=request.user, memberships__is_approved=True)
    )
    if request.method == "POST":
        edition_id = parse_id(request.POST.get("edition"))
        organisation_id = parse_id(request.POST.get("organisation"))
        edition = next((e for e in editions if e.pk == edition_id), None)
        organisation = next((o for o in organisations if o.pk == organisation_id), None)
        if edition is None:
            messages.error(request, _("The call for entries of this edition is closed."))
        elif organisation is None:
            messages.error(request, _("Choose the organisation that leads the partnership."))
        else:
            entry = services.create_entry(
                edition=edition, organisation=organisation, by=request.user
            )
            messages.success(
                request, _("Draft %(reference)s created.") % {"reference": entry.reference}
            )
            return redirect("awards:entry_edit", pk=entry.pk, step=STEP_NAMES[0])
    return render(
        request,
        "awards/entry_create.html",
        {"editions": editions, "organisations": organisations},
    )


def _step_form(step: str, entry: Entry, data=None, files=None, *, partial: bool = False):
    """The step's form; a `partial` one (an autosave) changes only the fields it carries."""
    if step == "basics":
        return BasicsForm(data, instance=entry, partial=partial)
    if step == "partners":
        return PartnerFormSet(data, instance=entry, prefix="partners")
    if step == "projects":
        return ProjectFormSet(data, instance=entry, prefix="projects")
    if step == "answers":
        return AnswersForm(data, entry=entry, partial=partial)
    return AttachmentForm(data, files)


def _save_step(step: str, entry: Entry, form, by, seen: str | None) -> Entry | None:
    if step == "basics":
        return services.save_basics(entry=entry, by=by, seen=seen, **form.values())
    if step in ("partners", "projects"):
        return services.save_related(entry=entry, by=by, seen=seen, **{step: form.changes()})
    if step == "answers":
        return services.save_answers(entry=entry, by=by, answers=form.answers(), seen=seen)
    else:
        services.add_attachment(
            entry=entry,
            by=by,
            upload=form.cleaned_data["file"],
            description=form.cleaned_data["description"],
            is_public=form.cleaned_data["is_public"],
        )
        return None


def _show_refusal(request: HttpRequest, form, refusal: Exception) -> None:
    """The refusal beside the field it names when the form shows that field, else on top."""
    field = getattr(refusal, "field", None)
    if hasattr(form, "fields") and field in form.fields:
        form.add_error(field, str(refusal))
    else:
        messages.error(request, str(refusal))


def _seen(request: HttpRequest) -> str | None:
    """The version of the entry the page was built from; None when the page sent none.

    One that cannot be a version is kept as "", which matches no save: a colleague's change
    since then is refused rather than overwritten.
    """
    if "version" not in request.POST:
        return None
    return parse_token(request.POST["version"]) or ""


def _attachment_limit(request: HttpRequest, pk: int, step: str) -> int:
    """The largest attachment the entry's edition takes, in bytes; 0 on the steps without a
    file, and for an entry that does not exist (the view answers 404)."""
    if step != "attachments":
        return 0
    megabytes = (
        Entry.objects.filter(pk=pk).values_list("edition__max_attachment_mb", flat=True).first()
    )
    return (megabytes or 0) * 1024 * 1024


@accepts_uploads(_attachment_limit)
def entry_edit(request: HttpRequest, pk: int, step: str) -> HttpResponse:
    if step not in STEP_NAMES:
        raise Http404
    entry = entry_or_404(request, pk)
    if not request.user.has_perm("awards.change_entry", entry):
        messages.info(request, _("This entry can no longer be changed."))
        return redirect(entry)
    form = _step_form(step, entry, request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            _save_step(step, entry, form, request.user, _seen(request))
        except services.EntryLocked as refusal:
            messages.error(request, str(refusal))
            return redirect(entry)
        except services.EntryChangedMeanwhile as refusal:
            messages.error(request, str(refusal))
        except services.EntryRefused as refusal:
            _show_refusal(request, form, refusal)
        except ValidationError as refusal:
            form.add_error("file" if step == "attachments" else None, refusal)
        else:
            messages.success(request, _("Saved."))
            if "next" in request.POST:
                following = STEP_NAMES.index(step) + 1
                if following < len(STEP_NAMES):
                    return redirect("awards:entry_edit", pk=entry.pk, step=STEP_NAMES[following])
                return redirect("awards:entry_review", pk=entry.pk)
            return redirect("awards:entry_edit", pk=entry.pk, step=step)
    elif request.method == "POST":
        messages.error(request, _("Some fields need your attention; nothing you typed is lost."))
    return render(
        request,
        "awards/entry_form.html",
        {"entry": entry, "form": form, "steps": STEPS, "step": step},
    )


@require_POST
def entry_autosave(request: HttpRequest, pk: int, step: str) -> HttpResponse:
    """Save a draft step while the applicant types; answers with a short status line."""
    if step not in ("basics", "answers"):
        raise Http404
    entry = entry_or_404(request, pk)
    context: dict = {"saved": None, "error": None}
    if not request.user.has_perm("awards.change_entry", entry):
        context["error"] = _("This entry can no longer be changed.")
    else:
        form = _step_form(step, entry, request.POST, partial=True)
        if form.is_valid():
            try:
                context["saved"] = _save_step(step, entry, form, request.user, _seen(request))
            except (
                services.EntryLocked,
                services.EntryChangedMeanwhile,
                services.EntryRefused,
            ) as refusal:
                context["error"] = str(refusal)
        else:
            context["error"] = _("Not saved: some fields need your attention.")
    return render(request, "includes/autosave_status.html", context)


def _open_question(entry: Entry) -> str | None:
    """The secretariat's question while a clarification round is open."""
    if entry.state != EntryState.CLARIFICATION_REQUESTED:
        return None
    last = entry.transitions.filter(transition="request_clarification").order_by("-at").first()
    return last.note if last else None


# The submission steps, each with the condition that says whether it is still in time.
SUBMISSION_DEADLINES = {"submit": before_deadline, "resubmit": before_clarification_deadline}


def entry_review(request: HttpRequest, pk: int) -> HttpResponse:
    entry = entry_or_404(request, pk)
    # The submission step this person may take now, if any (a secretariat member has none).
    offered = steps_for(entry, request.user, names=SUBMISSION_DEADLINES)
    step = offered[0] if offered else None
    return render(
        request,
        "awards/entry_review.html",
        {
            "entry": entry,
            "question": _open_question(entry),
            "submit_transition": step,
            "missing": entry.missing_items(),
            "steps": STEPS,
            "step": "review",
            "deadline_passed": step is not None and not SUBMISSION_DEADLINES[step](entry),
            "public_display_consent": PUBLIC_DISPLAY_CONSENT,
        },
    )


def entry_detail(request: HttpRequest, pk: int) -> HttpResponse:
    entry = entry_or_404(request, pk)
    internal = request.user.has_perm("awards.grant_extension", entry)
    return render(
        request,
        "awards/entry_detail.html",
        {
            "entry": entry,
            "question": _open_question(entry),
            "history": selectors.entry_history(entry, internal=internal),
            "internal": internal,
            "extension_form": ExtensionForm(timezone=entry.edition.timezone) if internal else None,
            "certificates": entry_certificates(entry, request.user),
        },
    )


def entry_transition(request: HttpRequest, pk: int, name: str) -> HttpResponse:
    """Take a step of the entry's workflow; the irreversible ones are confirmed on a page first,
    which is only offered to a person who may take the step now."""
    entry = entry_or_404(request, pk)
    if request.method != "POST" and name not in CONFIRMED:
        return redirect(entry)
    submitting = name in services.SUBMITTING_STEPS
    form = (SubmitForm if submitting else TransitionForm)(
        request.POST if request.method == "POST" else None
    )
    try:
        if name in CONFIRMED and (
            request.method != "POST" or "confirmed" not in request.POST or not form.is_valid()
        ):
            check_transition(entry=entry, name=name, by=request.user)
            return render(
                request,
                "awards/entry_confirm.html",
                {"entry": entry, "name": name, "question": CONFIRMED[name], "form": form},
            )
        if not form.is_valid():
            messages.error(request, " ".join(form.errors["note"]))
            return redirect(entry)
        if submitting:
            entry = services.submit_entry(
                entry=entry,
                by=request.user,
                name=name,
                note=form.cleaned_data["note"],
                public_display=form.cleaned_data["public_display"],
            )
        else:
            entry = transition_entry(
                entry=entry, name=name, by=request.user, note=form.cleaned_data["note"]
            )
    except TransitionRefused as refusal:
        return refused(request, refusal, to=entry)
    messages.success(request, SUCCESS.get(name, _("Done.")))
    return redirect(entry)


# Steps that cannot be undone are confirmed with a reason first.
CONFIRMED = {
    "withdraw": gettext_lazy(
        "Withdraw this entry? It leaves the competition for good; your colleagues and the "
        "secretariat are told."
    ),
}

SUCCESS = {
    "submit": gettext_lazy(
        "Your entry is submitted. A receipt with its reference number is on its way by email."
    ),
    "resubmit": gettext_lazy("Your entry is submitted again; the secretariat will look at it."),
    "withdraw": gettext_lazy("The entry has been withdrawn."),
}


def entry_delete(request: HttpRequest, pk: int) -> HttpResponse:
    """A draft that was never submitted, deleted after a confirmation."""
    entry = entry_or_404(request, pk, perm="awards.delete_entry")
    try:
        services.check_deletable(entry)
    except services.EntryLocked as refusal:
        messages.error(request, str(refusal))
        return redirect(entry)
    if request.method != "POST":
        return render(request, "awards/entry_delete.html", {"entry": entry})
    try:
        name = services.delete_draft(entry=entry, by=request.user, seen=_seen(request) or None)
    except (services.EntryLocked, services.EntryChangedMeanwhile) as refusal:
        messages.error(request, str(refusal))
        still_there = Entry.objects.filter(pk=entry.pk).exists()
        return redirect(entry) if still_there else redirect("dashboard")
    messages.success(request, _("The draft “%(name)s” has been deleted.") % {"name": name})
    return redirect("dashboard")


@private_document
def entry_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    from ..pdf import PdfRefused, render_entry_pdf

    entry = entry_or_404(request, pk)
    try:
        pdf = render_entry_pdf(entry)
    except PdfRefused as refusal:
        return refused(request, refusal, to=entry)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{entry.reference}.pdf"'
    return response


@require_POST
def entry_extension(request: HttpRequest, pk: int) -> HttpResponse:
    entry = entry_or_404(request, pk, perm="awards.grant_extension")
    form = ExtensionForm(request.POST, timezone=entry.edition.timezone)
    if form.is_valid():
        try:
            services.grant_extension(entry=entry, by=request.user, until=form.cleaned_data["until"])
        except ValidationError as refusal:
            messages.error(request, " ".join(refusal.messages))
        else:
            messages.success(request, _("The deadline of this entry has been extended."))
    else:
        messages.error(request, _("Give the new deadline as a date and time."))
    return redirect(entry)


@private_document
def attachment_download(request: HttpRequest, pk: int, attachment_pk: int) -> FileResponse:
    entry = get_object_or_404(Entry, pk=pk)
    if not request.user.has_perm("awards.view_attachments", entry):
        raise Http404
    return attachment_response(get_object_or_404(Attachment, pk=attachment_pk, entry=entry))


def attachment_response(attachment: Attachment) -> FileResponse:
    """The attachment's file as a download, for a person the caller has checked may read it."""
    try:
        handle = attachment.file.open("rb")
    except FileNotFoundError as error:
        logger.error(
            "Attachment %s of entry %s is missing on disk", attachment.pk, attachment.entry_id
        )
        raise Http404 from error
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=attachment.original_name,
        content_type=attachment.content_type,
    )
    return response


@require_POST
def attachment_remove(request: HttpRequest, pk: int, attachment_pk: int) -> HttpResponse:
    entry = entry_or_404(request, pk, perm="awards.change_entry")
    attachment = get_object_or_404(Attachment, pk=attachment_pk, entry=entry)
    try:
        services.remove_attachment(attachment=attachment, by=request.user)
    except services.EntryLocked as refusal:
        messages.error(request, str(refusal))
    else:
        messages.success(request, _("“%(name)s” removed.") % {"name": attachment.original_name})
    return redirect("awards:entry_edit", pk=entry.pk, step="attachments")


@permission_required("awards.manage_editions", raise_exception=True)
@require_http_methods(["GET", "POST"])
def entry_public_text(request: HttpRequest, pk: int) -> HttpResponse:
    """The secretariat corrects the public title or summary of a published entry; every
    correction is kept, with the text before and after and the reason."""
    entry = get_object_or_404(Entry.objects.select_related("edition"), pk=pk)
    if entry.published_at is None:
        raise Http404
    form = PublicTextForm(request.POST or None, instance=entry)
    if request.method == "POST" and form.is_valid():
        try:
            publication.correct_public_text(
                entry=entry,
                by=request.user,
                reason=form.cleaned_data["reason"],
                title=form.cleaned_data["title"],
                summary=form.cleaned_data["summary"],
            )
        except publication.PublicationRefused as refusal:
            form.add_error(None, str(refusal))
        else:
            messages.success(request, _("The correction is published."))
            return redirect("awards:entry_public_text", pk=entry.pk)
    return render(
        request,
        "awards/entry_public_text.html",
        {
            "entry": entry,
            "form": form,
            "corrections": entry.public_corrections.select_related("by"),
        },
    )
