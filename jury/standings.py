"""A round's ranking as the pages and the exports read it: the round's scores in one query,
ranked by the pure functions of jury.ranking with the edition's settings.

Every number shown or exported comes from `standings()`, so the ranking page, the CSV and the
XLSX, the shortlist and the jury report can never disagree.
"""

from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.db.models import (
    Count,
    Exists,
    ExpressionWrapper,
    F,
    FloatField,
    OuterRef,
    Q,
    QuerySet,
    Sum,
)
from django.db.models.functions import Cast
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext_lazy as _

from awards.models import Edition
from core.refusals import Refused

from .models import (
    ConflictOfInterest,
    Criterion,
    CriterionScore,
    Evaluation,
    JuryMember,
    JurySettings,
    TieBreak,
)
from .ranking import RoundFigures, Score, rank_round
from .scoring import NORMALISED_MAX
from .selectors import JURY_STATES


class NoScores(Refused):
    """A ranking asked for a round in which nobody has submitted an evaluation."""


NO_SCORES = _("No evaluation of round %(round)s has been submitted yet: there is nothing to rank.")


@dataclass(frozen=True)
class Standings:
    edition: Edition
    round: int
    settings: JurySettings
    figures: RoundFigures
    # Each entry's evaluation scores, for the strip that shows their spread.
    scores_by_entry: dict[int, list[float]]
    # The tie-break the secretariat chose, in words; "" when ties stay ties.
    tie_break: str


def _normalised_value() -> ExpressionWrapper:
    """A criterion score on 0 to 10 by its criterion's scale (as jury.scoring.weighted_score),
    in floating point: SQLite would divide the integers its NUMERIC casts make, and truncate."""
    return ExpressionWrapper(
        Cast(F("scores__value") - F("scores__criterion__scale_min"), FloatField())
        * float(NORMALISED_MAX)
        / Cast(F("scores__criterion__scale_max") - F("scores__criterion__scale_min"), FloatField()),
        output_field=FloatField(),
    )


def _counted(
    queryset: QuerySet[Any], edition: Edition, round: int, *, through: str = ""
) -> QuerySet[Any]:
    """`queryset` (of evaluations, or of rows reached from an evaluation `through` a relation)
    narrowed to the round's submitted evaluations that count: of an entry still before the
    jury, by a juror with no active conflict with it."""
    conflicted = ConflictOfInterest.objects.filter(
        member_id=OuterRef(f"{through}assignment__member_id"),
        entry_id=OuterRef(f"{through}assignment__entry_id"),
        lifted_at__isnull=True,
    )
    return queryset.filter(
        **{
            f"{through}status": Evaluation.Status.SUBMITTED,
            f"{through}assignment__round": round,
            f"{through}assignment__entry__edition": edition,
            f"{through}assignment__entry__state__in": JURY_STATES,
        }
    ).exclude(Exists(conflicted))


def round_scores(edition: Edition, round: int = 1) -> list[Score]:
    """One Score per counted evaluation of the round: its weighted score on 0 to 10, computed
    by the database in one query. An evaluation with no value (all n/a) has no score."""
    valued = Q(scores__value__isnull=False)
    weight = Cast("scores__criterion__weight", FloatField())
    rows = (
        _counted(Evaluation.objects.all(), edition, round)
        .values("assignment__member_id", "assignment__entry_id")
        .annotate(
            weights=Sum(weight, filter=valued),
            value=Sum(weight * _normalised_value(), filter=valued) / F("weights"),
        )
        .filter(weights__gt=0)
        # No ORDER BY: the ranking orders what it needs, and sorting 50,000 rows on the
        # database spills to disk for nothing.
        .order_by()
        .values_list("assignment__member_id", "assignment__entry_id", "value")
    )
    return [Score(juror=juror, entry=entry, value=value) for juror, entry, value in rows]


def criterion_means(edition: Edition, round: int, criterion: Criterion) -> dict[int, float]:
    """Each entry's mean score on one criterion (0 to 10, n/a left out), in one query."""
    span = criterion.scale_max - criterion.scale_min
    scores = CriterionScore.objects.filter(criterion=criterion, value__isnull=False)
    rows = (
        _counted(scores, edition, round, through="evaluation__")
        .values("evaluation__assignment__entry_id")
        .annotate(
            total=Sum("value"),
            count=Count("pk"),
        )
    )
    return {
        row["evaluation__assignment__entry_id"]: (
            (float(row["total"]) / row["count"] - criterion.scale_min) / span * NORMALISED_MAX
        )
        for row in rows
    }


def standings(edition: Edition, *, round: int = 1, settings: JurySettings) -> Standings:
    """The round ranked with the edition's settings; NoScores when there is nothing to rank.

    Two queries (the scores; the tie-break criterion's means when the secretariat chose that
    tie-break), whatever the number of entries."""
    scores = round_scores(edition, round)
    if not scores:
        raise NoScores(NO_SCORES % {"round": round})
    tie_break = None
    described = ""
    criterion = settings.tie_break_criterion
    if settings.tie_break == TieBreak.CRITERION and criterion is not None:
        means = criterion_means(edition, round, criterion)
        tie_break = lambda entry: (means.get(entry, float("-inf")),)  # noqa: E731
        described = str(_("ties broken by the higher mean on “%(criterion)s”")) % {
            "criterion": criterion.name
        }
    elif settings.tie_break == TieBreak.EVALUATIONS:
        counts: dict[int, int] = defaultdict(int)
        for score in scores:
            counts[score.entry] += 1
        tie_break = lambda entry: (counts[entry],)  # noqa: E731
        described = str(_("ties broken by the number of evaluations"))
    figures = rank_round(
        scores,
        min_evaluations=settings.min_evaluations,
        disagreement_threshold=float(settings.disagreement_threshold),
        tie_break=tie_break,
    )
    by_entry: dict[int, list[float]] = defaultdict(list)
    for score in scores:
        by_entry[score.entry].append(score.value)
    return Standings(
        edition=edition,
        round=round,
        settings=settings,
        figures=figures,
        scores_by_entry={entry: sorted(values) for entry, values in by_entry.items()},
        tie_break=described,
    )


def rounds_with_scores(edition: Edition) -> list[int]:
    """The rounds of the edition in which some evaluation is submitted, in order."""
    return sorted(
        Evaluation.objects.filter(
            status=Evaluation.Status.SUBMITTED, assignment__entry__edition=edition
        )
        .values_list("assignment__round", flat=True)
        .distinct()
    )


def juror_code(member: JuryMember | int, edition_id: int) -> str:
    """A juror's pseudonym, stable within the edition whatever happens to other members, and
    telling nothing of who it is without the site's secret key."""
    member_id = member if isinstance(member, int) else member.pk
    digest = salted_hmac("jury.juror_code", f"{edition_id}:{member_id}").hexdigest()
    return f"J-{digest[:8].upper()}"
