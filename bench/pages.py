"""Server time and queries of the pages every visitor and every signed-in person hits first,
each beside the bare sign-in page in the same run (`ratio_to_bare`: the share of the bare
page's requests per second the page can serve).

The dashboards are measured with ten times more data than a real programme holds (a
secretariat seeing 200 editions, 200 pending membership requests and 600 jurors; an applicant
with 50 complete entries), to show that their query count does not grow with the data. The
entry PDF is rendered by WeasyPrint on every request. Then the pages a person waits on are
measured on whole simulated editions (bench/edition_pages.py).
"""

import time

from django.test import Client

from bench import edition_pages
from bench.edition_pages import measure_beside_bare


def run(report) -> None:
    from tests.factories import (
        EditionFactory,
        EntryFactory,
        JuryMemberFactory,
        MembershipFactory,
        OrganisationFactory,
        QuestionFactory,
        SecretariatFactory,
        complete_entry,
    )

    for _ in range(200):
        edition = EditionFactory()
        JuryMemberFactory.create_batch(3, edition=edition)
        MembershipFactory(is_approved=False)
    secretariat = SecretariatFactory()
    applicant = MembershipFactory()
    open_edition = EditionFactory()
    QuestionFactory.create_batch(5, edition=open_edition)
    entries = [
        complete_entry(EntryFactory(edition=open_edition, organisation=applicant.organisation))
        for _ in range(50)
    ]

    # A call the size of a national programme: 1,000 submitted entries awaiting screening.
    from awards.services.screening import add_default_checklist

    big_call = EditionFactory()
    add_default_checklist(edition=big_call)
    _bulk_entries(big_call, OrganisationFactory(), 1000, state="submitted")

    # A jury the size of a large programme: 15 jurors, 300 entries in review, 3 jurors each.
    jury_edition, juror = _jury_at_work(report, secretariat)
    juror_client = Client()
    juror_client.force_login(juror)

    anonymous = Client()
    signed_in = Client()
    signed_in.force_login(secretariat)
    applicant_client = Client()
    applicant_client.force_login(applicant.user)

    pages = [
        ("home page (anonymous)", anonymous, "/"),
        ("healthz", anonymous, "/healthz"),
        ("dashboard (secretariat, 200 editions)", signed_in, "/dashboard/"),
        ("dashboard (applicant, 50 entries)", applicant_client, "/dashboard/"),
        ("entry review page", applicant_client, f"/entries/{entries[0].pk}/review/"),
        ("entry PDF (WeasyPrint)", applicant_client, f"/entries/{entries[0].pk}/pdf/"),
        (
            "screening queue (1,000 entries, page 1)",
            signed_in,
            f"/screening/?edition={big_call.slug}",
        ),
        (
            "screening queue filtered by country",
            signed_in,
            f"/screening/?edition={big_call.slug}&country=BE",
        ),
        (
            "jury assignment matrix (15 jurors x 300 entries)",
            signed_in,
            f"/editions/{jury_edition.slug}/jury/assignments/",
        ),
        (
            "jury progress board (15 jurors x 300 entries)",
            signed_in,
            f"/editions/{jury_edition.slug}/jury/progress/",
        ),
        ("juror home (60 assignments)", juror_client, "/jury/"),
    ]
    measure_beside_bare(report, pages)
    # The pages a person waits on, on a whole edition at two sizes (bench/edition_pages.py).
    edition_pages.run(report)


def _jury_at_work(report, secretariat):
    """15 accepted jurors, 300 entries in review assigned 3 per entry by the planner (timed),
    a third of the evaluations submitted. Returns the edition and one juror."""
    from jury.models import Assignment, Evaluation, JurySettings
    from jury.services import assign_automatically
    from tests.factories import JuryMemberFactory, OrganisationFactory, scoring_edition

    edition = scoring_edition()
    _bulk_entries(edition, OrganisationFactory(country="BE"), 300, state="in_review")
    members = [JuryMemberFactory(edition=edition, country="FR") for _ in range(15)]
    JurySettings.objects.update_or_create(edition=edition, defaults={"jurors_per_entry": 3})
    started = time.perf_counter()
    assign_automatically(edition=edition, by=secretariat, seed=1)
    report(
        "automatic assignment (15 jurors, 300 entries, k=3)",
        (time.perf_counter() - started) * 1000,
        "ms",
        "planner and database writes",
    )
    assignments = list(Assignment.objects.filter(member__edition=edition).order_by("pk"))
    Evaluation.objects.bulk_create(
        Evaluation(assignment=a, status=Evaluation.Status.SUBMITTED) for a in assignments[::3]
    )
    return edition, members[0].user


def _bulk_entries(edition, organisation, count: int, *, state: str) -> None:
    """`count` entries of `organisation`, put straight into `state`: two queries, where the
    factories and the workflow would take several per entry."""
    from awards.models import Entry

    Entry.objects.bulk_create(
        Entry(edition=edition, organisation=organisation, number=n, title=f"Entry {n}")
        for n in range(1, count + 1)
    )
    Entry.objects.filter(edition=edition, organisation=organisation).update(state=state)
