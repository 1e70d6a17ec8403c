"""The secretariat's exports of the jury's work, in CSV and XLSX: evaluations, the ranking, the
round's summary, conflicts and recusals, and the decision.

Every figure comes from jury.standings, unrounded, so a funder can recompute the page's numbers
from the file. A cell that a spreadsheet would read as a formula (=, +, -, @, or a tab or a
carriage return first) is neutralised with a leading apostrophe.
"""

import csv
import datetime
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from django.http import HttpResponse
from django.utils import timezone
from django.utils.cache import patch_cache_control
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from awards.models import Edition
from awards.models.entries import entry_reference

from . import standings
from .models import ConflictOfInterest, CriterionScore
from .ranking import METHODS
from .services import deliberation_for, settings_for

Cell = str | int | float | Decimal | datetime.datetime | bool | None

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralised(value: Cell) -> Cell:
    """The value as a spreadsheet must show it: text that would start a formula is prefixed
    with an apostrophe; numbers, dates and everything else stay as they are."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


@dataclass
class Table:
    name: str
    header: list[str]
    rows: list[list[Cell]] = field(default_factory=list)


def evaluations_table(edition: Edition, round: int, *, pseudonymise: bool) -> Table:
    table = Table(
        "evaluations",
        [
            "edition",
            "round",
            "entry_reference",
            "entry_title",
            "juror_code",
            "juror_name",
            "criterion_position",
            "criterion",
            "weight",
            "scale_min",
            "scale_max",
            "value",
            "status",
            "comment",
            "submitted_at",
        ],
    )
    # The columns alone, one row a score: no model of each of the eight rows behind it (an
    # entry's whole text read again for each of its scores), one pseudonym a juror.
    scores = (
        CriterionScore.objects.filter(
            evaluation__assignment__entry__edition=edition,
            evaluation__assignment__round=round,
        )
        .order_by(
            "evaluation__assignment__entry__number",
            "evaluation__assignment__member_id",
            "criterion__position",
            "criterion_id",
        )
        .values_list(
            "evaluation__assignment__entry__number",
            "evaluation__assignment__entry__title",
            "evaluation__assignment__member_id",
            "evaluation__assignment__member__user__full_name",
            "criterion__position",
            "criterion__name",
            "criterion__weight",
            "criterion__scale_min",
            "criterion__scale_max",
            "value",
            "evaluation__status",
            "comment",
            "evaluation__submitted_at",
        )
    )
    codes: dict[int, str] = {}
    for number, title, member_id, full_name, *criterion, value, status, comment, at in scores:
        if member_id not in codes:
            codes[member_id] = standings.juror_code(member_id, edition.pk)
        table.rows.append(
            [
                edition.slug,
                round,
                entry_reference(edition.year, number),
                title,
                codes[member_id],
                "" if pseudonymise else full_name,
                *criterion,
                value,
                status,
                comment,
                at,
            ]
        )
    return table


RANKING_COLUMNS = [
    "evaluations",
    "mean",
    "median",
    "stdev",
    "normalised_mean",
    "borda",
    *(f"rank_{method}" for method in METHODS),
    "disagreement",
    "tied",
]


def ranking_table(edition: Edition, round: int) -> Table:
    result = standings.standings(edition, round=round, settings=settings_for(edition))
    # Each entry's number and title, not its model with the edition's.
    entries = {
        pk: (number, title)
        for pk, number, title in edition.entries.values_list("pk", "number", "title")
    }
    table = Table("ranking", ["round", "entry_reference", "title", *RANKING_COLUMNS])
    for figures in sorted(result.figures.entries, key=lambda f: entries[f.entry][0]):
        number, title = entries[figures.entry]
        table.rows.append(
            [
                round,
                entry_reference(edition.year, number),
                title,
                figures.evaluations,
                figures.mean,
                figures.median,
                figures.stdev,
                figures.normalised_mean,
                figures.borda,
                *(figures.ranks.get(method) for method in METHODS),
                figures.disagreement,
                " ".join(m for m in METHODS if m in figures.tied),
            ]
        )
    return table


def summary_tables(edition: Edition, round: int, *, pseudonymise: bool) -> list[Table]:
    result = standings.standings(edition, round=round, settings=settings_for(edition))
    figures = result.figures
    summary = Table(
        "summary",
        ["round", "jurors", "evaluations", "krippendorff_alpha", "kendall_w"],
        [
            [
                round,
                len(figures.jurors),
                sum(j.count for j in figures.jurors),
                figures.krippendorff_alpha,
                figures.kendall_w,
            ]
        ],
    )
    names = dict(edition.jury_members.values_list("pk", "user__full_name"))
    severity = Table(
        "juror_severity",
        ["juror_code", "juror_name", "evaluations", "mean", "stdev", "against_jury"],
        [
            [
                standings.juror_code(juror.juror, edition.pk),
                "" if pseudonymise else names.get(juror.juror, ""),
                juror.count,
                juror.mean,
                juror.stdev,
                juror.against_jury,
            ]
            for juror in figures.jurors
        ],
    )
    return [summary, severity]


def conflicts_table(edition: Edition, *, pseudonymise: bool) -> Table:
    table = Table(
        "conflicts",
        [
            "juror_code",
            "juror_name",
            "entry_reference",
            "entry_title",
            "kind",
            "recusal",
            "note",
            "recorded_at",
            "lifted_at",
            "lift_reason",
        ],
    )
    # The columns alone, one row a conflict, one pseudonym a juror: a model of the conflict,
    # its juror, their account, its entry and its edition for each row, and a pseudonym made
    # for each, took 42 s and 1.4 GB for the 157,610 conflicts of a 10,000-entry edition.
    conflicts = (
        ConflictOfInterest.objects.filter(member__edition=edition)
        .order_by("entry__number", "member_id", "created_at")
        .values_list(
            "member_id",
            "member__user__full_name",
            "entry__edition__year",
            "entry__number",
            "entry__title",
            "kind",
            "note",
            "created_at",
            "lifted_at",
            "lift_reason",
        )
    )
    codes: dict[int, str] = {}
    for member_id, name, year, number, title, kind, note, at, lifted, reason in conflicts:
        if member_id not in codes:
            codes[member_id] = standings.juror_code(member_id, edition.pk)
        table.rows.append(
            [
                codes[member_id],
                "" if pseudonymise else name,
                entry_reference(year, number),
                title,
                kind,
                kind == ConflictOfInterest.Kind.DECLARED,
                note,
                at,
                lifted,
                reason,
            ]
        )
    return table


def decision_table(edition: Edition) -> Table:
    deliberation = deliberation_for(edition)
    confirmed_by = deliberation.confirmed_by.full_name if deliberation.confirmed_by else ""
    table = Table(
        "decision",
        [
            "prize",
            "name",
            "entry_reference",
            "entry_title",
            "organisation",
            "citation",
            "rationale",
            "decided_by",
            "decided_at",
            "confirmed_at",
            "confirmed_by",
        ],
    )
    prizes = edition.prizes.select_related("entry__edition", "entry__organisation", "decided_by")
    for prize in sorted(prizes, key=lambda p: (p.order, p.entry.number, p.pk)):
        table.rows.append(
            [
                prize.kind,
                prize.name or prize.get_kind_display(),
                prize.entry.reference,
                prize.entry.title,
                prize.entry.organisation.name,
                prize.citation,
                prize.rationale,
                prize.decided_by.full_name if prize.decided_by else "",
                prize.decided_at,
                prize.confirmed_at,
                confirmed_by if prize.confirmed_at else "",
            ]
        )
    return table


def tables(edition: Edition, kind: str, *, round: int, pseudonymise: bool) -> list[Table]:
    if kind == "evaluations":
        return [evaluations_table(edition, round, pseudonymise=pseudonymise)]
    if kind == "ranking":
        return [ranking_table(edition, round)]
    if kind == "summary":
        return summary_tables(edition, round, pseudonymise=pseudonymise)
    if kind == "conflicts":
        return [conflicts_table(edition, pseudonymise=pseudonymise)]
    if kind == "decision":
        return [decision_table(edition)]
    raise ValueError(kind)


def _text(value: Cell) -> str:
    """A CSV cell: floats with every decimal they have (at least six shown), dates in ISO."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return f"{value:.10f}".rstrip("0").ljust(len(f"{value:.6f}"), "0")
    if isinstance(value, datetime.datetime):
        return value.isoformat()
    return str(value)


def to_csv(parts: Sequence[Table]) -> bytes:
    """One CSV; several tables follow each other, a blank line between them."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    for number, table in enumerate(parts):
        if number:
            writer.writerow([])
        writer.writerow(table.header)
        for row in table.rows:
            # Only text is neutralised: a negative number is a number, not a formula.
            writer.writerow([neutralised(c) if isinstance(c, str) else _text(c) for c in row])
    # A byte-order mark, so that a spreadsheet opens accented names as UTF-8.
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def _xlsx_cell(value: Cell) -> Cell:
    if isinstance(value, str):
        # Control characters (a line break pasted from a word processor, say) are not allowed
        # in a workbook: they are dropped rather than refuse the whole file.
        return neutralised(ILLEGAL_CHARACTERS_RE.sub("", value))
    if isinstance(value, datetime.datetime):
        # Spreadsheets know no time zones: UTC, said in the column's header.
        return value.astimezone(datetime.UTC).replace(tzinfo=None)
    if isinstance(value, Decimal):
        return float(value)
    return neutralised(value)


def to_xlsx(parts: Iterable[Table]) -> bytes:
    """One workbook, a sheet per table; dates in UTC."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    for table in parts:
        sheet = workbook.create_sheet(table.name[:31])
        sheet.append([f"{name} (UTC)" if name.endswith("_at") else name for name in table.header])
        for row in table.rows:
            sheet.append([_xlsx_cell(cell) for cell in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def file_name(edition: Edition, kind: str, round: int, format: str) -> str:
    stamp = timezone.now().strftime("%Y%m%d-%H%M%S")
    per_round = kind in ("evaluations", "ranking", "summary")
    middle = f"-round{round}" if per_round else ""
    return f"{edition.slug}-{kind}{middle}-{stamp}.{format}"


def export_response(
    edition: Edition, *, kind: str, format: str, round: int, pseudonymise: bool
) -> HttpResponse:
    """The export as a download that no cache keeps; standings.NoScores (a refusal with a
    reason) for a ranking or a summary of a round without a submitted evaluation."""
    parts = tables(edition, kind, round=round, pseudonymise=pseudonymise)
    content = to_csv(parts) if format == "csv" else to_xlsx(parts)
    response = HttpResponse(content, content_type=CONTENT_TYPES[format])
    response["Content-Disposition"] = (
        f'attachment; filename="{file_name(edition, kind, round, format)}"'
    )
    patch_cache_control(response, private=True, no_store=True)
    return response
