"""The jury's scoring rounds: round one scores every entry in review between the edition's
scoring dates; round two, when the deliberation holds one, scores the shortlist between the
time it was opened and the deadline the chair or the secretariat gave.

Every place that asks "may this evaluation still be changed", "is it overdue", "what is left
to score" asks it of a round, so that the two never mix: the progress board, the juror's home,
the reminders (round one's on the edition's rules, round two's on the jury's schedule in
jury/reminders.py) and the mail of each juror's entries.
"""

import datetime

from awards.models import Edition

ROUND_ONE = 1
ROUND_TWO = 2
ROUNDS = (ROUND_ONE, ROUND_TWO)


def window(
    edition: Edition, round: int
) -> tuple[datetime.datetime | None, datetime.datetime | None]:
    """When scoring in `round` opens and closes; (None, None) for a round two not opened."""
    if round == ROUND_ONE:
        return edition.scoring_opens, edition.scoring_deadline
    from .models import Deliberation

    deliberation = (
        Deliberation.objects.filter(edition=edition)
        .only("round_two_opens", "round_two_deadline")
        .first()
    )
    if deliberation is None:
        return None, None
    return deliberation.round_two_opens, deliberation.round_two_deadline


def deadline(edition: Edition, round: int) -> datetime.datetime | None:
    return window(edition, round)[1]
