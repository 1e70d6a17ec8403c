from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.links import link_unusable
from core.parsing import parse_choice

from . import services
from .backends import SIGN_IN_BACKEND
from .forms import PasswordResetForm, ProfileForm, SignInForm, SignUpForm


class SignInView(auth_views.LoginView):
    template_name = "accounts/sign_in.html"
    form_class = SignInForm
    redirect_authenticated_user = True

    def form_valid(self, form):
        response = super().form_valid(form)
        _set_language_cookie(response, self.request.user.preferred_language)
        return response


@login_not_required
def sign_up(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("dashboard")
    next_url = request.POST.get("next") or request.GET.get("next", "")
    form = SignUpForm(request.POST or None, initial={"preferred_language": request.LANGUAGE_CODE})
    if request.method == "POST" and form.is_valid():
        user = services.sign_up(
            email=form.cleaned_data["email"],
            full_name=form.cleaned_data["full_name"],
            preferred_language=form.cleaned_data["preferred_language"],
            password=form.cleaned_data["password1"],
        )
        login(request, user, backend=SIGN_IN_BACKEND)
        messages.success(
            request,
            _(
                "Welcome! Your account is ready. We have mailed a link to %(email)s: open it to "
                "confirm your address, then create or join your organisation."
            )
            % {"email": user.email},
        )
        response = HttpResponseRedirect(_safe_next(request, next_url, fallback="dashboard"))
        _set_language_cookie(response, user.preferred_language)
        return response
    return render(request, "accounts/sign_up.html", {"form": form, "next": next_url})


@login_not_required
def confirm_email(request: HttpRequest, token: str) -> HttpResponse:
    try:
        user = services.confirm_email(token)
    except services.ConfirmationInvalid as problem:
        return link_unusable(request, problem, template="accounts/confirm_invalid.html")
    messages.success(request, _("Thank you: %(email)s is confirmed.") % {"email": user.email})
    return redirect("dashboard" if request.user == user else "accounts:login")


@require_POST
def resend_confirmation(request: HttpRequest) -> HttpResponse:
    if services.send_email_confirmation(user=request.user):
        messages.success(
            request, _("A new link is on its way to %(email)s.") % {"email": request.user.email}
        )
    elif request.user.email_verified:
        messages.info(request, _("Your email address is confirmed already."))
    else:
        messages.warning(
            request,
            _(
                "%(count)s links went to %(email)s in the last hour; please use one of them, or "
                "ask again a little later. Check your spam folder too."
            )
            % {"count": services.CONFIRMATIONS_PER_HOUR, "email": request.user.email},
        )
    return redirect("dashboard")


class PasswordResetView(auth_views.PasswordResetView):
    template_name = "accounts/password_reset_form.html"
    form_class = PasswordResetForm
    success_url = reverse_lazy("accounts:password_reset_done")


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:password_reset_complete")

    def form_valid(self, form):
        # The reset link was mailed to the address: following it proves the address too.
        services.mark_email_verified(form.user)
        return super().form_valid(form)


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "accounts/password_change_form.html"
    success_url = reverse_lazy("accounts:profile")

    def form_valid(self, form):
        messages.success(self.request, _("Your password has been changed."))
        return super().form_valid(form)


def profile(request: HttpRequest) -> HttpResponse:
    form = ProfileForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        user = services.update_profile(
            user=request.user,
            full_name=form.cleaned_data["full_name"],
            preferred_language=form.cleaned_data["preferred_language"],
        )
        translation.activate(user.preferred_language)
        messages.success(request, _("Your profile has been saved."))
        response = redirect("accounts:profile")
        _set_language_cookie(response, user.preferred_language)
        return response
    return render(request, "accounts/profile.html", {"form": form})


@login_not_required
@require_POST
def set_language(request: HttpRequest) -> HttpResponse:
    """The language switcher: remembered in a cookie, and on the profile when signed in."""
    language = parse_choice(request.POST.get("language"), dict(settings.LANGUAGES))
    response = HttpResponseRedirect(
        _safe_next(request, request.POST.get("next", ""), fallback="home")
    )
    if language:
        if request.user.is_authenticated:
            services.set_preferred_language(user=request.user, language=language)
        _set_language_cookie(response, language)
    return response


def _safe_next(request: HttpRequest, next_url: str, *, fallback: str) -> str:
    """`next_url` when it is a path on this site, else the page named `fallback`.

    Our pages only ever send a path ("/entries/1/"). A bare "0" or "dashboard" passes the host
    check too, and `redirect()` would read it as a view name: NoReverseMatch, a server error
    after the account was made.
    """
    if next_url.startswith("/") and url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return next_url
    return reverse(fallback)


def _set_language_cookie(response: HttpResponse, language: str) -> None:
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        path=settings.LANGUAGE_COOKIE_PATH,
        domain=settings.LANGUAGE_COOKIE_DOMAIN,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,
    )
