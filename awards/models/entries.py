import uuid
from pathlib import PurePath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from core.fields import CountryField
from core.limits import (
    LONG_TEXT_MAX_CHARS,
    MAX_WORD_LIMIT,
    NOTE_MAX_CHARS,
    chars_for_words,
    text_field,
)

from ..workflow import UNANNOUNCED_STATES, EntryState, EntryWorkflow
from .editions import ENTRY_LANGUAGES, Edition, EligibilityCriterion, Question
from .organisations import Organisation, name_key, with_keys


class SustainableDevelopmentGoal(models.Model):
    """One of the 17 UN goals; the rows are made by a migration, the names live in SDG_NAMES."""

    number = models.PositiveSmallIntegerField(
        _("number"), primary_key=True, validators=[MinValueValidator(1), MaxValueValidator(17)]
    )

    class Meta:
        verbose_name = _("sustainable development goal")
        verbose_name_plural = _("sustainable development goals")
        ordering = ["number"]

    def __str__(self) -> str:
        return f"{self.number}. {self.name}"

    @property
    def name(self) -> str:
        return str(SDG_NAMES[self.number])


SDG_NAMES = {
    1: _("No poverty"),
    2: _("Zero hunger"),
    3: _("Good health and well-being"),
    4: _("Quality education"),
    5: _("Gender equality"),
    6: _("Clean water and sanitation"),
    7: _("Affordable and clean energy"),
    8: _("Decent work and economic growth"),
    9: _("Industry, innovation and infrastructure"),
    10: _("Reduced inequalities"),
    11: _("Sustainable cities and communities"),
    12: _("Responsible consumption and production"),
    13: _("Climate action"),
    14: _("Life below water"),
    15: _("Life on land"),
    16: _("Peace, justice and strong institutions"),
    17: _("Partnerships for the goals"),
}


def word_count(text: str) -> int:
    return len(text.split())


def entry_reference(year: int, number: int) -> str:
    """An entry's reference, from its edition's year and its number in the edition."""
    return f"PA{year}-{number:04d}"


class Entry(EntryWorkflow):
    """A partnership put forward by a lead local or regional government for one edition."""

    edition = models.ForeignKey(Edition, on_delete=models.PROTECT, related_name="entries")
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="entries",
        verbose_name=_("lead applicant"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    number = models.PositiveIntegerField(_("number"), editable=False)
    title = models.CharField(_("title"), max_length=200, blank=True)
    # The edition's word limit sets the limit each form and save applies; this is the most any
    # edition may set.
    summary = text_field(_("summary"), max_length=chars_for_words(MAX_WORD_LIMIT), blank=True)
    language = models.CharField(
        _("language of the entry"), max_length=8, choices=ENTRY_LANGUAGES, blank=True
    )
    sdgs = models.ManyToManyField(
        SustainableDevelopmentGoal,
        blank=True,
        related_name="entries",
        verbose_name=_("sustainable development goals served"),
    )
    deadline_extension = models.DateTimeField(_("extended deadline"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("last saved"), auto_now=True)
    last_saved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("last saved by"),
    )
    # The applicants' consent, given at submission, to the entry's showing in the public
    # gallery even without a prize (awarded entries and finalists are always shown).
    public_display = models.BooleanField(_("shown in the public gallery"), default=False)
    public_display_at = models.DateTimeField(_("consent to public display"), null=True, blank=True)
    # When the entry became public, with its edition's results; never unset.
    published_at = models.DateTimeField(_("published"), null=True, blank=True, db_index=True)
    # The partnership's own web page, shown on its public page (past editions' imports).
    public_url = models.URLField(_("web page of the partnership"), blank=True)
    # The names the public gallery's search finds it by besides its title and summary (the
    # lead applicant's and the partners'), written when it is published or corrected.
    search_names = models.TextField(editable=False, blank=True, default="")

    class Meta:
        verbose_name = _("entry")
        verbose_name_plural = _("entries")
        ordering = ["edition", "number"]
        constraints = [
            models.UniqueConstraint(fields=["edition", "number"], name="entry_unique_number")
        ]
        indexes = [
            # When a public entry last changed: what the public pages' cache keys read on
            # every request (showcase.selectors.last_change), answered from this index.
            models.Index(
                fields=["updated_at"],
                condition=models.Q(published_at__isnull=False),
                name="entry_public_updated",
            ),
            # The public entries of an edition: what a change to the edition, its jury or its
            # prizes marks as changed (showcase.freshness), without reading every entry of it.
            models.Index(
                fields=["edition"],
                condition=models.Q(published_at__isnull=False),
                name="entry_public_by_edition",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reference} {self.title}".strip()

    def get_absolute_url(self) -> str:
        return reverse("awards:entry_detail", kwargs={"pk": self.pk})

    @property
    def reference(self) -> str:
        return entry_reference(self.edition.year, self.number)

    @property
    def version(self) -> str:
        """What a form carries to notice that someone else saved the entry meanwhile."""
        return self.updated_at.isoformat()

    @property
    def deadline(self):
        return self.edition.submission_deadline_for(self.deadline_extension)

    @property
    def announced_state_label(self) -> str:
        """The state as applicants may see it: no jury decision before the announcement."""
        if self.state in UNANNOUNCED_STATES and not self.edition.results_announced:
            return str(EntryState.IN_REVIEW.label)
        return self.get_state_display()

    @property
    def what_comes_next(self) -> str:
        """What the applicants may expect next, as they may know it (no jury decision before
        the announcement)."""
        state = self.state
        if state in UNANNOUNCED_STATES and not self.edition.results_announced:
            state = EntryState.IN_REVIEW
        return str(WHAT_COMES_NEXT[state])

    @property
    def is_editable(self) -> bool:
        # During a clarification round the applicant edits the entry, then resubmits it.
        return self.state in (EntryState.DRAFT, EntryState.CLARIFICATION_REQUESTED)

    @property
    def may_be_deleted(self) -> bool:
        """Only a draft that was never submitted goes for good; anything else is withdrawn."""
        return self.state == EntryState.DRAFT and self.submitted_at is None

    def checklist_passed(self) -> bool:
        """Every item of the edition's checklist answered yes for this entry."""
        answers = {a.criterion_id: a.answer for a in self.eligibility_answers.all()}
        criteria = self.edition.eligibility_criteria.all()
        return all(answers.get(c.pk) is True for c in criteria)

    def answered_questions(self) -> list[tuple[Question, str]]:
        """Every question of the edition in order, with this entry's answer ("" if none)."""
        answers = {answer.question_id: answer.text for answer in self.answers.all()}
        return [(q, answers.get(q.pk, "")) for q in self.edition.questions.all()]

    def missing_items(self) -> list[str | Promise]:
        """What still stops submission, in the order of the form (uses prefetched relations)."""
        missing: list[str | Promise] = []
        if not self.title.strip():
            missing.append(_("a title"))
        if not self.summary.strip():
            missing.append(_("a summary"))
        elif word_count(self.summary) > self.edition.summary_word_limit:
            missing.append(_("a summary within the word limit"))
        if not self.language:
            missing.append(_("the language of the entry"))
        if not self.sdgs.all():
            missing.append(_("at least one Sustainable Development Goal"))
        partners = list(self.partners.all())
        if not partners:
            missing.append(_("at least one partner government"))
        if not self.projects.all():
            missing.append(_("at least one linked project"))
        answers = {answer.question_id: answer for answer in self.answers.all()}
        for question in self.edition.questions.all():
            answer = answers.get(question.pk)
            if answer is None or not answer.text.strip():
                missing.append(_("an answer to “%(question)s”") % {"question": question.title})
            elif word_count(answer.text) > question.word_limit:
                missing.append(
                    _("an answer to “%(question)s” within its word limit")
                    % {"question": question.title}
                )
        return missing


# What the applicants may expect next, by the state they may know of.
WHAT_COMES_NEXT = {
    EntryState.DRAFT: _("The entry can be changed until it is submitted."),
    EntryState.SUBMITTED: _("The secretariat checks its eligibility; you will be told by email."),
    EntryState.CLARIFICATION_REQUESTED: _(
        "The secretariat has asked a question; the entry's page shows it."
    ),
    EntryState.ELIGIBLE: _(
        "The jury reviews the eligible entries; results are announced publicly."
    ),
    EntryState.IN_REVIEW: _(
        "The jury reviews the eligible entries; results are announced publicly."
    ),
    EntryState.WITHDRAWN: _("Nothing more: the entry was withdrawn."),
    EntryState.INELIGIBLE: _(
        "The entry did not meet the eligibility criteria; the reason is on its page."
    ),
    # Read only once the results are announced (see `what_comes_next`).
    EntryState.SHORTLISTED: _("The jury shortlisted the entry; its decision is announced."),
    EntryState.NOT_SHORTLISTED: _(
        "The entry was not shortlisted; the best practices are shown in the public gallery."
    ),
    EntryState.AWARDED: _("The entry won a prize: its certificate and the results are public."),
    EntryState.FINALIST: _("The entry was a finalist: its certificate and the results are public."),
}


class Partner(models.Model):
    """A partner government taking part in the entry; it confirms through a signed link."""

    class Status(models.TextChoices):
        NOT_ASKED = "not_asked", _("Not asked yet")
        PENDING = "pending", _("Awaiting reply")
        CONFIRMED = "confirmed", _("Confirmed")
        DECLINED = "declined", _("Declined")

    entry = models.ForeignKey(Entry, on_delete=models.CASCADE, related_name="partners")
    name = models.CharField(_("partner government"), max_length=200)
    country = CountryField(_("country"))
    contact_name = models.CharField(_("contact person"), max_length=200)
    contact_email = models.EmailField(_("contact email"))
    # name_key(name) and the site's one spelling of contact_email, kept by save() (and set by
    # fill_keys() before a bulk_create): what conflicts of interest compare.
    name_key = models.CharField(max_length=600, editable=False, db_index=True, default="")
    contact_key = models.CharField(max_length=254, editable=False, db_index=True, default="")
    status = models.CharField(
        _("confirmation"), max_length=12, choices=Status.choices, default=Status.NOT_ASKED
    )
    requested_at = models.DateTimeField(_("confirmation requested"), null=True, blank=True)
    responded_at = models.DateTimeField(_("replied"), null=True, blank=True)
    response_note = text_field(_("note from the partner"), max_length=NOTE_MAX_CHARS, blank=True)

    class Meta:
        verbose_name = _("partner")
        verbose_name_plural = _("partners")
        ordering = ["entry", "pk"]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs) -> None:
        self.fill_keys()
        keys = {"name": "name_key", "contact_email": "contact_key"}
        kwargs["update_fields"] = with_keys(kwargs.get("update_fields"), keys)
        super().save(*args, **kwargs)

    def fill_keys(self) -> "Partner":
        from accounts.addresses import normalise_email

        self.name_key = name_key(self.name)
        self.contact_key = normalise_email(self.contact_email)[:254]
        return self


class LinkedProject(models.Model):
    """A project the partnership ran; one entry may describe several linked projects."""

    entry = models.ForeignKey(Entry, on_delete=models.CASCADE, related_name="projects")
    title = models.CharField(_("project title"), max_length=200)
    start_year = models.PositiveSmallIntegerField(
        _("start year"), validators=[MinValueValidator(1950), MaxValueValidator(2100)]
    )
    end_year = models.PositiveSmallIntegerField(
        _("end year"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1950), MaxValueValidator(2100)],
        help_text=_("Leave empty if the project is ongoing."),
    )
    budget = models.DecimalField(
        _("budget"),
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    currency = models.CharField(
        _("currency"),
        max_length=3,
        default="EUR",
        validators=[
            RegexValidator(
                r"\A[A-Z]{3}\Z", _("Give the currency as a three-letter code, e.g. EUR.")
            )
        ],
    )
    funding_sources = text_field(_("funding sources"), max_length=NOTE_MAX_CHARS, blank=True)

    class Meta:
        verbose_name = _("linked project")
        verbose_name_plural = _("linked projects")
        ordering = ["entry", "pk"]

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        super().clean()
        if self.start_year and self.end_year and self.end_year < self.start_year:
            raise ValidationError(
                {"end_year": _("The end year cannot come before the start year.")}
            )


class Answer(models.Model):
    entry = models.ForeignKey(Entry, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="answers")
    # As for the summary: the question's word limit sets the limit applied on saving.
    text = text_field(_("answer"), max_length=chars_for_words(MAX_WORD_LIMIT), blank=True)

    class Meta:
        verbose_name = _("answer")
        verbose_name_plural = _("answers")
        constraints = [models.UniqueConstraint(fields=["entry", "question"], name="answer_unique")]

    def __str__(self) -> str:
        return f"{self.entry.reference}: {self.question}"


def attachment_path(attachment: "Attachment", filename: str) -> str:
    # Never reuse the uploaded name on disk: it is kept in `original_name` for display only.
    return f"entries/{attachment.entry_id}/{uuid.uuid4().hex}{PurePath(filename).suffix.lower()}"


class Attachment(models.Model):
    """A supporting document, stored outside the web root and served only to those allowed."""

    entry = models.ForeignKey(Entry, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(_("file"), upload_to=attachment_path, max_length=300)
    original_name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(_("type"), max_length=100)
    size = models.PositiveBigIntegerField(_("size"))
    sha256 = models.CharField(max_length=64)
    description = models.CharField(_("description"), max_length=200, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("uploaded"), auto_now_add=True)
    # Shown on the entry's public page once it is published, when the applicant says so.
    is_public = models.BooleanField(_("public"), default=False)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["entry", "uploaded_at", "pk"]

    def __str__(self) -> str:
        return self.original_name


class EligibilityAnswer(models.Model):
    """The secretariat's answer to one checklist item for one entry."""

    # The screening's record: neither deleting an entry nor a checklist item may take it.
    entry = models.ForeignKey(Entry, on_delete=models.PROTECT, related_name="eligibility_answers")
    criterion = models.ForeignKey(
        EligibilityCriterion, on_delete=models.PROTECT, related_name="answers"
    )
    answer = models.BooleanField(_("answer"), null=True)
    computed = models.BooleanField(
        _("computed"), default=False, help_text=_("Pre-filled from the entry, not yet changed.")
    )
    note = models.CharField(_("note"), max_length=500, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    answered_at = models.DateTimeField(_("answered"), auto_now=True)

    class Meta:
        verbose_name = _("eligibility answer")
        verbose_name_plural = _("eligibility answers")
        constraints = [
            models.UniqueConstraint(fields=["entry", "criterion"], name="eligibility_answer_unique")
        ]

    def __str__(self) -> str:
        return f"{self.entry_id}: {self.criterion_id} = {self.answer}"


class EntryTransition(models.Model):
    """The audit trail: one row for every move of an entry, written by the transition service."""

    # An entry with a history is never deleted (only a draft never submitted is, and it has
    # none): the history outlives anything that would try.
    entry = models.ForeignKey(Entry, on_delete=models.PROTECT, related_name="transitions")
    transition = models.CharField(_("transition"), max_length=50)
    source_state = models.CharField(_("from"), max_length=30, choices=EntryState.choices)
    target_state = models.CharField(_("to"), max_length=30, choices=EntryState.choices)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    at = models.DateTimeField(_("when"), default=timezone.now, editable=False)
    note = text_field(_("note"), max_length=LONG_TEXT_MAX_CHARS, blank=True)
    internal_note = text_field(_("internal note"), max_length=LONG_TEXT_MAX_CHARS, blank=True)

    class Meta:
        verbose_name = _("entry transition")
        verbose_name_plural = _("entry transitions")
        ordering = ["entry", "at", "pk"]

    def __str__(self) -> str:
        return f"{self.entry_id}: {self.source_state} → {self.target_state}"


class PublicCorrection(models.Model):
    """A change the secretariat made to the public text of a published entry, with the text
    before and after and the reason: published results are corrected, never withdrawn."""

    class Field(models.TextChoices):
        TITLE = "title", _("title")
        SUMMARY = "summary", _("summary")

    entry = models.ForeignKey(Entry, on_delete=models.PROTECT, related_name="public_corrections")
    field = models.CharField(_("field"), max_length=20, choices=Field.choices)
    before = models.TextField(_("before"))
    after = models.TextField(_("after"))
    reason = text_field(_("reason"), max_length=NOTE_MAX_CHARS)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    at = models.DateTimeField(_("when"))

    class Meta:
        verbose_name = _("correction of public text")
        verbose_name_plural = _("corrections of public text")
        ordering = ["entry", "-at", "-pk"]

    def __str__(self) -> str:
        return f"{self.entry_id}: {self.field} ({self.at:%Y-%m-%d})"
