"""Organisations: an applicant creates theirs or asks to join it; members approve and invite."""

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required, permission_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.decorators import email_confirmed_required
from core.links import link_unusable
from core.parsing import parse_choice, parse_id

from .. import selectors
from ..forms.organisations import InviteForm, OrganisationForm, OrganisationSearchForm
from ..models import Organisation, OrganisationMembership
from ..rules import approved_organisation_ids
from ..services import organisations as services


@email_confirmed_required
def organisation_create(request: HttpRequest) -> HttpResponse:
    form = OrganisationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        organisation = services.create_organisation(by=request.user, **form.cleaned_data)
        messages.success(
            request, _("%(name)s is created; you act for it.") % {"name": organisation.name}
        )
        return redirect("awards:organisation_detail", pk=organisation.pk)
    return render(request, "awards/organisation_form.html", {"form": form})


@permission_required("awards.manage_organisations", raise_exception=True)
def organisation_list(request: HttpRequest) -> HttpResponse:
    """The secretariat's list of every organisation, searchable, with its members and entries."""
    form = OrganisationSearchForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    organisations = selectors.organisations_overview(
        name=filters.get("name", ""), country=filters.get("country", "")
    )
    page = Paginator(organisations, 50).get_page(request.GET.get("page"))
    return render(request, "awards/organisation_list.html", {"form": form, "page": page})


@email_confirmed_required
def organisation_join(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        organisation = get_object_or_404(
            Organisation, pk=parse_id(request.POST.get("organisation")) or 0
        )
        try:
            services.request_membership(organisation=organisation, by=request.user)
        except services.MembershipError as refusal:
            messages.info(request, str(refusal))
        else:
            messages.success(
                request,
                _("Your request to join %(name)s is sent; a member of it will decide.")
                % {"name": organisation.name},
            )
        return redirect("dashboard")
    form = OrganisationSearchForm(request.GET or None)
    results = Organisation.objects.none()
    if form.is_valid() and (form.cleaned_data["name"] or form.cleaned_data["country"]):
        results = Organisation.objects.all()
        if form.cleaned_data["name"]:
            results = results.filter(name__icontains=form.cleaned_data["name"])
        if form.cleaned_data["country"]:
            results = results.filter(country=form.cleaned_data["country"])
        results = results.order_by("name")[:50]
    return render(request, "awards/organisation_join.html", {"form": form, "results": results})


def _organisation_managed_by(request: HttpRequest, pk: int) -> Organisation:
    organisation = get_object_or_404(Organisation, pk=pk)
    if not request.user.has_perm("awards.manage_organisation", organisation):
        raise PermissionDenied
    return organisation


def organisation_detail(request: HttpRequest, pk: int) -> HttpResponse:
    organisation = _organisation_managed_by(request, pk)
    return _detail(request, organisation, InviteForm(), OrganisationForm(instance=organisation))


def _detail(request, organisation, invite_form, profile_form) -> HttpResponse:
    return render(
        request,
        "awards/organisation_detail.html",
        {
            "organisation": organisation,
            "memberships": organisation.memberships.select_related("user").order_by(
                "is_approved", "user__full_name"
            ),
            "invitations": organisation.invitations.filter(accepted_at__isnull=True),
            "invite_form": invite_form,
            "profile_form": profile_form,
            # What a member does next: start an entry, while a call is open.
            "open_editions": list(selectors.open_editions())
            if request.user.has_perm("awards.create_entry")
            and organisation.pk in approved_organisation_ids(request.user)
            else [],
        },
    )


@require_POST
def organisation_update(request: HttpRequest, pk: int) -> HttpResponse:
    organisation = _organisation_managed_by(request, pk)
    form = OrganisationForm(request.POST, instance=organisation)
    if not form.is_valid():
        organisation.refresh_from_db()
        return _detail(request, organisation, InviteForm(), form)
    services.update_organisation(organisation=organisation, by=request.user, **form.cleaned_data)
    messages.success(request, _("The organisation's profile is saved."))
    return redirect("awards:organisation_detail", pk=pk)


@require_POST
def membership_remove(request: HttpRequest, pk: int, membership_pk: int) -> HttpResponse:
    organisation = _organisation_managed_by(request, pk)
    membership = get_object_or_404(
        OrganisationMembership, pk=membership_pk, organisation=organisation
    )
    leaving = membership.user_id == request.user.pk
    try:
        services.remove_member(membership=membership, by=request.user)
    except services.MembershipError as refusal:
        messages.error(request, str(refusal))
        return redirect("awards:organisation_detail", pk=pk)
    if leaving:
        messages.success(
            request, _("You no longer act for %(name)s.") % {"name": organisation.name}
        )
        return redirect("dashboard")
    messages.success(
        request, _("%(person)s no longer acts for the organisation.") % {"person": membership.user}
    )
    return redirect("awards:organisation_detail", pk=pk)


@require_POST
def invitation_revoke(request: HttpRequest, pk: int, invitation_pk: int) -> HttpResponse:
    organisation = _organisation_managed_by(request, pk)
    invitation = get_object_or_404(organisation.invitations, pk=invitation_pk)
    services.revoke_invitation(invitation=invitation, by=request.user)
    messages.success(
        request, _("The invitation to %(email)s is withdrawn.") % {"email": invitation.email}
    )
    return redirect("awards:organisation_detail", pk=pk)


@require_POST
def membership_decide(request: HttpRequest, pk: int, membership_pk: int) -> HttpResponse:
    organisation = _organisation_managed_by(request, pk)
    membership = get_object_or_404(
        OrganisationMembership, pk=membership_pk, organisation=organisation
    )
    decision = parse_choice(request.POST.get("decision"), ["approve", "decline"])
    if decision is None:
        messages.error(request, _("Nothing was changed: choose to approve or to decline."))
        return redirect("awards:organisation_detail", pk=pk)
    approve = decision == "approve"
    services.decide_membership(membership=membership, by=request.user, approve=approve)
    messages.success(
        request,
        (
            _("%(person)s can now act for the organisation.")
            if approve
            else _("%(person)s's request was declined.")
        )
        % {"person": membership.user},
    )
    return redirect("awards:organisation_detail", pk=pk)


@require_POST
@email_confirmed_required
def colleague_invite(request: HttpRequest, pk: int) -> HttpResponse:
    organisation = _organisation_managed_by(request, pk)
    form = InviteForm(request.POST)
    if form.is_valid():
        try:
            services.invite_colleague(
                organisation=organisation, by=request.user, email=form.cleaned_data["email"]
            )
        except services.MembershipError as refusal:
            form.add_error(None, str(refusal))
        else:
            messages.success(
                request, _("An invitation is on its way to %(email)s.") % form.cleaned_data
            )
            return redirect("awards:organisation_detail", pk=pk)
    return _detail(request, organisation, form, OrganisationForm(instance=organisation))


@login_not_required
def invitation_accept(request: HttpRequest, token: str) -> HttpResponse:
    try:
        invitation = services.invitation_from_token(token)
    except services.MembershipError as problem:
        return link_unusable(request, problem, heading=_("This invitation cannot be used"))
    if not request.user.is_authenticated:
        # Sign up (or in) first, then come back to this link.
        return redirect(f"{reverse('accounts:sign_up')}?{urlencode({'next': request.path})}")
    if request.method == "POST":
        try:
            services.accept_invitation(invitation=invitation, user=request.user)
        except services.MembershipError as refusal:
            messages.error(request, str(refusal))
            return redirect("dashboard")
        messages.success(
            request,
            _("You now act for %(name)s.") % {"name": invitation.organisation.name},
        )
        return redirect("dashboard")
    return render(request, "awards/invitation_accept.html", {"invitation": invitation})
