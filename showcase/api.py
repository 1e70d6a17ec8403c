"""Open data: the published editions and entries, read-only, under /api/ (OpenAPI document at
/api/openapi.json, its documentation at /api/docs, both served from this site).

What leaves here is what showcase.selectors lets out, nothing more: names, countries, texts
the applicants wrote for the public, prizes and citations. Responses carry Last-Modified and
an ETag, so that a client asking again learns "not modified" for nothing.
"""

import datetime
import hashlib
from typing import Literal

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.views.decorators.http import condition
from ninja import Field, NinjaAPI, Query, Schema, Status
from ninja.decorators import decorate_view
from ninja.errors import ValidationError

from awards.models import ENTRY_LANGUAGES, Edition, Entry
from jury.models import Prize

from . import cache, selectors
from .regions import REGIONS

api = NinjaAPI(
    title="PLATFORMAwards open data",
    version="1",
    description=(
        "The published results of the PLATFORMAwards and their best practices: editions, "
        "prizes and entries with their partners and countries. Read-only, no key needed."
    ),
    urls_namespace="api",
    # The documentation is a page of the site's own (showcase.views.api_docs): readable
    # without JavaScript, in the site's languages and accessible, which Swagger UI is not.
    docs_url=None,
)

MAX_PAGE_SIZE = 100


@api.exception_handler(ValidationError)
def invalid_request(request: HttpRequest, error: ValidationError):
    """A value out of its range or of the wrong type: 422, saying which and why."""
    said = "; ".join(
        f"{'.'.join(str(part) for part in problem.get('loc', ())[1:]) or 'request'}: "
        f"{problem.get('msg', 'invalid')}"
        for problem in error.errors
    )
    return api.create_response(request, {"detail": said}, status=422)


def _last_change(request: HttpRequest, *args: object, **kwargs: object) -> datetime.datetime | None:
    return cache.last_change(request)


def _etag(request: HttpRequest, *args: object, **kwargs: object) -> str:
    """The last change and the question asked: the same answer has the same tag."""
    changed = cache.last_change(request)
    key = f"{changed.isoformat() if changed else '-'}|{request.get_full_path()}"
    return hashlib.sha256(key.encode()).hexdigest()[:32]


conditional = decorate_view(condition(etag_func=_etag, last_modified_func=_last_change))


class Government(Schema):
    name: str
    country: str = Field(description="ISO 3166-1 alpha-2 code")


class PrizeOut(Schema):
    kind: str = Field(description="first, second, third, special or finalist")
    label: str
    name: str = Field(description="The special prize's name; empty for the others")
    citation: str


class EntrySummary(Schema):
    reference: str
    url: str
    edition: str = Field(description="The edition's slug")
    year: int
    title: str
    summary: str
    language: str
    lead: Government
    partners: list[Government]
    sdgs: list[int]
    prizes: list[PrizeOut]
    website: str = Field(description="The partnership's own web page, when known")
    published_at: datetime.datetime


class Project(Schema):
    title: str
    start_year: int | None
    end_year: int | None


class EntryDetail(EntrySummary):
    projects: list[Project]


class EntryPage(Schema):
    count: int
    page: int
    pages: int
    next: str | None
    previous: str | None
    items: list[EntrySummary]


class EditionOut(Schema):
    slug: str
    year: int
    title: str
    theme: str
    url: str


class EditionDetail(EditionOut):
    prizes: list[dict]
    entries: int
    published_entries: int


class Problem(Schema):
    detail: str


PrizeFilter = Literal["any", "first", "second", "third", "special", "finalist"]
RegionFilter = Literal[tuple(REGIONS)]  # type: ignore[valid-type]
LanguageFilter = Literal[tuple(code for code, _name in ENTRY_LANGUAGES)]  # type: ignore[valid-type]


class EntryFilters(Schema):
    """The gallery's filters; a value that matches no entry gives an empty page."""

    q: str = Field("", max_length=200, description="Words to search in titles, summaries, names")
    edition: str = Field("", max_length=80, description="An edition's slug")
    prize: PrizeFilter | None = Field(None, description="`any` is every prize but finalists")
    country: str | None = Field(
        None, pattern="^[A-Z]{2}$", description="A lead's or a partner's country (ISO code)"
    )
    region: RegionFilter | None = None
    sdg: int | None = Field(None, ge=1, le=17)
    theme: str = Field("", max_length=120, description="The theme of an edition's call")
    language: LanguageFilter | None = None
    page: int = Field(1, ge=1, le=100_000)
    page_size: int = Field(20, ge=1, le=MAX_PAGE_SIZE)

    def gallery_filters(self) -> selectors.GalleryFilters:
        return selectors.GalleryFilters(
            q=" ".join(self.q.split()),
            edition=self.edition,
            prize=self.prize or "",
            country=self.country or "",
            region=self.region or "",
            sdg=self.sdg,
            theme=" ".join(self.theme.split()),
            language=self.language or "",
        )


def _prize(prize: Prize) -> dict:
    return {
        "kind": prize.kind,
        "label": selectors.prize_label(prize),
        "name": prize.name,
        "citation": prize.citation,
    }


def _entry(entry: Entry) -> dict:
    return {
        "reference": entry.reference,
        "url": settings.SITE_URL + reverse("showcase:entry", args=[entry.reference]),
        "edition": entry.edition.slug,
        "year": entry.edition.year,
        "title": entry.title,
        "summary": entry.summary,
        "language": entry.language,
        "lead": {"name": entry.organisation.name, "country": entry.organisation.country.code},
        "partners": [{"name": p.name, "country": p.country.code} for p in entry.partners.all()],
        "sdgs": [goal.number for goal in entry.sdgs.all()],
        "prizes": [_prize(prize) for prize in entry.prizes.all()],
        "website": entry.public_url,
        "published_at": entry.published_at,
    }


def _edition(edition: Edition) -> dict:
    return {
        "slug": edition.slug,
        "year": edition.year,
        "title": edition.title,
        "theme": edition.theme,
        "url": settings.SITE_URL + reverse("showcase:results", args=[edition.slug]),
    }


@api.get(
    "/editions",
    response={200: list[EditionOut], 422: Problem},
    summary="Editions with published results",
)
@conditional
def list_editions(request: HttpRequest):
    return [_edition(edition) for edition in selectors.public_editions()]


@api.get(
    "/editions/{slug}",
    response={200: EditionDetail, 404: Problem, 422: Problem},
    summary="An edition's results",
)
@conditional
def get_edition(request: HttpRequest, slug: str):
    try:
        results = selectors.results(slug)
    except Edition.DoesNotExist:
        return Status(404, {"detail": "No published results here."})
    prizes = [
        {**_prize(prize), "entry": prize.entry.reference}
        for prize in [*results.prizes, *results.finalists]
    ]
    return {
        **_edition(results.edition),
        "prizes": prizes,
        "entries": results.entries,
        "published_entries": results.published_entries,
    }


@api.get(
    "/entries",
    response={200: EntryPage, 422: Problem},
    summary="Published entries, filtered as the gallery",
)
@conditional
def list_entries(request: HttpRequest, filters: Query[EntryFilters]):
    # The same question gets the same answer, kept as it was sent, until the public data
    # changes (showcase/cache.py).
    body = cache.parts(
        request,
        "api-entries",
        lambda: EntryPage.model_validate(_entry_page(request, filters)).model_dump_json(),
    )
    return HttpResponse(body, content_type="application/json")


def _entry_page(request: HttpRequest, filters: EntryFilters) -> dict:
    entries = selectors.gallery(filters.gallery_filters())
    count = entries.count()
    pages = max(1, -(-count // filters.page_size))
    start = (filters.page - 1) * filters.page_size
    items = [_entry(entry) for entry in entries[start : start + filters.page_size]]

    def link(page: int) -> str | None:
        if not 1 <= page <= pages or page == filters.page:
            return None
        query = request.GET.copy()
        query["page"] = str(page)
        return f"{settings.SITE_URL}{request.path}?{query.urlencode()}"

    return {
        "count": count,
        "page": filters.page,
        "pages": pages,
        "next": link(filters.page + 1),
        "previous": link(filters.page - 1),
        "items": items,
    }


@api.get(
    "/entries/{reference}",
    response={200: EntryDetail, 404: Problem, 422: Problem},
    summary="One published entry",
)
@conditional
def get_entry(request: HttpRequest, reference: str):
    parts = selectors.parse_reference(reference)
    try:
        if parts is None:
            raise Entry.DoesNotExist
        entry = selectors.public_entry(*parts)
    except Entry.DoesNotExist:
        return Status(404, {"detail": "No published entry here."})
    projects = [
        {"title": p.title, "start_year": p.start_year, "end_year": p.end_year}
        for p in entry.projects.all()
    ]
    return {**_entry(entry), "projects": projects}


def public_urls():
    """The API's URL patterns, every one open to anyone (the site's pages are private unless
    they say otherwise: LoginRequiredMiddleware)."""
    patterns, app_name, namespace = api.urls
    for pattern in patterns:
        login_not_required(pattern.callback)
    return patterns, app_name, namespace
