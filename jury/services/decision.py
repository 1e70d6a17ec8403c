"""The jury's decision: the shortlist, the deliberation, the prizes, the lock and its reopening.

Each step locks the edition's row, checks who may take it, moves entries only through their
transitions (awards.services.transitions) and writes one DecisionEvent, all in one transaction.
"""

import datetime
from collections.abc import Collection, Sequence

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.services import notify_user
from awards.models import Edition, Entry
from awards.services.transitions import transition_entry
from awards.workflow import EditionPhase, EntryState
from notifications.kinds import Kind

from ..models import (
    Assignment,
    Ballot,
    ConflictOfInterest,
    DecisionEvent,
    Deliberation,
    JuryMember,
    JurySettings,
    MeetingNote,
    Prize,
    RankingMethod,
    TieBreak,
)
from ..ranking import SchulzeResult, schulze
from ..rounds import ROUND_TWO
from .common import JuryRefused, lock_edition


class DecisionRefused(JuryRefused):
    """A step of the decision that cannot be taken; the message says why."""


def deliberation_for(edition: Edition) -> Deliberation:
    """The edition's deliberation record (made the first time it is asked for)."""
    return Deliberation.objects.get_or_create(
        edition=edition, defaults={"shortlist_method": RankingMethod.MEAN}
    )[0]


def _log(
    edition: Edition,
    kind: str,
    *,
    by: User | None,
    now: datetime.datetime,
    entry: Entry | None = None,
    note: str = "",
) -> DecisionEvent:
    return DecisionEvent.objects.create(
        edition=edition, kind=kind, entry=entry, by=by, at=now, note=note
    )


def _require(by: User, permission: str, edition: Edition) -> None:
    if not by.has_perm(permission, edition):
        raise DecisionRefused(_("You are not allowed to take this step."))


def _in_deliberation(edition: Edition) -> None:
    if edition.phase != EditionPhase.DELIBERATION:
        raise DecisionRefused(
            _("The jury's deliberation for this edition has not started, or is over.")
        )


def _not_locked(edition: Edition) -> None:
    if edition.results_locked_at is not None:
        raise DecisionRefused(
            _(
                "The decision is confirmed and locked: nothing changes it unless the "
                "secretariat reopens it."
            )
        )


def _fresh(entry: Entry) -> Entry:
    """The entry as it is now, read once the edition is locked (every move of its entries
    locks the edition first), not as the caller's form read it."""
    return Entry.objects.select_related("edition").get(pk=entry.pk)


def _reason(reason: str) -> str:
    reason = reason.strip()
    if not reason:
        raise DecisionRefused(_("Say why: a reason is required for this step."))
    return reason


RANKING_SETTINGS = [
    "ranking_method",
    "min_evaluations",
    "disagreement_threshold",
    "tie_break",
    "tie_break_criterion",
    "jurors_see_ranking",
]


# The shortlist -------------------------------------------------------------------------------


@transaction.atomic
def confirm_shortlist(
    *,
    edition: Edition,
    entries: Collection[int],
    method: str,
    by: User,
    round: int = 1,
    now: datetime.datetime | None = None,
) -> Deliberation:
    """Shortlist the entries chosen (ids) and not-shortlist every other entry in review.

    Refused outside deliberation, for an empty choice, for more entries than are in review,
    or for an entry that is not in review."""
    now = now or timezone.now()
    _require(by, "jury.manage_jury", edition)
    edition = lock_edition(edition.pk)
    _in_deliberation(edition)
    if method not in RankingMethod.values:
        raise DecisionRefused(_("Choose one of the ranking methods."))
    in_review = list(edition.entries.filter(state=EntryState.IN_REVIEW).order_by("pk"))
    if not in_review:
        raise DecisionRefused(_("No entry is in jury review: the shortlist is already confirmed."))
    chosen = set(entries)
    if not chosen:
        raise DecisionRefused(_("Choose at least one entry for the shortlist."))
    if len(chosen) > len(in_review):
        raise DecisionRefused(
            _("The shortlist cannot hold more entries (%(chosen)s) than are in review (%(count)s).")
            % {"chosen": len(chosen), "count": len(in_review)}
        )
    if chosen - {entry.pk for entry in in_review}:
        raise DecisionRefused(_("Only entries in jury review can be shortlisted."))
    for entry in in_review:
        name = "shortlist" if entry.pk in chosen else "not_shortlist"
        transition_entry(entry=entry, name=name, by=by, now=now)
    deliberation = deliberation_for(edition)
    deliberation.round = round
    deliberation.shortlist_method = method
    deliberation.shortlist_confirmed_at = now
    deliberation.shortlist_confirmed_by = by
    deliberation.save(
        update_fields=[
            "round",
            "shortlist_method",
            "shortlist_confirmed_at",
            "shortlist_confirmed_by",
        ]
    )
    references = ", ".join(e.reference for e in in_review if e.pk in chosen)
    _log(edition, DecisionEvent.Kind.SHORTLIST_CONFIRMED, by=by, now=now, note=references)
    return deliberation


@transaction.atomic
def undo_shortlist(
    *, edition: Edition, by: User, reason: str, now: datetime.datetime | None = None
) -> int:
    """Every shortlisted and not shortlisted entry back in review, until the deliberation
    starts; returns how many entries moved."""
    now = now or timezone.now()
    _require(by, "jury.manage_jury", edition)
    reason = _reason(reason)
    edition = lock_edition(edition.pk)
    _in_deliberation(edition)
    if edition.deliberation_started_at is not None:
        raise DecisionRefused(
            _("The deliberation has started: the shortlist stays as it was confirmed.")
        )
    moved = list(
        edition.entries.filter(state__in=[EntryState.SHORTLISTED, EntryState.NOT_SHORTLISTED])
    )
    if not moved:
        raise DecisionRefused(_("There is no shortlist to undo."))
    for entry in moved:
        transition_entry(entry=entry, name="undo_shortlist", by=by, note=reason, now=now)
    Deliberation.objects.filter(edition=edition).update(
        shortlist_confirmed_at=None, shortlist_confirmed_by=None
    )
    _log(edition, DecisionEvent.Kind.SHORTLIST_UNDONE, by=by, now=now, note=reason)
    return len(moved)


# The deliberation ----------------------------------------------------------------------------


def _start(edition: Edition, *, by: User, now: datetime.datetime) -> None:
    """From now on the shortlist stands (the first meeting, prize or ballot starts it)."""
    if edition.deliberation_started_at is None:
        Edition.objects.filter(pk=edition.pk).update(deliberation_started_at=now)
        edition.deliberation_started_at = now
        _log(edition, DecisionEvent.Kind.DELIBERATION_STARTED, by=by, now=now)


def _shortlisted(edition: Edition) -> None:
    if not edition.entries.filter(state=EntryState.SHORTLISTED).exists():
        raise DecisionRefused(_("The shortlist has not been confirmed yet."))


@transaction.atomic
def discuss(
    *, edition: Edition, entry: Entry | None, by: User, now: datetime.datetime | None = None
) -> Deliberation:
    """Meeting mode: the entry under discussion, which every open board follows (None ends
    the discussion). The first discussion starts the deliberation."""
    now = now or timezone.now()
    _require(by, "jury.run_deliberation", edition)
    edition = lock_edition(edition.pk)
    _in_deliberation(edition)
    _shortlisted(edition)
    if entry is not None:
        entry = _fresh(entry)
        if entry.edition_id != edition.pk or entry.state not in (
            EntryState.SHORTLISTED,
            EntryState.AWARDED,
            EntryState.FINALIST,
        ):
            raise DecisionRefused(_("Only a shortlisted entry can be discussed."))
        _start(edition, by=by, now=now)
    deliberation = deliberation_for(edition)
    deliberation.current_entry = entry
    deliberation.save(update_fields=["current_entry"])
    return deliberation


@transaction.atomic
def allow_joint_prizes(
    *, edition: Edition, allowed: bool, by: User, now: datetime.datetime | None = None
) -> Deliberation:
    """The chair's explicit word that two entries may share a 1st, 2nd or 3rd prize."""
    now = now or timezone.now()
    _require(by, "jury.confirm_decision", edition)
    edition = lock_edition(edition.pk)
    _in_deliberation(edition)
    _not_locked(edition)
    deliberation = deliberation_for(edition)
    if not allowed and _joint_prizes(edition):
        raise DecisionRefused(_("Some prizes are shared: remove one of each shared prize first."))
    if deliberation.joint_prizes_allowed != allowed:
        deliberation.joint_prizes_allowed = allowed
        deliberation.save(update_fields=["joint_prizes_allowed"])
        kind = (
            DecisionEvent.Kind.JOINT_PRIZES_ALLOWED
            if allowed
            else DecisionEvent.Kind.JOINT_PRIZES_WITHDRAWN
        )
        _log(edition, kind, by=by, now=now)
    return deliberation


def _joint_prizes(edition: Edition) -> bool:
    kinds = list(edition.prizes.filter(kind__in=Prize.RANKED).values_list("kind", flat=True))
    return len(kinds) != len(set(kinds))


# Prizes --------------------------------------------------------------------------------------


@transaction.atomic
def record_prize(
    *,
    edition: Edition,
    entry: Entry,
    kind: str,
    by: User,
    rationale: str,
    name: str = "",
    citation: str = "",
    now: datetime.datetime | None = None,
) -> Prize:
    """A 1st, 2nd or 3rd prize, or a special prize created on the spot, for a shortlisted
    entry, with a written rationale. The first prize recorded starts the deliberation."""
    now = now or timezone.now()
    _require(by, "jury.run_deliberation", edition)
    edition = lock_edition(edition.pk)
    _in_deliberation(edition)
    _not_locked(edition)
    entry = _fresh(entry)
    name, citation, rationale = name.strip(), citation.strip(), rationale.strip()
    if kind not in (*Prize.RANKED, Prize.Kind.SPECIAL):
        raise DecisionRefused(_("Choose the 1st, 2nd or 3rd prize, or a special prize."))
    if entry.edition_id != edition.pk or entry.state != EntryState.SHORTLISTED:
        raise DecisionRefused(_("Only a shortlisted entry can receive a prize."))
    if not rationale:
        raise DecisionRefused(_("Write the jury's rationale for this prize."))
    prizes = edition.prizes.select_related("entry")
    if kind == Prize.Kind.SPECIAL:
        if not name:
            raise DecisionRefused(_("A special prize needs a name."))
        if prizes.filter(kind=kind, name__iexact=name).exists():
            raise DecisionRefused(
                _("There is already a special prize named “%(name)s”.") % {"name": name}
            )
    else:
        name = ""
        held = prizes.filter(entry=entry, kind__in=Prize.RANKED).first()
        if held is not None:
            raise DecisionRefused(
                _("This entry already has the %(prize)s; remove it first to change it.")
                % {"prize": held.get_kind_display()}
            )
        other = prizes.filter(kind=kind).first()
        if other is not None and not deliberation_for(edition).joint_prizes_allowed:
            raise DecisionRefused(
                _(
                    "%(entry)s already has the %(prize)s. A prize is shared only when the chair "
                    "allows joint prizes."
                )
                % {"entry": other.entry.reference, "prize": other.get_kind_display()}
            )
    _start(edition, by=by, now=now)
    prize = Prize.objects.create(
        edition=edition,
        entry=entry,
        kind=kind,
        name=name,
        citation=citation,
        rationale=rationale,
        decided_by=by,
        decided_at=now,
    )
    _log(edition, DecisionEvent.Kind.PRIZE_RECORDED, by=by, now=now, entry=entry, note=str(prize))
    return prize


@transaction.atomic
def remove_prize(
    *, prize: Prize, by: User, reason: str = "", now: datetime.datetime | None = None
) -> None:
    now = now or timezone.now()
    edition = prize.edition
    _require(by, "jury.run_deliberation", edition)
    edition = lock_edition(edition.pk)
    _in_deliberation(edition)
    _not_locked(edition)
    if prize.kind == Prize.Kind.FINALIST:
        raise DecisionRefused(_("A finalist's place follows from the shortlist."))
    note = f"{prize}: {reason.strip()}" if reason.strip() else str(prize)
    entry = prize.entry
    Prize.objects.filter(pk=prize.pk).delete()
    _log(edition, DecisionEvent.Kind.PRIZE_REMOVED, by=by, now=now, entry=entry, note=note)


# The lock ------------------------------------------------------------------------------------


@transaction.atomic
def confirm_decision(*, edition: Edition, by: User, now: datetime.datetime | None = None) -> int:
    """The chair confirms the prizes: each shortlisted entry with a prize is awarded, every
    other one is a finalist (a Prize row of its own); the decision is locked, which is what
    publishing the results waits for. Returns how many entries were awarded."""
    now = now or timezone.now()
    _require(by, "jury.confirm_decision", edition)
    edition = lock_edition(edition.pk)
    _in_deliberation(edition)
    _not_locked(edition)
    prizes = list(edition.prizes.all())
    if not prizes:
        raise DecisionRefused(_("No prize has been recorded: record the prizes first."))
    if _joint_prizes(edition) and not deliberation_for(edition).joint_prizes_allowed:
        raise DecisionRefused(_("Some prizes are shared, which only the chair may allow."))
    winners = {prize.entry_id for prize in prizes}
    awarded = 0
    for entry in edition.entries.filter(state=EntryState.SHORTLISTED).order_by("pk"):
        if entry.pk in winners:
            transition_entry(entry=entry, name="award", by=by, now=now)
            awarded += 1
        else:
            transition_entry(entry=entry, name="mark_finalist", by=by, now=now)
            Prize.objects.create(
                edition=edition,
                entry=entry,
                kind=Prize.Kind.FINALIST,
                decided_by=by,
                decided_at=now,
            )
    edition.prizes.update(confirmed_at=now)
    Edition.objects.filter(pk=edition.pk).update(results_locked_at=now)
    Deliberation.objects.filter(edition=edition).update(
        confirmed_at=now, confirmed_by=by, current_entry=None
    )
    _log(edition, DecisionEvent.Kind.DECISION_CONFIRMED, by=by, now=now)
    return awarded


@transaction.atomic
def reopen_decision(
    *, edition: Edition, by: User, reason: str, now: datetime.datetime | None = None
) -> int:
    """The secretariat reopens a locked decision before the results are published, with a
    reason: awarded and finalist entries back to shortlisted, the finalists' places undone,
    the lock lifted; the chair must confirm again. Returns how many entries moved."""
    now = now or timezone.now()
    _require(by, "jury.manage_jury", edition)
    reason = _reason(reason)
    edition = lock_edition(edition.pk)
    if edition.phase != EditionPhase.DELIBERATION:
        raise DecisionRefused(
            _("The results are published: the decision can no longer be reopened.")
        )
    if edition.results_locked_at is None:
        raise DecisionRefused(_("The decision is not confirmed: there is nothing to reopen."))
    moved = list(edition.entries.filter(state__in=[EntryState.AWARDED, EntryState.FINALIST]))
    for entry in moved:
        transition_entry(entry=entry, name="reopen_decision", by=by, note=reason, now=now)
    edition.prizes.filter(kind=Prize.Kind.FINALIST).delete()
    edition.prizes.update(confirmed_at=None)
    Edition.objects.filter(pk=edition.pk).update(results_locked_at=None)
    Deliberation.objects.filter(edition=edition).update(confirmed_at=None, confirmed_by=None)
    _log(edition, DecisionEvent.Kind.DECISION_REOPENED, by=by, now=now, note=reason)
    return len(moved)


@transaction.atomic
def save_ranking_settings(*, settings: JurySettings, by: User) -> JurySettings:
    """The ranking's method, M, threshold, tie-break and the jurors' view, as the secretariat
    set them; a tie-break on a criterion names one of the edition's own."""
    _require(by, "jury.manage_jury", settings.edition)
    lock_edition(settings.edition_id)
    criterion = settings.tie_break_criterion
    if settings.tie_break == TieBreak.CRITERION and (
        criterion is None or criterion.edition_id != settings.edition_id
    ):
        raise DecisionRefused(_("Choose the criterion that breaks ties."))
    if settings.tie_break != TieBreak.CRITERION:
        settings.tie_break_criterion = None
    # Only the ranking's settings: the assignment page saves the others meanwhile.
    settings.save(update_fields=RANKING_SETTINGS)
    return settings


# The ranked ballot ---------------------------------------------------------------------------


@transaction.atomic
def open_ballot(*, edition: Edition, by: User, now: datetime.datetime | None = None) -> None:
    """Every juror may now order the shortlist; the ballot starts the deliberation.

    Side effects: refused unless `by` runs the deliberation, the edition is in deliberation,
    the decision is not locked, the shortlist is confirmed and no ballot is open; the
    deliberation started; the opening logged; each accepted juror with an entry on their
    ballot (the shortlist less their conflicts) mailed a link to it."""
    now = now or timezone.now()
    _require(by, "jury.run_deliberation", edition)
    edition = lock_edition(edition.pk)
    _in_deliberation(edition)
    _not_locked(edition)
    _shortlisted(edition)
    deliberation = deliberation_for(edition)
    if deliberation.ballot_opened_at is not None and deliberation.ballot_closed_at is None:
        raise DecisionRefused(_("The ballot is open already."))
    _start(edition, by=by, now=now)
    deliberation.ballot_opened_at, deliberation.ballot_closed_at = now, None
    deliberation.save(update_fields=["ballot_opened_at", "ballot_closed_at"])
    _log(edition, DecisionEvent.Kind.BALLOT_OPENED, by=by, now=now)
    shortlist = set(
        edition.entries.filter(state=EntryState.SHORTLISTED).values_list("pk", flat=True)
    )
    conflicts = _active_conflicts(edition)
    for member in _jurors(edition):
        theirs = len([pk for pk in shortlist if (member.pk, pk) not in conflicts])
        if theirs:
            notify_user(
                Kind.JURY_BALLOT_OPENED,
                user=member.user,
                context={
                    "edition": {"title": edition.title, "slug": edition.slug},
                    "count": theirs,
                },
                key=f"jury-ballot:{member.pk}:{now.isoformat()}",
            )


def _jurors(edition: Edition) -> list[JuryMember]:
    """The accepted jurors whose accounts are active, with their users."""
    return list(
        edition.jury_members.filter(accepted_at__isnull=False, user__is_active=True)
        .select_related("user")
        .order_by("pk")
    )


def _active_conflicts(edition: Edition) -> set[tuple[int, int]]:
    """(member id, entry id) of every conflict of the edition's jury not lifted."""
    return set(
        ConflictOfInterest.objects.filter(
            member__edition=edition, lifted_at__isnull=True
        ).values_list("member_id", "entry_id")
    )


@transaction.atomic
def close_ballot(*, edition: Edition, by: User, now: datetime.datetime | None = None) -> int:
    """No more ballots are taken; returns how many were cast."""
    now = now or timezone.now()
    _require(by, "jury.run_deliberation", edition)
    edition = lock_edition(edition.pk)
    deliberation = deliberation_for(edition)
    if deliberation.ballot_opened_at is None or deliberation.ballot_closed_at is not None:
        raise DecisionRefused(_("The ballot is not open."))
    deliberation.ballot_closed_at = now
    deliberation.save(update_fields=["ballot_closed_at"])
    cast = edition.ballots.count()
    _log(edition, DecisionEvent.Kind.BALLOT_CLOSED, by=by, now=now, note=str(cast))
    return cast


def ballot_entries(edition: Edition, member: JuryMember) -> list[Entry]:
    """What a juror's ballot orders: the shortlist, less the entries they are in conflict
    with."""
    conflicted = ConflictOfInterest.objects.filter(
        member=member, lifted_at__isnull=True
    ).values_list("entry_id", flat=True)
    return list(
        edition.entries.filter(state=EntryState.SHORTLISTED)
        .exclude(pk__in=conflicted)
        .select_related("edition")
        .order_by("number")
    )


@transaction.atomic
def cast_ballot(
    *,
    edition: Edition,
    by: User,
    ranking: Sequence[int],
    now: datetime.datetime | None = None,
) -> Ballot:
    """The juror's order of the shortlist, best first (entry ids), replacing any earlier one
    while the ballot is open. Refused when an entry is ranked twice, one is left out, or one
    is not on the juror's ballot."""
    now = now or timezone.now()
    edition = lock_edition(edition.pk)
    member = JuryMember.objects.filter(edition=edition, user=by, accepted_at__isnull=False).first()
    if member is None:
        raise DecisionRefused(_("Only the edition's jurors cast a ballot."))
    deliberation = deliberation_for(edition)
    if deliberation.ballot_opened_at is None or deliberation.ballot_closed_at is not None:
        raise DecisionRefused(_("The ballot is not open."))
    _not_locked(edition)
    entries = {entry.pk: entry for entry in ballot_entries(edition, member)}
    ranking = list(ranking)
    twice = sorted({pk for pk in ranking if ranking.count(pk) > 1})
    if twice:
        raise DecisionRefused(
            _("An entry is ranked twice: %(entries)s. Give each entry its own place.")
            % {"entries": ", ".join(entries[pk].reference for pk in twice if pk in entries)}
        )
    if set(ranking) - set(entries):
        raise DecisionRefused(_("Only the shortlisted entries are ranked."))
    missing = [entry for pk, entry in entries.items() if pk not in ranking]
    if missing:
        raise DecisionRefused(
            _("Every shortlisted entry needs a place; missing: %(entries)s.")
            % {"entries": ", ".join(entry.reference for entry in missing)}
        )
    ballot, _created = Ballot.objects.update_or_create(
        edition=edition, member=member, defaults={"ranking": ranking, "cast_at": now}
    )
    return ballot


def ballot_result(edition: Edition) -> SchulzeResult | None:
    """The Schulze order of the ballots cast, with the pairwise matrix; None before any."""
    ballots = list(edition.ballots.values_list("ranking", flat=True))
    if not ballots:
        return None
    candidates = sorted({pk for ballot in ballots for pk in ballot})
    return schulze(ballots, candidates)


# Round two -----------------------------------------------------------------------------------


@transaction.atomic
def open_round_two(
    *,
    edition: Edition,
    by: User,
    deadline: datetime.datetime,
    now: datetime.datetime | None = None,
) -> int:
    """The whole jury scores the shortlist again with the rubric, until `deadline`.

    Side effects, in order: refused unless `by` runs the deliberation, the edition is in
    deliberation, the decision is not locked, the shortlist is confirmed and the deadline lies
    ahead; every accepted juror assigned every shortlisted entry they are not in conflict with
    (Assignment.round = 2); the deliberation started; each juror mailed their round-two
    entries and its dates. Returns how many assignments were made."""
    now = now or timezone.now()
    _require(by, "jury.run_deliberation", edition)
    edition = lock_edition(edition.pk)
    _in_deliberation(edition)
    _not_locked(edition)
    _shortlisted(edition)
    if deadline <= now:
        raise DecisionRefused(_("Give round two a deadline in the future."))
    deliberation = deliberation_for(edition)
    if deliberation.round_two_opens is not None:
        raise DecisionRefused(_("Round two is open already."))
    members = _jurors(edition)
    entries = list(
        edition.entries.filter(state=EntryState.SHORTLISTED)
        .select_related("edition")
        .order_by("number")
    )
    conflicts = _active_conflicts(edition)
    made = Assignment.objects.bulk_create(
        [
            Assignment(member=member, entry=entry, round=ROUND_TWO)
            for member in members
            for entry in entries
            if (member.pk, entry.pk) not in conflicts
        ]
    )
    _start(edition, by=by, now=now)
    deliberation.round_two_opens, deliberation.round_two_deadline = now, deadline
    deliberation.save(update_fields=["round_two_opens", "round_two_deadline"])
    for member in members:
        theirs = [e for e in entries if (member.pk, e.pk) not in conflicts]
        if not theirs:
            continue
        notify_user(
            Kind.JURY_ASSIGNED,
            user=member.user,
            context={
                "edition": {
                    "title": edition.title,
                    "timezone": edition.timezone,
                    "scoring_opens": now,
                    "scoring_deadline": deadline,
                },
                "entries": [{"reference": e.reference, "title": e.title} for e in theirs],
            },
            key=f"jury-round-two:{member.pk}:{now.isoformat()}",
        )
    _log(edition, DecisionEvent.Kind.ROUND_TWO_OPENED, by=by, now=now, note=str(len(made)))
    return len(made)


@transaction.atomic
def save_meeting_note(
    *, edition: Edition, entry: Entry, text: str, by: User, now: datetime.datetime | None = None
) -> MeetingNote:
    """The meeting's notes on a shortlisted entry, replaced as the chair or the secretariat
    types them; kept after the decision is locked, as the record of the meeting."""
    now = now or timezone.now()
    _require(by, "jury.run_deliberation", edition)
    edition = lock_edition(edition.pk)
    _in_deliberation(edition)
    entry = _fresh(entry)
    if entry.edition_id != edition.pk or entry.state not in (
        EntryState.SHORTLISTED,
        EntryState.AWARDED,
        EntryState.FINALIST,
    ):
        raise DecisionRefused(_("Only a shortlisted entry has meeting notes."))
    note, _created = MeetingNote.objects.update_or_create(
        edition=edition,
        entry=entry,
        defaults={"text": text.strip(), "updated_by": by, "updated_at": now},
    )
    return note
