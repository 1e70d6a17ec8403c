"""Who scores what: the automatic assignment, the secretariat's cells set by hand, and the
mails that tell jurors their entries and remind them of what is left."""

import datetime
import hashlib
from collections import Counter
from functools import reduce
from operator import or_

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.services import notify_user
from awards.models import Edition, Entry
from core.locks import lock
from notifications.kinds import Kind
from notifications.models import Notification

from .. import assignment as planner
from .. import selectors
from ..models import (
    Assignment,
    Evaluation,
    JuryMember,
)
from ..selectors import REVIEWED_STATES
from .common import JuryRefused, lock_edition, settings_for
from .conflicts import record_automatic_conflicts


@transaction.atomic
def assign_automatically(
    *, edition: Edition, by: User, seed: int, round: int = 1
) -> planner.Assignment:
    """Assign the edition's reviewed entries to its accepted jurors.

    Side effects, in order: refused (JuryRefused) unless `by` is the secretariat; the edition
    row locked; automatic conflicts recorded; this round's automatic assignments that nobody
    has opened to score replaced by the planner's. Assignments set by hand and those being
    scored stay, and the planner balances the loads around them. Returns the planner's result
    (with its shortfalls).
    """
    if not by.has_perm("jury.manage_jury"):
        raise JuryRefused(_("Only the secretariat may change the assignments."))
    lock_edition(edition.pk)
    record_automatic_conflicts(edition=edition)
    members = list(edition.jury_members.filter(accepted_at__isnull=False).order_by("pk"))
    entries = list(edition.entries.filter(state__in=REVIEWED_STATES).order_by("pk"))
    conflicts = selectors.active_conflict_pairs(edition)
    Assignment.objects.filter(
        member__edition=edition, round=round, is_manual=False, evaluation__isnull=True
    ).delete()
    kept = set(
        Assignment.objects.filter(member__edition=edition, round=round).values_list(
            "member_id", "entry_id"
        )
    )
    jurors, entry_ids = {m.pk for m in members}, {e.pk for e in entries}
    plan = planner.assign(
        jurors=sorted(jurors),
        entries=sorted(entry_ids),
        conflicts={(j, e) for j, e in conflicts if j in jurors and e in entry_ids},
        per_entry=settings_for(edition).jurors_per_entry,
        seed=seed,
        # A kept assignment of a conflicted juror stays hidden and does not count.
        fixed={
            (juror, entry)
            for juror, entry in kept
            if juror in jurors and entry in entry_ids and (juror, entry) not in conflicts
        },
    )
    Assignment.objects.bulk_create(
        Assignment(member_id=juror, entry_id=entry, round=round)
        for entry, panel in plan.by_entry.items()
        for juror in panel
        if (juror, entry) not in kept
    )
    return plan


def set_assignment(
    *, member: JuryMember, entry: Entry, by: User, assigned: bool, round: int = 1
) -> Assignment | None:
    """The secretariat puts a juror on an entry, or takes them off it.

    Side effects, in order: refused (JuryRefused) unless `by` is the secretariat, the entry is
    under review in the juror's edition and the juror has accepted; the automatic conflicts
    recorded, and kept even when the change is refused (a juror who joined since the last
    automatic assignment has none yet); then, in one transaction with the edition row locked,
    putting on: refused for a conflicted juror, then the assignment created (or kept) and
    marked as set by hand, so that automatic assignment keeps it; taking off: the evaluation
    row locked (a juror saving at that moment goes first), refused once the juror has scored
    anything, then the assignment removed (with its empty draft, if any).
    """
    if not by.has_perm("jury.manage_jury"):
        raise JuryRefused(_("Only the secretariat may change the assignments."))
    if entry.edition_id != member.edition_id or entry.state not in REVIEWED_STATES:
        raise JuryRefused(_("This entry is not under review in the edition of this jury."))
    if member.accepted_at is None:
        raise JuryRefused(
            _("%(juror)s has not accepted the invitation yet.") % {"juror": member.user}
        )
    record_automatic_conflicts(edition=member.edition, members=[member])
    with transaction.atomic():
        lock_edition(member.edition_id)
        return _set_cell(member, entry, assigned=assigned, round=round)


def _set_cell(member: JuryMember, entry: Entry, *, assigned: bool, round: int) -> Assignment | None:
    existing = Assignment.objects.filter(member=member, entry=entry, round=round).first()
    if assigned:
        if selectors.has_active_conflict(member, entry):
            raise JuryRefused(
                _("%(juror)s has a conflict of interest with %(entry)s.")
                % {"juror": member.user, "entry": entry.reference}
            )
        if existing is None:
            return Assignment.objects.create(
                member=member, entry=entry, round=round, is_manual=True
            )
        existing.is_manual = True
        existing.save(update_fields=["is_manual"])
        return existing
    if existing is None:
        return None
    # The evaluation row locked, if any: a juror saving at this moment goes first.
    lock(Evaluation.objects.filter(assignment=existing))
    if Evaluation.objects.filter(selectors.STARTED, assignment=existing).exists():
        raise JuryRefused(
            _("%(juror)s has started scoring %(entry)s, so the assignment stays.")
            % {"juror": member.user, "entry": entry.reference}
        )
    # An empty draft goes by name: no cascade reaches an evaluation (Evaluation.assignment).
    Evaluation.objects.filter(assignment=existing).delete()
    existing.delete()
    return None


# The key of the mail telling a juror their entries: ASSIGNED_KEY:member:digest:lists before.
ASSIGNED_KEY = "jury-assigned"


@transaction.atomic
def tell_jurors_their_assignments(*, edition: Edition, by: User) -> int:
    """Mail every accepted, active juror the entries they are to score.

    Side effects, in order: refused (JuryRefused) unless `by` is the secretariat; the edition
    row locked (two clicks send once); one message per juror whose list of entries differs
    from the last one they were sent (the key holds the list and how many lists were sent
    before, so sending again after no change sends nothing, and a list that went back to an
    earlier one is sent again). Returns how many messages were queued. Reads the same few
    queries whatever the size of the jury; only the messages are written one by one.
    """
    if not by.has_perm("jury.manage_jury"):
        raise JuryRefused(_("Only the secretariat may mail the jurors."))
    lock_edition(edition.pk)
    told = Q(accepted_at__isnull=False, user__is_active=True)
    members = list(edition.jury_members.filter(told).select_related("user"))
    by_member = selectors.assignments_by_member(edition)
    sent = _assignment_lists_sent(members)
    queued = 0
    for member in members:
        assignments = by_member.get(member.pk)
        if not assignments:
            continue
        ids = ",".join(str(a.entry_id) for a in sorted(assignments, key=lambda a: a.entry_id))
        digest = hashlib.sha256(ids.encode()).hexdigest()[:16]
        last_digest, count = sent.get(member.pk, (None, 0))
        if last_digest == digest:
            continue
        notify_user(
            Kind.JURY_ASSIGNED,
            user=member.user,
            context={
                "edition": _edition_context(edition),
                "entries": [
                    {"reference": a.entry.reference, "title": a.entry.title} for a in assignments
                ],
            },
            key=f"{ASSIGNED_KEY}:{member.pk}:{digest}:{count}",
        )
        queued += 1
    return queued


def _assignment_lists_sent(members: list[JuryMember]) -> dict[int, tuple[str, int]]:
    """Per member who was sent a list of entries: the digest of the last list and how many
    lists they were sent, in one query."""
    if not members:
        return {}
    mine = reduce(or_, (Q(key__startswith=f"{ASSIGNED_KEY}:{m.pk}:") for m in members))
    counts: Counter[int] = Counter()
    last: dict[int, str] = {}
    for key in Notification.objects.filter(mine).order_by("pk").values_list("key", flat=True):
        member_id, digest = key.split(":")[1:3]
        counts[int(member_id)] += 1
        last[int(member_id)] = digest
    return {member_id: (digest, counts[member_id]) for member_id, digest in last.items()}


def remind_juror(*, member: JuryMember, by: User, now: datetime.datetime | None = None) -> bool:
    """The secretariat's "remind" on the progress board: one reminder of the evaluations left.

    Side effects: refused (JuryRefused) unless `by` is the secretariat; a reminder queued, at
    most one per juror and hour (a second click in the same hour sends nothing). Returns False
    when there was nothing to remind of, the juror's account is deactivated, or a reminder went
    in this hour already.
    """
    if not by.has_perm("jury.manage_jury"):
        raise JuryRefused(_("Only the secretariat may send a juror a reminder."))
    now = now or timezone.now()
    progress = selectors.juror_progress(member)
    left = progress["total"] - progress["submitted"]
    key = f"jury-remind:{member.pk}:{now:%Y-%m-%dT%H}"
    if not left or not member.user.is_active or Notification.objects.filter(key=key).exists():
        return False
    notify_user(
        Kind.REMINDER_JUROR,
        user=member.user,
        context={
            "edition": _edition_context(member.edition),
            "left": left,
            "total": progress["total"],
            "closed": now > member.edition.scoring_deadline,
        },
        key=key,
    )
    return True


def _edition_context(edition: Edition) -> dict:
    return {
        "title": edition.title,
        "timezone": edition.timezone,
        "scoring_opens": edition.scoring_opens,
        "scoring_deadline": edition.scoring_deadline,
    }
