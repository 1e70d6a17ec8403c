"""A whole edition simulated at growing sizes, with the growth of each phase.

`simulate_edition` (demo/simulation.py) at 100, 1,000 and 10,000 entries, the jury growing
with the edition (six jurors for every hundred entries, three on each entry), each size in a
fresh SQLite file migrated for it and in a process of its own, so that one size's caches do
not help the next. For each size: the phases' seconds and queries, the queries per entry,
the peak memory of the process, whether every invariant held; then the growth of each phase
from one size to the next (ten times the entries: 10x is linear).

The sizes are set by BENCH_SIMULATION_SIZES (entries, comma-separated; default
"100,1000,10000" — the largest takes some twenty minutes on two cores). BENCH_SIMULATION_URL
runs them on another database instead (a PostgreSQL URL: its database is emptied first).
"""

import itertools
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
JURORS_PER_HUNDRED = 6


def jurors_for(entries: int) -> int:
    return max(6, entries * JURORS_PER_HUNDRED // 100)


def sizes() -> list[int]:
    given = os.environ.get("BENCH_SIMULATION_SIZES", "100,1000,10000")
    return [int(size) for size in given.split(",") if size.strip()]


def simulate(entries: int, folder: Path) -> dict:
    """One size in a process of its own, on a database made for it."""
    url = os.environ.get("BENCH_SIMULATION_URL") or f"sqlite:///{folder / f'{entries}.sqlite3'}"
    env = {**os.environ, "DATABASE_URL": url}
    manage = [sys.executable, str(ROOT / "manage.py")]
    if "BENCH_SIMULATION_URL" in os.environ:
        subprocess.run([*manage, "flush", "--no-input"], env=env, check=True, cwd=ROOT)
    subprocess.run(
        [*manage, "migrate", "--no-input"], env=env, check=True, cwd=ROOT, capture_output=True
    )
    size = ["--entries", str(entries), "--jurors", str(jurors_for(entries))]
    done = subprocess.run(
        [*manage, "simulate_edition", *size, "--json"],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    if done.returncode not in (0, 1) or not done.stdout.strip():
        raise RuntimeError(f"simulate_edition failed:\n{done.stderr[-2000:]}")
    return json.loads(done.stdout)


def run(report) -> None:
    results = []
    with tempfile.TemporaryDirectory(prefix="simulation-") as folder:
        for entries in sizes():
            result = simulate(entries, Path(folder))
            results.append(result)
            held = all(result["invariants"].values())
            per_entry = result["queries"] / entries
            print(
                f"  {entries} entries x {result['jurors']} jurors: "
                f"{result['seconds']:.1f} s, {result['queries']} queries ({per_entry:.0f} an "
                f"entry), peak {result['peak_memory_mb']} MB, "
                f"invariants {'all hold' if held else 'FAIL: ' + str(result['invariants'])}"
            )
            for phase in result["phases"]:
                report(
                    f"{entries}: {phase['name']}",
                    phase["seconds"],
                    "s",
                    f"{phase['queries']} queries, {phase['count']} done",
                )
    for smaller, larger in itertools.pairwise(results):
        scale = larger["entries"] / smaller["entries"]
        print(f"  growth from {smaller['entries']} to {larger['entries']} entries ({scale:.3g}x):")
        pairs = zip(smaller["phases"], larger["phases"], strict=True)
        for before, after in pairs:
            if before["seconds"] >= 0.01:
                report(f"  {after['name']}", after["seconds"] / before["seconds"], "x")
        report("  whole edition", larger["seconds"] / smaller["seconds"], "x")
