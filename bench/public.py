"""Requests per second and p95 of the public pages that crowds hit on announcement day, beside
a bare Django view, under gunicorn and PostgreSQL in the same run.

1,000 published entries (each with two partners and one or two SDGs, 32 with prizes) over
four published editions. gunicorn serves the benchmark's database with the site's own
settings (DEBUG off, the cache on Redis when REDIS_URL is set, none with
CACHE_URL=dummycache://) plus one bare view (bench/public_urls.py); wrk loads each URL in turn
(2 threads, 4 connections for 2 workers, 4 seconds after a 3-second warm-up), the URLs
interleaved over 5 rounds and each figure the median of its rounds. Needs
PostgreSQL, gunicorn and wrk (Debian package `wrk`).

gunicorn's sync workers close the connection after each response, so wrk connects again for
every request; a few of those connections wait up to a second in the kernel (the p95 of even
the bare view shows it), the same for every URL. p50 is the time of a request itself.
"""

import re
import shutil
import statistics
import subprocess
from pathlib import Path

from django.db import connection
from django.utils import timezone

from bench.serve import serving, site_env

ENTRIES = 1000
EDITIONS = 4
SECONDS = 4
ROUNDS = 5
# Twice as many connections as gunicorn has workers: every worker always busy, few waiting.
CONNECTIONS = 4
THEMES = ("water", "schools", "waste", "health")


def run(report) -> None:
    if connection.vendor != "postgresql" or shutil.which("wrk") is None:
        report("public pages", 0, "-", "skipped: needs PostgreSQL (DATABASE_URL) and wrk")
        return
    sample = published_entries()
    with serving(site_env()) as base:
        targets = [
            ("bare Django view", "/bench/bare/"),
            ("gallery", "/gallery/"),
            ("gallery, searched and filtered", "/gallery/?q=water&region=africa"),
            ("entry page", f"/gallery/{sample}/"),
            ("API list", "/api/entries"),
        ]
        # Interleaved: each round loads every URL once, so that what the machine does
        # meanwhile falls on all of them alike; each figure is the median of the rounds.
        runs: dict[str, list[tuple[float, float, float, int, int, int]]] = {
            path: [] for _name, path in targets
        }
        for _round in range(ROUNDS):
            for _name, path in targets:
                runs[path].append(_load(base + path))
        bare_rps = statistics.median(run[0] for run in runs["/bench/bare/"])
        for name, path in targets:
            rps, p95, p50 = (statistics.median(run[i] for run in runs[path]) for i in range(3))
            errors, total, sockets = (sum(run[i] for run in runs[path]) for i in (3, 4, 5))
            note = (
                f"p50 {p50:.1f} ms, p95 {p95:.1f} ms (medians of {ROUNDS} rounds); "
                f"{total} requests, {errors} errors, {sockets} socket errors"
            )
            if errors:
                note += " (NOT VALID: errors)"
            if path != "/bench/bare/":
                note += f"; {rps / bare_rps:.2f}x the bare view (target >= 0.5x)"
            report(f"{name} (req/s)", rps, "req/s", note)


def published_entries(
    count: int = ENTRIES, editions: int = EDITIONS, first_year: int = 2018
) -> str:
    """`count` published entries over `editions` editions (every other year from
    `first_year`), made in bulk; the reference of one."""
    from awards.models import Entry, Organisation, Partner
    from jury.models import Prize
    from tests.factories import EditionFactory

    now = timezone.now()
    before = Entry.objects.filter(published_at__isnull=False).count()
    through = Entry.sdgs.through
    sample = ""
    per_edition = count // editions
    for e in range(editions):
        edition = EditionFactory(year=first_year + 2 * e, phase="published", results_locked_at=now)
        organisations = Organisation.objects.bulk_create(
            Organisation(
                name=f"Town {e}-{n}", country=("FR", "ES", "PL", "DE")[n % 4], kind="municipality"
            )
            for n in range(per_edition)
        )
        entries = Entry.objects.bulk_create(
            Entry(
                edition=edition,
                organisation=organisation,
                number=n + 1,
                title=f"Partnership {e}-{n}: {THEMES[n % 4]} for every district",
                summary="Two local governments worked together for years. " * 6,
                language=("en", "fr", "es")[n % 3],
                state="awarded" if n < 8 else "not_shortlisted",
                submitted_at=now,
                published_at=now,
                public_display=True,
                search_names=f"{organisation.name}\nPartner {e}-{n}",
            )
            for n, organisation in enumerate(organisations)
        )
        Partner.objects.bulk_create(
            Partner(
                entry=entry,
                name=f"Partner {e}-{n}-{k}",
                country=("SN", "UA", "BR", "MA")[(n + k) % 4],
                contact_name="Contact",
                contact_email=f"p{e}-{n}-{k}@example.org",
                status="confirmed",
            )
            for n, entry in enumerate(entries)
            for k in range(2)
        )
        through.objects.bulk_create(
            through(entry_id=entry.pk, sustainabledevelopmentgoal_id=goal)
            for n, entry in enumerate(entries)
            for goal in (n % 17 + 1, 17)
            if goal != 17 or n % 17 != 16
        )
        Prize.objects.bulk_create(
            Prize(edition=edition, entry=entry, kind=kind, decided_at=now, confirmed_at=now)
            for entry, kind in zip(
                entries, ["first", "second", "third"] + ["finalist"] * 5, strict=False
            )
        )
        sample = entries[0].reference
    assert Entry.objects.filter(published_at__isnull=False).count() == before + count
    return sample


def _load(url: str) -> tuple[float, float, float, int, int]:
    script = str(Path(__file__).with_name("latency.lua"))
    # As behind the TLS-terminating proxy production has (README): HTTPS as far as Django knows.
    proxied = ["-H", "X-Forwarded-Proto: https"]
    subprocess.run(
        ["wrk", *proxied, "-t2", f"-c{CONNECTIONS}", "-d3s", url], capture_output=True, check=True
    )
    done = subprocess.run(
        ["wrk", *proxied, "-t2", f"-c{CONNECTIONS}", f"-d{SECONDS}s", "-s", script, url],
        capture_output=True,
        text=True,
        check=True,
    )
    found = re.search(r"RESULT ([\d.]+) ([\d.]+) ([\d.]+) (\d+) (\d+) (\d+)", done.stdout)
    assert found, done.stdout + done.stderr
    rps, p95, p50, errors, total, sockets = found.groups()
    return float(rps), float(p95), float(p50), int(errors), int(total), int(sockets)
