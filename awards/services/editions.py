"""Writes of editions: creating (with the programme's default questions), changing, cloning."""

import copy
import datetime
import zoneinfo
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from dateutil.relativedelta import relativedelta
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Max
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop, ngettext_lazy

from accounts.models import User
from core.locks import lock
from core.refusals import Refused
from core.rows import RowChanges, prepare_rows
from notifications.reminders import audience_choices

from .. import signals
from ..cloning import copied_fields, copy_rows
from ..models import Answer, Edition, EligibilityCriterion, Question, ReminderRule
from ..models.editions import MAX_REMINDER_RULES
from ..reminders import add_default_rules
from .screening import add_default_checklist

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


# The fields of an edition a clone does not take over unchanged, and why; every other field is
# copied as it is (awards/cloning.py).
EDITION_NOT_COPIED = {
    "year": "the clone's own year",
    "title": "the year in it replaced",
    "slug": "made from the new title, unique",
    "theme": "each call has a theme of its own, given anew",
    **dict.fromkeys(Edition.TIMELINE, "moved by the years between the editions"),
    "projects_since": "moved by the years between the editions",
    "phase": "a new edition starts in preparation",
    "results_locked_at": "a new edition has no decision yet",
    "deliberation_started_at": "a new edition has not deliberated yet",
    "publication_scheduled": "a new edition's announcement is not scheduled yet",
    "created_at": "the time of the clone",
}


def questions_locked(edition: Edition) -> bool:
    """Once an entry has been submitted its answers refer to the questions as they were."""
    return edition.entries.filter(submitted_at__isnull=False).exists()


def _check_field_names(fields: dict[str, Any]) -> None:
    editable = {f.name for f in Edition._meta.concrete_fields if f.editable and not f.primary_key}
    unknown = sorted(set(fields) - editable)
    if unknown:
        raise TypeError(f"Not editable fields of an edition: {', '.join(unknown)}")


@transaction.atomic
def create_edition(*, by: User, **fields: Any) -> Edition:
    """Create an edition from `fields` on behalf of `by`.

    Side effects, in order: the edition validated (ValidationError naming the fields) and saved;
    the programme's five default questions, its eligibility checklist and reminder rules added
    to it; `edition_created` sent, in the same transaction (the jury adds its rubric, settings
    and reminder rules).
    """
    _check_field_names(fields)
    edition = Edition(**fields)
    edition.full_clean()
    edition.save()
    add_default_questions(edition=edition)
    add_default_checklist(edition=edition)
    add_default_rules(edition=edition)
    signals.edition_created.send(sender=Edition, edition=edition, by=by)
    return edition


@transaction.atomic
def update_edition(
    *,
    edition: Edition,
    by: User,
    questions: Iterable[Question] = (),
    removed_questions: Iterable[Question] = (),
    **fields: Any,
) -> Edition:
    """Change an edition's `fields`, and save or remove some of its questions, for `by`.

    Side effects, in order: question changes refused (ValidationError) once an entry of the
    edition has been submitted, or when a removed question has answers; the year refused once
    the edition has entries, and a limit of partners or linked projects below what an entry
    already holds; the edition validated
    and saved; each question in `questions` validated and saved; `removed_questions` deleted.
    """
    _check_field_names(fields)
    questions, removed_questions = list(questions), list(removed_questions)
    if any(q.edition_id not in (None, edition.pk) for q in [*questions, *removed_questions]):
        raise ValueError("A question of another edition was given.")
    if (questions or removed_questions) and questions_locked(edition):
        raise ValidationError(
            _("The questions can no longer be changed: an entry has been submitted.")
        )
    if Answer.objects.filter(question__in=[q.pk for q in removed_questions]).exists():
        raise ValidationError(
            _("A question that applicants have started to answer cannot be removed.")
        )
    if "year" in fields and fields["year"] != edition.year and edition.entries.exists():
        raise ValidationError(
            _("The year can no longer change: the edition's entries carry it in their reference.")
        )
    _check_row_limits(edition, fields)
    for name, value in fields.items():
        setattr(edition, name, value)
    edition.full_clean()
    if fields:
        # Only what was changed: the phase, the lock of the jury's decision and the start of
        # its deliberation are written by their own services meanwhile, never overwritten
        # from a form read before.
        edition.save(update_fields=list(fields))
    for question in questions:
        question.edition = edition
        question.full_clean()
        question.save()
    for question in removed_questions:
        question.delete()
    return edition


# An entry's rows limited per edition, with the refusal when an entry already has more.
ROW_LIMITS = {
    "max_partners": (
        "partners",
        _("An entry of this edition already has %(count)s partners: the limit cannot be lower."),
    ),
    "max_projects": (
        "projects",
        _(
            "An entry of this edition already has %(count)s linked projects: the limit cannot "
            "be lower."
        ),
    ),
}


def _check_row_limits(edition: Edition, fields: dict[str, Any]) -> None:
    """Refused (ValidationError) when a limit would fall below what an entry already holds: its
    form could no longer show all of its rows."""
    for name, (related, message) in ROW_LIMITS.items():
        limit = fields.get(name)
        if limit is None or limit >= getattr(edition, name):
            continue
        most = edition.entries.annotate(rows=Count(related)).aggregate(most=Max("rows"))["most"]
        if most and limit < most:
            raise ValidationError(message, params={"count": most})


@transaction.atomic
def clone_edition(*, source: Edition, by: User, year: int | None = None) -> Edition:
    """A new edition for `year` (default: two years after `source`) prepared from `source`.

    Side effects, in order: refused (ValidationError) when an edition for that year exists or
    the dates cannot be moved there; the new edition saved, with the title's year replaced, a
    unique slug, every milestone and `projects_since` moved by the same number of calendar years
    (wall-clock time kept in the edition's time zone) and every other field copied but those of
    EDITION_NOT_COPIED; its questions, eligibility checklist and reminder rules copied;
    `edition_cloned` sent, in the same transaction (the jury copies its pool, rubric and
    settings).
    """
    year = source.year + 2 if year is None else year
    if Edition.objects.filter(year=year).exists():
        raise ValidationError(
            _("An edition for %(year)s exists already."), code="duplicate", params={"year": year}
        )
    shift = relativedelta(years=year - source.year)
    title = _title_for_year(source.title, source.year, year)
    try:
        moved = {
            name: _shift(getattr(source, name), shift, source.tzinfo) for name in Edition.TIMELINE
        }
        projects_since = source.projects_since and source.projects_since + shift
    except (OverflowError, ValueError) as error:
        raise ValidationError(
            _("The dates cannot be moved to %(year)s."), code="year", params={"year": year}
        ) from error
    target = Edition(
        year=year,
        title=title,
        slug=_unique_slug(title),
        projects_since=projects_since,
        **moved,
        **{
            name: copy.deepcopy(getattr(source, name))
            for name in copied_fields(Edition, EDITION_NOT_COPIED)
        },
    )
    target.full_clean()
    target.save()
    copy_rows(Question, source.questions.all(), not_copied={}, edition=target)
    copy_rows(
        EligibilityCriterion, source.eligibility_criteria.all(), not_copied={}, edition=target
    )
    copy_rows(ReminderRule, source.reminder_rules.all(), not_copied={}, edition=target)
    signals.edition_cloned.send(sender=Edition, source=source, edition=target, by=by)
    return target


def _shift(
    instant: datetime.datetime, shift: relativedelta, zone: zoneinfo.ZoneInfo
) -> datetime.datetime:
    # Adding to a zone-aware datetime is wall-clock arithmetic: 23:59 stays 23:59 even when
    # daylight saving time starts or ends between the two dates; the offset is recomputed.
    local = instant.astimezone(zone)
    return (local + shift).astimezone(datetime.UTC)


def _title_for_year(title: str, old_year: int, new_year: int) -> str:
    if str(old_year) in title:
        return title.replace(str(old_year), str(new_year))
    return f"{title} {new_year}"


def _unique_slug(title: str) -> str:
    max_length = Edition._meta.get_field("slug").max_length or 50
    base = slugify(title)[: max_length - 4].strip("-") or "edition"
    slug, number = base, 2
    while Edition.objects.filter(slug=slug).exists():
        slug, number = f"{base}-{number}", number + 1
    return slug


class EditionRefused(Refused):
    """A change to an edition that breaks one of its rules; the message says which."""


@dataclass(frozen=True)
class ReminderRuleRow:
    audience: str
    milestone: str
    days: int
    enabled: bool = True


TOO_MANY_REMINDER_RULES = ngettext_lazy(
    "An edition has at most %(num)d reminder rule.",
    "An edition has at most %(num)d reminder rules.",
    "num",
)


@transaction.atomic
def save_reminder_rules(*, edition: Edition, by: User, rules: RowChanges[ReminderRuleRow]) -> None:
    """Change an edition's reminder rules; rules not named stay as they are.

    Side effects, in order: refused (EditionRefused) unless `by` manages editions; the edition
    row locked; refused (nothing written) when a changed or removed id is not one of the
    edition's rules, an audience is not one an app registered, a rule breaks the model's rules
    (milestone, days from -90 to 90) or more than MAX_REMINDER_RULES would be left; the
    removed rules deleted, the changed ones saved, the added ones created.
    """
    if not by.has_perm("awards.manage_editions"):
        raise EditionRefused(_("Only the secretariat may change the reminders."))
    lock(Edition.objects.filter(pk=edition.pk))
    audiences = dict(audience_choices())
    unknown = {row.audience for row in [*rules.added, *rules.changed.values()]} - set(audiences)
    if unknown:
        raise EditionRefused(
            _("No one is reminded as “%(audience)s”: choose who among the list.")
            % {"audience": min(unknown)}
        )
    rows = prepare_rows(
        rules,
        existing=edition.reminder_rules.all(),
        new=lambda: ReminderRule(edition=edition),
        limit=MAX_REMINDER_RULES,
        too_many=TOO_MANY_REMINDER_RULES,
        refusal=EditionRefused,
        exclude=["edition"],
    )
    edition.reminder_rules.filter(pk__in=rules.removed).delete()
    for rule, _stored in rows:
        rule.save()
