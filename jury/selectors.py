"""Reads of the jury app."""

import datetime
from collections import defaultdict
from collections.abc import Iterable

from django.db.models import Count, Exists, Max, OuterRef, Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy

from accounts.models import User
from awards.models import Edition, Entry
from awards.workflow import EntryState

from .models import (
    Assignment,
    ConflictOfInterest,
    CriterionScore,
    Evaluation,
    JuryMember,
    JurySettings,
)

# The entries the jury works on: assignments and conflicts are made for these.
REVIEWED_STATES = (EntryState.ELIGIBLE, EntryState.IN_REVIEW)
# Those, and the entries the jury has decided on: still shown in the jury's lists.
JURY_STATES = (
    *REVIEWED_STATES,
    EntryState.SHORTLISTED,
    EntryState.NOT_SHORTLISTED,
    EntryState.FINALIST,
    EntryState.AWARDED,
)
# The entries the deliberation works on: the shortlist, and its outcome once decided.
SHORTLIST_STATES = (EntryState.SHORTLISTED, EntryState.AWARDED, EntryState.FINALIST)


def jury_memberships_for_user(user: User) -> QuerySet[JuryMember]:
    return (
        JuryMember.objects.filter(user=user, accepted_at__isnull=False)
        .select_related("edition")
        .order_by("-edition__year")
    )


def editions_with_jury_size(editions: QuerySet[Edition]) -> QuerySet[Edition]:
    return editions.annotate(
        jurors=Count("jury_members", distinct=True),
        jurors_accepted=Count(
            "jury_members", filter=Q(jury_members__accepted_at__isnull=False), distinct=True
        ),
    )


# An evaluation the juror has started: submitted, or with an overall comment or any score
# (a value, an n/a mark or a comment). A draft with none of these is an entry opened, no more.
STARTED = Q(status=Evaluation.Status.SUBMITTED) | ~Q(comment="") | Q(scores__isnull=False)


def _active_conflicts(**lookups: object) -> QuerySet[ConflictOfInterest]:
    return ConflictOfInterest.objects.filter(lifted_at__isnull=True, **lookups)


def active_conflict_pairs(edition: Edition) -> set[tuple[int, int]]:
    """The (member id, entry id) of every active conflict in the edition's jury, in one query."""
    return set(_active_conflicts(member__edition=edition).values_list("member_id", "entry_id"))


def _visible_assignments(**lookups: object) -> QuerySet[Assignment]:
    """The assignments matching `lookups`, less those whose juror has an active conflict with
    the entry (never shown, never counted)."""
    return Assignment.objects.filter(**lookups).exclude(
        Exists(_active_conflicts(member=OuterRef("member"), entry=OuterRef("entry")))
    )


def _in_entry_order(assignments: QuerySet[Assignment]) -> QuerySet[Assignment]:
    return assignments.select_related("entry__edition", "evaluation").order_by(
        "entry__number", "round", "pk"
    )


def assignments_for_juror(member: JuryMember) -> QuerySet[Assignment]:
    """The juror's assignments, with entry, edition and evaluation (if any) joined, in entry
    order; entries the juror has an active conflict with are left out (never shown).
    Assignments are only made for entries under review, which never leave the jury's states
    (JURY_STATES), so no filter on the entry's state is needed here."""
    return _in_entry_order(_visible_assignments(member=member))


def assignments_by_member(edition: Edition, round: int = 1) -> dict[int, list[Assignment]]:
    """`assignments_for_juror` of one round for every member of the edition's jury, in one
    query: member id to the list (members without assignments are absent)."""
    by_member: dict[int, list[Assignment]] = defaultdict(list)
    visible = _visible_assignments(member__edition=edition, round=round)
    for assignment in _in_entry_order(visible):
        by_member[assignment.member_id].append(assignment)
    return dict(by_member)


def _progress_counts() -> dict[str, Count]:
    """total, submitted, draft (an evaluation started, not submitted) and not_started (no
    evaluation yet), over assignments."""
    return {
        "total": Count("pk"),
        "submitted": Count("pk", filter=Q(evaluation__status=Evaluation.Status.SUBMITTED)),
        "draft": Count("pk", filter=Q(evaluation__status=Evaluation.Status.DRAFT)),
        "not_started": Count("pk", filter=Q(evaluation__isnull=True)),
    }


def juror_progress(member: JuryMember, round: int = 1) -> dict[str, int]:
    """The `_progress_counts` of the juror's visible assignments of `round`, in one query."""
    return _visible_assignments(member=member, round=round).aggregate(**_progress_counts())


def progress_by_member(edition: Edition, round: int = 1) -> dict[int, dict[str, int]]:
    """`juror_progress` of `round` for every member of the edition's jury, in one query:
    member id to counts (members without assignments are absent)."""
    rows = (
        _visible_assignments(member__edition=edition, round=round)
        .values("member")
        .order_by("member_id")
        .annotate(**_progress_counts())
    )
    return {row.pop("member"): row for row in rows}


def scoring_progress_by_edition(editions: Iterable[Edition]) -> dict[int, dict[str, int]]:
    """Per edition with assignments: how many there are and how many are submitted (conflicted
    ones left out), in one query. Edition id to counts."""
    rows = (
        _visible_assignments(member__edition__in=editions)
        .values("member__edition")
        .order_by("member__edition")
        .annotate(
            total=Count("pk"),
            submitted=Count("pk", filter=Q(evaluation__status=Evaluation.Status.SUBMITTED)),
        )
    )
    return {row.pop("member__edition"): row for row in rows}


def scoring_closes_for_all(edition: Edition, round: int = 1) -> datetime.datetime:
    """When the last juror's time to score in `round` runs out: its deadline, or later when
    an evaluation reopened after it is still open (a round two not opened: never)."""
    from .rounds import deadline as round_deadline

    deadline = round_deadline(edition, round)
    if deadline is None:
        return datetime.datetime.max.replace(tzinfo=datetime.UTC)
    latest = Evaluation.objects.filter(
        assignment__member__edition=edition,
        assignment__round=round,
        status=Evaluation.Status.DRAFT,
    ).aggregate(latest=Max("open_until"))["latest"]
    return Evaluation.closes_at(deadline, latest)


def why_no_other_scores(
    *, evaluation: Evaluation, viewer_member: JuryMember, now: datetime.datetime | None = None
) -> str:
    """What the scoring page says when `visible_scores` shows nothing: the juror has not
    submitted their own evaluation yet, the edition keeps scores hidden until scoring has
    closed, or no other juror has submitted one."""
    now = now or timezone.now()
    if evaluation.status != Evaluation.Status.SUBMITTED:
        return str(OTHERS_AFTER_YOURS)
    if scores_hidden_until_closed(viewer_member.edition, now, evaluation.assignment.round):
        return str(OTHERS_AFTER_CLOSING)
    return str(NO_OTHERS_YET)


def scores_hidden_until_closed(edition: Edition, now: datetime.datetime, round: int = 1) -> bool:
    """Whether the edition keeps every juror's scores of `round` from the others until scoring
    in that round has closed for everyone, and it has not yet."""
    hidden = JurySettings.objects.filter(
        edition_id=edition.pk, hide_scores_until_closed=True
    ).exists()
    return hidden and now <= scoring_closes_for_all(edition, round)


def awaiting_own_score(member: JuryMember | None, edition: Edition, round: int) -> set[int]:
    """While `round` is being scored, the entries `member` was given and has not yet
    submitted: as on the scoring page, others' scores of an entry come after one's own."""
    if member is None or timezone.now() > scoring_closes_for_all(edition, round):
        return set()
    given = Assignment.objects.filter(member=member, round=round).exclude(
        evaluation__status=Evaluation.Status.SUBMITTED
    )
    return set(given.values_list("entry_id", flat=True))


OTHERS_AFTER_YOURS = gettext_lazy(
    "They are shown here once you have submitted your own evaluation (and, if the edition says "
    "so, once scoring has closed)."
)
OTHERS_AFTER_CLOSING = gettext_lazy(
    "This edition shows the other jurors' scores once scoring has closed for everyone."
)
NO_OTHERS_YET = gettext_lazy("No other juror has submitted an evaluation of this entry yet.")


def visible_scores(
    *, entry: Entry, viewer_member: JuryMember, now: datetime.datetime | None = None
) -> QuerySet[Evaluation]:
    """The other jurors' submitted evaluations of `entry` that the viewer may see, with their
    scores and criteria prefetched.

    None at all when the viewer has an active conflict with the entry; when the edition's jury
    settings hide scores until scoring closes and scoring has not closed for everyone (its
    deadline, or the later time given to a juror whose evaluation was reopened); and
    in every round where the viewer's own evaluation of the entry is not submitted (so nobody
    sees others' scores before having committed to their own). Evaluations by jurors with an
    active conflict on the entry are left out too.
    """
    now = now or timezone.now()
    if _active_conflicts(member=viewer_member, entry=entry).exists():
        return Evaluation.objects.none()
    own_submitted_rounds = [
        round
        for round in Assignment.objects.filter(
            member=viewer_member, entry=entry, evaluation__status=Evaluation.Status.SUBMITTED
        ).values_list("round", flat=True)
        # Each round's scores stay hidden until that round has closed, where the edition says so.
        if not scores_hidden_until_closed(entry.edition, now, round)
    ]
    if not own_submitted_rounds:
        return Evaluation.objects.none()
    return (
        Evaluation.objects.filter(
            assignment__entry=entry,
            assignment__round__in=own_submitted_rounds,
            status=Evaluation.Status.SUBMITTED,
        )
        .exclude(assignment__member=viewer_member)
        .exclude(Exists(_active_conflicts(member=OuterRef("assignment__member"), entry=entry)))
        .select_related("assignment__member__user")
        .prefetch_related(
            Prefetch(
                "scores",
                queryset=CriterionScore.objects.select_related("criterion").order_by(
                    "criterion__position", "criterion__pk"
                ),
            )
        )
        .order_by("assignment__round", "assignment__member__user__full_name", "pk")
    )


def has_active_conflict(member: JuryMember, entry: Entry) -> bool:
    return _active_conflicts(member=member, entry=entry).exists()


def next_assignment(assignment: Assignment) -> Assignment | None:
    """The juror's next entry to score after this one in the same round, in order, if any is
    still open."""
    return (
        assignments_for_juror(assignment.member)
        .filter(round=assignment.round, entry__number__gt=assignment.entry.number)
        .exclude(evaluation__status="submitted")
        .first()
    )
