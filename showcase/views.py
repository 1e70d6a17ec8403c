"""The public site: every page here is open to anyone, works without JavaScript, and shows only
what showcase.selectors lets out."""

import json
from collections.abc import Callable

from django.conf import settings
from django.contrib.auth.decorators import login_not_required, permission_required
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from awards.models import Attachment, Edition, Entry
from awards.templatetags.certificates import country_name
from core.limits import accepts_uploads
from jury.exports import Table, to_csv

from . import cache, imports, maps, selectors
from .forms import GalleryForm, ImportForm

GALLERY_PAGE_SIZE = 24


@login_not_required
@require_GET
def results_index(request: HttpRequest) -> HttpResponse:
    """Every edition whose results are public, newest first."""
    return render(request, "showcase/results_index.html", {"editions": selectors.public_editions()})


@login_not_required
@require_GET
def edition_results(request: HttpRequest, slug: str) -> HttpResponse:
    """An edition's results; before they are published, the same "not found" as for an
    edition that does not exist."""

    def context() -> dict:
        try:
            results = selectors.results(slug)
        except Edition.DoesNotExist as missing:
            raise Http404(_("No published results here.")) from missing
        # The site's own address, never the Host a request named: the page is kept for all.
        url = settings.SITE_URL + reverse("showcase:results", args=[slug])
        return {"results": results, "url": url}

    return _public_page(request, "results", context)


@login_not_required
@require_GET
def gallery(request: HttpRequest) -> HttpResponse:
    """The best practices of every edition, searched and filtered."""

    def context() -> dict:
        form = GalleryForm(request.GET or None, **selectors.gallery_choices())
        filters = form.filters()
        entries = selectors.gallery(filters)
        page = Paginator(entries, GALLERY_PAGE_SIZE).get_page(form.page_number())
        return {"form": form, "page": page, "filtered": filters != selectors.GalleryFilters()}

    return _public_page(request, "gallery", context)


def _public_page(request: HttpRequest, name: str, context: Callable[[], dict]) -> HttpResponse:
    """Page `name` from its parts (showcase/parts/<name>_*.html), rendered once for every
    visitor until the public data changes (showcase/cache.py). A visitor without a session
    gets the whole page as kept, with their own CSRF token put in; anyone else gets the kept
    parts inside the menu and messages of their own."""

    def build_parts() -> dict[str, str]:
        values = context()
        return {
            part: render_to_string(f"showcase/parts/{name}_{part}.html", values, request=request)
            for part in ("title", "head", "body")
        }

    def page(parts: dict[str, str], csrf_token: object = None) -> str:
        # The parts are this site's own templates, escaped when they were rendered.
        safe = {part: mark_safe(html) for part, html in parts.items()}
        values: dict[str, object] = {"parts": safe}
        if csrf_token is not None:
            values["csrf_token"] = csrf_token
        return render_to_string("showcase/page.html", values, request=request)

    if cache.for_everyone(request):
        html = cache.parts(
            request,
            f"{name}-page",
            lambda: page(cache.parts(request, name, build_parts), cache.TOKEN_MARK),
        )
        return HttpResponse(html.replace(cache.TOKEN_MARK, get_token(request)))
    return HttpResponse(page(cache.parts(request, name, build_parts)))


def _entry_or_404(reference: str) -> Entry:
    year, number = _parse_reference(reference)
    try:
        return selectors.public_entry(year, number)
    except Entry.DoesNotExist as missing:
        raise Http404(_("No published entry here.")) from missing


def _parse_reference(reference: str) -> tuple[int, int]:
    parts = selectors.parse_reference(reference)
    if parts is None:
        raise Http404(_("No published entry here."))
    return parts


@login_not_required
@require_GET
def entry_page(request: HttpRequest, reference: str) -> HttpResponse:
    """One published entry: its partnership, its outcome, its public files."""

    def context() -> dict:
        entry = _entry_or_404(reference)
        url = settings.SITE_URL + reverse("showcase:entry", args=[entry.reference])
        return {
            "entry": entry,
            "prizes": [(prize, selectors.prize_label(prize)) for prize in entry.prizes.all()],
            "map": maps.partner_map(
                entry.organisation.country.code,
                [partner.country.code for partner in entry.partners.all()],
            ),
            "url": url,
            "json_ld": _script_safe(json.dumps(_json_ld(entry, url), ensure_ascii=False)),
        }

    return _public_page(request, "entry", context)


def _script_safe(data: str) -> str:
    """JSON that no text of an applicant can end the <script> element it sits in."""
    return data.replace("&", "\\u0026").replace("<", "\\u003c").replace(">", "\\u003e")


def _json_ld(entry: Entry, url: str) -> dict:
    """The entry for search engines and aggregators: a schema.org Project with its awards."""

    def government(name: str, country: str) -> dict:
        return {
            "@type": "GovernmentOrganization",
            "name": name,
            "address": {
                "@type": "PostalAddress",
                "addressCountry": country,
                "name": country_name(country),
            },
        }

    edition = entry.edition
    return {
        "@context": "https://schema.org",
        "@type": "Project",
        "@id": url,
        "url": url,
        "name": entry.title,
        "description": entry.summary,
        "identifier": entry.reference,
        "award": [
            f"{selectors.prize_label(prize)}, {edition.title}" for prize in entry.prizes.all()
        ],
        "keywords": [str(goal) for goal in entry.sdgs.all()],
        "founder": government(entry.organisation.name, entry.organisation.country.code),
        "member": [government(p.name, p.country.code) for p in entry.partners.all()],
        "subjectOf": {"@type": "Event", "name": edition.title},
    }


@login_not_required
@require_GET
def entry_file(request: HttpRequest, reference: str, pk: int) -> FileResponse:
    """A file the applicant marked public, of a published entry."""
    year, number = _parse_reference(reference)
    try:
        attachment = selectors.public_attachment(year, number, pk)
    except Attachment.DoesNotExist as missing:
        raise Http404(_("No such public file.")) from missing
    response = FileResponse(
        attachment.file.open("rb"),
        content_type=attachment.content_type,
        as_attachment=not attachment.content_type.startswith("image/"),
        filename=attachment.original_name,
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_not_required
@require_GET
def robots(request: HttpRequest) -> HttpResponse:
    """Crawlers read the public site and its sitemap; nothing private is worth their visit."""
    private = [
        "/accounts/",
        "/admin/",
        "/dashboard/",
        "/editions/",
        "/entries/",
        "/invitations/",
        "/jury/",
        "/organisations/",
        "/outbox/",
        "/partners/",
        "/screening/",
    ]
    lines = ["User-agent: *", *(f"Disallow: {path}" for path in private), "Allow: /"]
    lines.append(f"Sitemap: {settings.SITE_URL}{reverse('showcase:sitemap')}")
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")


@login_not_required
@require_GET
def world_map(request: HttpRequest) -> HttpResponse:
    """The world under every partnership's map (showcase.maps): the same for every page and
    every visitor, kept a day by browsers."""
    response = HttpResponse(maps.world_svg(), content_type="image/svg+xml")
    response["Cache-Control"] = "public, max-age=86400"
    return response


@login_not_required
@require_GET
def gallery_csv(request: HttpRequest) -> HttpResponse:
    """The gallery's published entries as a spreadsheet, filtered as the page is."""
    form = GalleryForm(request.GET or None, **selectors.gallery_choices())
    entries = selectors.gallery(form.filters())
    table = Table(
        name="entries",
        header=[
            "reference",
            "year",
            "edition",
            "theme",
            "title",
            "lead",
            "lead_country",
            "partners",
            "sdgs",
            "prizes",
            "language",
            "summary",
            "url",
        ],
    )
    for entry in entries:
        table.rows.append(
            [
                entry.reference,
                entry.edition.year,
                entry.edition.title,
                entry.edition.theme,
                entry.title,
                entry.organisation.name,
                entry.organisation.country.code,
                "; ".join(f"{p.name} ({p.country.code})" for p in entry.partners.all()),
                " ".join(str(goal.number) for goal in entry.sdgs.all()),
                "; ".join(selectors.prize_label(prize) for prize in entry.prizes.all()),
                entry.language,
                entry.summary,
                settings.SITE_URL + reverse("showcase:entry", args=[entry.reference]),
            ]
        )
    response = HttpResponse(to_csv([table]), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="platformawards-best-practices.csv"'
    return response


@permission_required("awards.manage_editions", raise_exception=True)
@accepts_uploads(lambda request: imports.MAX_BYTES + 64 * 1024)
@require_http_methods(["GET", "POST"])
def import_past_editions(request: HttpRequest) -> HttpResponse:
    """The secretariat imports the winners of editions run before this site, from a CSV; each
    refused row is listed with its line and the reason."""
    form = ImportForm(request.POST or None, request.FILES or None)
    report = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            if upload.size > imports.MAX_BYTES:
                raise imports.ImportRefused(
                    _("The file is larger than 2 MB: split it into several files.")
                )
            rows, report = imports.read(upload.read())
            report = imports.import_rows(rows, report, by=request.user)
        except imports.ImportRefused as refusal:
            form.add_error("file", str(refusal))
            report = None
    return render(
        request,
        "showcase/import.html",
        {"form": form, "report": report, "columns": imports.COLUMNS},
    )


@login_not_required
@require_GET
def api_docs(request: HttpRequest) -> HttpResponse:
    """The API's documentation, rendered here from its OpenAPI document: every operation with
    its parameters and answers, readable without JavaScript (the document itself is at
    /api/openapi.json for tools)."""
    from .api import api  # the API's module imports these views' selectors: read it late

    document = api.get_openapi_schema()
    operations = []
    for path, methods in document["paths"].items():
        for method, operation in methods.items():
            operations.append(
                {
                    "method": method.upper(),
                    "path": path,
                    "summary": operation.get("summary", ""),
                    "parameters": [_parameter(p) for p in operation.get("parameters", [])],
                    "responses": sorted(operation.get("responses", {})),
                }
            )
    return render(
        request,
        "showcase/api_docs.html",
        {"info": document["info"], "operations": operations},
    )


def _parameter(parameter: dict) -> dict:
    schema = parameter.get("schema", {})
    choices = schema.get("enum") or next(
        (option.get("enum") for option in schema.get("anyOf", []) if option.get("enum")), None
    )
    kinds = [schema.get("type")] + [o.get("type") for o in schema.get("anyOf", [])]
    return {
        "name": parameter["name"],
        "where": parameter["in"],
        "required": parameter.get("required", False),
        "type": next((kind for kind in kinds if kind and kind != "null"), "string"),
        "description": parameter.get("description") or schema.get("description", ""),
        "choices": choices or [],
        "limits": ", ".join(
            f"{name} {schema[key]}"
            for key, name in (
                ("minimum", "≥"),
                ("maximum", "≤"),
                ("maxLength", "max. length"),
                ("pattern", "pattern"),
            )
            if key in schema
        ),
    }
