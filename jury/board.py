"""The secretariat's view of a jury at work: who scores what, how far each juror is, and which
entries lack jurors. One read, a fixed number of queries whatever the size of the jury or the
call; the assignment matrix and the progress board are two pictures of it."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.core.paginator import Page, Paginator
from django.utils import timezone

from awards.models import Edition, Entry

from . import rounds
from .models import Assignment, Evaluation, JuryMember, JurySettings
from .selectors import JURY_STATES, REVIEWED_STATES, SHORTLIST_STATES, active_conflict_pairs
from .services.common import settings_for

SUBMITTED = "submitted"
DRAFT = "draft"
NOT_STARTED = "not_started"
CONFLICTED = "conflicted"

# Why an entry has fewer jurors than the edition asks for.
SHORT_OF_FREE_JURORS = "conflicts"
SHORT_OF_ASSIGNMENTS = "unassigned"


@dataclass(frozen=True)
class Cell:
    """One juror and one entry: not assigned (status ""), assigned (with the evaluation's
    status), or conflicted (whatever the assignment)."""

    member: JuryMember
    status: str = ""
    assignment_id: int | None = None
    evaluation_id: int | None = None
    is_manual: bool = False
    overdue: bool = False

    @property
    def assigned(self) -> bool:
        return self.status in (SUBMITTED, DRAFT, NOT_STARTED)


@dataclass
class JurorRow:
    member: JuryMember
    submitted: int = 0
    draft: int = 0
    not_started: int = 0
    conflicted: int = 0
    overdue: int = 0
    last_saved: datetime.datetime | None = None

    @property
    def total(self) -> int:
        return self.submitted + self.draft + self.not_started

    @property
    def left(self) -> int:
        return self.draft + self.not_started

    @property
    def percent(self) -> int:
        return round(100 * self.submitted / self.total) if self.total else 0


@dataclass
class EntryRow:
    """An entry's line: its counts always; its cells (one per juror) on the page shown."""

    entry: Entry | None  # made for the rows shown only
    state: str
    cells: list[Cell] = field(default_factory=list)
    assigned: int = 0
    submitted: int = 0
    free_jurors: int = 0
    wanted: int = 0
    shortfall: str = ""
    page: int = 1  # the page of the board the entry is on

    @property
    def listed(self) -> list[Cell]:
        """The cells that say something (assigned or conflicted): what the progress board lists
        of an entry, left out of the template's loop the jurors with nothing there."""
        return [cell for cell in self.cells if cell.status]

    @property
    def short_of_free_jurors(self) -> bool:
        return self.shortfall == SHORT_OF_FREE_JURORS

    @property
    def editable(self) -> bool:
        return self.state in REVIEWED_STATES


@dataclass
class Board:
    edition: Edition
    settings: JurySettings
    members: list[JuryMember]
    jurors: list[JurorRow]
    entries: list[EntryRow]  # those of the page shown, or all of them
    overdue: bool
    page: Page | None = None  # of the entries' numbers; None when all are shown
    shortfalls: list[EntryRow] = field(default_factory=list)  # the first SHORTFALLS_SHOWN
    shortfall_count: int = 0


# What a person reads of a board at once: the entries of a page, with a cell for each juror,
# and the first entries short of jurors (each linking to its page).
ENTRIES_PER_PAGE = 50
SHORTFALLS_SHOWN = 50


def board(
    edition: Edition,
    *,
    round: int = 1,
    now: datetime.datetime | None = None,
    page: int | str | None = None,
) -> Board:
    """The edition's jury board for one round: every juror's counts and every entry's, from the
    assignments and conflicts read as rows, and a cell for each juror of each entry on `page`
    (ENTRIES_PER_PAGE entries; every entry when None). A fixed number of queries whatever the
    size of the jury or the call, and work that grows with the assignments and conflicts, not
    with jurors times entries (40,000 cells for 2,000 entries and 20 jurors took 0.7 s)."""
    now = now or timezone.now()
    deadline = rounds.deadline(edition, round)
    overdue = deadline is not None and now > deadline
    settings = settings_for(edition)
    members = list(
        edition.jury_members.filter(accepted_at__isnull=False)
        .select_related("user")
        .order_by("-is_chair", "user__full_name", "pk")
    )
    # Round two scores the shortlist only.
    states = JURY_STATES if round == rounds.ROUND_ONE else SHORTLIST_STATES
    # What the rows show of an entry, read as values: the page's and the short ones' become
    # entries, the others stay counts.
    numbers = list(
        edition.entries.filter(state__in=states)
        .order_by("number", "pk")
        .values_list("pk", "state", "number", "title")
    )
    position = {row[0]: n for n, row in enumerate(numbers)}
    member_ids = {member.pk for member in members}
    conflicts = {
        (m, e) for m, e in active_conflict_pairs(edition) if m in member_ids and e in position
    }
    assignments = {
        (row["member_id"], row["entry_id"]): row
        for row in Assignment.objects.filter(member__edition=edition, round=round).values(
            "pk",
            "member_id",
            "entry_id",
            "is_manual",
            "evaluation__pk",
            "evaluation__status",
            "evaluation__updated_at",
            "evaluation__open_until",
        )
        if row["member_id"] in member_ids and row["entry_id"] in position
    }
    jurors = {member.pk: JurorRow(member) for member in members}
    counts = {pk: EntryRow(None, state) for pk, state, _number, _title in numbers}
    for member_id, entry_id in conflicts:
        jurors[member_id].conflicted += 1
        counts[entry_id].free_jurors -= 1
    for key, assignment in assignments.items():
        if key in conflicts:
            continue
        cell = _cell(jurors[key[0]].member, assignment, now, deadline)
        _count(jurors[key[0]], cell, assignment)
        row = counts[key[1]]
        row.assigned += 1
        row.submitted += cell.status == SUBMITTED
    for n, row in enumerate(counts.values()):
        row.page = n // ENTRIES_PER_PAGE + 1
        row.free_jurors += len(members)
        _shortfall(row, settings)

    shown = Paginator(numbers, ENTRIES_PER_PAGE).get_page(page) if page is not None else None
    rows = []
    for pk, state, number, title in shown.object_list if shown else numbers:
        row = counts[pk]
        row.entry = Entry(pk=pk, state=state, number=number, title=title, edition=edition)
        for member in members:
            if (member.pk, pk) in conflicts:
                row.cells.append(Cell(member, CONFLICTED))
            else:
                row.cells.append(_cell(member, assignments.get((member.pk, pk)), now, deadline))
        rows.append(row)
    short = []
    for pk, state, number, title in numbers:
        row = counts[pk]
        if row.shortfall:
            if len(short) < SHORTFALLS_SHOWN and row.entry is None:
                row.entry = Entry(pk=pk, state=state, number=number, title=title, edition=edition)
            short.append(row)
    return Board(
        edition,
        settings,
        members,
        list(jurors.values()),
        rows,
        overdue,
        page=shown,
        shortfalls=short[:SHORTFALLS_SHOWN],
        shortfall_count=len(short),
    )


def _shortfall(row: EntryRow, settings: JurySettings) -> None:
    """How many jurors the entry wants, and why it has fewer, if it has."""
    row.wanted = (
        row.free_jurors
        if settings.jurors_per_entry is None
        else min(settings.jurors_per_entry, row.free_jurors)
    )
    if not row.editable:
        return  # decided on: nothing to assign any more
    if row.assigned < row.wanted:
        row.shortfall = SHORT_OF_ASSIGNMENTS
    elif settings.jurors_per_entry and row.assigned < settings.jurors_per_entry:
        row.shortfall = SHORT_OF_FREE_JURORS


def _cell(
    member: JuryMember, assignment: dict | None, now, deadline: datetime.datetime | None
) -> Cell:
    if assignment is None:
        return Cell(member)
    status = assignment["evaluation__status"] or NOT_STARTED
    overdue = deadline is not None and now > Evaluation.closes_at(
        deadline, assignment["evaluation__open_until"]
    )
    return Cell(
        member,
        SUBMITTED if status == Evaluation.Status.SUBMITTED else status,
        assignment_id=assignment["pk"],
        evaluation_id=assignment["evaluation__pk"],
        is_manual=assignment["is_manual"],
        overdue=overdue and status != Evaluation.Status.SUBMITTED,
    )


def _count(juror: JurorRow, cell: Cell, assignment: dict | None) -> None:
    if cell.status == CONFLICTED:
        juror.conflicted += 1
    elif cell.status:
        setattr(juror, cell.status, getattr(juror, cell.status) + 1)
        juror.overdue += cell.overdue
        saved = assignment and assignment["evaluation__updated_at"]
        if saved and (juror.last_saved is None or saved > juror.last_saved):
            juror.last_saved = saved
