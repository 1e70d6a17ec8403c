"""The entry state machine: every state and every transition, and nothing else writes `state`.

Transitions are ordered as the lifecycle. Each names its conditions (small pure functions below,
each carrying the message shown when it fails) and its permission (a rules permission, see
awards/rules.py). Transitions run only through `awards.services.transition_entry`.
"""

from collections.abc import Callable

from django.db import models
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransitionMixin, FSMField, transition


class EntryState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    WITHDRAWN = "withdrawn", _("Withdrawn")


def refusal(message: str | Promise) -> Callable:
    """Attach the message a person sees when this condition stops a transition."""

    def mark(condition: Callable) -> Callable:
        condition.refusal = message  # type: ignore[attr-defined]
        return condition

    return mark


@refusal(_("The submission deadline has passed."))
def before_deadline(entry) -> bool:
    return timezone.now() <= entry.deadline


@refusal(_("The entry is not complete yet: the review page lists what is missing."))
def is_complete(entry) -> bool:
    return not entry.missing_items()


class EntryWorkflow(ConcurrentTransitionMixin, models.Model):
    state = FSMField(
        _("state"), default=EntryState.DRAFT, choices=EntryState.choices, protected=True
    )
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)

    class Meta:
        abstract = True

    @transition(
        field=state,
        source=EntryState.DRAFT,
        target=EntryState.SUBMITTED,
        conditions=[before_deadline, is_complete],
        permission="awards.submit_entry",
    )
    def submit(self) -> None:
        self.submitted_at = timezone.now()

    @transition(
        field=state,
        source=[EntryState.DRAFT, EntryState.SUBMITTED],
        target=EntryState.WITHDRAWN,
        permission="awards.withdraw_entry",
    )
    def withdraw(self) -> None:
        pass
