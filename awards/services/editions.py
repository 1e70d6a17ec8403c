"""Writes of editions. Creating an edition gives it the programme's default questions."""

from django.db import transaction
from django.utils.translation import gettext_noop

from ..models import Edition, Question

# The five selection criteria of the 2024 edition; each becomes a question with a word limit.
# Stored in English as written by the secretariat, who can edit them per edition.
DEFAULT_QUESTIONS = [
    (
        gettext_noop("Strategic approach and objectives"),
        gettext_noop(
            "Why did your government engage in this partnership, and what did it set out to "
            "achieve? How does it fit your international strategy?"
        ),
    ),
    (
        gettext_noop("Results and local impact"),
        gettext_noop(
            "What has changed for the people of each partner territory? Give figures where you "
            "have them."
        ),
    ),
    (
        gettext_noop("Local democracy"),
        gettext_noop(
            "How did the partnership strengthen local self-government, transparency and "
            "accountability?"
        ),
    ),
    (
        gettext_noop("Active citizenship"),
        gettext_noop("How were citizens, civil society and local stakeholders involved?"),
    ),
    (
        gettext_noop("Development effectiveness and policy coherence"),
        gettext_noop(
            "How does the partnership follow the principles of development effectiveness "
            "(ownership, alignment, results, mutual accountability) and fit other policies?"
        ),
    ),
]


@transaction.atomic
def add_default_questions(*, edition: Edition, word_limit: int = 500) -> list[Question]:
    return Question.objects.bulk_create(
        Question(edition=edition, position=i, title=title, guidance=guidance, word_limit=word_limit)
        for i, (title, guidance) in enumerate(DEFAULT_QUESTIONS, start=1)
    )
