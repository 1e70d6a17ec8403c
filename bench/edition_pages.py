"""The pages a person waits on, on a whole simulated edition, beside the bare sign-in page.

For each size of BENCH_PAGES_SIZES (entries x jurors, default "200x5,2000x20") an edition is
simulated from its call to its published results through the services (demo/simulation.py),
then every page below is requested in-process ROUNDS times, each time right after the bare page
(the anonymous sign-in page: no query, the least the stack does for a page), so that both meet
the same machine at the same moment. Printed for each page: the median and p95 of its server
time, its queries, and `ratio_to_bare`, the bare page's median over the page's: the share of
the bare page's requests per second that the page can serve (issue goal: at least 0.5).
"""

import os
import statistics
import time
from collections.abc import Iterator
from contextlib import contextmanager

from django.db import connection, reset_queries
from django.test import Client
from django.test.utils import CaptureQueriesContext, override_settings

ROUNDS = int(os.environ.get("BENCH_PAGES_ROUNDS", "15"))
BARE = "/accounts/sign-in/"


def sizes() -> list[tuple[int, int]]:
    given = os.environ.get("BENCH_PAGES_SIZES", "200x5,2000x20")
    pairs = (size.split("x") for size in given.split(",") if size.strip())
    return [(int(entries), int(jurors)) for entries, jurors in pairs]


def run(report) -> None:
    for entries, jurors in sizes():
        with _simulated(entries, jurors) as simulation:
            print(f"  {entries} entries x {jurors} jurors:")
            measure_beside_bare(report, _pages(simulation))


@contextmanager
def _simulated(entries: int, jurors: int) -> Iterator:
    from demo.management.commands.simulate_edition import signing_ready
    from demo.simulation import Simulation

    simulation = Simulation(entries=entries, jurors=jurors)
    with (
        override_settings(EMAIL_BACKEND="demo.mail.EnvelopeBackend", DEBUG=False),
        signing_ready(lambda line: None),
    ):
        started = time.perf_counter()
        result = simulation.run()
        held = all(result.invariants.values())
        print(
            f"  simulated {entries} x {jurors} in {time.perf_counter() - started:.0f} s, "
            f"invariants {'all hold' if held else 'FAIL'}"
        )
        yield simulation


def _pages(simulation) -> list[tuple[str, Client, str]]:
    from jury.models import Assignment
    from jury.selectors import assignments_for_juror

    edition, slug = simulation.edition, simulation.edition.slug
    busiest = max(simulation.members, key=lambda m: Assignment.objects.filter(member=m).count())
    assignment = assignments_for_juror(busiest).first()  # one without a conflict
    chair = next(member.user for member in simulation.members if member.is_chair)
    applicant = simulation.entries[0].applicant
    winner = edition.entries.filter(state="awarded").order_by("number").first()

    def signed_in(user) -> Client:
        client = Client()
        client.force_login(user)
        return client

    secretariat, juror = signed_in(simulation.secretariat[0]), signed_in(busiest.user)
    anonymous = Client()
    return [
        ("juror's list", juror, "/jury/"),
        ("scoring page", juror, f"/jury/assignments/{assignment.pk}/"),
        ("progress board", secretariat, f"/editions/{slug}/jury/progress/"),
        ("assignment matrix", secretariat, f"/editions/{slug}/jury/assignments/"),
        ("screening queue", secretariat, f"/screening/?edition={slug}"),
        ("secretariat dashboard", secretariat, "/dashboard/"),
        ("applicant dashboard", signed_in(applicant), "/dashboard/"),
        ("ranking page", secretariat, f"/editions/{slug}/jury/ranking/"),
        ("deliberation board", signed_in(chair), f"/editions/{slug}/jury/board/"),
        ("public gallery", anonymous, "/gallery/"),
        ("public entry page", anonymous, f"/gallery/{winner.reference}/"),
        ("entry page (applicant)", signed_in(applicant), f"/entries/{simulation.entries[0].pk}/"),
        ("API list of entries", anonymous, "/api/entries"),
    ]


def measure_beside_bare(report, pages: list[tuple[str, Client, str]]) -> None:
    """Each page's median, p95, queries and ratio to the bare page, requested in turn with it
    ROUNDS times."""
    bare_client = Client()
    for _label, client, url in pages:  # warm templates, translations and caches
        _timed(client, url)
    _timed(bare_client, BARE)
    bare: list[float] = []
    times: dict[str, list[float]] = {label: [] for label, _client, _url in pages}
    queries: dict[str, int] = {}
    for _round in range(ROUNDS):
        for label, client, url in pages:
            bare.append(_timed(bare_client, BARE)[0])
            elapsed, count = _timed(client, url)
            times[label].append(elapsed)
            queries[label] = count
    bare_median = statistics.median(bare)
    report("bare sign-in page", bare_median, "ms", f"p95 {_p95(bare):.1f} ms ratio_to_bare=1.00")
    for label, timings in times.items():
        median = statistics.median(timings)
        report(
            label,
            median,
            "ms",
            f"p95 {_p95(timings):.1f} ms, {queries[label]} queries "
            f"ratio_to_bare={bare_median / median:.2f}",
        )


def _timed(client: Client, url: str) -> tuple[float, int]:
    reset_queries()  # a full query log (DEBUG) would count no query
    with CaptureQueriesContext(connection) as captured:
        started = time.perf_counter()
        response = client.get(url)
        elapsed = (time.perf_counter() - started) * 1000
    if response.status_code != 200:
        raise AssertionError(f"{url}: {response.status_code} {response.content[:300]!r}")
    return elapsed, len(captured.captured_queries)


def _p95(timings: list[float]) -> float:
    ordered = sorted(timings)
    return ordered[max(0, int(len(ordered) * 0.95) - 1)]
