"""View decorators of accounts."""

from functools import wraps

from django.contrib import messages
from django.shortcuts import redirect
from django.utils.translation import gettext as _


def email_confirmed_required(view):
    """Acting for an organisation needs a confirmed address: anyone else is sent to their
    dashboard, which says how to confirm it."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if request.user.is_authenticated and not request.user.email_verified:
            messages.warning(
                request,
                _(
                    "Confirm your email address first: open the link we mailed to %(email)s "
                    "(or ask for a new one below)."
                )
                % {"email": request.user.email},
            )
            return redirect("dashboard")
        return view(request, *args, **kwargs)

    return wrapped
