"""Pages that span the apps: the public home, the signed-in dashboard, the health probe, the
site's icon, and the page for a request that could not be read.

Each section of the dashboard is read from the app that owns it; no business logic lives here.
"""

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.views.decorators.cache import cache_control, never_cache
from django.views.decorators.csrf import requires_csrf_token
from django.views.decorators.http import require_GET

from awards import selectors as award_selectors
from jury import selectors as jury_selectors


@login_not_required
def home(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("dashboard")
    edition = award_selectors.announced_editions().first()
    return render(request, "home.html", {"edition": edition})


def dashboard(request: HttpRequest) -> HttpResponse:
    user = request.user
    context: dict = {
        "memberships": award_selectors.memberships_for_user(user),
        "entries": award_selectors.entries_for_user(user),
        "open_editions": award_selectors.open_editions(),
        "jury_memberships": jury_selectors.jury_memberships_for_user(user),
    }
    if user.has_perm("accounts.view_secretariat_dashboard"):
        editions = list(jury_selectors.editions_with_jury_size(award_selectors.editions_overview()))
        scoring = jury_selectors.scoring_progress_by_edition([e.pk for e in editions])
        for edition in editions:
            edition.scoring = scoring.get(edition.pk)
        context["editions"] = editions
        context["organisation_counts"] = award_selectors.organisation_counts()
        context["pending_memberships"] = award_selectors.pending_memberships()
        current = award_selectors.current_edition()
        if current is not None:
            context["current"] = current
            context["statistics"] = award_selectors.edition_statistics(current)
            context["needs_action"] = award_selectors.needs_action(current)
    return render(request, "dashboard.html", context)


@login_not_required
@cache_control(public=True, max_age=60 * 60 * 24)
@require_GET
def favicon(request: HttpRequest) -> HttpResponse:
    """Browsers ask for /favicon.ico wherever a page names no icon (the admin, a bare error
    page, a PDF opened in a tab); without an answer each such page logs a failed request."""
    return redirect(static("img/favicon.svg"))


@login_not_required
@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """Liveness for load balancers and compose: the database, and the broker when configured."""
    checks = {"database": _check_database(), "broker": _check_broker()}
    healthy = all(state in ("ok", "not configured") for state in checks.values())
    return JsonResponse(
        {"status": "ok" if healthy else "error", "checks": checks}, status=200 if healthy else 503
    )


def _check_database() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as error:  # any failure means unhealthy; the probe must still answer
        return f"error: {type(error).__name__}"
    return "ok"


def _check_broker() -> str:
    if not settings.CELERY_BROKER_URL:
        return "not configured"
    from config.celery import app

    try:
        with app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, timeout=2)
    except Exception as error:
        return f"error: {type(error).__name__}"
    return "ok"


@requires_csrf_token
def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    """A request whose values could not be read (400), in the person's language, with the
    site's navigation rather than Django's bare page."""
    return render(request, "400.html", status=400)
