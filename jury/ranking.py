"""From evaluation scores to a ranking anyone can recompute: pure functions over plain data.

The input is one `Score` per submitted evaluation of a round (the juror, the entry, the
evaluation's weighted score on 0 to 10); nothing here reads the database, so the same numbers
come out of the page, the exports and a test's hand computation. Definitions follow the
programme's method page (docs/architecture.md, "Ranking").
"""

import bisect
import math
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from operator import attrgetter, itemgetter
from typing import Any, NamedTuple

from core.memory import cyclic_gc_paused

METHODS = ("mean", "median", "normalised_mean", "borda")


class Score(NamedTuple):
    """One submitted evaluation's weighted score (a tuple: a round holds tens of thousands)."""

    juror: int
    entry: int
    value: float


@dataclass(slots=True)
class EntryFigures:
    entry: int
    evaluations: int
    mean: float | None
    median: float | None
    stdev: float | None
    normalised_mean: float | None
    borda: float | None
    disagreement: bool
    # The entry's evaluation scores, lowest first (the strip that shows their spread).
    scores: Sequence[float] = ()
    ranks: dict[str, int | None] = field(default_factory=dict)
    # Methods where this entry shares its rank with another after any tie-break (a frozenset,
    # replaced when it grows: most entries tie on nothing and share the empty one).
    tied: frozenset[str] = frozenset()


@dataclass(frozen=True)
class JurorSeverity:
    juror: int
    count: int
    mean: float | None
    stdev: float | None
    # The juror's mean minus the mean of every submitted score of the round.
    against_jury: float | None


@dataclass(frozen=True)
class RoundFigures:
    entries: list[EntryFigures]
    jurors: list[JurorSeverity]
    krippendorff_alpha: float | None
    kendall_w: float | None
    round_mean: float | None
    round_stdev: float | None


def sample_stdev(values: Sequence[float]) -> float | None:
    """Sample standard deviation (n - 1); None below two values. Two passes with exactly
    rounded sums (math.fsum): within an ulp of statistics.stdev, which computes in fractions
    and takes most of a large round's time."""
    count = len(values)
    if count < 2:
        return None
    mean = math.fsum(values) / count
    return math.sqrt(math.fsum([(value - mean) ** 2 for value in values]) / (count - 1))


@cyclic_gc_paused()
def rank_round(
    scores: Iterable[Score],
    *,
    min_evaluations: int = 3,
    disagreement_threshold: float = 2.0,
    tie_break: Callable[[int], tuple] | None = None,
) -> RoundFigures:
    """Every figure of a round from its submitted scores.

    `min_evaluations` is M: a juror with fewer, or whose scores do not vary, is standardised
    against the whole round rather than against themselves. `tie_break`, when the edition
    chose one, maps an entry to a key (greater is better) that orders entries of equal value;
    without it ties share the best rank (1, 2, 2, 4).

    A round holds tens of thousands of scores: each figure is one pass over the jurors' or the
    entries' few values, with no per-score function call (bench/ranking.py times it).
    """
    by_entry: dict[int, list[float]] = defaultdict(list)
    by_juror: dict[int, dict[int, float]] = defaultdict(dict)
    for juror, entry, value in scores:
        by_entry[entry].append(value)
        by_juror[juror][entry] = value
    everything = [value for values in by_entry.values() for value in values]
    round_mean = math.fsum(everything) / len(everything) if everything else None
    round_stdev = sample_stdev(everything)
    normalised = _normalised_means(by_juror, min_evaluations, round_mean, round_stdev)
    borda = _borda(by_juror)
    entries = []
    for entry in sorted(by_entry):
        # One pass over each entry's few values for all its figures.
        values = by_entry[entry]
        values.sort()
        count = len(values)
        mean = math.fsum(values) / count
        half = count // 2
        median = values[half] if count % 2 else (values[half - 1] + values[half]) / 2
        stdev = (
            math.sqrt(math.fsum([(value - mean) ** 2 for value in values]) / (count - 1))
            if count > 1
            else None
        )
        entries.append(
            EntryFigures(
                entry=entry,
                evaluations=count,
                mean=mean,
                median=median,
                stdev=stdev,
                normalised_mean=normalised.get(entry),
                borda=borda.get(entry),
                disagreement=stdev is not None and stdev >= disagreement_threshold,
                scores=values,
            )
        )
    for method in METHODS:
        _rank(entries, method, tie_break)
    return RoundFigures(
        entries=entries,
        jurors=_severities(by_juror, round_mean),
        krippendorff_alpha=krippendorff_alpha(by_entry.values()),
        kendall_w=_kendall_w(by_juror),
        round_mean=round_mean,
        round_stdev=round_stdev,
    )


def _normalised_means(
    by_juror: Mapping[int, Mapping[int, float]],
    min_evaluations: int,
    round_mean: float | None,
    round_sd: float | None,
) -> dict[int, float]:
    """Each entry's mean z-score mapped back onto 0 to 10: round mean + round SD * mean z.

    A juror with at least `min_evaluations` scores and a spread above 0 is measured against
    their own mean and SD (a harsh juror's 5 may be another's 8); any other juror against the
    round's. Empty when the round's scores do not vary (no z is defined)."""
    if round_mean is None or not round_sd:
        return {}
    # Sums and counts, not a list per entry: a round has tens of thousands of entries.
    z_sums: dict[int, float] = defaultdict(float)
    z_counts: dict[int, int] = defaultdict(int)
    for scored in by_juror.values():
        values = list(scored.values())
        spread = sample_stdev(values)
        if len(values) >= min_evaluations and spread:
            centre = math.fsum(values) / len(values)
        else:
            centre, spread = round_mean, round_sd
        for entry, value in scored.items():
            z_sums[entry] += (value - centre) / spread
            z_counts[entry] += 1
    return {
        entry: round_mean + round_sd * total / z_counts[entry] for entry, total in z_sums.items()
    }


def _positions(values: Mapping[int, float]) -> Iterator[tuple[int, float]]:
    """(key, position) when ordered by value, greatest first (1 = best); equal values share
    the average of the positions they span."""
    ordered = sorted(values.items(), key=itemgetter(1), reverse=True)
    start, count = 0, len(ordered)
    while start < count:
        value = ordered[start][1]
        end = start + 1
        while end < count and ordered[end][1] == value:
            end += 1
        # Positions start + 1 to end share their average.
        shared = (start + end + 1) / 2
        for key, _value in ordered[start:end]:
            yield key, shared
        start = end


def _borda(by_juror: Mapping[int, Mapping[int, float]]) -> dict[int, float]:
    """100 * the mean of the points each entry gets from the jurors who ordered at least two:
    (n_j - r) / (n_j - 1) from a juror with n_j entries who put it at position r."""
    sums: dict[int, float] = defaultdict(float)
    counts: dict[int, int] = defaultdict(int)
    for entries in by_juror.values():
        count = len(entries)
        if count < 2:
            continue
        for entry, position in _positions(entries):
            sums[entry] += (count - position) / (count - 1)
            counts[entry] += 1
    return {entry: 100 * total / counts[entry] for entry, total in sums.items()}


def _rank(
    entries: list[EntryFigures], method: str, tie_break: Callable[[int], tuple] | None
) -> None:
    """Competition ranks (1, 2, 2, 4) by `method`, greatest first; an entry without a value is
    not ranked. A tie-break only orders entries that share a value."""
    value_of = attrgetter(method)

    def key(figures: EntryFigures) -> Any:
        return (value_of(figures), *tie_break(figures.entry)) if tie_break else value_of(figures)

    ranked = []
    for figures in entries:
        figures.ranks[method] = None
        if value_of(figures) is not None:
            ranked.append(figures)
    ranked.sort(key=key if tie_break else value_of, reverse=True)
    previous_key: Any = None
    previous: EntryFigures | None = None
    for position, figures in enumerate(ranked, start=1):
        current = key(figures)
        if previous is not None and current == previous_key:
            figures.ranks[method] = previous.ranks[method]
            figures.tied |= {method}
            previous.tied |= {method}
        else:
            figures.ranks[method] = position
        previous_key, previous = current, figures


def _severities(
    by_juror: Mapping[int, Mapping[int, float]], round_mean: float | None
) -> list[JurorSeverity]:
    result = []
    for juror, scored in sorted(by_juror.items()):
        values = list(scored.values())
        mean = math.fsum(values) / len(values)
        result.append(
            JurorSeverity(
                juror=juror,
                count=len(values),
                mean=mean,
                stdev=sample_stdev(values),
                against_jury=None if round_mean is None else mean - round_mean,
            )
        )
    return result


def krippendorff_alpha(units: Iterable[Sequence[float]]) -> float | None:
    """Krippendorff's alpha with the interval metric over the values of each unit (an entry's
    scores); units with fewer than two values cannot be paired and are left out, so a partial
    assignment is fine. None when fewer than two units remain or nothing varies.

    alpha = 1 - D_o / D_e, with D_o = 1/n Σ_u 1/(m_u - 1) Σ_{i≠j in u} (v_i - v_j)²
    and D_e = 1/(n (n - 1)) Σ_{i≠j over all pairable values} (v_i - v_j)²."""
    pairable = [values for values in units if len(values) >= 2]
    n = sum(len(unit) for unit in pairable)
    if len(pairable) < 2 or n < 2:
        return None
    observed = math.fsum(_sum_squared_differences(unit) / (len(unit) - 1) for unit in pairable) / n
    expected = _sum_squared_differences([value for unit in pairable for value in unit]) / (
        n * (n - 1)
    )
    if expected == 0:
        return None
    return 1 - observed / expected


def _sum_squared_differences(values: Sequence[float]) -> float:
    """Σ over ordered pairs i ≠ j of (v_i - v_j)², as 2 n Σ (v - mean)² (the same sum, without
    the cancellation of 2 (n Σv² - (Σv)²))."""
    count = len(values)
    mean = math.fsum(values) / count
    return 2 * count * math.fsum([(value - mean) ** 2 for value in values])


def kendall_w(scores: Iterable[Score]) -> float | None:
    """Kendall's coefficient of concordance with the correction for ties, when every juror of
    the round scored every entry of it (None otherwise, or below two jurors or two entries).

    Each juror's entries are ranked (ties share the average rank); R_i is entry i's rank sum,
    S = Σ (R_i - mean R)², T_j = Σ (t³ - t) over juror j's groups of ties:
    W = 12 S / (m² (n³ - n) - m Σ T_j)."""
    by_juror: dict[int, dict[int, float]] = defaultdict(dict)
    for score in scores:
        by_juror[score.juror][score.entry] = score.value
    return _kendall_w(by_juror)


def _kendall_w(by_juror: Mapping[int, Mapping[int, float]]) -> float | None:
    entries = {entry for scored in by_juror.values() for entry in scored}
    m, n = len(by_juror), len(entries)
    # Every juror scored every entry when each has as many entries as the round.
    if m < 2 or n < 2 or any(len(scored) != n for scored in by_juror.values()):
        return None
    rank_sums: dict[int, float] = defaultdict(float)
    ties = 0.0
    for scored in by_juror.values():
        for entry, position in _positions(scored):
            rank_sums[entry] += position
        for size in _group_sizes(scored.values()):
            ties += size**3 - size
    mean_sum = m * (n + 1) / 2
    s = math.fsum((total - mean_sum) ** 2 for total in rank_sums.values())
    denominator = m * m * (n**3 - n) - m * ties
    return None if denominator == 0 else 12 * s / denominator


def _group_sizes(values: Iterable[float]) -> list[int]:
    counts: dict[float, int] = defaultdict(int)
    for value in values:
        counts[value] += 1
    return [count for count in counts.values() if count > 1]


def schulze(ballots: Iterable[Sequence[int]], candidates: Sequence[int]) -> "SchulzeResult":
    """The Schulze method over complete ranked ballots (best first).

    d[a][b] counts the voters who put a above b; p[a][b] is the strength of the strongest path
    from a to b (widest path over the pairwise defeats). a ranks above b when p[a][b] > p[b][a];
    candidates no one beats in that sense share a place, and so on down."""
    index = {candidate: i for i, candidate in enumerate(candidates)}
    size = len(candidates)
    d = [[0] * size for _ in range(size)]
    for ballot in ballots:
        for better_position, better in enumerate(ballot):
            for worse in ballot[better_position + 1 :]:
                d[index[better]][index[worse]] += 1
    p = [[d[i][j] if d[i][j] > d[j][i] else 0 for j in range(size)] for i in range(size)]
    for k in range(size):
        for i in range(size):
            if i == k:
                continue
            for j in range(size):
                if j in (i, k):
                    continue
                p[i][j] = max(p[i][j], min(p[i][k], p[k][j]))
    remaining = list(range(size))
    places: list[list[int]] = []
    while remaining:
        top = [i for i in remaining if not any(p[j][i] > p[i][j] for j in remaining if j != i)]
        places.append([candidates[i] for i in top])
        remaining = [i for i in remaining if i not in top]
    return SchulzeResult(candidates=list(candidates), pairwise=d, strongest_paths=p, places=places)


@dataclass(frozen=True)
class SchulzeResult:
    candidates: list[int]
    # pairwise[i][j]: voters preferring candidates[i] to candidates[j].
    pairwise: list[list[int]]
    strongest_paths: list[list[int]]
    # The order, best first; a place with several candidates is a tie.
    places: list[list[int]]


def ranks_among(entries: Sequence[EntryFigures], left_out: Iterable[int]) -> list[EntryFigures]:
    """The figures of `entries` less those of `left_out` (entry ids), with every rank and tie
    taken among the entries that remain, as copies: a juror who may not see an entry must not
    read its place from a gap in the ranks (1, 2, 4) or a tie with nobody. The tie-break the
    ranks were made with still orders them: an entry's place among the others is the same."""
    hidden = set(left_out)
    kept = [
        replace(f, ranks=dict(f.ranks), tied=frozenset()) for f in entries if f.entry not in hidden
    ]
    gone = [f for f in entries if f.entry in hidden]
    for method in METHODS:
        removed = sorted(r for f in gone if (r := f.ranks.get(method)) is not None)
        by_rank: dict[int, list[EntryFigures]] = defaultdict(list)
        for figures in kept:
            rank = figures.ranks.get(method)
            if rank is None:
                continue
            # One place less for every hidden entry strictly ahead of this one.
            rank -= bisect.bisect_left(removed, rank)
            figures.ranks[method] = rank
            by_rank[rank].append(figures)
        for group in by_rank.values():
            if len(group) > 1:
                for figures in group:
                    figures.tied |= {method}
    return kept


def in_rank_order(entries: Iterable[EntryFigures], method: str) -> list[EntryFigures]:
    """The entries best first by `method`; unranked ones last; equal ranks by entry id."""
    return sorted(
        entries,
        key=lambda f: (f.ranks.get(method) is None, f.ranks.get(method) or 0, f.entry),
    )
