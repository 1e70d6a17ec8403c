"""Taking the demo's editions away, so that a run can build them again as the README describes.

Entries only move forward (a submitted entry is never a draft again, a withdrawal is final, a
submitted evaluation stays submitted until the secretariat reopens it), so a demo that visitors
used cannot be walked back through the state machine. Each run therefore removes the demo's own
editions with everything in them, then builds them again through the services, as the
secretariat, applicants and jurors would have; editions anyone else made are left alone.
"""

from django.db import transaction
from django.db.models import Q, QuerySet

from awards.models import (
    Attachment,
    Certificate,
    Edition,
    EligibilityAnswer,
    Entry,
    EntryTransition,
    Partner,
    Signatory,
)
from jury.models import (
    Ballot,
    ConflictOfInterest,
    DecisionEvent,
    Evaluation,
    MeetingNote,
    Prize,
)
from notifications.models import Notification

from .people import DEMO_DOMAIN


def demo_editions(year: int) -> QuerySet[Edition]:
    """The editions the demo owns when it runs in `year`: those of its three years (this
    year's call, the edition two years back whose jury is at work and the decided one four
    years back: the year is unique, so the demo needs them), and those a run in the calendar
    year before made, under the slugs the demo gives."""
    earlier = [f"platformawards-{earlier}" for earlier in (year - 1, year - 3, year - 5)]
    return Edition.objects.filter(Q(year__in=[year, year - 2, year - 4]) | Q(slug__in=earlier))


@transaction.atomic
def remove_demo_editions(*, year: int) -> int:
    """Remove the demo's editions for a run in `year`; returns how many there were.

    Side effects, in order: the outbox emptied of the messages to the demo's people and to the
    partners of those editions' entries (they point at entries about to go); the entries deleted
    with all they hold (partners, linked projects, answers, attachments, screening answers, their
    history, conflicts of interest, assignments, evaluations and scores); their certificates and
    the editions deleted with their questions, checklist, reminder rules, phase history, rubric,
    jury and settings; once committed, the files of attachments, certificates and signatures
    removed from storage.
    """
    editions = list(demo_editions(year).select_for_update())
    entries = Entry.objects.filter(edition__in=editions)
    partner_addresses = set(
        Partner.objects.filter(entry__in=entries).values_list("contact_email", flat=True)
    )
    Notification.objects.filter(
        Q(recipient_email__iendswith=f"@{DEMO_DOMAIN}") | Q(recipient_email__in=partner_addresses)
    ).delete()
    files = [
        (attachment.file.storage, attachment.file.name)
        for attachment in Attachment.objects.filter(entry__in=entries)
    ]
    issued = Certificate.objects.filter(edition__in=editions)
    files += [(c.pdf.storage, c.pdf.name) for c in issued if c.pdf]
    signatories = Signatory.objects.filter(edition__in=editions)
    files += [(s.signature.storage, s.signature.name) for s in signatories if s.signature]
    # The programme's records are protected from any deletion that would take them along
    # unseen; the demo's own are removed on purpose, each in turn.
    Evaluation.objects.filter(assignment__entry__in=entries).delete()
    issued.delete()
    Prize.objects.filter(entry__in=entries).delete()
    DecisionEvent.objects.filter(edition__in=editions).delete()
    Ballot.objects.filter(edition__in=editions).delete()
    MeetingNote.objects.filter(edition__in=editions).delete()
    ConflictOfInterest.objects.filter(
        Q(entry__in=entries) | Q(member__edition__in=editions)
    ).delete()
    EntryTransition.objects.filter(entry__in=entries).delete()
    EligibilityAnswer.objects.filter(entry__in=entries).delete()
    entries.delete()
    for edition in editions:
        edition.delete()

    def remove_files() -> None:
        for storage, name in files:
            storage.delete(name)

    # A run that fails later rolls the deletion back: the files must still be there then.
    transaction.on_commit(remove_files)
    return len(editions)
