"""Writes of the jury app: the rubric and settings, conflicts of interest, the assignment of
entries, and invitations. Callers import from here."""

from ..selectors import REVIEWED_STATES
from .assignments import (
    assign_automatically,
    remind_juror,
    set_assignment,
    tell_jurors_their_assignments,
)
from .common import JuryRefused, settings_for
from .conflicts import (
    add_conflict,
    declare_conflict,
    lift_conflict,
    record_automatic_conflicts,
)
from .decision import (
    DecisionRefused,
    allow_joint_prizes,
    confirm_decision,
    confirm_shortlist,
    deliberation_for,
    discuss,
    record_prize,
    remove_prize,
    reopen_decision,
    save_ranking_settings,
    undo_shortlist,
)
from .editions import (
    DEFAULT_CRITERIA,
    RUBRIC_LOCKED,
    TOO_MANY_CRITERIA,
    CriterionRow,
    add_default_criteria,
    carry_over_jury_pool,
    rubric_locked,
    save_rubric,
    save_settings,
    set_up_jury,
)
from .invitations import (
    INVITATION_LINK,
    accept_invitation,
    invitation_token,
    invite_juror,
    member_from_token,
    remove_juror,
)

__all__ = [
    "DEFAULT_CRITERIA",
    "INVITATION_LINK",
    "REVIEWED_STATES",
    "RUBRIC_LOCKED",
    "TOO_MANY_CRITERIA",
    "CriterionRow",
    "DecisionRefused",
    "JuryRefused",
    "accept_invitation",
    "add_conflict",
    "add_default_criteria",
    "allow_joint_prizes",
    "assign_automatically",
    "carry_over_jury_pool",
    "confirm_decision",
    "confirm_shortlist",
    "declare_conflict",
    "deliberation_for",
    "discuss",
    "invitation_token",
    "invite_juror",
    "lift_conflict",
    "member_from_token",
    "record_automatic_conflicts",
    "record_prize",
    "remind_juror",
    "remove_juror",
    "remove_prize",
    "reopen_decision",
    "rubric_locked",
    "save_ranking_settings",
    "save_rubric",
    "save_settings",
    "set_assignment",
    "set_up_jury",
    "settings_for",
    "tell_jurors_their_assignments",
    "undo_shortlist",
]
