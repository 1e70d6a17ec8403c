"""Certificates are issued by a real Celery worker through Redis: publishing the results in
this process queues one task per certificate, and the worker (another process, the same
database and file storage) renders, seals and stores each."""

import uuid

import pytest
from django.utils import timezone

from awards.models import Certificate, Entry
from awards.services.transitions import change_phase
from jury.models import Prize
from tests.factories import (
    EditionFactory,
    EntryFactory,
    JuryMemberFactory,
    PartnerFactory,
    SecretariatFactory,
)
from tests.support import Worker, publishing_to, wait_for

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def worker(postgresql, redis_url, worker_issuing_env, tmp_path):
    queue = f"test-{uuid.uuid4().hex[:12]}"
    worker = Worker(
        broker_url=redis_url,
        queue=queue,
        mail_dir=tmp_path,
        log_path=tmp_path / "worker.log",
        env=worker_issuing_env,
    )
    with publishing_to(redis_url, queue):
        worker.start()
        try:
            yield worker
        finally:
            worker.stop()
            print(worker.log())


def test_publication_has_the_worker_issue_every_certificate(worker):
    now = timezone.now()
    edition = EditionFactory(
        phase="deliberation", results_locked_at=now, announcement_at=now - timezone.timedelta(1)
    )
    winners = []
    for kind in ("first", "second", "finalist"):
        entry = EntryFactory(edition=edition, title=f"Partnership {kind}", language="fr")
        Entry.objects.filter(pk=entry.pk).update(state="awarded")
        PartnerFactory(entry=entry, name="Львівська міська рада", country="UA", status="confirmed")
        Prize.objects.create(
            edition=edition, entry=entry, kind=kind, decided_at=now, confirmed_at=now
        )
        winners.append(entry)
    JuryMemberFactory(edition=edition, accepted_at=now)

    change_phase(edition=edition, name="publish_results", by=SecretariatFactory())

    wait_for(
        lambda: (
            Certificate.objects.filter(edition=edition).count() == 4
            and not Certificate.objects.filter(edition=edition, sha256="").exists()
        ),
        90,
        worker.log,
    )
    issued = Certificate.objects.filter(edition=edition)
    assert sorted(issued.values_list("kind", flat=True)) == [
        "finalist",
        "jury_thanks",
        "prize",
        "prize",
    ]
    for certificate in issued:
        with certificate.pdf.open("rb") as handle:
            assert handle.read(5) == b"%PDF-"
    assert all(c.credential for c in issued if c.kind != "jury_thanks")
