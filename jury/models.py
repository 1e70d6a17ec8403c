import datetime
from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from awards.models import Edition, Entry
from core.fields import CountryField
from core.limits import LONG_TEXT_MAX_CHARS, NOTE_MAX_CHARS, text_field


class JuryMember(models.Model):
    """A person sitting on one edition's jury; one of them chairs it."""

    edition = models.ForeignKey(Edition, on_delete=models.CASCADE, related_name="jury_members")
    # Who sat on the jury is part of its record, as are the evaluations and conflicts that hang
    # on the membership: a juror's account is deactivated, never deleted, and the secretariat
    # removes a juror who has not scored through jury.services.remove_juror.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="jury_memberships"
    )
    is_chair = models.BooleanField(_("chair"), default=False)
    country = CountryField(_("country"), blank=True)
    organisation = models.CharField(_("organisation"), max_length=200, blank=True)
    invited_at = models.DateTimeField(_("invited"), auto_now_add=True)
    accepted_at = models.DateTimeField(_("accepted"), null=True, blank=True)

    class Meta:
        verbose_name = _("jury member")
        verbose_name_plural = _("jury members")
        ordering = ["-is_chair", "user__full_name"]
        constraints = [
            models.UniqueConstraint(fields=["edition", "user"], name="jury_member_unique"),
            models.UniqueConstraint(
                fields=["edition"],
                condition=Q(is_chair=True),
                name="jury_one_chair_per_edition",
                violation_error_message=_("This edition's jury already has a chair."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} ({self.edition.year})"


class RankingMethod(models.TextChoices):
    """The ways of ranking a round's entries (jury/ranking.py defines each)."""

    MEAN = "mean", _("Mean score")
    MEDIAN = "median", _("Median score")
    NORMALISED_MEAN = "normalised_mean", _("Normalised mean (each juror's severity corrected)")
    BORDA = "borda", _("Borda count (each juror's order)")


class TieBreak(models.TextChoices):
    NONE = "", _("None: equal values share a rank")
    CRITERION = "criterion", _("The higher mean on a chosen criterion")
    EVALUATIONS = "evaluations", _("More evaluations")


class JurySettings(models.Model):
    """How an edition's jury works: how many jurors per entry, which conflicts are automatic,
    when scores become visible, and how the ranking is read."""

    edition = models.OneToOneField(Edition, on_delete=models.CASCADE, related_name="jury_settings")
    jurors_per_entry = models.PositiveSmallIntegerField(
        _("jurors per entry"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1)],
        help_text=_("Leave empty for every juror to score every entry."),
    )
    conflict_same_country = models.BooleanField(
        _("a juror from the country of the lead applicant or of a partner is conflicted"),
        default=True,
    )
    conflict_same_organisation = models.BooleanField(
        _("a juror from an involved organisation is conflicted"), default=True
    )
    hide_scores_until_closed = models.BooleanField(
        _("keep others' scores hidden until scoring closes"), default=False
    )
    ranking_method = models.CharField(
        _("ranking method for the shortlist"),
        max_length=20,
        choices=RankingMethod.choices,
        default=RankingMethod.MEAN,
    )
    min_evaluations = models.PositiveSmallIntegerField(
        _("evaluations a juror needs to be normalised against their own scores"),
        default=3,
        validators=[MinValueValidator(2), MaxValueValidator(100)],
        help_text=_(
            "A juror with fewer evaluations is normalised against the whole round's scores."
        ),
    )
    disagreement_threshold = models.DecimalField(
        _("disagreement threshold"),
        max_digits=4,
        decimal_places=2,
        default=Decimal("2.00"),
        validators=[MinValueValidator(Decimal("0.01")), MaxValueValidator(Decimal("10"))],
        help_text=_(
            "An entry whose scores have a standard deviation at least this large (on 0 to 10) "
            "is marked as one the jurors disagree on."
        ),
    )
    tie_break = models.CharField(
        _("tie-break"), max_length=20, choices=TieBreak.choices, default=TieBreak.NONE, blank=True
    )
    tie_break_criterion = models.ForeignKey(
        "Criterion",
        verbose_name=_("criterion that breaks ties"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    jurors_see_ranking = models.BooleanField(
        _("jurors see the ranking once scoring has closed"), default=False
    )

    class Meta:
        verbose_name = _("jury settings")
        verbose_name_plural = _("jury settings")

    def __str__(self) -> str:
        return str(self.edition)


class ConflictOfInterest(models.Model):
    """A juror who must neither see nor score an entry, and why."""

    class Kind(models.TextChoices):
        SAME_COUNTRY = "country", _("Same country (automatic)")
        SAME_ORGANISATION = "organisation", _("Involved organisation (automatic)")
        MEMBERSHIP = "membership", _("Acts or acted for an involved organisation (automatic)")
        DECLARED = "declared", _("Declared by the juror")
        SECRETARIAT = "secretariat", _("Set by the secretariat")

    # The jury's record: removing a juror deletes their automatic conflicts by name, not by a
    # cascade that would take declared and lifted ones too.
    member = models.ForeignKey(JuryMember, on_delete=models.PROTECT, related_name="conflicts")
    entry = models.ForeignKey(Entry, on_delete=models.PROTECT, related_name="conflicts")
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    note = text_field(_("note"), max_length=NOTE_MAX_CHARS, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(_("recorded"), auto_now_add=True)
    lifted_at = models.DateTimeField(_("lifted"), null=True, blank=True)
    lifted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    lift_reason = text_field(_("reason for lifting"), max_length=NOTE_MAX_CHARS, blank=True)
    # Lifted because the secretariat switched its automatic rule off: switching the rule on
    # again brings it back, unlike a conflict lifted by hand.
    lifted_with_rule = models.BooleanField(default=False, editable=False)

    class Meta:
        verbose_name = _("conflict of interest")
        verbose_name_plural = _("conflicts of interest")
        constraints = [
            # A lifted conflict stays as the record of its lifting; the same one may come back.
            models.UniqueConstraint(
                fields=["member", "entry", "kind"],
                condition=Q(lifted_at__isnull=True),
                name="conflict_active_unique",
            )
        ]

    def __str__(self) -> str:
        return f"{self.member} on {self.entry_id} ({self.kind})"


# A rubric's criteria, on one page of its form.
MAX_CRITERIA = 20


class Criterion(models.Model):
    """One line of the edition's rubric."""

    edition = models.ForeignKey(Edition, on_delete=models.CASCADE, related_name="criteria")
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    name = models.CharField(_("criterion"), max_length=200)
    guidance = text_field(_("guidance for jurors"), max_length=NOTE_MAX_CHARS, blank=True)
    weight = models.DecimalField(
        _("weight"), max_digits=5, decimal_places=2, default=1, validators=[MinValueValidator(0)]
    )
    scale_min = models.SmallIntegerField(_("lowest score"), default=0)
    scale_max = models.SmallIntegerField(_("highest score"), default=10)

    class Meta:
        verbose_name = _("criterion")
        verbose_name_plural = _("criteria")
        ordering = ["edition", "position", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(scale_max__gt=models.F("scale_min")),
                name="criterion_scale_ordered",
                violation_error_message=_("The highest score must be above the lowest."),
            )
        ]

    def __str__(self) -> str:
        return self.name


class Assignment(models.Model):
    """A juror asked to score an entry in a round."""

    # A plan, not a record: it goes with its juror or entry, unless it holds an evaluation,
    # which nothing deletes by cascade.
    member = models.ForeignKey(JuryMember, on_delete=models.CASCADE, related_name="assignments")
    entry = models.ForeignKey(Entry, on_delete=models.CASCADE, related_name="assignments")
    round = models.PositiveSmallIntegerField(_("round"), default=1)
    is_manual = models.BooleanField(_("set by hand"), default=False)
    created_at = models.DateTimeField(_("assigned"), auto_now_add=True)

    class Meta:
        verbose_name = _("assignment")
        verbose_name_plural = _("assignments")
        constraints = [
            models.UniqueConstraint(fields=["member", "entry", "round"], name="assignment_unique")
        ]

    def __str__(self) -> str:
        return f"{self.member} → {self.entry_id} (round {self.round})"


class Evaluation(models.Model):
    """A juror's scores of one entry: a draft until submitted, then locked."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted")

    # Protected from every cascade (an assignment, a juror, an entry, an edition, a person):
    # only an evaluation never started is deleted, by name, when its assignment is taken off.
    assignment = models.OneToOneField(
        Assignment, on_delete=models.PROTECT, related_name="evaluation"
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    comment = text_field(_("overall comment"), max_length=LONG_TEXT_MAX_CHARS, blank=True)
    updated_at = models.DateTimeField(_("last saved"), auto_now=True)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    reopened_reason = text_field(_("reason for reopening"), max_length=NOTE_MAX_CHARS, blank=True)
    # A reopening after the scoring deadline gives the juror until then to change and submit.
    open_until = models.DateTimeField(_("may be changed until"), null=True, blank=True)

    class Meta:
        verbose_name = _("evaluation")
        verbose_name_plural = _("evaluations")

    def __str__(self) -> str:
        return f"{self.assignment} ({self.status})"

    @staticmethod
    def closes_at(
        scoring_deadline: datetime.datetime, open_until: datetime.datetime | None
    ) -> datetime.datetime:
        """Until when the juror may change an evaluation: the edition's scoring deadline, or the
        later time the secretariat gave (`open_until`) when reopening it or giving more time.
        It takes the two times rather than the rows, so that reads of many evaluations (the
        board, the latest time of an edition) use it without a query more."""
        return max(scoring_deadline, open_until) if open_until else scoring_deadline


class CriterionScore(models.Model):
    """One score: a value on the criterion's scale, or "not applicable" (missing, never 0)."""

    evaluation = models.ForeignKey(Evaluation, on_delete=models.CASCADE, related_name="scores")
    criterion = models.ForeignKey(Criterion, on_delete=models.PROTECT, related_name="scores")
    value = models.DecimalField(_("score"), max_digits=5, decimal_places=2, null=True, blank=True)
    not_applicable = models.BooleanField(_("not applicable"), default=False)
    comment = text_field(_("comment"), max_length=LONG_TEXT_MAX_CHARS, blank=True)

    class Meta:
        verbose_name = _("score")
        verbose_name_plural = _("scores")
        constraints = [
            models.UniqueConstraint(fields=["evaluation", "criterion"], name="score_unique"),
            models.CheckConstraint(
                condition=Q(not_applicable=False) | Q(value__isnull=True),
                name="score_not_applicable_has_no_value",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.criterion}: {'n/a' if self.not_applicable else self.value}"


class Reopening(models.Model):
    """The secretariat gave a submitted evaluation back to its juror, or a juror more time to
    finish one after the deadline: who, when, why, and until when."""

    evaluation = models.ForeignKey(Evaluation, on_delete=models.CASCADE, related_name="reopenings")
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    at = models.DateTimeField(_("reopened"), auto_now_add=True)
    reason = text_field(_("reason"), max_length=NOTE_MAX_CHARS)
    until = models.DateTimeField(_("may be changed until"), null=True, blank=True)

    class Meta:
        verbose_name = _("reopening")
        verbose_name_plural = _("reopenings")
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.evaluation} reopened {self.at:%Y-%m-%d}"


class Deliberation(models.Model):
    """The jury's decision on one edition: the shortlist it works from, the meeting, the lock.

    The prizes are rows of their own (Prize); the moves they cause are the entries' own
    transitions, and every step is logged (DecisionEvent)."""

    edition = models.OneToOneField(Edition, on_delete=models.CASCADE, related_name="deliberation")
    round = models.PositiveSmallIntegerField(_("round the shortlist was drawn from"), default=1)
    shortlist_method = models.CharField(
        _("ranking method of the shortlist"), max_length=20, choices=RankingMethod.choices
    )
    shortlist_confirmed_at = models.DateTimeField(_("shortlist confirmed"), null=True, blank=True)
    shortlist_confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    joint_prizes_allowed = models.BooleanField(
        _("joint prizes allowed by the chair"), default=False
    )
    # The entry under discussion in meeting mode; every open board follows it.
    current_entry = models.ForeignKey(
        Entry, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    confirmed_at = models.DateTimeField(_("decision confirmed"), null=True, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    # Round two: the whole jury scores the shortlist again, with the same rubric.
    round_two_opens = models.DateTimeField(_("round two opened"), null=True, blank=True)
    round_two_deadline = models.DateTimeField(_("round two closes"), null=True, blank=True)
    # A ranked ballot of the shortlist, combined by the Schulze method (jury.ranking.schulze).
    ballot_opened_at = models.DateTimeField(_("ballot opened"), null=True, blank=True)
    ballot_closed_at = models.DateTimeField(_("ballot closed"), null=True, blank=True)

    class Meta:
        verbose_name = _("deliberation")
        verbose_name_plural = _("deliberations")

    def __str__(self) -> str:
        return str(self.edition)


class MeetingNote(models.Model):
    """What the jury said of a shortlisted entry in its meeting, kept by the chair or the
    secretariat; the whole jury reads it on the board."""

    edition = models.ForeignKey(Edition, on_delete=models.CASCADE, related_name="meeting_notes")
    entry = models.ForeignKey(Entry, on_delete=models.PROTECT, related_name="+")
    text = text_field(_("meeting notes"), max_length=LONG_TEXT_MAX_CHARS, blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    updated_at = models.DateTimeField(_("last saved"))

    class Meta:
        verbose_name = _("meeting note")
        verbose_name_plural = _("meeting notes")
        constraints = [
            models.UniqueConstraint(fields=["edition", "entry"], name="meeting_note_per_entry")
        ]

    def __str__(self) -> str:
        return f"{self.entry_id} ({self.updated_at:%Y-%m-%d})"


class Ballot(models.Model):
    """A juror's order of the shortlist, best first: entry ids, the entries they are in
    conflict with left out."""

    edition = models.ForeignKey(Edition, on_delete=models.CASCADE, related_name="ballots")
    member = models.ForeignKey(JuryMember, on_delete=models.PROTECT, related_name="ballots")
    ranking = models.JSONField(_("order, best first"), default=list)
    cast_at = models.DateTimeField(_("cast"))

    class Meta:
        verbose_name = _("ballot")
        verbose_name_plural = _("ballots")
        constraints = [
            models.UniqueConstraint(fields=["edition", "member"], name="ballot_one_per_juror")
        ]

    def __str__(self) -> str:
        return f"{self.member} ({self.cast_at:%Y-%m-%d})"


class Prize(models.Model):
    """One of the jury's prizes, or a finalist's place: the outcome certificates and the public
    results read, whatever becomes of the entry's state."""

    class Kind(models.TextChoices):
        FIRST = "first", _("1st prize")
        SECOND = "second", _("2nd prize")
        THIRD = "third", _("3rd prize")
        SPECIAL = "special", _("Special prize")
        FINALIST = "finalist", _("Finalist")

    # Prizes ranked 1st to 3rd: one each, unless the chair allowed joint prizes.
    RANKED = (Kind.FIRST, Kind.SECOND, Kind.THIRD)

    edition = models.ForeignKey(Edition, on_delete=models.CASCADE, related_name="prizes")
    entry = models.ForeignKey(Entry, on_delete=models.PROTECT, related_name="prizes")
    kind = models.CharField(_("prize"), max_length=10, choices=Kind.choices)
    name = models.CharField(_("name of the special prize"), max_length=200, blank=True)
    citation = text_field(_("citation"), max_length=NOTE_MAX_CHARS, blank=True)
    rationale = text_field(_("rationale"), max_length=LONG_TEXT_MAX_CHARS, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    decided_at = models.DateTimeField(_("recorded"))
    confirmed_at = models.DateTimeField(_("confirmed"), null=True, blank=True)

    class Meta:
        verbose_name = _("prize")
        verbose_name_plural = _("prizes")
        ordering = ["edition", "kind", "name", "pk"]
        constraints = [
            # An entry holds one ranked prize (or a finalist's place) at most; special prizes
            # come on top of it.
            models.UniqueConstraint(
                fields=["edition", "entry"],
                condition=~Q(kind="special"),
                name="prize_one_ranked_per_entry",
            ),
            models.UniqueConstraint(
                fields=["edition", "name"],
                condition=Q(kind="special"),
                name="prize_special_name_unique",
            ),
            models.CheckConstraint(
                condition=~Q(kind="special") | ~Q(name=""),
                name="prize_special_has_a_name",
            ),
        ]

    def __str__(self) -> str:
        return self.name if self.kind == self.Kind.SPECIAL else self.get_kind_display()

    @property
    def title(self) -> str:
        """What the prize is called where it is announced."""
        return str(self)

    @property
    def order(self) -> int:
        """Where the prize stands in a list of the results: 1st, 2nd, 3rd, special, finalist."""
        return list(self.Kind.values).index(self.kind)


class DecisionEvent(models.Model):
    """One step of the jury's decision, with who took it, when and why."""

    class Kind(models.TextChoices):
        SHORTLIST_CONFIRMED = "shortlist_confirmed", _("Shortlist confirmed")
        SHORTLIST_UNDONE = "shortlist_undone", _("Shortlist undone")
        DELIBERATION_STARTED = "deliberation_started", _("Deliberation started")
        JOINT_PRIZES_ALLOWED = "joint_prizes_allowed", _("Joint prizes allowed")
        JOINT_PRIZES_WITHDRAWN = "joint_prizes_withdrawn", _("Joint prizes no longer allowed")
        PRIZE_RECORDED = "prize_recorded", _("Prize recorded")
        PRIZE_REMOVED = "prize_removed", _("Prize removed")
        DECISION_CONFIRMED = "decision_confirmed", _("Decision confirmed and locked")
        DECISION_REOPENED = "decision_reopened", _("Decision reopened")
        ROUND_TWO_OPENED = "round_two_opened", _("Round two opened")
        BALLOT_OPENED = "ballot_opened", _("Ranked ballot opened")
        BALLOT_CLOSED = "ballot_closed", _("Ranked ballot closed")

    edition = models.ForeignKey(Edition, on_delete=models.CASCADE, related_name="decision_events")
    kind = models.CharField(_("step"), max_length=30, choices=Kind.choices)
    entry = models.ForeignKey(
        Entry, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    at = models.DateTimeField(_("when"))
    note = text_field(_("note"), max_length=LONG_TEXT_MAX_CHARS, blank=True)

    class Meta:
        verbose_name = _("decision step")
        verbose_name_plural = _("decision steps")
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.at:%Y-%m-%d %H:%M})"
