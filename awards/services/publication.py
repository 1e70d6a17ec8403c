"""Publishing an edition's results: at once, or at the moment the secretariat scheduled.

Publication is the edition's `publish_results` transition (awards.services.transitions): one
transaction moves the edition, makes its public entries public (`publish_entries`, below) and
tells the other apps (`signals.results_published`: certificates, the applicants' mails), so that
nothing of it is seen or sent before the moment and all of it is there after. The scheduler
(beat, every 30 seconds) publishes what is due; the edition's row lock and its phase make a
second run, or a second worker, find nothing left to do.
"""

import datetime
import logging

from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from core.refusals import Refused

from ..models import Edition, Entry, Partner, PublicCorrection
from ..workflow import EditionPhase, EntryState
from . import transitions

logger = logging.getLogger(__name__)

# Entries the public always sees once the results are out: the jury's outcomes.
ALWAYS_SHOWN = (EntryState.AWARDED, EntryState.FINALIST)
# Entries the jury reviewed without a prize, shown when their applicants consented.
SHOWN_WITH_CONSENT = (EntryState.IN_REVIEW, EntryState.SHORTLISTED, EntryState.NOT_SHORTLISTED)
# The phases in which an announcement may still be scheduled or moved.
SCHEDULABLE_PHASES = (EditionPhase.JURY_REVIEW, EditionPhase.DELIBERATION)


class PublicationRefused(Refused):
    """A schedule that may not be set: the message says why."""


def publishable_entries(edition: Edition) -> QuerySet[Entry]:
    """The entries of `edition` that its publication makes public."""
    return edition.entries.filter(
        Q(state__in=ALWAYS_SHOWN) | Q(state__in=SHOWN_WITH_CONSENT, public_display=True)
    )


def publish_entries(edition: Edition, now: datetime.datetime) -> int:
    """Mark the edition's public entries published at `now`, with the names the gallery's
    search reads (called by the publication transition, inside its transaction); returns how
    many."""
    entries = list(
        publishable_entries(edition)
        .filter(published_at__isnull=True)
        .select_related("organisation")
        .prefetch_related("partners")
    )
    for entry in entries:
        entry.published_at, entry.search_names = now, search_names(entry)
    Entry.objects.bulk_update(entries, ["published_at", "search_names"], batch_size=500)
    return len(entries)


def search_names(entry: Entry) -> str:
    """The lead applicant's name and every partner's that did not decline, one a line (partners
    prefetched)."""
    partners = [p.name for p in entry.partners.all() if p.status != Partner.Status.DECLINED]
    return "\n".join([entry.organisation.name, *partners])


def _lock(edition: Edition, by: User) -> Edition:
    if not by.has_perm("awards.manage_phases", edition):
        raise PublicationRefused(_("You are not allowed to take this step."))
    return Edition.objects.select_for_update().get(pk=edition.pk)


@transaction.atomic
def schedule_publication(
    *, edition: Edition, by: User, at: datetime.datetime, now: datetime.datetime | None = None
) -> Edition:
    """Set the moment of the announcement: the scheduler publishes the results then (or as
    soon after as the jury's decision is locked).

    Side effects: the edition locked; refused unless `by` manages phases, the results are not
    out yet and `at` is in the future and after the deliberation; the edition's announcement
    time set to `at` and marked scheduled.
    """
    now = now or timezone.now()
    locked = _lock(edition, by)
    if locked.phase not in SCHEDULABLE_PHASES:
        raise PublicationRefused(
            _("The announcement can be scheduled once the jury review is open, until it is made.")
        )
    if at <= now:
        raise PublicationRefused(
            _("The moment of the announcement must be in the future; to announce now, publish.")
        )
    if at < locked.deliberation_at:
        raise PublicationRefused(_("The announcement must come after the jury's deliberation."))
    locked.announcement_at, locked.publication_scheduled = at, True
    locked.save(update_fields=["announcement_at", "publication_scheduled"])
    return locked


@transaction.atomic
def cancel_schedule(*, edition: Edition, by: User) -> Edition:
    """The results are no longer published by themselves; the announcement time stays."""
    locked = _lock(edition, by)
    if locked.phase not in SCHEDULABLE_PHASES:
        raise PublicationRefused(_("The results are published already."))
    locked.publication_scheduled = False
    locked.save(update_fields=["publication_scheduled"])
    return locked


@transaction.atomic
def publish_now(*, edition: Edition, by: User, now: datetime.datetime | None = None) -> Edition:
    """Publish the results at once: the moment of the announcement becomes now.

    Side effects, in one transaction: the edition locked; refused unless `by` manages phases;
    an announcement time still to come moved to `now`; then the `publish_results` transition
    (refused, and nothing changed, unless the decision is locked and the phase allows it).
    """
    now = now or timezone.now()
    locked = _lock(edition, by)
    if locked.phase == EditionPhase.DELIBERATION and locked.announcement_at > now:
        locked.announcement_at = now
        locked.save(update_fields=["announcement_at"])
    return transitions.change_phase(edition=locked, name="publish_results", by=by, now=now)


def publish_due(now: datetime.datetime | None = None) -> list[Edition]:
    """What the scheduler runs: publish every edition whose scheduled moment has come and whose
    decision is locked. Run twice, or by two workers at once, it publishes each edition once."""
    now = now or timezone.now()
    due = Edition.objects.filter(
        phase=EditionPhase.DELIBERATION,
        publication_scheduled=True,
        announcement_at__lte=now,
        results_locked_at__isnull=False,
    ).order_by("pk")
    published = []
    for edition in due:
        try:
            published.append(
                transitions.change_phase(edition=edition, name="publish_results", by=None, now=now)
            )
        except transitions.TransitionRefused as refusal:
            # Published meanwhile by another run, or the decision reopened: nothing to do.
            logger.info("Edition %s not published by the scheduler: %s", edition.pk, refusal)
    return published


@transaction.atomic
def correct_public_text(
    *,
    entry: Entry,
    by: User,
    reason: str,
    title: str,
    summary: str,
    now: datetime.datetime | None = None,
) -> Entry:
    """Correct the title or summary of a published entry, as the public reads them.

    Side effects, in one transaction: refused unless `by` manages editions, the entry is
    published and a reason is given; the entry row locked; one PublicCorrection row a changed
    field, with the text before and after; the entry saved (its `updated_at` is what the
    public pages' cache keys read, so the correction shows at once).
    """
    if not by.has_perm("awards.manage_editions"):
        raise PublicationRefused(_("Only the secretariat may correct a published entry."))
    reason = reason.strip()
    if not reason:
        raise PublicationRefused(_("Say what is corrected and why."))
    now = now or timezone.now()
    locked = Entry.objects.select_for_update(of=("self",)).get(pk=entry.pk)
    if locked.published_at is None:
        raise PublicationRefused(
            _("Only a published entry is corrected here; before that, its applicants edit it.")
        )
    wanted = {"title": title.strip(), "summary": summary.strip()}
    for field, value in wanted.items():
        limit = Entry._meta.get_field(field).max_length
        if not value or (limit is not None and len(value) > limit):
            raise PublicationRefused(
                _("The %(field)s must be given, in %(limit)s characters at most.")
                % {"field": Entry._meta.get_field(field).verbose_name, "limit": limit}
            )
    changed = [
        (field, getattr(locked, field), value)
        for field, value in wanted.items()
        if getattr(locked, field) != value
    ]
    if not changed:
        raise PublicationRefused(_("Nothing was changed."))
    PublicCorrection.objects.bulk_create(
        PublicCorrection(
            entry=locked, field=field, before=before, after=after, reason=reason, by=by, at=now
        )
        for field, before, after in changed
    )
    for field, _before, after in changed:
        setattr(locked, field, after)
    locked.save(update_fields=[field for field, _b, _a in changed] + ["updated_at"])
    return locked
