"""Time of a certificate: rendering beside a minimal one-page document, the seal apart, and
100 certificates issued through one and through two real Celery workers.

Rendering: 100 certificates (an entry with five partners in five scripts, a citation, two
signatories with signature images, the QR code) through `render_certificate_pdf`, against the
same number of a minimal one-page document (one paragraph) through the same renderer
(`awards.pdf.render_pdf`, which forks a child per render), in turns; the medians and their
ratio (target <= 1.5x). The seal (`seal_pdf`, pyHanko, RSA 3072) is timed apart on the
rendered certificates.

Workers (PostgreSQL and Redis only; skipped on SQLite or without Redis): 100 certificates
asked for, then issued by 1 worker and, for another 100, by 2 workers (solo pool each, on a
queue of the benchmark's own); the wall time until every one is issued.
"""

import io
import os
import statistics
import tempfile
import time
import uuid
from pathlib import Path

from django.conf import settings
from django.db import connection

CERTIFICATES = 100
PARTNERS = [
    ("Львівська міська рада", "UA"),
    ("بلدية تونس", "TN"),
    ("თბილისის მერია", "GE"),
    ("Δήμος Αθηναίων", "GR"),
    ("Prefeitura de Belo Horizonte", "BR"),
]
MINIMAL = "<!DOCTYPE html><html><body><p>One paragraph on one page.</p></body></html>"


def run(report) -> None:
    from awards import certificates
    from awards.pdf import render_pdf

    folder = Path(tempfile.mkdtemp(prefix="bench-certificates-"))
    _own_keys(folder)
    made = _certificates(CERTIFICATES, prefix="render")

    render_pdf(MINIMAL)  # WeasyPrint loaded and its first render done, for both alike
    minimal, rendered = [], []
    pdfs = []
    for certificate in made:
        started = time.perf_counter()
        render_pdf(MINIMAL)
        minimal.append(time.perf_counter() - started)
        started = time.perf_counter()
        pdfs.append(certificates.render_certificate_pdf(certificate))
        rendered.append(time.perf_counter() - started)
    sealing = []
    for pdf in pdfs:
        started = time.perf_counter()
        certificates.seal_pdf(pdf)
        sealing.append(time.perf_counter() - started)

    minimal_ms = statistics.median(minimal) * 1000
    certificate_ms = statistics.median(rendered) * 1000
    report("minimal one-page document", minimal_ms, "ms", f"median of {CERTIFICATES}")
    report(
        "certificate rendered (not sealed)",
        certificate_ms,
        "ms",
        f"median of {CERTIFICATES}; {len(pdfs[0]) // 1024} KB each",
    )
    ratio = certificate_ms / minimal_ms
    report(
        "certificate / minimal document",
        ratio,
        "x",
        f"target <= 1.5x ({'met' if ratio <= 1.5 else 'NOT met'})",
    )
    report(
        "seal (pyHanko, PAdES B-B, RSA 3072)",
        statistics.median(sealing) * 1000,
        "ms",
        f"median of {CERTIFICATES}",
    )

    if connection.vendor != "postgresql" or not _redis():
        report("workers", 0, "-", "skipped: needs PostgreSQL and Redis (DATABASE_URL, REDIS_URL)")
        return
    one = _through_workers(1, folder)
    two = _through_workers(2, folder)
    report(
        f"{CERTIFICATES} certificates, 1 worker",
        one,
        "s",
        f"{one / CERTIFICATES * 1000:.0f} ms each",
    )
    report(f"{CERTIFICATES} certificates, 2 workers", two, "s", f"speed-up {one / two:.2f}x")


def _own_keys(folder: Path) -> None:
    """A seal and a credential key of the benchmark's own, so that nothing real is used."""
    from awards.credentials import write_key
    from awards.management.commands.create_seal import make_seal

    settings.CERTIFICATE_SEAL_FILE = folder / "seal.p12"
    settings.CERTIFICATE_SEAL_PASSWORD = ""
    settings.CERTIFICATE_SEAL_FILE.write_bytes(make_seal(name="Bench", years=1, password=""))
    settings.CREDENTIAL_KEY_FILE = folder / "key.jwk"
    write_key(settings.CREDENTIAL_KEY_FILE)
    settings.MEDIA_ROOT = folder / "media"


def _certificates(count: int, *, prefix: str) -> list:
    from django.core.files.base import ContentFile
    from PIL import Image

    from awards import certificates
    from awards.models import Certificate, Entry, Signatory
    from tests.factories import EditionFactory, EntryFactory, OrganisationFactory, PartnerFactory

    edition = EditionFactory(phase="published")
    for position, (name, role) in enumerate(
        [("Frédéric Vallier", "Secretary General"), ("Ana Pérez", "President of the jury")]
    ):
        image = io.BytesIO()
        Image.new("RGB", (300, 90), "white").save(image, "PNG")
        signatory = Signatory(edition=edition, position=position, name=name, role=role)
        signatory.signature.save("signature.png", ContentFile(image.getvalue()), save=False)
        signatory.save()
    made = []
    for n in range(count):
        entry = EntryFactory(
            edition=edition,
            organisation=OrganisationFactory(name=f"Ville de Lyon {prefix} {n}", country="FR"),
            title=f"Partnership {n}: water for every district",
        )
        Entry.objects.filter(pk=entry.pk).update(state="awarded")
        for name, country in PARTNERS:
            PartnerFactory(entry=entry, name=name, country=country, status="confirmed")
        made.append(
            Certificate.objects.create(
                edition=edition,
                entry=entry,
                kind=Certificate.Kind.PRIZE,
                source=f"{prefix}:{n}",
                prize_name="1st prize",
                citation="A partnership that other cities can follow, " * 4,
                recipients=certificates.entry_recipients(entry),
                language=("en", "fr", "es")[n % 3],
                requested_at=edition.announcement_at,
            )
        )
    return made


def _redis() -> bool:
    from tests.support import redis_ping

    return redis_ping(_redis_url())


def _redis_url() -> str:
    return os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")


def _through_workers(count: int, folder: Path) -> float:
    """Seconds from queueing CERTIFICATES issue tasks to all of them issued, by `count`
    workers. The rows are committed first: the workers are other processes."""
    from awards.models import Certificate
    from awards.tasks import issue_certificate_task
    from tests.support import Worker, publishing_to, wait_for

    made = _certificates(CERTIFICATES, prefix=f"workers-{count}")
    ids = [c.pk for c in made]
    queue = f"bench-{uuid.uuid4().hex[:10]}"
    env = {
        "DJANGO_MEDIA_ROOT": str(settings.MEDIA_ROOT),
        "CERTIFICATE_SEAL_FILE": str(settings.CERTIFICATE_SEAL_FILE),
        "CERTIFICATE_SEAL_PASSWORD": "",
        "CREDENTIAL_KEY_FILE": str(settings.CREDENTIAL_KEY_FILE),
    }
    workers = [
        Worker(
            broker_url=_redis_url(),
            queue=queue,
            mail_dir=folder,
            log_path=folder / f"worker-{count}-{n}.log",
            env=env,
        )
        for n in range(count)
    ]
    for worker in workers:
        worker.start()
    try:
        with publishing_to(_redis_url(), queue):
            # Each worker loaded and listening before the clock starts.
            wait_for(
                lambda: all(" ready." in w.log() for w in workers),
                120,
                lambda: "\n".join(w.log()[-2000:] for w in workers),
            )
            started = time.perf_counter()
            for certificate_id in ids:
                issue_certificate_task.delay(certificate_id=certificate_id)
            wait_for(
                lambda: Certificate.objects.filter(pk__in=ids, sha256="").count() == 0,
                600,
                lambda: "\n".join(w.log()[-2000:] for w in workers),
            )
            return time.perf_counter() - started
    finally:
        for worker in workers:
            worker.stop()
