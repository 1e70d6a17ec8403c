"""Automatic assignment of jurors to entries.

Pure and framework-free: ids in, an ``Assignment`` out, no database. The services turn the
result into ``jury.models.Assignment`` rows; conflicts of interest arrive here already computed.

Some ``(juror, entry)`` pairs may be *fixed*: set by hand or already being scored, they stay
whatever happens. They count in the loads and in the panel sizes, and are never moved.

Jurors have no load cap, so the maximum number of assignments is reached by giving every entry
``max(fixed jurors on it, min(k, jurors free of conflict with it))`` jurors; the only freedom
left is *which* jurors fill the places the fixed ones leave, and that freedom is spent on
balancing the loads. With the fixed units as constants, the movable units form a bipartite flow
whose per-entry totals are set, so the reachable load vectors (fixed units included) are a
translate of an M-convex set and are M-convex themselves. By Frank and Murota's theorem a vector
from which no *movable* unit of load can move from a juror to one at least two lighter (in
loads that include the fixed units) is therefore, among all completions of the fixed pairs,
simultaneously the one with the smallest maximum load, the largest minimum load and the smallest
sum of squares. A unit moves along an alternating path (juror gives a movable entry away, the
receiver gives up another movable entry, ...) in the residual graph of that flow; a fixed pair
is no arc of it, so a juror whose load is all fixed has nothing to give. When fixed units pile up
on one juror, max - min may exceed 1 even without conflicts: only the movable units balance.
"""

from __future__ import annotations

import heapq
import random
from collections import Counter, deque
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass

REASON_CONFLICTS = "conflicts"
REASON_CAPACITY = "capacity"


@dataclass(frozen=True)
class Shortfall:
    entry: int
    assigned: int
    wanted: int
    # REASON_CONFLICTS: fewer than `wanted` jurors are free of conflict with the entry.
    # REASON_CAPACITY: enough are, but they are taken. Jurors have no load cap today, so this
    # cannot happen yet; it is kept for a per-juror cap (a manual override or a maximum load).
    reason: str
    available: int


@dataclass(frozen=True)
class Assignment:
    by_entry: dict[int, tuple[int, ...]]
    loads: dict[int, int]
    shortfalls: tuple[Shortfall, ...]


def assign(
    *,
    jurors: Sequence[int],
    entries: Sequence[int],
    conflicts: Collection[tuple[int, int]],
    per_entry: int | None,
    seed: int,
    fixed: Collection[tuple[int, int]] = (),
) -> Assignment:
    """Assign up to ``per_entry`` jurors to each entry, never a conflicted one, loads balanced.

    ``conflicts`` holds ``(juror, entry)`` pairs. ``per_entry=None`` means every juror scores
    every entry they are not conflicted with. ``fixed`` holds ``(juror, entry)`` pairs that are
    already assigned and must stay (duplicates are harmless): they count in the loads and the
    panel sizes, an entry keeps all its fixed jurors even beyond ``per_entry``, and the planner
    only tops panels up around them. The result depends only on the sets of ids, conflicts and
    fixed pairs and on ``seed``, not on the order they come in; ``seed`` breaks ties between
    equally good assignments.
    """
    _validate(jurors=jurors, entries=entries, conflicts=conflicts, per_entry=per_entry, fixed=fixed)
    rng = random.Random(seed)
    juror_order = sorted(jurors)
    rng.shuffle(juror_order)
    board = _Board(juror_order, sorted(entries), set(conflicts), set(fixed))
    wanted = {
        entry: max(
            len(board.panel[entry]),
            eligible if per_entry is None else min(per_entry, eligible),
        )
        for entry, eligible in ((entry, board.eligible_count(entry)) for entry in board.entries)
    }
    _fill_greedily(board, wanted, rng)
    while (moves := _improving_path(board)) is not None:
        board.shift(moves)
    return _result(board, per_entry)


def _validate(
    *,
    jurors: Sequence[int],
    entries: Sequence[int],
    conflicts: Collection[tuple[int, int]],
    per_entry: int | None,
    fixed: Collection[tuple[int, int]],
) -> None:
    if per_entry is not None and per_entry < 1:
        raise ValueError(f"per_entry must be at least 1 (or None for everyone), got {per_entry}.")
    _reject_duplicates("juror", jurors)
    _reject_duplicates("entry", entries)
    _reject_unknown("Conflicts", conflicts, jurors=jurors, entries=entries)
    _reject_unknown("Fixed pairs", fixed, jurors=jurors, entries=entries)
    conflicted = sorted(set(fixed) & set(conflicts))
    if conflicted:
        raise ValueError(f"Fixed pairs are also conflicts: {conflicted}.")


def _reject_duplicates(kind: str, ids: Iterable[int]) -> None:
    duplicates = sorted(value for value, count in Counter(ids).items() if count > 1)
    if duplicates:
        raise ValueError(f"Duplicate {kind} ids: {duplicates}.")


def _reject_unknown(
    what: str,
    pairs: Collection[tuple[int, int]],
    *,
    jurors: Sequence[int],
    entries: Sequence[int],
) -> None:
    """Refuse ``(juror, entry)`` pairs naming a juror or an entry that is not in the lists."""
    unknown_jurors = sorted({juror for juror, _ in pairs} - set(jurors))
    if unknown_jurors:
        raise ValueError(f"{what} name unknown juror ids: {unknown_jurors}.")
    unknown_entries = sorted({entry for _, entry in pairs} - set(entries))
    if unknown_entries:
        raise ValueError(f"{what} name unknown entry ids: {unknown_entries}.")


class _Board:
    """Who is on which entry, kept from both sides, the fixed pairs placed from the start.

    Dicts with ``None`` values serve as ordered sets, so every walk over them follows the seeded
    order (fixed pairs in sorted order) and never depends on hashing. Conflicts are kept per
    entry rather than as each entry's list of eligible jurors: that list would hold nearly
    every juror for every entry, growing with jurors times entries.
    """

    def __init__(
        self,
        juror_order: list[int],
        entries: list[int],
        conflicts: set[tuple[int, int]],
        fixed: set[tuple[int, int]],
    ) -> None:
        self.jurors = juror_order
        self.entries = entries
        self.conflicted: dict[int, set[int]] = {entry: set() for entry in entries}
        for juror, entry in conflicts:
            self.conflicted[entry].add(juror)
        self.panel: dict[int, dict[int, None]] = {entry: {} for entry in entries}
        self.held: dict[int, dict[int, None]] = {juror: {} for juror in juror_order}
        self.fixed = fixed
        for juror, entry in sorted(fixed):
            self.add(entry, juror)

    def eligible(self, entry: int) -> Iterable[int]:
        """The jurors free of conflict with ``entry``, in the seeded order."""
        conflicted = self.conflicted[entry]
        return (juror for juror in self.jurors if juror not in conflicted)

    def eligible_count(self, entry: int) -> int:
        return len(self.jurors) - len(self.conflicted[entry])

    def load(self, juror: int) -> int:
        return len(self.held[juror])

    def movable(self, juror: int) -> list[int]:
        """The entries ``juror`` holds and may give away, i.e. all but the fixed ones."""
        return [entry for entry in self.held[juror] if (juror, entry) not in self.fixed]

    def add(self, entry: int, juror: int) -> None:
        self.panel[entry][juror] = None
        self.held[juror][entry] = None

    def shift(self, moves: list[tuple[int, int, int]]) -> None:
        """Apply ``(entry, giver, receiver)`` moves; each entry appears at most once."""
        for entry, giver, receiver in moves:
            del self.panel[entry][giver]
            del self.held[giver][entry]
            self.add(entry, receiver)


def _fill_greedily(board: _Board, wanted: dict[int, int], rng: random.Random) -> None:
    """Start close to balanced so that few improving paths are needed afterwards.

    The most constrained entries (fewest eligible jurors not already fixed on them) go first,
    while every juror still has room to be the lighter one; each entry is topped up with its
    lightest eligible jurors, ties broken by the seed. The jurors wait in one heap by load
    (a juror given an entry goes back one heavier, with a fresh draw for ties, so that panels
    mix), and an entry only takes from its top the few it needs, passing over those it
    conflicts with: the work grows with the places to fill, not with jurors times entries.
    """
    rank = {entry: rng.random() for entry in board.entries}
    free = {entry: board.eligible_count(entry) - len(board.panel[entry]) for entry in board.entries}
    order = sorted(board.entries, key=lambda entry: (free[entry], rank[entry]))
    waiting = [(board.load(juror), rng.random(), juror) for juror in board.jurors]
    heapq.heapify(waiting)
    for entry in order:
        panel, conflicted = board.panel[entry], board.conflicted[entry]
        missing = wanted[entry] - len(panel)
        passed_over = []
        while missing > 0 and waiting:
            load, tie, juror = heapq.heappop(waiting)
            if juror in panel or juror in conflicted:
                passed_over.append((load, tie, juror))
                continue
            board.add(entry, juror)
            missing -= 1
            heapq.heappush(waiting, (load + 1, rng.random(), juror))
        for waiter in passed_over:
            heapq.heappush(waiting, waiter)


def _improving_path(board: _Board) -> list[tuple[int, int, int]] | None:
    """Moves that shift one unit of load onto a juror at least two lighter, if any exist."""
    loads = {juror: board.load(juror) for juror in board.jurors}
    if not loads:
        return None
    lightest = min(loads.values())
    for level in sorted(set(loads.values()), reverse=True):
        if level < lightest + 2:
            break
        sources = [juror for juror in board.jurors if loads[juror] >= level]
        moves = _search(board, sources, loads, ceiling=level - 2)
        if moves is not None:
            return moves
    return None


def _search(
    board: _Board, sources: list[int], loads: dict[int, int], *, ceiling: int
) -> list[tuple[int, int, int]] | None:
    """Breadth-first search of the residual graph from ``sources`` to a juror loaded <= ceiling.

    A juror leads to the entries it holds and may give away (not its fixed ones); an entry leads
    to the eligible jurors not on it.
    """
    reached_through: dict[int, int] = {}  # juror -> entry it would take over
    given_by: dict[int, int] = {}  # entry -> juror that would give it away
    seen = set(sources)
    queue = deque(sources)
    while queue:
        giver = queue.popleft()
        for entry in board.movable(giver):
            if entry in given_by:
                continue
            given_by[entry] = giver
            panel = board.panel[entry]
            for receiver in board.eligible(entry):
                if receiver in seen or receiver in panel:
                    continue
                seen.add(receiver)
                reached_through[receiver] = entry
                if loads[receiver] <= ceiling:
                    return _trace(receiver, reached_through, given_by)
                queue.append(receiver)
    return None


def _trace(
    target: int, reached_through: dict[int, int], given_by: dict[int, int]
) -> list[tuple[int, int, int]]:
    moves = []
    receiver = target
    while receiver in reached_through:
        entry = reached_through[receiver]
        giver = given_by[entry]
        moves.append((entry, giver, receiver))
        receiver = giver
    return moves


def _result(board: _Board, per_entry: int | None) -> Assignment:
    shortfalls = []
    if per_entry is not None:
        for entry in board.entries:
            assigned = len(board.panel[entry])
            available = board.eligible_count(entry)
            if assigned < per_entry:
                reason = REASON_CONFLICTS if available < per_entry else REASON_CAPACITY
                shortfalls.append(Shortfall(entry, assigned, per_entry, reason, available))
    return Assignment(
        by_entry={entry: tuple(sorted(board.panel[entry])) for entry in board.entries},
        loads={juror: board.load(juror) for juror in sorted(board.jurors)},
        shortfalls=tuple(shortfalls),
    )
