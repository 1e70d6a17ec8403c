"""The scoring page's rows: what is saved, or what was just typed when a save was refused."""

from dataclasses import dataclass

from django.http import QueryDict

from .models import Criterion, Evaluation


@dataclass(frozen=True)
class Row:
    criterion: Criterion
    value: str
    not_applicable: bool
    comment: str


def rows(criteria, evaluation: Evaluation | None, data: QueryDict | None) -> list[Row]:
    saved = {s.criterion_id: s for s in evaluation.scores.all()} if evaluation else {}
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


def parse(criteria, data: QueryDict) -> dict:
    """The arguments of jury.scoring.save_scores from a posted score sheet."""
    return {
        "scores": {c.pk: data.get(f"score_{c.pk}", "").strip() or None for c in criteria},
        "not_applicable": {c.pk for c in criteria if f"na_{c.pk}" in data},
        "comments": {c.pk: data.get(f"comment_{c.pk}", "") for c in criteria},
        "overall_comment": data.get("overall_comment", ""),
    }
