"""The secretariat's jury page and the juror's acceptance of an invitation."""

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_not_required, permission_required
from django.contrib.auth.forms import SetPasswordForm
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from awards.models import Edition

from . import services
from .forms import InviteJurorForm


@permission_required("awards.manage_editions", raise_exception=True)
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
        request, "jury/members.html", {"edition": edition, "members": members, "form": form}
    )


@login_not_required
def invitation(request: HttpRequest, token: str) -> HttpResponse:
    try:
        member = services.member_from_token(token)
    except services.JuryRefused as refusal:
        return render(request, "jury/invitation_invalid.html", {"problem": refusal}, status=404)
    user = member.user
    needs_password = not user.has_usable_password()
    if not needs_password and request.user != user:
        # An account exists: its owner signs in first, then comes back here.
        return redirect(f"{reverse('accounts:login')}?{urlencode({'next': request.path})}")
    form = SetPasswordForm(user, request.POST or None) if needs_password else None
    if request.method == "POST" and (form is None or form.is_valid()):
        services.accept_invitation(
            member=member, user=user, password=form.cleaned_data["new_password1"] if form else None
        )
        if request.user != user:
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        messages.success(
            request, _("Welcome to the jury of the %(edition)s.") % {"edition": member.edition}
        )
        return redirect("dashboard")
    return render(request, "jury/invitation.html", {"member": member, "form": form})
