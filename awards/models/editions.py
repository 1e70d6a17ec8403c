import datetime
import zoneinfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from core.limits import MAX_WORD_LIMIT, NOTE_MAX_CHARS, RULES_MAX_CHARS, text_field

from ..workflow import ANNOUNCED_PHASES, EditionPhase, EditionWorkflow

# The languages PLATFORMA has relayed its calls in; an edition offers a subset of them.
ENTRY_LANGUAGES = [
    ("en", _("English")),
    ("fr", _("French")),
    ("es", _("Spanish")),
    ("de", _("German")),
    ("it", _("Italian")),
    ("pl", _("Polish")),
    ("cs", _("Czech")),
    ("nl", _("Dutch")),
]


# The most partners and linked projects an edition may allow per entry: a form of this many rows
# still saves in a fraction of a second.
MAX_PARTNERS = 50
MAX_PROJECTS = 30
# An edition's questions and reminder rules, each on one page of its form.
MAX_QUESTIONS = 20
MAX_REMINDER_RULES = 30


def default_entry_languages() -> list[str]:
    return ["en", "fr", "es"]


def validate_timezone(value: str) -> None:
    if value not in zoneinfo.available_timezones():
        raise ValidationError(_("%(value)s is not a known time zone."), params={"value": value})


class Edition(EditionWorkflow):
    """One call for entries of the programme, with its timeline (all instants are aware)."""

    year = models.PositiveSmallIntegerField(_("year"), unique=True)
    title = models.CharField(_("title"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    theme = models.CharField(
        _("theme"),
        max_length=120,
        blank=True,
        help_text=_(
            "The call's theme, if it has one (for example: the Sustainable Development Goals)."
        ),
    )
    timezone = models.CharField(
        _("time zone"),
        max_length=64,
        default="Europe/Brussels",
        validators=[validate_timezone],
        help_text=_("Deadlines are enforced and shown in this time zone."),
    )
    call_opens = models.DateTimeField(_("call opens"))
    submission_deadline = models.DateTimeField(_("submission deadline"))
    clarification_deadline = models.DateTimeField(_("clarification deadline"))
    scoring_opens = models.DateTimeField(_("scoring opens"))
    scoring_deadline = models.DateTimeField(_("scoring deadline"))
    deliberation_at = models.DateTimeField(_("jury deliberation"))
    announcement_at = models.DateTimeField(_("announcement of results"))
    # The secretariat scheduled the announcement: the scheduler publishes the results at
    # `announcement_at` (once the jury's decision is locked).
    publication_scheduled = models.BooleanField(_("publication scheduled"), default=False)
    rules_text = text_field(_("rules"), max_length=RULES_MAX_CHARS, blank=True)
    shortlist_size = models.PositiveSmallIntegerField(_("shortlist size"), default=8)
    languages = models.JSONField(
        _("languages of entries"),
        default=default_entry_languages,
        help_text=_("The languages applicants may write their entry in."),
    )
    projects_since = models.DateField(
        _("projects ongoing or ended since"),
        null=True,
        blank=True,
        help_text=_("Linked projects that ended before this date are not eligible."),
    )
    summary_word_limit = models.PositiveSmallIntegerField(
        _("summary word limit"),
        default=200,
        validators=[MinValueValidator(1), MaxValueValidator(MAX_WORD_LIMIT)],
    )
    max_partners = models.PositiveSmallIntegerField(
        _("partners per entry"),
        default=30,
        validators=[MinValueValidator(1), MaxValueValidator(MAX_PARTNERS)],
    )
    max_projects = models.PositiveSmallIntegerField(
        _("linked projects per entry"),
        default=20,
        validators=[MinValueValidator(1), MaxValueValidator(MAX_PROJECTS)],
    )
    max_attachments = models.PositiveSmallIntegerField(_("attachments per entry"), default=5)
    max_attachment_mb = models.PositiveSmallIntegerField(
        _("largest attachment (MB)"),
        default=10,
        validators=[MinValueValidator(1), MaxValueValidator(100)],
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    # The order in which the programme's milestones must fall.
    TIMELINE = (
        "call_opens",
        "submission_deadline",
        "clarification_deadline",
        "scoring_opens",
        "scoring_deadline",
        "deliberation_at",
        "announcement_at",
    )

    class Meta:
        verbose_name = _("edition")
        verbose_name_plural = _("editions")
        ordering = ["-year"]

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        super().clean()
        errors: dict[str, str | Promise] = {}
        known = dict(ENTRY_LANGUAGES)
        if not self.languages or not all(code in known for code in self.languages):
            errors["languages"] = _("Choose one or more of the offered languages.")
        for earlier, later in zip(self.TIMELINE, self.TIMELINE[1:], strict=False):
            first, second = getattr(self, earlier), getattr(self, later)
            if first and second and second < first:
                errors[later] = _("This date must fall on or after “%(earlier)s”.") % {
                    "earlier": self.milestone_label(earlier)
                }
        if errors:
            raise ValidationError(errors)

    @property
    def results_announced(self) -> bool:
        """Whether the jury's decisions may be known outside the secretariat and the jury."""
        return self.phase in ANNOUNCED_PHASES

    @property
    def call_closed(self) -> bool:
        """Whether the call is over, so that its entries are screened (or were)."""
        return self.phase not in (EditionPhase.DRAFT, EditionPhase.CALL_OPEN)

    def entry_language_choices(self) -> list[tuple[str, str | Promise]]:
        return [(code, label) for code, label in ENTRY_LANGUAGES if code in self.languages]

    def submission_deadline_for(self, extension: datetime.datetime | None) -> datetime.datetime:
        """An entry's own deadline: the edition's, or a later one the secretariat granted."""
        if extension and extension > self.submission_deadline:
            return extension
        return self.submission_deadline

    @property
    def tzinfo(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.timezone)

    @classmethod
    def milestone_label(cls, name: str) -> str:
        field = cls._meta.get_field(name)
        assert isinstance(field, models.DateTimeField)
        return str(field.verbose_name)

    def milestones(self) -> list[tuple[str, datetime.datetime]]:
        """(label, instant) for every milestone, in timeline order."""
        return [(self.milestone_label(name), getattr(self, name)) for name in self.TIMELINE]

    def next_milestone(
        self, now: datetime.datetime | None = None
    ) -> tuple[str, datetime.datetime] | None:
        now = now or timezone.now()
        return next(((label, at) for label, at in self.milestones() if at > now), None)


class Question(models.Model):
    """What an entry must answer: by default one question per selection criterion."""

    edition = models.ForeignKey(Edition, on_delete=models.CASCADE, related_name="questions")
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    title = models.CharField(_("question"), max_length=200)
    guidance = text_field(_("guidance"), max_length=NOTE_MAX_CHARS, blank=True)
    word_limit = models.PositiveSmallIntegerField(
        _("word limit"),
        default=500,
        validators=[MinValueValidator(1), MaxValueValidator(MAX_WORD_LIMIT)],
    )

    class Meta:
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        ordering = ["edition", "position", "pk"]

    def __str__(self) -> str:
        return self.title


class EligibilityCriterion(models.Model):
    """One item of the edition's eligibility checklist, answered yes or no per entry.

    Items with a `rule` are computed from the entry and pre-filled; the secretariat confirms
    or overrides them.
    """

    class Rule(models.TextChoices):
        NONE = "", _("Checked by the secretariat")
        LEAD_EU = "lead_eu", _("Lead applicant is an EU-27 local or regional government")
        PARTNER_COUNTRY = "partner_country", _("A partner government is in a partner country")
        PARTNERS_CONFIRMED = "partners_confirmed", _("Every partner has confirmed")
        PROJECT_WINDOW = "project_window", _("A linked project is ongoing or ended in the window")
        HAS_SDG = "has_sdg", _("At least one SDG is named")

    edition = models.ForeignKey(
        Edition, on_delete=models.CASCADE, related_name="eligibility_criteria"
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    text = models.CharField(_("checklist item"), max_length=300)
    rule = models.CharField(
        _("computed by"), max_length=30, choices=Rule.choices, blank=True, default=Rule.NONE
    )

    class Meta:
        verbose_name = _("eligibility criterion")
        verbose_name_plural = _("eligibility criteria")
        ordering = ["edition", "position", "pk"]

    def __str__(self) -> str:
        return self.text


class EditionPhaseChange(models.Model):
    """The audit trail of an edition's phases: who moved it, when, and how many entries moved."""

    edition = models.ForeignKey(Edition, on_delete=models.CASCADE, related_name="phase_changes")
    transition = models.CharField(_("transition"), max_length=50)
    source_phase = models.CharField(_("from"), max_length=30)
    target_phase = models.CharField(_("to"), max_length=30)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    at = models.DateTimeField(_("when"), default=timezone.now, editable=False)
    entries_moved = models.PositiveIntegerField(_("entries moved"), default=0)

    class Meta:
        verbose_name = _("phase change")
        verbose_name_plural = _("phase changes")
        ordering = ["edition", "at", "pk"]

    def __str__(self) -> str:
        return f"{self.edition}: {self.source_phase} → {self.target_phase}"


class ReminderRule(models.Model):
    """When an audience is reminded: `days` after a milestone (negative: before it)."""

    edition = models.ForeignKey(Edition, on_delete=models.CASCADE, related_name="reminder_rules")
    audience = models.CharField(_("who"), max_length=60)
    milestone = models.CharField(
        _("milestone"),
        max_length=40,
        choices=[(name, Edition._meta.get_field(name).verbose_name) for name in Edition.TIMELINE],
    )
    days = models.SmallIntegerField(
        _("days"),
        validators=[MinValueValidator(-90), MaxValueValidator(90)],
        help_text=_("Negative: days before the milestone; positive: days after it."),
    )
    enabled = models.BooleanField(_("enabled"), default=True)

    class Meta:
        verbose_name = _("reminder rule")
        verbose_name_plural = _("reminder rules")
        ordering = ["edition", "milestone", "days", "pk"]

    def __str__(self) -> str:
        return f"{self.audience} {self.days:+d}d {self.milestone}"

    def due_day(self) -> datetime.date:
        """The day it is due, in the edition's time zone."""
        local = getattr(self.edition, self.milestone).astimezone(self.edition.tzinfo)
        return local.date() + datetime.timedelta(days=self.days)
