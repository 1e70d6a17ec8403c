"""Phase changes that follow an edition's timeline, run by the scheduler (beat)."""

import datetime
import logging

from django.utils import timezone

from ..models import Edition
from ..workflow import EditionPhase
from .transitions import TransitionRefused, change_phase

logger = logging.getLogger(__name__)

# (phase, transition, the milestone after which it is due). Later phases wait for people:
# the jury review opens when screening is done, results go out when the decision is locked.
TIMED_STEPS = [
    (EditionPhase.CALL_OPEN, "close_call", "submission_deadline"),
]


def advance_editions(now: datetime.datetime | None = None) -> list[tuple[Edition, str]]:
    """Take every timed step that is due; return what was done.

    Opening a call stays a person's decision (the secretariat checks the edition first), but
    a call closes by itself when its deadline has passed.
    """
    now = now or timezone.now()
    done = []
    for phase, name, milestone in TIMED_STEPS:
        due = Edition.objects.filter(phase=phase, **{f"{milestone}__lt": now})
        for edition in due:
            try:
                change_phase(edition=edition, name=name, by=None, now=now)
            except TransitionRefused as refusal:
                logger.warning("Edition %s not moved by %s: %s", edition.pk, name, refusal)
                continue
            done.append((edition, name))
    return done
