"""The awards' reminder audiences and rules, given to notifications through its signals."""

import datetime
from collections.abc import Iterable

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from accounts.services import person, recipient_of
from notifications.kinds import Kind
from notifications.reminders import Audience, DueRule, Reminded
from notifications.services import Recipient

from .models import Edition, Entry, Partner, ReminderRule
from .notices import entry_context
from .services.partners import partner_token
from .workflow import EditionPhase, EntryState

# The programme's usual reminders, given to every new edition: (audience, milestone, days).
DEFAULT_RULES = [
    ("applicants_with_drafts", "submission_deadline", -7),
    ("applicants_with_drafts", "submission_deadline", -1),
    ("unconfirmed_partners", "submission_deadline", -10),
    ("unconfirmed_partners", "submission_deadline", -3),
    ("awaiting_clarification", "clarification_deadline", -2),
]


def _members_of_entries(entries: Iterable[Entry]) -> Reminded:
    for entry in entries:
        for membership in entry.organisation.memberships.all():
            if membership.is_approved and membership.user.is_active:
                user = membership.user
                yield (
                    recipient_of(user),
                    {"recipient": person(user), "entry": entry_context(entry)},
                    f"{entry.pk}:{user.pk}",
                )


def _entries(edition_id: int, state: str) -> QuerySet[Entry]:
    return (
        Entry.objects.filter(edition_id=edition_id, state=state)
        .select_related("edition", "organisation")
        .prefetch_related("organisation__memberships__user")
        .order_by("pk")
    )


def applicants_with_drafts(edition_id: int, now: datetime.datetime) -> Reminded:
    return _members_of_entries(_entries(edition_id, EntryState.DRAFT))


def awaiting_clarification(edition_id: int, now: datetime.datetime) -> Reminded:
    return _members_of_entries(_entries(edition_id, EntryState.CLARIFICATION_REQUESTED))


def unconfirmed_partners(edition_id: int, now: datetime.datetime) -> Reminded:
    partners = (
        Partner.objects.filter(
            entry__edition_id=edition_id,
            entry__state__in=[EntryState.DRAFT, EntryState.SUBMITTED],
            status=Partner.Status.PENDING,
        )
        .select_related("entry__edition", "entry__organisation")
        .order_by("pk")
    )
    for partner in partners:
        yield (
            Recipient(partner.contact_email, partner.contact_name, partner.entry.language),
            {
                "partner": {"name": partner.name, "contact_name": partner.contact_name},
                "entry": entry_context(partner.entry),
                "token": partner_token(partner),
            },
            f"{partner.pk}:{partner.contact_email}",
        )


def due_rules(*, now: datetime.datetime, **kwargs: object) -> list[DueRule]:
    """The enabled rules of live editions that are due on the edition's local day of `now`
    (the answer to `notifications.reminders.due_reminder_rules`)."""
    rules = (
        ReminderRule.objects.filter(enabled=True)
        .exclude(edition__phase__in=[EditionPhase.DRAFT, EditionPhase.ARCHIVED])
        .select_related("edition")
    )
    due = []
    for rule in rules:
        today = now.astimezone(rule.edition.tzinfo).date()
        if rule.due_day() == today:
            due.append(DueRule(str(rule.pk), rule.audience, rule.edition_id, today))
    return due


def audiences(**kwargs: object) -> list[Audience]:
    """Whom the awards remind (the answer to `notifications.reminders.reminder_audiences`)."""
    return [
        Audience(
            "applicants_with_drafts",
            _("Applicants with an unsubmitted draft"),
            Kind.REMINDER_DRAFT,
            applicants_with_drafts,
        ),
        Audience(
            "unconfirmed_partners",
            _("Partners asked but not yet confirmed"),
            Kind.REMINDER_PARTNER,
            unconfirmed_partners,
        ),
        Audience(
            "awaiting_clarification",
            _("Applicants asked a question, not yet answered"),
            Kind.REMINDER_CLARIFICATION,
            awaiting_clarification,
        ),
    ]


def add_default_rules(*, edition: Edition) -> None:
    ReminderRule.objects.bulk_create(
        ReminderRule(edition=edition, audience=a, milestone=m, days=d) for a, m, d in DEFAULT_RULES
    )
