"""The whole site under faults of the servers it stands on: PostgreSQL restarted while a juror's
page autosaves, Redis down while the secretariat publishes the results.

A juror and the secretariat use the site as a browser does, over HTTP against the live server
(signed in through the sign-in page, posting as htmx does). The test database is PostgreSQL's,
and rows are committed (transactional tests), so the live server and the Celery worker see them.

Stopping PostgreSQL takes the machine's own cluster down (pg_ctlcluster, as root): these tests
run only where every service is required (REQUIRE_SERVICES=1, as in CI) and are skipped,
saying why, elsewhere. Whatever happens, PostgreSQL is running again when a test ends. Redis is
one of the test's own, on a free port, which it stops and starts as it likes.
"""

import datetime
import html
import os
import re
import shutil
import subprocess
import threading
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

import psycopg
import pytest
import requests
import time_machine
from django.db import connection, connections
from django.utils import timezone

from awards.models import Certificate, Entry
from awards.tasks import issue_pending_certificates_task
from jury.models import Assignment, CriterionScore, Evaluation
from notifications.kinds import Kind
from notifications.models import Notification
from notifications.tasks import sweep
from tests import services
from tests.factories import (
    PASSWORD,
    EntryFactory,
    JuryMemberFactory,
    SecretariatFactory,
    scoring_edition,
)
from tests.factories.publication import Decided
from tests.support import Worker, delivered, drain, publishing_to, wait_for

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]

# What a French juror is told when the database is away for a moment: by the autosave, and by a
# page.
TRY_AGAIN_FR = (
    "Non enregistré\u00a0: le site ne peut pas joindre sa base de données pour l\u2019instant. "
    "Réessayez dans un instant\u00a0; ce que vous avez saisi est toujours sur cette page."
)
PAGE_TRY_AGAIN_FR = "Réessayez dans un instant"
SAVED_FR = re.compile(r"Brouillon enregistré à \d\d:\d\d:\d\d\.")
LOCAL_HOSTS = ("", "127.0.0.1", "localhost", "::1")


# PostgreSQL, stopped and started -------------------------------------------------------------


@dataclass(frozen=True)
class Cluster:
    """The PostgreSQL cluster of this machine that holds the test database."""

    version: str
    name: str
    conninfo: str

    def _ctl(self, action: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            ["pg_ctlcluster", self.version, self.name, action],
            capture_output=True,
            text=True,
            timeout=60,
        )

    def running(self) -> bool:
        return self._ctl("status").returncode == 0

    def stop(self) -> None:
        """A fast shutdown, as pg_ctlcluster does it: open transactions are rolled back and
        every client is disconnected at once."""
        result = self._ctl("stop")
        assert result.returncode == 0, result.stderr

    def start(self) -> None:
        """Start the cluster unless it runs, and wait until it takes connections."""
        if not self.running():
            result = self._ctl("start")
            assert result.returncode == 0, result.stderr
        wait_for(self._accepts_connections, 30, lambda: "PostgreSQL does not accept connections")

    def _accepts_connections(self) -> bool:
        try:
            psycopg.connect(self.conninfo, connect_timeout=1).close()
        except psycopg.OperationalError:
            return False
        return True


def cluster_on_port(port: int) -> tuple[str, str] | None:
    """(version, name) of the local cluster listening on `port`, from pg_lsclusters."""
    listing = subprocess.run(
        ["pg_lsclusters", "--no-header"], capture_output=True, text=True, timeout=10
    )
    for line in listing.stdout.splitlines():
        version, name, cluster_port, *_ = line.split()
        if cluster_port == str(port):
            return version, name
    return None


@pytest.fixture
def database_server(postgresql):
    """The PostgreSQL cluster the tests use, which the test may stop and start; running again
    when the test ends, and this process's connections to it renewed."""
    services.require(
        services.services_required(),
        "stops and starts this machine's PostgreSQL: runs only where services are required "
        "(REQUIRE_SERVICES=1, as in CI)",
    )
    services.require(os.geteuid() == 0, "only root may stop and start PostgreSQL (pg_ctlcluster)")
    services.require(
        shutil.which("pg_ctlcluster") is not None and shutil.which("pg_lsclusters") is not None,
        "pg_ctlcluster is not installed (Debian's postgresql-common)",
    )
    settings = connection.settings_dict
    host, port = settings["HOST"] or "", int(settings["PORT"] or 5432)
    services.require(host in LOCAL_HOSTS, f"PostgreSQL runs on {host}, not on this machine")
    found = cluster_on_port(port)
    services.require(found is not None, f"no PostgreSQL cluster of this machine is on port {port}")
    cluster = Cluster(
        *found,
        conninfo=psycopg.conninfo.make_conninfo(
            host=host or "127.0.0.1",
            port=port,
            dbname=settings["NAME"],
            user=settings["USER"],
            password=settings["PASSWORD"],
        ),
    )
    try:
        yield cluster
    finally:
        cluster.start()
        # This process's connections died with the server they were opened to.
        connections.close_all()


# A person's browser ---------------------------------------------------------------------------


class Browser:
    """A person's browser on the live server: their cookies, and requests made as the pages
    make them (a form's CSRF token; htmx's headers for an autosave)."""

    def __init__(self, base_url: str, *, accept_language: str = "en") -> None:
        self.base_url = base_url
        self.session = requests.Session()
        self.session.headers["Accept-Language"] = accept_language

    def get(self, path: str) -> requests.Response:
        return self.session.get(self.base_url + path, timeout=30)

    def post(self, path: str, data: dict, *, htmx: bool = False) -> requests.Response:
        headers = {"X-CSRFToken": self.session.cookies.get("csrftoken", "")}
        if htmx:
            headers["HX-Request"] = "true"
        return self.session.post(self.base_url + path, data=data, headers=headers, timeout=30)

    def sign_in(self, email: str, password: str = PASSWORD) -> None:
        self.get("/accounts/sign-in/")
        response = self.post(
            "/accounts/sign-in/",
            {
                "username": email,
                "password": password,
                "csrfmiddlewaretoken": self.session.cookies["csrftoken"],
            },
        )
        assert (response.status_code, response.url) == (200, f"{self.base_url}/dashboard/")


def text_of(fragment: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", "", fragment)).strip()


# A juror's autosaves ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Answer:
    """What one autosave sent, and what the site answered (times from time.monotonic())."""

    criterion: int
    score: Decimal
    note: str
    sent: float
    answered: float
    status: int
    text: str
    retry_after: str | None


@dataclass
class AutosaveBurst:
    """A juror typing a note on a criterion (the one `criterion` names at the moment), their
    page autosaving the score and note after every word, one request at a time as htmx does."""

    browser: Browser
    path: str
    criterion: int
    answers: list[Answer] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)
    _stop: threading.Event = field(default_factory=threading.Event)

    def start(self) -> None:
        self._thread = threading.Thread(target=self._type, daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=30)

    def _type(self) -> None:
        words = 0
        while not self._stop.is_set():
            words += 1
            criterion, note = self.criterion, f"Note of {words} words"
            score = Decimal(words % 10) + Decimal("0.5")
            sent = time.monotonic()
            try:
                response = self.browser.post(
                    self.path,
                    {f"score_{criterion}": str(score), f"comment_{criterion}": note},
                    htmx=True,
                )
            except requests.RequestException as error:  # no answer at all
                self.failures.append(f"{note}: {error!r}")
                return
            self.answers.append(
                Answer(
                    criterion=criterion,
                    score=score,
                    note=note,
                    sent=sent,
                    answered=time.monotonic(),
                    status=response.status_code,
                    text=text_of(response.text),
                    retry_after=response.headers.get("Retry-After"),
                )
            )
            time.sleep(0.05)

    def sent_within(self, start: float, end: float = float("inf")) -> list[Answer]:
        """The autosaves sent at or after `start` and answered before `end`."""
        return [a for a in self.answers if a.sent >= start and a.answered < end]

    def saved(self, since: float = 0.0) -> list[Answer]:
        return [a for a in self.sent_within(since) if a.status == 200]

    def describe(self) -> str:
        return f"answers so far: {[a.status for a in self.answers]}; failures: {self.failures}"


@pytest.fixture
def french_juror(live_server):
    """(a French juror's browser, signed in; their assignment, the entry in review; the
    edition's criteria). The browser is set to English: the site speaks French, the juror's
    language, which sign-in keeps in the language cookie."""
    edition = scoring_edition()
    member = JuryMemberFactory(edition=edition, user__preferred_language="fr")
    entry = EntryFactory(edition=edition, title="Water for every district")
    Entry.objects.filter(pk=entry.pk).update(state="in_review")
    assignment = Assignment.objects.create(member=member, entry=entry)
    browser = Browser(live_server.url, accept_language="en")
    browser.sign_in(member.user.email)
    return browser, assignment, list(edition.criteria.all())


def test_autosaves_across_a_database_restart_keep_every_acknowledged_score(
    database_server, french_juror
):
    juror, assignment, (first, second, *others) = french_juror
    burst = AutosaveBurst(juror, f"/jury/assignments/{assignment.pk}/autosave/", first.pk)
    reloaded_path = f"/jury/assignments/{assignment.pk}/"

    burst.start()
    try:
        wait_for(lambda: len(burst.saved()) >= 3, 20, burst.describe)
        database_server.stop()
        stopped = time.monotonic()
        # The juror types on, on the next criterion, and reloads the page meanwhile.
        burst.criterion = second.pk
        wait_for(lambda: len(burst.sent_within(stopped)) >= 3, 20, burst.describe)
        reloaded = juror.get(reloaded_path)
        restarting = time.monotonic()
        database_server.start()
        started = time.monotonic()
        wait_for(lambda: len(burst.saved(since=started)) >= 3, 20, burst.describe)
    finally:
        burst.stop()
    connection.close()  # this process's connection died with the server

    assert burst.failures == []
    assert {a.status for a in burst.answers} == {200, 503}, burst.describe()
    assert {a.status for a in burst.sent_within(stopped, restarting)} == {503}
    for answer in burst.answers:
        if answer.status == 200:
            assert SAVED_FR.fullmatch(answer.text), answer
        else:
            assert (answer.text, answer.retry_after) == (TRY_AGAIN_FR, "5"), answer
    assert (reloaded.status_code, reloaded.headers["Retry-After"]) == (503, "5")
    assert f"<h1>{PAGE_TRY_AGAIN_FR}</h1>" in reloaded.text
    # The last autosave the site acknowledged on each criterion is kept: on the first, before
    # the server went down; on the second, once it was back.
    evaluation = Evaluation.objects.get(assignment=assignment)
    kept = {s.criterion_id: (s.value, s.comment) for s in evaluation.scores.all()}
    last = {a.criterion: (a.score, a.note) for a in burst.saved()}
    assert kept == last
    assert burst.saved()[-1].criterion == second.pk

    # The juror scores the other criteria and submits: the site works as before the restart.
    rest = {f"score_{criterion.pk}": "8" for criterion in others}
    autosaved = juror.post(burst.path, rest, htmx=True)
    submitted = juror.post(
        f"/jury/assignments/{assignment.pk}/",
        {
            **rest,
            **{f"score_{pk}": str(value) for pk, (value, _) in kept.items()},
            "action": "submit",
            "csrfmiddlewaretoken": juror.session.cookies["csrftoken"],
        },
    )

    assert autosaved.status_code == 200
    assert SAVED_FR.fullmatch(text_of(autosaved.text))
    assert (submitted.status_code, submitted.url) == (200, f"{juror.base_url}{reloaded_path}")
    assert "Soumise." in submitted.text
    evaluation.refresh_from_db()
    assert evaluation.status == Evaluation.Status.SUBMITTED
    assert dict(evaluation.scores.values_list("criterion_id", "value")) == {
        first.pk: last[first.pk][0],
        second.pk: last[second.pk][0],
        **{criterion.pk: Decimal(8) for criterion in others},
    }


def test_an_error_not_of_the_database_stays_a_server_error(rf):
    from core.unavailable import server_error

    try:
        raise ValueError("a fault of the code, which trying again does not mend")
    except ValueError:
        response = server_error(rf.get("/jury/", headers={"HX-Request": "true"}))

    assert (response.status_code, response.has_header("Retry-After")) == (500, False)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    """Debian's Chromium, as tests/e2e/conftest.py launches it."""
    services.require(
        services.chromium_available(), f"Chromium is not installed at {services.CHROMIUM}"
    )
    # Playwright's sync API runs an event loop in this thread; the test's own database access
    # happens outside it, so Django's async guard does not apply. Left set: the loop lives as
    # long as the session, and the e2e tests' own fixture removes the variable when it ends.
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    return {
        **browser_type_launch_args,
        "executable_path": services.CHROMIUM,
        "headless": True,
        "args": ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run"],
    }


@pytest.mark.e2e
def test_the_score_page_tells_the_juror_to_try_again_while_the_database_restarts(
    database_server, french_juror, page
):
    from playwright.sync_api import expect

    juror, assignment, (first, *_) = french_juror
    page.context.add_cookies(
        [{"name": c.name, "value": c.value, "url": juror.base_url} for c in juror.session.cookies]
    )
    page.goto(f"{juror.base_url}/jury/assignments/{assignment.pk}/")
    status = page.locator("#autosave-status")
    comment = page.locator(f"#comment_{first.pk}")

    try:
        database_server.stop()
        comment.fill("Written while the database restarts")
        comment.blur()
        expect(status).to_have_text(TRY_AGAIN_FR, timeout=10_000)
    finally:
        database_server.start()
    connection.close()  # this process's connection died with the server
    comment.fill("Written once it is back")
    comment.blur()

    expect(status).to_have_text(SAVED_FR, timeout=10_000)
    # The page's last autosave (htmx's, three seconds after the typing) carries the last text.
    wait_for(
        lambda: CriterionScore.objects.filter(
            evaluation__assignment=assignment, criterion=first, comment="Written once it is back"
        ).exists(),
        10,
    )


# Redis, stopped and started -----------------------------------------------------------------


@pytest.fixture
def site_on_redis(redis_server, settings):
    """The site as it is deployed: its broker and the public pages' cache on one Redis; tasks
    handed to it on a queue of the test's own."""
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": redis_server.url.replace("/0", "/1"),
        }
    }
    queue = f"test-{uuid.uuid4().hex[:12]}"
    with publishing_to(redis_server.url, queue):
        yield queue


@pytest.fixture
def worker(redis_server, site_on_redis, mail_dir, worker_issuing_env, tmp_path):
    """A worker on the test's queue, started and ready, delivering mail into `mail_dir` and
    issuing certificates into this process's MEDIA_ROOT."""
    worker = Worker(
        broker_url=redis_server.url,
        queue=site_on_redis,
        mail_dir=mail_dir,
        log_path=tmp_path / "worker.log",
        env=worker_issuing_env,
    )
    worker.start()
    try:
        wait_for(lambda: " ready." in worker.log(), 30, worker.log)
        yield worker
    finally:
        worker.stop()
        print(worker.log())


def to_be_told(decided: Decided) -> list[str]:
    """Who hears the results: the members of each reviewed entry's lead organisation and the
    contacts of its confirmed partners (not the ineligible entry's, told at the time)."""
    addresses = []
    for entry in (decided.winner, decided.finalist, decided.shown, decided.hidden):
        members = entry.organisation.memberships.filter(is_approved=True)
        addresses += [membership.user.email for membership in members]
        addresses += [p.contact_email for p in entry.partners.filter(status="confirmed")]
    return sorted(addresses)


def publish_now(secretariat: Browser, page: str) -> requests.Response:
    """What the secretariat does on the edition's publication page: tick, publish."""
    return secretariat.post(
        page,
        {
            "action": "publish",
            "confirmed": "on",
            "csrfmiddlewaretoken": secretariat.session.cookies["csrftoken"],
        },
    )


def stored_pdfs(media: Path) -> list[str]:
    return sorted(path.relative_to(media).as_posix() for path in media.rglob("*.pdf"))


def test_publication_with_redis_down_sends_every_message_and_certificate_once(
    live_server, rows_made_by_migrations, redis_server, worker, mail_dir, settings
):
    decided = Decided()
    edition = decided.edition
    secretariat, visitor = Browser(live_server.url), Browser(live_server.url)
    secretariat.sign_in(SecretariatFactory().email)
    page = f"/editions/{edition.slug}/publication/"
    told = to_be_told(decided)
    assert len(told) == 9  # the lead's member and the confirmed partners: 3 + 2 + 2 + 2

    redis_server.stop()
    published = publish_now(secretariat, page)
    # A visitor reads the results at once, the pages' cache (Redis) still down.
    during = visitor.get(f"/results/{edition.slug}/")

    assert [r.status_code for r in published.history] == [302]
    assert (published.status_code, published.url) == (200, live_server.url + page)
    assert "The results are published." in published.text
    assert during.status_code == 200
    assert decided.winner.title in html.unescape(during.text)
    edition.refresh_from_db()
    assert edition.phase == "published"
    results = Notification.objects.filter(kind=Kind.RESULTS_PUBLISHED.value)
    assert sorted(results.values_list("recipient_email", flat=True)) == told
    assert set(results.values_list("status", "attempts")) == {("pending", 0)}
    certificates = Certificate.objects.filter(edition=edition)
    # The first and the special prize, the finalist's place, the chair's thanks.
    assert sorted(certificates.values_list("kind", "sha256")) == [
        ("finalist", ""),
        ("jury_thanks", ""),
        ("prize", ""),
        ("special_prize", ""),
    ]

    redis_server.start()
    # The beat's two sweepers, as they run two minutes after the publication or later.
    with time_machine.travel(timezone.now() + datetime.timedelta(minutes=3), tick=True):
        assert sweep() == 9
        assert issue_pending_certificates_task() == 4
    wait_for(
        lambda: (
            not results.exclude(status="sent").exists()
            and not certificates.filter(sha256="").exists()
        ),
        40,
        worker.log,
    )
    drain(mail_dir, describe=worker.log)  # nothing more is on its way

    mails = Counter(
        (message["To"], message["Subject"])
        for message in delivered(mail_dir)
        if not message["To"].startswith("barrier-")
    )
    assert sorted(to for to, _ in mails) == told
    assert set(mails.values()) == {1}
    assert set(results.values_list("status", "attempts")) == {("sent", 1)}
    # One file each: a certificate issued twice would have stored a second one.
    assert stored_pdfs(Path(settings.MEDIA_ROOT)) == sorted(
        certificates.values_list("pdf", flat=True)
    )
    after = visitor.get(f"/results/{edition.slug}/")
    assert after.status_code == 200
    assert decided.winner.title in html.unescape(after.text)
