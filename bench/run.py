"""Run the benchmarks and print their numbers.

Each benchmark module under bench/ exposes `run(report)`; they share one throw-away database
(the test database of the configured DATABASE_URL, SQLite in memory by default) so that a run
never touches real data. Usage: python bench/run.py [name ...]

What a run prints is also written to bench/reports/<date and time>.txt (not committed), the
report `make bench` leaves.
"""

import importlib
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

BENCHMARKS = ["pages", "reminders", "ranking", "certificates", "public", "simulation", "load"]
REPORTS = ROOT / "bench" / "reports"


class Tee:
    """Standard output, copied to the report file as it is printed."""

    def __init__(self, stream, copy) -> None:
        self.stream, self.copy = stream, copy

    def write(self, text: str) -> int:
        self.copy.write(text)
        return self.stream.write(text)

    def flush(self) -> None:
        self.copy.flush()
        self.stream.flush()


def report(name: str, value: float, unit: str, note: str = "") -> None:
    print(f"  {name:<48} {value:>10.2f} {unit:<8} {note}")


def main(names: list[str]) -> None:
    import django
    from django.db import connection
    from django.test.utils import setup_test_environment

    django.setup()
    setup_test_environment()
    from django.conf import settings

    # The fixtures create hundreds of accounts; hashing their passwords is not what is measured.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        for name in names or BENCHMARKS:
            module = importlib.import_module(f"bench.{name}")
            print(f"{name} ({connection.vendor}):")
            started = time.perf_counter()
            module.run(report)
            print(f"  ({time.perf_counter() - started:.1f} s)")
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    REPORTS.mkdir(exist_ok=True)
    path = REPORTS / f"{time.strftime('%Y-%m-%d-%H%M%S')}.txt"
    with path.open("w") as copy:
        sys.stdout = Tee(sys.__stdout__, copy)
        try:
            print(f"python bench/run.py {' '.join(sys.argv[1:])}".rstrip())
            main(sys.argv[1:])
        finally:
            sys.stdout = sys.__stdout__
    print(f"Report: {path.relative_to(ROOT)}", file=sys.__stdout__)
