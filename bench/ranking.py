"""Time of a round's ranking at ten times a real programme's size, and the ranking page's queries.

The round: 10,000 entries in review, each scored by 5 of 25 jurors (2,000 evaluations each, all
submitted) on a rubric of 5 criteria with different weights and scales, so 50,000 evaluations
and 250,000 scores, built with bulk_create. Each juror has a bias of their own (deterministic,
seeded), so that the normalised mean and the Borda count have something to correct, and about
3 % of the scores are "not applicable".

`jury.standings.standings()` (one aggregate query, then the pure-Python ranking of
jury/ranking.py) is timed against one raw SQL aggregate that computes each entry's mean
weighted score over the same rows (same filters, conflicts included) on the same database: the
median of several runs of each, taken in turns, and their ratio. The query half
(`round_scores`) and the Python half (`rank_round` on the fetched scores) are timed apart too,
to say where the time goes. The raw means must equal the standings' `mean` of every entry to 1e-9.

The ranking page (a secretariat, page 1 of 50 rows) is measured at 10 and at 1,000 entries
scored by 3 jurors each: its query count must not grow with the entries. Its server time is the
median of several GETs, at 1,000 entries and on the 10,000-entry round.
"""

import datetime
import random
import statistics
import time
from decimal import Decimal

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

SEED = 2031
ENTRIES = 10_000
JURORS = 25
PER_ENTRY = 5
RUNS = 9
PAGE_GETS = 10
# Entries whose assignments, evaluations and scores are built in one go (bounds the memory).
CHUNK = 1_000
# name, weight, lowest, highest, step of the values jurors give.
RUBRIC = [
    ("Impact", "3", 0, 10, Decimal("0.5")),
    ("Partnership", "2", 0, 10, Decimal("0.5")),
    ("Sustainability", "1.5", 1, 5, Decimal("1")),
    ("Innovation", "1", 0, 100, Decimal("1")),
    ("Replicability", "0.5", 0, 20, Decimal("0.25")),
]
NOT_APPLICABLE_SHARE = 0.03


def run(report) -> None:
    from jury.ranking import rank_round
    from jury.services import settings_for
    from jury.standings import round_scores, standings
    from tests.factories import SecretariatFactory

    rng = random.Random(SEED)
    secretariat = SecretariatFactory()
    client = Client()
    client.force_login(secretariat)

    # 1. The ranking of a 10,000-entry round.
    started = time.perf_counter()
    edition = _scored_edition(rng, entries=ENTRIES, jurors=JURORS, per_entry=PER_ENTRY)
    report(
        f"build {ENTRIES:,} entries x {PER_ENTRY} evaluations x {len(RUBRIC)}",
        time.perf_counter() - started,
        "s",
        f"{ENTRIES * PER_ENTRY:,} evaluations, {ENTRIES * PER_ENTRY * len(RUBRIC):,} scores",
    )
    settings = settings_for(edition)

    timings, results = _interleaved(
        {
            "raw": lambda: _raw_means(edition, round=1),
            "standings": lambda: standings(edition, round=1, settings=settings),
            "query": lambda: round_scores(edition, 1),
        },
        then={
            "python": lambda scores: rank_round(
                scores,
                min_evaluations=settings.min_evaluations,
                disagreement_threshold=float(settings.disagreement_threshold),
            )
        },
        after="query",
    )
    raw_ms, standings_ms, query_ms, python_ms = (
        timings[name] for name in ("raw", "standings", "query", "python")
    )
    raw_means, result, scores = results["raw"], results["standings"], results["query"]
    _check_agree(raw_means, {f.entry: f.mean for f in result.figures.entries})
    assert len(scores) == ENTRIES * PER_ENTRY, len(scores)

    report(
        "raw SQL mean per entry (one aggregate)",
        raw_ms,
        "ms",
        f"median of {RUNS}, in turns with the below; {len(raw_means):,} entries",
    )
    report(
        "standings() (query + ranking)",
        standings_ms,
        "ms",
        f"median of {RUNS}; {len(result.figures.entries):,} entries ranked",
    )
    report(
        "  of which round_scores() (query + Score rows)",
        query_ms,
        "ms",
        f"median of {RUNS}; {len(scores):,} scores",
    )
    report(
        "  of which rank_round() (pure Python)",
        python_ms,
        "ms",
        f"median of {RUNS}; every method, alpha, W, severities",
    )
    ratio = standings_ms / raw_ms
    report(
        "standings() / raw SQL",
        ratio,
        "x",
        f"target <= 2x ({'met' if ratio <= 2 else 'NOT met'}); means agree to 1e-9",
    )

    # 2. The ranking page: its queries do not grow with the entries.
    counts = {}
    for size in (10, 1_000):
        small = _scored_edition(rng, entries=size, jurors=3, per_entry=3)
        url = reverse("jury:ranking", args=[small.slug])
        client.get(url)  # warm template and translation caches
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        counts[size] = len(queries)
        report(f"ranking page queries ({size:,} entries x 3 jurors)", len(queries), "queries")
        if size == 1_000:
            _page_time(report, client, url, f"{size:,} entries x 3 jurors", PAGE_GETS)
    if counts[10] != counts[1_000]:
        raise AssertionError(f"The ranking page's queries grow with the entries: {counts}")
    _page_time(
        report,
        client,
        reverse("jury:ranking", args=[edition.slug]),
        f"{ENTRIES:,} entries x {PER_ENTRY} jurors",
        RUNS,
    )


def _interleaved(functions, *, then, after):
    """The median time in ms of RUNS calls of each function, taken in turns (raw, standings,
    query, then each of `then` on what `after` returned) so that a slower or faster moment of
    the machine weighs on all of them alike; and what each call returned last."""
    timings: dict[str, list[float]] = {name: [] for name in [*functions, *then]}
    results = {}
    for _ in range(RUNS):
        for name, function in functions.items():
            started = time.perf_counter()
            results[name] = function()
            timings[name].append((time.perf_counter() - started) * 1000)
        for name, function in then.items():
            started = time.perf_counter()
            results[name] = function(results[after])
            timings[name].append((time.perf_counter() - started) * 1000)
    return {name: statistics.median(values) for name, values in timings.items()}, results


def _page_time(report, client, url: str, label: str, gets: int) -> None:
    client.get(url)
    timings = []
    for _ in range(gets):
        started = time.perf_counter()
        response = client.get(url)
        timings.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, (url, response.status_code)
    report(
        f"ranking page ({label})",
        statistics.median(timings),
        "ms",
        f"median of {gets} GETs, page 1 of 50 rows",
    )


def _raw_means(edition, *, round: int) -> dict[int, float]:
    """Each entry's mean weighted score on 0 to 10 in one hand-written aggregate: per evaluation
    sum(weight * (value - min) * 10 / (max - min)) / sum(weight) over its valued scores, then
    the mean per entry; the same evaluations as the standings (submitted, of the round, of an
    entry before the jury, by a juror with no active conflict with it)."""
    from awards.models import Entry
    from jury.models import (
        Assignment,
        ConflictOfInterest,
        Criterion,
        CriterionScore,
        Evaluation,
    )
    from jury.selectors import JURY_STATES

    states = [str(state) for state in JURY_STATES]
    sql = f"""
        SELECT per_evaluation.entry_id, AVG(per_evaluation.score)
        FROM (
            SELECT a.entry_id AS entry_id,
                   SUM(c.weight * (s.value - c.scale_min) * 10.0 / (c.scale_max - c.scale_min))
                   / SUM(c.weight) AS score
            FROM {Evaluation._meta.db_table} e
            JOIN {Assignment._meta.db_table} a ON a.id = e.assignment_id
            JOIN {Entry._meta.db_table} n ON n.id = a.entry_id
            JOIN {CriterionScore._meta.db_table} s ON s.evaluation_id = e.id
            JOIN {Criterion._meta.db_table} c ON c.id = s.criterion_id
            WHERE e.status = %s AND a.round = %s AND n.edition_id = %s
              AND n.state IN ({", ".join(["%s"] * len(states))})
              AND s.value IS NOT NULL
              AND NOT EXISTS (
                  SELECT 1 FROM {ConflictOfInterest._meta.db_table} x
                  WHERE x.member_id = a.member_id AND x.entry_id = a.entry_id
                    AND x.lifted_at IS NULL
              )
            GROUP BY e.id, a.entry_id
        ) per_evaluation
        GROUP BY per_evaluation.entry_id
    """
    with connection.cursor() as cursor:
        cursor.execute(sql, [Evaluation.Status.SUBMITTED.value, round, edition.pk, *states])
        return {entry: float(mean) for entry, mean in cursor.fetchall()}


def _check_agree(raw: dict[int, float], ranked: dict[int, float | None]) -> None:
    if set(raw) != set(ranked):
        raise AssertionError(
            f"The raw SQL and the standings rank different entries: "
            f"{len(set(raw) - set(ranked))} only in SQL, {len(set(ranked) - set(raw))} only "
            f"in the standings"
        )
    wrong = [
        (entry, raw[entry], ranked[entry])
        for entry in sorted(raw)
        if ranked[entry] is None or abs(raw[entry] - ranked[entry]) > 1e-9
    ]
    if wrong:
        raise AssertionError(
            f"{len(wrong)} entries' means differ between the raw SQL and the standings, "
            f"e.g. (entry, SQL, standings) {wrong[:5]}"
        )


def _scored_edition(rng: random.Random, *, entries: int, jurors: int, per_entry: int):
    """An edition in deliberation with the 5-criterion rubric and `entries` entries in review,
    each with `per_entry` submitted evaluations by distinct jurors of `jurors`, every juror
    with the same number (give or take one)."""
    from awards.models import Entry
    from jury.models import Assignment, Criterion, CriterionScore, Evaluation
    from tests.factories import EditionFactory, JuryMemberFactory, OrganisationFactory

    # Each juror once in every `jurors` slots, an entry's in one run of them: distinct jurors.
    assert jurors % per_entry == 0, (jurors, per_entry)
    edition = EditionFactory(phase="deliberation")
    Criterion.objects.filter(edition=edition).delete()
    criteria = Criterion.objects.bulk_create(
        Criterion(
            edition=edition,
            position=position,
            name=name,
            weight=Decimal(weight),
            scale_min=low,
            scale_max=high,
        )
        for position, (name, weight, low, high, _step) in enumerate(RUBRIC, start=1)
    )
    rubric = list(zip(criteria, RUBRIC, strict=True))
    members = [JuryMemberFactory(edition=edition) for _ in range(jurors)]
    # A harsh juror gives less than a lenient one to the same entry, by up to 15 % of a scale.
    bias = {member.pk: rng.uniform(-0.15, 0.15) for member in members}
    organisation = OrganisationFactory()
    Entry.objects.bulk_create(
        (
            Entry(edition=edition, organisation=organisation, number=n, title=f"Entry {n}")
            for n in range(1, entries + 1)
        ),
        batch_size=5_000,
    )
    Entry.objects.filter(edition=edition).update(state="in_review")
    entry_ids = list(
        Entry.objects.filter(edition=edition).order_by("number").values_list("pk", flat=True)
    )
    submitted_at = datetime.datetime(2031, 3, 1, 12, tzinfo=datetime.UTC)
    panel: list = []
    for first in range(0, entries, CHUNK):
        assignments = []
        for entry_id in entry_ids[first : first + CHUNK]:
            quality = rng.uniform(0.2, 0.9)
            for _ in range(per_entry):
                if not panel:
                    panel = rng.sample(members, len(members))
                member = panel.pop()
                assignments.append((Assignment(member=member, entry_id=entry_id, round=1), quality))
        Assignment.objects.bulk_create([a for a, _quality in assignments], batch_size=5_000)
        evaluations = Evaluation.objects.bulk_create(
            [
                Evaluation(
                    assignment=a, status=Evaluation.Status.SUBMITTED, submitted_at=submitted_at
                )
                for a, _quality in assignments
            ],
            batch_size=5_000,
        )
        scores = []
        for evaluation, (assignment, quality) in zip(evaluations, assignments, strict=True):
            for criterion, (_name, _weight, low, high, step) in rubric:
                if rng.random() < NOT_APPLICABLE_SHARE:
                    scores.append(
                        CriterionScore(
                            evaluation=evaluation, criterion=criterion, not_applicable=True
                        )
                    )
                    continue
                share = quality + bias[assignment.member_id] + rng.gauss(0, 0.08)
                raw = low + min(max(share, 0.0), 1.0) * (high - low)
                value = (Decimal(str(raw)) / step).quantize(Decimal("1")) * step
                scores.append(
                    CriterionScore(
                        evaluation=evaluation,
                        criterion=criterion,
                        value=value.quantize(Decimal("0.01")),
                    )
                )
        CriterionScore.objects.bulk_create(scores, batch_size=5_000)
    return edition
