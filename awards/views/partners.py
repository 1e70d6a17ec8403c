"""Partner confirmation: asked by the applicant, answered by the partner without an account."""

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.links import link_unusable
from core.parsing import parse_choice

from ..forms.entries import PartnerResponseForm
from ..services import partners as services
from .entries import entry_or_404


@require_POST
def partners_ask(request: HttpRequest, pk: int) -> HttpResponse:
    entry = entry_or_404(request, pk, perm="awards.submit_entry")
    again = "again" in request.POST
    result = services.ask_partners(entry=entry, by=request.user, again=again)
    if result.asked:
        messages.success(
            request,
            _("A confirmation request has been emailed to %(count)s partner(s).")
            % {"count": result.asked},
        )
    if result.held_back:
        messages.warning(
            request,
            _(
                "%(count)s partner(s) could not be asked now: the site sends at most "
                "%(per_person)s confirmation requests an hour for one person, and "
                "%(per_address)s to one address. Ask them again a little later."
            )
            % {
                "count": result.held_back,
                "per_person": services.PARTNER_REQUESTS_PER_HOUR,
                "per_address": services.PARTNER_REQUESTS_PER_ADDRESS_PER_HOUR,
            },
        )
    elif not result.asked:
        messages.info(request, _nobody_due_message(again))
    if parse_choice(request.POST.get("back"), ["partners"]):
        return redirect("awards:entry_edit", pk=entry.pk, step="partners")
    return redirect(entry)


def _nobody_due_message(again: bool) -> str:
    if again:
        return _(
            "Partners who have not replied are asked again at most once a day; the last "
            "request went less than a day ago."
        )
    return _("Every partner has already been asked.")


@login_not_required
def partner_respond(request: HttpRequest, token: str) -> HttpResponse:
    try:
        partner = services.partner_from_token(token)
    except services.PartnerLinkInvalid as problem:
        return link_unusable(request, problem)
    form = PartnerResponseForm(request.POST or None)
    decision = parse_choice(request.POST.get("decision"), ["confirm", "decline"])
    if request.method == "POST" and form.is_valid() and decision:
        try:
            partner = services.respond(
                partner=partner,
                confirmed=decision == "confirm",
                note=form.cleaned_data["note"],
            )
        except services.PartnerLinkInvalid as problem:
            return link_unusable(request, problem, status=409)
        return render(request, "awards/partner_responded.html", {"partner": partner})
    return render(
        request,
        "awards/partner_respond.html",
        {"partner": partner, "entry": partner.entry, "form": form},
    )
