"""A jury at work under load: 100 jurors signed in and autosaving their scores at once, with
applicants autosaving drafts, visitors on the gallery and the bare Django view beside them, over
HTTP; then the database counted, so that no score is lost or doubled.

An edition in jury review with JURORS accepted jurors (ASSIGNMENTS entries each, three jurors
per entry, by the planner) and the default rubric; APPLICANTS applicants with a draft each; 40
published entries. Every account has one password, hashed by the site's own hasher (the one
sign-in checks). The site is served as bench/public.py serves it (bench/serve.py: gunicorn, two
sync workers, PostgreSQL, the cache on Redis) with a Celery worker on Redis beside it, which
delivers meanwhile the mail that tells each juror their entries. locust (bench/locustfile.py)
signs every juror in through the sign-in page, then each opens an entry, autosaves it
AUTOSAVES times as htmx does (every 3 to 6 seconds), submits it and goes on to the next; the
window of SECONDS seconds opens once every juror has signed in. Printed: each request type's
count, p50, p95 and failures next to the bare view's, every 5xx with its request, and the
checks: each evaluation's stored scores equal to the last save the server acknowledged (or,
for a save cut off when the run stopped, to one sent after it), one score row per criterion,
every acknowledged submission submitted, every juror's mail sent once. Needs PostgreSQL, Redis
and locust (the dev extra); BENCH_LOAD_SECONDS and BENCH_LOAD_JURORS make a shorter run.
"""

import csv
import json
import os
import subprocess
import sys
import time
from pathlib import Path

from django.db import connection
from django.db.models import Count

from bench.serve import ROOT, celery_worker, serving, site_env

JURORS = int(os.environ.get("BENCH_LOAD_JURORS", "100"))
ASSIGNMENTS = 4
APPLICANTS = 10
VISITORS = 5
BARE = 2
AUTOSAVES = 3
SECONDS = int(os.environ.get("BENCH_LOAD_SECONDS", "60"))
SIGN_IN_LIMIT = int(os.environ.get("BENCH_LOAD_SIGN_IN_LIMIT", "120"))
SPAWN_RATE = 10
PASSWORD = "a-long-benchmark-password-1"


def run(report) -> None:
    redis_url = os.environ.get("REDIS_URL", "")
    locust = Path(sys.executable).with_name("locust")
    if connection.vendor != "postgresql" or not redis_url or not locust.exists():
        report("load", 0, "-", "skipped: needs PostgreSQL, REDIS_URL and locust (dev extra)")
        return
    started = time.perf_counter()
    plan = _build()
    report("data built through the factories and services", time.perf_counter() - started, "s")
    folder = ROOT / "bench" / "reports" / f"load-{time.strftime('%Y-%m-%d-%H%M%S')}"
    folder.mkdir(parents=True)
    env = site_env(broker_url=redis_url)
    with (
        celery_worker(env, broker_url=redis_url, folder=folder),
        serving(env, log=folder / "gunicorn.log") as base,
    ):
        told = _tell_jurors(plan, redis_url, env["BENCH_RUN"])
        results = _locust(locust, base, plan, folder)
        _report_requests(report, folder)
        # A fresh connection: the one of before the load may have died with a restart of the
        # database meanwhile (the gunicorn log says so; see below).
        connection.close()
        mail = _mail_delivered(folder, told)
    print(f"  (logs in {folder.relative_to(ROOT)})")
    _report_checks(report, plan, results, mail)
    _report_server_log(report, folder / "gunicorn.log")


def _build() -> dict:
    """The jury edition, the applicants and the gallery; the plan the locustfile reads."""
    from bench.pages import _bulk_entries
    from bench.public import published_entries
    from jury.models import JurySettings
    from jury.services import assign_automatically
    from tests.factories import (
        JuryMemberFactory,
        OrganisationFactory,
        SecretariatFactory,
        scoring_edition,
    )

    secretariat = SecretariatFactory()
    edition = scoring_edition(phase="jury_review")
    _bulk_entries(
        edition, OrganisationFactory(country="BE"), JURORS * ASSIGNMENTS // 3 + 1, state="in_review"
    )
    edition.entries.update(summary="Two cities bring safe water to every district. " * 8)
    members = [JuryMemberFactory(edition=edition, country="FR") for _ in range(JURORS)]
    JurySettings.objects.update_or_create(edition=edition, defaults={"jurors_per_entry": 3})
    assign_automatically(edition=edition, by=secretariat, seed=1)
    applicants = _applicants()
    _set_password([m.user_id for m in members] + [a["user"] for a in applicants])
    published_entries(count=40, editions=1, first_year=2010)
    from awards.models import Entry

    gallery = [e.reference for e in Entry.objects.filter(published_at__isnull=False)[:40]]
    return {
        "edition": edition.pk,
        "secretariat": secretariat.pk,
        "password": PASSWORD,
        "jurors": [{"email": m.user.email} for m in members],
        "applicants": [{"email": a["email"], "entry": a["entry"]} for a in applicants],
        "gallery": gallery,
        "counts": {"jurors": JURORS, "applicants": APPLICANTS, "visitors": VISITORS, "bare": BARE},
        "autosaves": AUTOSAVES,
        "seconds": SECONDS,
        "sign_in_limit": SIGN_IN_LIMIT,
        "spawn_rate": SPAWN_RATE,
    }


def _applicants() -> list[dict]:
    from tests.factories import EditionFactory, EntryFactory, MembershipFactory, QuestionFactory

    call = EditionFactory()
    QuestionFactory.create_batch(3, edition=call)
    made = []
    for _ in range(APPLICANTS):
        membership = MembershipFactory()
        entry = EntryFactory(edition=call, organisation=membership.organisation)
        made.append({"user": membership.user_id, "email": membership.user.email, "entry": entry.pk})
    return made


def _set_password(user_ids: list[int]) -> None:
    """PASSWORD for every account, hashed once by the site's own hasher (run.py makes the
    factories hash with MD5; the served site knows only its own hashers, so sign-in checks
    this one for real, at its full cost)."""
    from django.contrib.auth.hashers import PBKDF2PasswordHasher

    from accounts.models import User

    hasher = PBKDF2PasswordHasher()
    User.objects.filter(pk__in=user_ids).update(password=hasher.encode(PASSWORD, hasher.salt()))


def _tell_jurors(plan: dict, redis_url: str, queue: str) -> int:
    """The secretariat mails every juror their entries; the worker delivers while the load
    runs. How many messages were queued."""
    from accounts.models import User
    from awards.models import Edition
    from jury.services.assignments import tell_jurors_their_assignments
    from tests.support import publishing_to

    with publishing_to(redis_url, queue):
        return tell_jurors_their_assignments(
            edition=Edition.objects.get(pk=plan["edition"]),
            by=User.objects.get(pk=plan["secretariat"]),
        )


def _locust(locust: Path, base: str, plan: dict, folder: Path) -> dict:
    """locust headless on the plan (its LoadTestShape bounds the run); what it wrote."""
    plan_path, results_path = folder / "plan.json", folder / "results.json"
    plan_path.write_text(json.dumps(plan))
    command = [
        locust, "-f", str(ROOT / "bench" / "locustfile.py"), "--headless", "--host", base,
        "--csv", str(folder / "locust"), "--only-summary", "--loglevel", "WARNING",
    ]  # fmt: skip
    env = {**os.environ, "LOAD_PLAN": str(plan_path), "LOAD_RESULTS": str(results_path)}
    with (folder / "locust.log").open("wb") as log:
        subprocess.run(
            command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
            timeout=SIGN_IN_LIMIT + SECONDS + 120,
        )  # fmt: skip
    if not results_path.exists():
        raise RuntimeError("locust wrote no results:\n" + (folder / "locust.log").read_text())
    results = json.loads(results_path.read_text())
    opened, closed = results["window"]
    print(
        f"  {results['signed_in']} of {JURORS} jurors signed in after {opened or 0:.0f} s; "
        f"then {SECONDS} s of load (run stopped at {closed or 0:.0f} s)"
    )
    return results


def _report_requests(report, folder: Path) -> None:
    with (folder / "locust_stats.csv").open() as stats:
        rows = [row for row in csv.DictReader(stats) if row["Name"] != "Aggregated"]
    bare = next((row for row in rows if row["Name"] == "bare view"), None)
    beside = f"; bare view p50 {bare['50%']} ms, p95 {bare['95%']} ms" if bare else ""
    for row in sorted(rows, key=lambda row: row["Name"]):
        report(
            f"{row['Name']} (p50)",
            float(row["50%"]),
            "ms",
            f"p95 {row['95%']} ms, {row['Request Count']} requests, "
            f"{row['Failure Count']} failures" + ("" if row is bare else beside),
        )
    with (folder / "locust_failures.csv").open() as failures:
        for row in csv.DictReader(failures):
            print(f"  FAILURE {row['Occurrences']} x {row['Method']} {row['Name']}: {row['Error']}")


def _mail_delivered(folder: Path, told: int) -> dict:
    """Waits (up to a minute) for the worker to send the jurors' mail; what went out."""
    from jury.services.assignments import ASSIGNED_KEY
    from notifications.models import Notification
    from tests.support import delivered

    rows = Notification.objects.filter(key__startswith=ASSIGNED_KEY)
    deadline = time.monotonic() + 60
    while rows.filter(status="pending").exists() and time.monotonic() < deadline:
        time.sleep(0.5)
    recipients = [message["To"] for message in delivered(folder / "mail")]
    return {
        "queued": told,
        "statuses": dict(rows.values_list("status").annotate(n=Count("pk"))),
        "delivered": len(recipients),
        "twice": len(recipients) - len(set(recipients)),
    }


def _report_checks(report, plan: dict, results: dict, mail: dict) -> None:
    from bench.load_checks import answers_kept, scores_kept

    scores = scores_kept(plan, results["assignments"])
    for label, value in scores.items():
        report(label, value, "")
    for label, value in answers_kept(results["entries"]).items():
        report(label, value, "")
    report("5xx responses", results["server_errors"], "", "must be 0")
    for sample in results["server_error_samples"]:
        print(f"  5xx: {json.dumps(sample, ensure_ascii=False)}")
    report("jurors' mails queued by the secretariat", mail["queued"], "")
    report(
        "  sent by the worker (outbox rows)",
        mail["statuses"].get("sent", 0),
        "",
        str(mail["statuses"]),
    )
    report("  delivered (messages written)", mail["delivered"], "", f"{mail['twice']} twice")


def _report_server_log(report, path: Path) -> None:
    """The site's own account of its 5xx: how many tracebacks, and how many of them were the
    database going away (PostgreSQL stopped or restarted by something outside the run)."""
    text = path.read_text(errors="replace")
    errors = text.count("Internal Server Error:")
    outage = text.count("terminating connection due to administrator command") + text.count(
        "the database system is shutting down"
    )
    report("server errors in the gunicorn log", errors, "", f"{outage} database-outage lines")
