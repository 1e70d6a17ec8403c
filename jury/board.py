"""The secretariat's view of a jury at work: who scores what, how far each juror is, and which
entries lack jurors. One read, a fixed number of queries whatever the size of the jury or the
call; the assignment matrix and the progress board are two pictures of it."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

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
    entry: Entry
    cells: list[Cell] = field(default_factory=list)
    free_jurors: int = 0
    wanted: int = 0
    shortfall: str = ""

    @property
    def assigned(self) -> int:
        return sum(cell.assigned for cell in self.cells)

    @property
    def submitted(self) -> int:
        return sum(cell.status == SUBMITTED for cell in self.cells)

    @property
    def short_of_free_jurors(self) -> bool:
        return self.shortfall == SHORT_OF_FREE_JURORS

    @property
    def editable(self) -> bool:
        return self.entry.state in REVIEWED_STATES


@dataclass
class Board:
    edition: Edition
    settings: JurySettings
    members: list[JuryMember]
    jurors: list[JurorRow]
    entries: list[EntryRow]
    overdue: bool

    @property
    def shortfalls(self) -> list[EntryRow]:
        return [row for row in self.entries if row.shortfall]


def board(edition: Edition, *, round: int = 1, now: datetime.datetime | None = None) -> Board:
    """The edition's jury board for one round, in five queries."""
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
    entries = list(
        edition.entries.filter(state__in=states)
        .select_related("organisation")
        .order_by("number", "pk")
    )
    conflicts = active_conflict_pairs(edition)
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
    }
    jurors = {member.pk: JurorRow(member) for member in members}
    rows = []
    for entry in entries:
        row = EntryRow(entry)
        for member in members:
            assignment = assignments.get((member.pk, entry.pk))
            if (member.pk, entry.pk) in conflicts:
                cell = Cell(member, CONFLICTED)
            else:
                cell = _cell(member, assignment, now, deadline)
            row.cells.append(cell)
            _count(jurors[member.pk], cell, assignment)
        row.free_jurors = sum(cell.status != CONFLICTED for cell in row.cells)
        row.wanted = (
            row.free_jurors
            if settings.jurors_per_entry is None
            else min(settings.jurors_per_entry, row.free_jurors)
        )
        if not row.editable:
            pass  # decided on: nothing to assign any more
        elif row.assigned < row.wanted:
            row.shortfall = SHORT_OF_ASSIGNMENTS
        elif settings.jurors_per_entry and row.assigned < settings.jurors_per_entry:
            row.shortfall = SHORT_OF_FREE_JURORS
        rows.append(row)
    return Board(edition, settings, members, list(jurors.values()), rows, overdue)


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
