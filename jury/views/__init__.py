"""The jury's pages: the juror's (juror.py) and the secretariat's (secretariat.py)."""

from .juror import attachment, declare_conflict, invitation, juror_home, score_autosave, score_entry
from .secretariat import (
    assignments,
    conflicts,
    current_jury,
    jury_members,
    lift_conflict,
    more_time,
    progress,
    remind,
    remove_member,
    reopen,
    rubric,
)

__all__ = [
    "assignments",
    "attachment",
    "conflicts",
    "current_jury",
    "declare_conflict",
    "invitation",
    "juror_home",
    "jury_members",
    "lift_conflict",
    "more_time",
    "progress",
    "remind",
    "remove_member",
    "reopen",
    "rubric",
    "score_autosave",
    "score_entry",
]
