"""The call for entries as the public reads it: where a town or region arrives from the call."""

from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from .. import selectors
from ..models import SDG_NAMES


@login_not_required
@require_GET
def call_detail(request: HttpRequest, slug: str) -> HttpResponse:
    """The rules of an announced call: who may apply, what to answer, the timeline, limits."""
    edition = selectors.announced_editions().filter(slug=slug).first()
    if edition is None:
        raise Http404
    return render(
        request,
        "awards/call_detail.html",
        {
            "edition": edition,
            "questions": edition.questions.order_by("position", "pk"),
            "checklist": edition.eligibility_criteria.order_by("position", "pk"),
            "open": selectors.open_editions().filter(pk=edition.pk).exists(),
            "sdg_count": len(SDG_NAMES),
        },
    )
