from .editions import ENTRY_LANGUAGES, Edition, Question, default_entry_languages, validate_timezone
from .entries import (
    SDG_NAMES,
    Answer,
    Attachment,
    Entry,
    EntryTransition,
    LinkedProject,
    Partner,
    SustainableDevelopmentGoal,
    word_count,
)
from .organisations import Organisation, OrganisationInvitation, OrganisationMembership

__all__ = [
    "ENTRY_LANGUAGES",
    "SDG_NAMES",
    "Answer",
    "Attachment",
    "Edition",
    "Entry",
    "EntryTransition",
    "LinkedProject",
    "Organisation",
    "OrganisationInvitation",
    "OrganisationMembership",
    "Partner",
    "Question",
    "SustainableDevelopmentGoal",
    "default_entry_languages",
    "validate_timezone",
    "word_count",
]
