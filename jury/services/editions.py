"""An edition's jury set up, cloned and configured: the rubric (editable until scoring
opens) and the jury settings."""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, gettext_noop, ngettext_lazy

from accounts.models import User
from awards.cloning import copy_rows
from awards.models import Edition
from core.rows import RowChanges, prepare_rows

from ..models import (
    MAX_CRITERIA,
    ConflictOfInterest,
    Criterion,
    CriterionScore,
    JuryMember,
    JurySettings,
)
from ..reminders import add_default_rules as add_jury_reminder_rules
from .common import JuryRefused, lock_edition, settings_for
from .conflicts import automatic_rules, record_automatic_conflicts

# The five selection criteria of the 2024 edition, with equal weights on a 0 to 10 scale.
DEFAULT_CRITERIA = [
    gettext_noop("Strategic approach and objectives"),
    gettext_noop("Results and local impact"),
    gettext_noop("Local democracy"),
    gettext_noop("Active citizenship"),
    gettext_noop("Development effectiveness and policy coherence"),
]


def set_up_jury(*, edition: Edition, **kwargs: object) -> None:
    """A new edition's jury defaults (a receiver of `awards.signals.edition_created`): the five
    2024 criteria, the settings, and the jurors' reminder rules (T-5, T-1 and T+1 on the
    scoring deadline)."""
    add_default_criteria(edition=edition)
    settings_for(edition)
    add_jury_reminder_rules(edition=edition)


# What a clone of the jury's parts does not take over, and why (awards/cloning.py).
MEMBER_NOT_COPIED = {
    "invited_at": "set when the member is invited again",
    "accepted_at": "nobody sits on a jury without accepting it for that edition",
}


def carry_over_jury_pool(*, source: Edition, edition: Edition, **kwargs: object) -> None:
    """A cloned edition (a receiver of `awards.signals.edition_cloned`) starts with the
    previous jury as its pool, each member to be invited again, with its rubric and jury
    settings."""
    copy_rows(JuryMember, source.jury_members.all(), not_copied=MEMBER_NOT_COPIED, edition=edition)
    originals = list(source.criteria.all())
    copies = copy_rows(Criterion, originals, not_copied={}, edition=edition)
    copy_of = {original.pk: copy for original, copy in zip(originals, copies, strict=True)}
    JurySettings.objects.filter(edition=edition).delete()
    source_settings = settings_for(source)
    copy_rows(
        JurySettings,
        [source_settings],
        not_copied={},
        edition=edition,
        # The tie-break names the clone's own copy of the criterion.
        tie_break_criterion=copy_of.get(source_settings.tie_break_criterion_id or 0),
    )


def add_default_criteria(*, edition: Edition) -> list[Criterion]:
    return Criterion.objects.bulk_create(
        Criterion(edition=edition, position=i, name=name)
        for i, name in enumerate(DEFAULT_CRITERIA, start=1)
    )


JURY_SETTINGS = [
    "jurors_per_entry",
    "conflict_same_country",
    "conflict_same_organisation",
    "hide_scores_until_closed",
]


@transaction.atomic
def save_settings(*, settings: JurySettings, by: User) -> tuple[int, int]:
    """Save the jury settings edited by the secretariat.

    Side effects, in order: refused (JuryRefused) unless `by` is the secretariat; the edition
    row locked; the settings saved; the active automatic conflicts of a rule that is now off
    lifted (marked as lifted with the rule, so that switching it on records them anew); the
    automatic conflicts of the rules that are on recorded (see record_automatic_conflicts).
    Returns how many conflicts were lifted and how many recorded.
    """
    if not by.has_perm("jury.manage_jury"):
        raise JuryRefused(_("Only the secretariat may change the jury's settings."))
    lock_edition(settings.edition_id)
    # Only the jury's own settings: the ranking page saves the ranking's meanwhile.
    settings.save(update_fields=JURY_SETTINGS)
    lifted = ConflictOfInterest.objects.filter(
        member__edition_id=settings.edition_id,
        lifted_at__isnull=True,
        kind__in=[kind for kind, on in automatic_rules(settings).items() if not on],
    ).update(lifted_at=timezone.now(), lifted_by=by, lifted_with_rule=True)
    return lifted, record_automatic_conflicts(edition=settings.edition)


RUBRIC_LOCKED = gettext_lazy(
    "Scoring has opened, or jurors have scored already, so the rubric can no longer change: "
    "the scores given would no longer mean the same."
)


def rubric_locked(edition: Edition, *, now: datetime.datetime | None = None) -> bool:
    """Once scoring has opened, or anyone has scored, the rubric stays as it is."""
    now = now or timezone.now()
    return (
        now >= edition.scoring_opens
        or CriterionScore.objects.filter(criterion__edition=edition).exists()
    )


@dataclass(frozen=True)
class CriterionRow:
    name: str
    position: int = 0
    guidance: str = ""
    weight: Decimal = Decimal(1)
    scale_min: int = 0
    scale_max: int = 10


TOO_MANY_CRITERIA = ngettext_lazy(
    "The rubric has at most %(num)d criterion.",
    "The rubric has at most %(num)d criteria.",
    "num",
)


@transaction.atomic
def save_rubric(*, edition: Edition, by: User, criteria: RowChanges[CriterionRow]) -> None:
    """Change the edition's rubric; criteria not named stay as they are.

    Side effects, in order: refused (JuryRefused) unless `by` is the secretariat; the edition
    row locked; refused (nothing written) once the rubric is locked, when a changed or removed
    id is not one of the edition's criteria, a criterion breaks its rules (a scale that goes
    up, a weight of 0 or more, lengths), or when more than MAX_CRITERIA or no criterion would be
    left; the removed criteria deleted, the changed ones saved, the added ones created.
    """
    if not by.has_perm("jury.manage_jury"):
        raise JuryRefused(_("Only the secretariat may change the rubric."))
    lock_edition(edition.pk)
    if rubric_locked(edition):
        raise JuryRefused(RUBRIC_LOCKED)
    existing = edition.criteria.all()
    rows = prepare_rows(
        criteria,
        existing=existing,
        new=lambda: Criterion(edition=edition),
        limit=MAX_CRITERIA,
        too_many=TOO_MANY_CRITERIA,
        refusal=JuryRefused,
        exclude=["edition"],
    )
    if existing.count() - len(criteria.removed) + len(criteria.added) < 1:
        raise JuryRefused(_("Keep at least one criterion in the rubric."))
    existing.filter(pk__in=criteria.removed).delete()
    for criterion, _stored in rows:
        criterion.save()
