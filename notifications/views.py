"""The secretariat's view of the outbox: every message, its state, resending, previews."""

from csp.constants import NONE, SELF, UNSAFE_INLINE
from csp.decorators import csp
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import BadRequest
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.http import require_POST

from core.headers import private_document
from core.parsing import parse_choice

from .context import encode
from .forms import OutboxFilterForm
from .kinds import Kind
from .models import Notification
from .rendering import render as render_message
from .samples import sample_context
from .services import resend

outbox_permission = permission_required("notifications.view_outbox", raise_exception=True)


@outbox_permission
def outbox(request: HttpRequest) -> HttpResponse:
    notifications = Notification.objects.order_by("-created_at", "-pk")
    form = OutboxFilterForm(request.GET)
    if not form.is_valid():
        # Only a hand-made address carries an unknown status or a NUL byte: the page's own
        # filters never send one.
        raise BadRequest("Unreadable outbox filter.")
    status, kind = form.cleaned_data["status"], form.cleaned_data["kind"]
    query = form.cleaned_data["q"]
    if status:
        notifications = notifications.filter(status=status)
    if kind:
        notifications = notifications.filter(kind=kind)
    if query:
        notifications = notifications.filter(recipient_email__icontains=query)
    page = Paginator(notifications, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "notifications/outbox.html",
        {
            "page": page,
            "statuses": Notification.Status.choices,
            "kinds": Kind.choices,
            "selected": {"status": status, "kind": kind, "q": query},
        },
    )


@outbox_permission
@require_POST
def outbox_resend(request: HttpRequest, pk: int) -> HttpResponse:
    notification = get_object_or_404(Notification, pk=pk)
    if notification.status == Notification.Status.SENT:
        messages.info(request, _("This message has been sent already."))
    else:
        resend(notification=notification)
        messages.success(request, _("The message is queued to be sent again."))
    return redirect("notifications:outbox")


def _preview(request: HttpRequest, kind: str) -> tuple[Kind, str]:
    """The kind and language of a preview, from the URL; an unknown kind is not found."""
    if kind not in Kind.values:
        raise Http404
    language = parse_choice(
        request.GET.get("language", request.LANGUAGE_CODE), dict(settings.LANGUAGES)
    )
    language = language or settings.LANGUAGE_CODE
    return Kind(kind), language


def _sample(kind: Kind) -> dict:
    # Stored and read back as a queued message is, so the preview shows what would be sent.
    return encode(sample_context(kind))


@outbox_permission
def outbox_preview(request: HttpRequest, kind: str) -> HttpResponse:
    message_kind, language = _preview(request, kind)
    subject, text, _html = render_message(kind, _sample(message_kind), language)
    return render(
        request,
        "notifications/preview.html",
        {
            "kind": message_kind,
            "kinds": Kind.choices,
            "language": language,
            "subject": subject,
            "text": text,
        },
    )


# The mail's HTML, shown in the preview page's frame. Mail carries inline styles (mail clients
# need them), which the site's policy refuses; this document gets a policy of its own that
# allows those styles and nothing else: no script, no request anywhere, sandboxed, framed only
# by the site's own pages.
MAIL_PREVIEW_POLICY = {
    "default-src": [NONE],
    "style-src": [UNSAFE_INLINE],
    "img-src": ["data:"],
    "base-uri": [NONE],
    "form-action": [NONE],
    "frame-ancestors": [SELF],
    "sandbox": True,
}


@outbox_permission
@private_document
@xframe_options_sameorigin
@csp(MAIL_PREVIEW_POLICY)  # type: ignore[arg-type]  # django-csp types views as taking the request alone
def outbox_preview_html(request: HttpRequest, kind: str) -> HttpResponse:
    message_kind, language = _preview(request, kind)
    _subject, _text, html = render_message(kind, _sample(message_kind), language)
    return HttpResponse(html)
