"""What a juror gives a criterion: a number on its scale, or the n/a mark.

The score sheet (jury/forms.py) and the scoring service (jury/scoring.py) apply the same rule
through `value_problem`: the form to tell the juror beside the field, the service because it
holds whoever calls it.
"""

from decimal import Decimal
from enum import Enum
from typing import Literal

from django.utils.translation import gettext_lazy as _

from .models import Criterion


class Mark(Enum):
    NOT_APPLICABLE = "n/a"


# The n/a mark: the criterion does not apply to this entry. Stored as no value, never as 0.
NOT_APPLICABLE = Mark.NOT_APPLICABLE
# What the scoring service takes for one criterion: a value, the n/a mark, or None (neither).
Score = Decimal | int | Literal[Mark.NOT_APPLICABLE] | None

# Scores are stored with two decimals (CriterionScore.value); more would be silently rounded.
CENT = Decimal("0.01")

NOT_A_NUMBER = _("The score for “%(criterion)s” must be a number.")
OUT_OF_SCALE = _("The score for “%(criterion)s” must be between %(min)s and %(max)s.")
TOO_PRECISE = _("The score for “%(criterion)s” may have at most two decimals.")
BOTH_MARKS = _("“%(criterion)s” has both a score and the n/a mark: give one or the other.")


def value_problem(criterion: Criterion, value: Decimal) -> str | None:
    """Why `value` cannot be a score of `criterion`, or None when it can."""
    names = {"criterion": criterion.name}
    if not value.is_finite():
        return NOT_A_NUMBER % names
    if not criterion.scale_min <= value <= criterion.scale_max:
        return OUT_OF_SCALE % {**names, "min": criterion.scale_min, "max": criterion.scale_max}
    if value != value.quantize(CENT):
        return TOO_PRECISE % names
    return None
