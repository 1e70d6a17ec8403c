"""A round's ranking as the pages and the exports read it: the round's scores in one query,
ranked by the pure functions of jury.ranking with the edition's settings.

Every number shown or exported comes from `standings()`, so the ranking page, the CSV and the
XLSX, the shortlist and the jury report can never disagree.
"""

from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.db import connection
from django.db.models import (
    Count,
    Exists,
    ExpressionWrapper,
    F,
    FloatField,
    OuterRef,
    QuerySet,
    Sum,
)
from django.db.models.functions import Cast
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext_lazy as _

from awards.models import Edition
from core.memory import cyclic_gc_paused
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
    # The tie-break the secretariat chose, in words; "" when ties stay ties.
    tie_break: str


def _normalised_value() -> ExpressionWrapper:
    """A criterion score on 0 to 10 by its criterion's scale (as jury.scoring.weighted_score),
    in floating point: SQLite would divide the integers its NUMERIC casts make, and truncate."""
    return ExpressionWrapper(
        Cast(F("value") - F("criterion__scale_min"), FloatField())
        * float(NORMALISED_MAX)
        / Cast(F("criterion__scale_max") - F("criterion__scale_min"), FloatField()),
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
    by the database in one query. An evaluation with no value (all n/a) has no score.

    The query starts from the valued criterion scores, so every join is an inner one and the
    sums need no filter, and the rows are read straight from the cursor with the collector held
    back (core.memory): together under half the time of grouping evaluations over outer joins
    and iterating the queryset, on a 10,000-entry round (bench/ranking.py)."""
    weight = Cast("criterion__weight", FloatField())
    member, entry = "evaluation__assignment__member_id", "evaluation__assignment__entry_id"
    rows = (
        _counted(
            CriterionScore.objects.filter(value__isnull=False),
            edition,
            round,
            through="evaluation__",
        )
        .values(member, entry)
        .annotate(weights=Sum(weight), value=Sum(weight * _normalised_value()) / F("weights"))
        .filter(weights__gt=0)
        # No ORDER BY: the ranking orders what it needs, and sorting 50,000 rows on the
        # database spills to disk for nothing.
        .order_by()
        .values_list(member, entry, "value")
    )
    sql, params = rows.query.sql_with_params()
    with cyclic_gc_paused(), connection.cursor() as cursor:
        cursor.execute(sql, params)
        return list(map(Score._make, cursor.fetchall()))


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
        for _juror, entry, _value in scores:
            counts[entry] += 1
        tie_break = lambda entry: (counts[entry],)  # noqa: E731
        described = str(_("ties broken by the number of evaluations"))
    figures = rank_round(
        scores,
        min_evaluations=settings.min_evaluations,
        disagreement_threshold=float(settings.disagreement_threshold),
        tie_break=tie_break,
    )
    return Standings(
        edition=edition,
        round=round,
        settings=settings,
        figures=figures,
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
