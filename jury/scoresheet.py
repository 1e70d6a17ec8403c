"""The scoring page's rows: what is saved, or what was just typed when a save was refused, with
what the score sheet said of it."""

from dataclasses import dataclass

from django.http import QueryDict

from .models import Criterion, Evaluation


@dataclass(frozen=True)
class Row:
    criterion: Criterion
    value: str
    not_applicable: bool
    comment: str
    errors: tuple[str, ...] = ()
    comment_errors: tuple[str, ...] = ()


def rows(criteria, evaluation: Evaluation | None, data: QueryDict | None, errors=None) -> list[Row]:
    """One row per criterion: from `data` (with the form's `errors`) when given, else saved."""
    saved = {s.criterion_id: s for s in evaluation.scores.all()} if evaluation else {}
    errors = errors or {}
    result = []
    for criterion in criteria:
        key = criterion.pk
        if data is not None:
            result.append(
                Row(
                    criterion,
                    data.get(f"score_{key}", ""),
                    f"na_{key}" in data,
                    data.get(f"comment_{key}", ""),
                    tuple(errors.get(f"score_{key}", ())),
                    tuple(errors.get(f"comment_{key}", ())),
                )
            )
            continue
        score = saved.get(key)
        value = "" if score is None or score.value is None else f"{score.value.normalize():f}"
        result.append(
            Row(
                criterion,
                value,
                bool(score and score.not_applicable),
                score.comment if score else "",
            )
        )
    return result
