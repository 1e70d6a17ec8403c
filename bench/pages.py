"""Server time and queries of the pages every visitor and every signed-in person hits first.

The dashboard is measured with a secretariat seeing 200 editions, 200 pending membership
requests and 600 jurors, ten times more than a real programme holds, to show that its cost
does not grow with the data.
"""

import statistics
import time

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

ROUNDS = 50


def run(report) -> None:
    from tests.factories import (
        EditionFactory,
        JuryMemberFactory,
        MembershipFactory,
        SecretariatFactory,
    )

    for _ in range(200):
        edition = EditionFactory()
        JuryMemberFactory.create_batch(3, edition=edition)
        MembershipFactory(is_approved=False)
    secretariat = SecretariatFactory()

    anonymous = Client()
    signed_in = Client()
    signed_in.force_login(secretariat)

    for label, client, url in [
        ("sign-in page (anonymous)", anonymous, "/accounts/sign-in/"),
        ("home page (anonymous)", anonymous, "/"),
        ("healthz", anonymous, "/healthz"),
        ("dashboard (secretariat, 200 editions)", signed_in, "/dashboard/"),
    ]:
        client.get(url)  # warm template and translation caches
        timings = []
        for _ in range(ROUNDS):
            with CaptureQueriesContext(connection) as queries:
                started = time.perf_counter()
                response = client.get(url)
                timings.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200, (url, response.status_code)
        timings.sort()
        p95 = timings[int(len(timings) * 0.95) - 1]
        report(label, statistics.median(timings), "ms", f"p95 {p95:.1f} ms, {len(queries)} queries")
