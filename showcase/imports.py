"""The winners of past editions, imported from a CSV the secretariat uploads, so that the
gallery of best practices starts with the editions run before this site.

Every row is checked before anything is written; the rows that pass are imported in one
transaction, each refused row is reported with its line and the reason. Importing the same
file again imports nothing twice (an entry of that edition with that title and lead is
"already there"). Imported editions are archived editions with their results public; their
entries are published, with their prize.
"""

import csv
import datetime
import io
import re
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _
from django_countries import countries

from accounts.models import User
from awards.models import Edition, Entry, Organisation, Partner
from awards.services.publication import search_names
from awards.workflow import ANNOUNCED_PHASES, EditionPhase, EntryState
from core.limits import MAX_WORD_LIMIT, chars_for_words
from core.refusals import Refused
from jury.models import Prize

COLUMNS = ["year", "title", "lead", "lead_country", "partners", "prize", "summary", "link", "theme"]
REQUIRED = ["year", "title", "lead", "lead_country", "partners", "prize"]
MAX_BYTES = 2 * 1024 * 1024
MAX_ROWS = 5000
FIRST_YEAR = 1990
NAME_CHARS = 200
THEME_CHARS = Edition._meta.get_field("theme").max_length
PRIZES = {"first", "second", "third", "finalist"}
# "Lviv City Council (UA); Tunis (TN)": a name, its country's code in brackets.
PARTNER = re.compile(r"^(?P<name>.+?)\s*\((?P<country>[A-Za-z]{2})\)$")


class ImportRefused(Refused):
    """A file that cannot be read at all: the message says why."""


@dataclass(frozen=True)
class Row:
    line: int
    year: int
    title: str
    lead: str
    lead_country: str
    partners: tuple[tuple[str, str], ...]
    prize: str
    prize_name: str
    summary: str
    link: str
    theme: str = ""


@dataclass
class Report:
    imported: int = 0
    already: int = 0
    refused: list[tuple[int, str]] = field(default_factory=list)


def read(content: bytes, *, now: datetime.datetime | None = None) -> tuple[list[Row], Report]:
    """The rows of the file that can be imported, and a report holding each refused one."""
    if len(content) > MAX_BYTES:
        raise ImportRefused(_("The file is larger than 2 MB: split it into several files."))
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ImportRefused(
            _("The file is not UTF-8 text: save it from the spreadsheet as “CSV UTF-8”.")
        ) from error
    reader = csv.DictReader(io.StringIO(text, newline=""))
    header = [name.strip().lower() for name in reader.fieldnames or []]
    missing = [name for name in REQUIRED if name not in header]
    if missing:
        raise ImportRefused(
            _("The first line must name the columns; missing: %(columns)s.")
            % {"columns": ", ".join(missing)}
        )
    reader.fieldnames = header
    this_year = (now or timezone.now()).year
    running = set(
        Edition.objects.exclude(phase__in=ANNOUNCED_PHASES).values_list("year", flat=True)
    )
    report, rows, seen = Report(), [], set()
    themes: dict[int, str] = {}  # an edition's theme, as its first line with one gives it
    for number, values in enumerate(reader, start=2):
        if number - 1 > MAX_ROWS:
            raise ImportRefused(
                _("The file has more than %(count)s rows: split it.") % {"count": MAX_ROWS}
            )
        try:
            row = _row(number, values, this_year=this_year, running=running)
        except ValidationError as refusal:
            report.refused.append((number, " ".join(refusal.messages)))
            continue
        key = (row.year, row.title.casefold(), row.lead.casefold())
        if key in seen:
            report.refused.append((number, _("The same entry is on an earlier line.")))
            continue
        if row.theme and themes.setdefault(row.year, row.theme) != row.theme:
            report.refused.append(
                (
                    number,
                    _("An earlier line gives the %(year)s edition another theme: “%(theme)s”.")
                    % {"year": row.year, "theme": themes[row.year]},
                )
            )
            continue
        seen.add(key)
        rows.append(row)
    return rows, report


def _row(number: int, values: dict, *, this_year: int, running: set[int]) -> Row:
    def value(name: str) -> str:
        """The cell, its spaces collapsed (a summary keeps its line breaks)."""
        text = (values.get(name) or "").strip()
        return text if name == "summary" else " ".join(text.split())

    if None in values:  # more cells than columns
        raise ValidationError(_("This line has more cells than the first line has columns."))
    year_text = value("year")
    if not re.fullmatch(r"[0-9]{4}", year_text) or not FIRST_YEAR <= int(year_text) <= this_year:
        raise ValidationError(
            _("The year must be four digits between %(first)s and %(last)s.")
            % {"first": FIRST_YEAR, "last": this_year}
        )
    year = int(year_text)
    if year in running:
        raise ValidationError(
            _("The %(year)s edition is run on this site: its results are published from it.")
            % {"year": year}
        )
    title, lead = value("title"), value("lead")
    for name, text in ((_("title"), title), (_("lead applicant"), lead)):
        if not text or len(text) > NAME_CHARS:
            raise ValidationError(
                _("The %(field)s must be given, in %(limit)s characters at most.")
                % {"field": name, "limit": NAME_CHARS}
            )
    lead_country = _country(value("lead_country"))
    partners = tuple(_partner(part) for part in value("partners").split(";") if part.strip())
    if not partners:
        raise ValidationError(_("Name at least one partner, as “Name (country code)”."))
    prize, prize_name = _prize(value("prize"))
    summary = value("summary")
    if len(summary) > chars_for_words(MAX_WORD_LIMIT):
        raise ValidationError(_("The summary is too long."))
    link = value("link")
    if link:
        try:
            URLValidator(schemes=["http", "https"])(link)
        except ValidationError as error:
            raise ValidationError(_("The link must be a web address (https://...).")) from error
    theme = value("theme")
    if len(theme) > THEME_CHARS:
        raise ValidationError(
            _("The theme must be %(limit)s characters at most.") % {"limit": THEME_CHARS}
        )
    return Row(
        number, year, title, lead, lead_country, partners, prize, prize_name, summary, link, theme
    )


def _country(code: str) -> str:
    code = code.upper()
    if code not in dict(countries):
        raise ValidationError(
            _("“%(code)s” is not a country code (two letters, as FR or UA).") % {"code": code}
        )
    return code


def _partner(text: str) -> tuple[str, str]:
    found = PARTNER.match(text.strip())
    if not found or len(found["name"]) > NAME_CHARS:
        raise ValidationError(
            _("“%(partner)s” is not a partner as “Name (country code)”.")
            % {"partner": text.strip()[:80]}
        )
    return found["name"].strip(), _country(found["country"])


def _prize(text: str) -> tuple[str, str]:
    """first, second, third, finalist, or "special: its name"."""
    kind, _colon, name = text.partition(":")
    kind = kind.strip().lower()
    if kind == Prize.Kind.SPECIAL and name.strip() and len(name.strip()) <= NAME_CHARS:
        return kind, name.strip()
    if kind in PRIZES and not name.strip():
        return kind, ""
    raise ValidationError(
        _("The prize must be first, second, third, finalist or “special: its name”.")
    )


@transaction.atomic
def import_rows(
    rows: list[Row], report: Report, *, by: User, now: datetime.datetime | None = None
) -> Report:
    """Write the rows read (`read`): the editions, organisations, entries, partners and
    prizes; each entry published at `now`. Refused unless `by` manages editions."""
    if not by.has_perm("awards.manage_editions"):
        raise ImportRefused(_("Only the secretariat imports past editions."))
    now = now or timezone.now()
    editions: dict[int, Edition] = {}
    last_number: dict[int, int] = {}  # an edition's highest entry number, counted here
    for row in rows:
        if row.year not in editions:
            editions[row.year] = _edition(row.year, now)
            found = editions[row.year].entries.aggregate(last=Max("number"))["last"]
            last_number[row.year] = found or 0
        edition = editions[row.year]
        if row.theme and not edition.theme:
            edition.theme = row.theme
            edition.save(update_fields=["theme"])
        organisation = _organisation(row.lead, row.lead_country)
        if edition.entries.filter(title=row.title, organisation=organisation).exists():
            report.already += 1
            continue
        last_number[row.year] += 1
        entry = Entry.objects.create(
            edition=edition,
            organisation=organisation,
            number=last_number[row.year],
            title=row.title,
            summary=row.summary,
            public_url=row.link,
            state=EntryState.FINALIST if row.prize == "finalist" else EntryState.AWARDED,
            public_display=True,
            published_at=now,
        )
        Partner.objects.bulk_create(
            Partner(
                entry=entry,
                name=name,
                country=country,
                status=Partner.Status.CONFIRMED,
                contact_name="",
                contact_email="",
            ).fill_keys()
            for name, country in row.partners
        )
        entry.search_names = search_names(entry)
        entry.save(update_fields=["search_names"])
        Prize.objects.create(
            edition=edition,
            entry=entry,
            kind=row.prize,
            name=row.prize_name,
            decided_by=by,
            decided_at=now,
            confirmed_at=now,
        )
        report.imported += 1
    return report


def _edition(year: int, now: datetime.datetime) -> Edition:
    """The past edition of `year`: the one here already (its results public), or a new,
    archived one whose milestones all fall on the 1st of January of its year."""
    found = Edition.objects.filter(year=year).first()
    if found is not None:
        return found
    day = datetime.datetime(year, 1, 1, 12, tzinfo=datetime.UTC)
    slug = f"platformawards-{year}"
    if Edition.objects.filter(slug=slug).exists():
        slug = f"{slug}-past"
    return Edition.objects.create(
        year=year,
        title=f"PLATFORMAwards {year}",
        slug=slug,
        phase=EditionPhase.ARCHIVED,
        results_locked_at=now,
        **dict.fromkeys(Edition.TIMELINE, day),
    )


def _organisation(name: str, country: str) -> Organisation:
    organisation = Organisation.objects.filter(name__iexact=name, country=country).first()
    return organisation or Organisation.objects.create(
        name=name, country=country, kind=Organisation.Kind.OTHER
    )
