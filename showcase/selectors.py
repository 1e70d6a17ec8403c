"""What the public may see: the one place that decides it, for every public page, the feed, the
sitemap and the open-data API.

Nothing of an edition is public before its results are (its phase is published or archived),
and of its entries only those its publication made public (`Entry.published_at`). Of those,
only public fields leave here: never an email address, a contact person, an internal note, a
score or a rationale of the jury.
"""

import datetime
from dataclasses import dataclass

from django.db import connection
from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from awards.models import Attachment, Edition, Entry, LinkedProject, Partner
from awards.workflow import ANNOUNCED_PHASES
from core.parsing import parse_id
from jury.models import JuryMember, Prize

from .regions import countries_of

# Prizes in the order the results name them.
PRIZE_ORDER = [
    Prize.Kind.FIRST,
    Prize.Kind.SECOND,
    Prize.Kind.THIRD,
    Prize.Kind.SPECIAL,
    Prize.Kind.FINALIST,
]


def public_editions() -> QuerySet[Edition]:
    return Edition.objects.filter(phase__in=ANNOUNCED_PHASES).order_by("-year")


def public_prizes() -> QuerySet[Prize]:
    return Prize.objects.filter(
        confirmed_at__isnull=False, edition__phase__in=ANNOUNCED_PHASES
    ).order_by("pk")


def public_partners() -> QuerySet[Partner]:
    """The partners the public sees: a partner that declined took no part."""
    return Partner.objects.exclude(status=Partner.Status.DECLINED).order_by("pk")


def public_entries() -> QuerySet[Entry]:
    """Every published entry, with what its public pages show, newest edition first."""
    return (
        Entry.objects.filter(published_at__isnull=False, edition__phase__in=ANNOUNCED_PHASES)
        .select_related("edition", "organisation")
        .prefetch_related(
            Prefetch("partners", queryset=public_partners()),
            "sdgs",
            Prefetch("prizes", queryset=public_prizes()),
        )
        .order_by("-edition__year", "number")
    )


@dataclass(frozen=True)
class GalleryFilters:
    """What a visitor filters the gallery by (every value already validated by its form)."""

    q: str = ""
    edition: str = ""
    prize: str = ""
    country: str = ""
    region: str = ""
    sdg: int | None = None
    theme: str = ""
    language: str = ""


def gallery(filters: GalleryFilters) -> QuerySet[Entry]:
    """The published entries that match `filters`; the best matches first when searching."""
    entries = public_entries()
    if filters.edition:
        entries = entries.filter(edition__slug=filters.edition)
    if filters.prize == "any":
        won = public_prizes().filter(entry=OuterRef("pk")).exclude(kind=Prize.Kind.FINALIST)
        entries = entries.filter(Exists(won))
    elif filters.prize:
        entries = entries.filter(
            Exists(public_prizes().filter(entry=OuterRef("pk"), kind=filters.prize))
        )
    countries: list[str] | None = countries_of(filters.region) if filters.region else None
    if filters.country:
        countries = [filters.country] if countries is None or filters.country in countries else []
    if countries is not None:
        partnered = public_partners().filter(entry=OuterRef("pk"), country__in=countries)
        entries = entries.filter(Q(organisation__country__in=countries) | Exists(partnered))
    if filters.sdg:
        entries = entries.filter(
            Exists(
                Entry.sdgs.through.objects.filter(
                    entry=OuterRef("pk"), sustainabledevelopmentgoal=filters.sdg
                )
            )
        )
    if filters.theme:
        entries = entries.filter(edition__theme=filters.theme)
    if filters.language:
        entries = entries.filter(language=filters.language)
    if filters.q:
        entries = search(entries, filters.q)
    return entries


def search_vector():
    """The expression the full-text index is built on (awards migration 0014): the same one,
    so that PostgreSQL answers from the index."""
    from django.contrib.postgres.search import SearchVector

    return SearchVector("title", "summary", "search_names", config="simple")


def search(entries: QuerySet[Entry], q: str) -> QuerySet[Entry]:
    if connection.vendor == "postgresql":
        from django.contrib.postgres.search import SearchQuery, SearchRank

        query = SearchQuery(q, config="simple", search_type="websearch")
        return (
            entries.annotate(search=search_vector(), rank=SearchRank(search_vector(), query))
            .filter(search=query)
            .order_by("-rank", "-edition__year", "number")
        )
    # SQLite, the local default: every word somewhere in the title, summary or names.
    for word in q.split():
        entries = entries.filter(
            Q(title__icontains=word) | Q(summary__icontains=word) | Q(search_names__icontains=word)
        )
    return entries


def gallery_choices() -> dict:
    """What the gallery's filters offer: the published editions, their themes and the entry
    languages."""
    editions = list(public_editions().values_list("slug", "title", "theme"))
    languages = sorted(
        set(
            Entry.objects.filter(
                published_at__isnull=False, edition__phase__in=ANNOUNCED_PHASES
            ).values_list("language", flat=True)
        )
        - {""}
    )
    themes = sorted({theme for _slug, _title, theme in editions} - {""})
    return {
        "editions": [(slug, title) for slug, title, _theme in editions],
        "themes": themes,
        "languages": languages,
    }


def parse_reference(reference: str) -> tuple[int, int] | None:
    """PA2024-0003 -> (2024, 3); None for anything that is not an entry's reference."""
    head, dash, tail = reference.partition("-")
    if not head.startswith("PA") or not dash:
        return None
    year, number = parse_id(head[2:]), parse_id(tail)
    return (year, number) if year is not None and number is not None else None


def public_entry(year: int, number: int) -> Entry:
    """One published entry for its page, with its linked projects and public files
    (Entry.DoesNotExist when there is no such public entry)."""
    return (
        public_entries()
        .prefetch_related(
            Prefetch("projects", queryset=LinkedProject.objects.order_by("pk")),
            Prefetch(
                "attachments",
                queryset=Attachment.objects.filter(is_public=True).order_by("pk"),
                to_attr="public_attachments",
            ),
        )
        .get(edition__year=year, number=number)
    )


def public_attachment(year: int, number: int, pk: int) -> Attachment:
    return Attachment.objects.select_related("entry").get(
        pk=pk,
        is_public=True,
        entry__edition__year=year,
        entry__number=number,
        entry__published_at__isnull=False,
        entry__edition__phase__in=ANNOUNCED_PHASES,
    )


@dataclass(frozen=True)
class Results:
    edition: Edition
    prizes: list[Prize]
    finalists: list[Prize]
    jury: list[JuryMember]
    entries: int
    governments: int
    countries: int
    published_entries: int


def results(slug: str) -> Results:
    """An edition's public results (Edition.DoesNotExist before they are published)."""
    edition = public_editions().get(slug=slug)
    prizes = sorted(
        public_prizes()
        .filter(edition=edition)
        .select_related("entry__organisation", "entry__edition")
        .prefetch_related(Prefetch("entry__partners", queryset=public_partners())),
        key=lambda prize: (PRIZE_ORDER.index(Prize.Kind(prize.kind)), prize.name, prize.pk),
    )
    jury = list(
        edition.jury_members.filter(accepted_at__isnull=False)
        .select_related("user")
        .order_by("-is_chair", "user__full_name")
    )
    submitted = edition.entries.filter(submitted_at__isnull=False).exclude(state="withdrawn")
    counts = submitted.aggregate(
        entries=Count("pk", distinct=True),
        published=Count("pk", filter=Q(published_at__isnull=False), distinct=True),
    )
    partners = public_partners().filter(entry__in=submitted)
    leads = set(submitted.values_list("organisation_id", "organisation__country"))
    partner_rows = set(partners.values_list("name", "country"))
    countries = {country for _pk, country in leads} | {country for _n, country in partner_rows}
    return Results(
        edition=edition,
        prizes=[p for p in prizes if p.kind != Prize.Kind.FINALIST],
        finalists=[p for p in prizes if p.kind == Prize.Kind.FINALIST],
        jury=jury,
        entries=counts["entries"],
        governments=len(leads) + len(partner_rows),
        countries=len(countries),
        published_entries=counts["published"],
    )


def prize_label(prize: Prize) -> str:
    """The prize as the public reads it: a special prize by its name."""
    if prize.kind == Prize.Kind.SPECIAL and prize.name:
        return _("Special prize: %(name)s") % {"name": prize.name}
    return str(prize.get_kind_display())


def newest_entries(limit: int = 50) -> QuerySet[Entry]:
    return public_entries().order_by("-published_at", "-pk")[:limit]


def last_change() -> datetime.datetime | None:
    """When anything public last changed: the newest publication or save of a public entry.
    An entry is published only with its edition's results, and never unpublished, so its
    `published_at` says it is public; both maxima come from indexes.

    Every public request asks this (showcase/cache.py), so it is one statement written out,
    without the ORM's compiling of a query each time."""
    table = connection.ops.quote_name(Entry._meta.db_table)
    published, saved = (
        connection.ops.quote_name(Entry._meta.get_field(name).column)
        for name in ("published_at", "updated_at")
    )
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT MAX({published}), MAX({saved}) FROM {table} WHERE {published} IS NOT NULL"
        )
        row = cursor.fetchone()
    known = [_aware(moment) for moment in (row or ()) if moment is not None]
    return max(known) if known else None


def _aware(moment) -> datetime.datetime:
    """A moment as the database gave it back: SQLite gives text, PostgreSQL an aware time."""
    if isinstance(moment, str):
        moment = datetime.datetime.fromisoformat(moment)
    return moment if timezone.is_aware(moment) else timezone.make_aware(moment, datetime.UTC)
