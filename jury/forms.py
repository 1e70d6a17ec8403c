import zoneinfo
from decimal import Decimal, InvalidOperation

from django import forms
from django.conf import settings
from django.utils import timezone as django_timezone
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from accounts.addresses import EmailAddressField
from awards.models import SDG_NAMES, Entry
from awards.workflow import EntryState
from core.forms import BoundedDateTimeField, ModelIdsField, PartialFormMixin
from core.limits import LONG_TEXT_MAX_CHARS, NOTE_MAX_CHARS
from core.rows import CappedFormSetMixin, RowChanges, row_changes
from core.widgets import CountrySelect

from .marks import BOTH_MARKS, NOT_APPLICABLE, Score, value_problem
from .models import (
    MAX_CRITERIA,
    Criterion,
    JuryMember,
    JurySettings,
    Prize,
    RankingMethod,
    TieBreak,
)
from .selectors import JURY_STATES
from .services.editions import TOO_MANY_CRITERIA, CriterionRow


class InviteJurorForm(forms.Form):
    email = EmailAddressField(label=_("Email address"))
    full_name = forms.CharField(label=_("Full name"), max_length=200)
    country = forms.ChoiceField(label=_("Country"), required=False, widget=CountrySelect)
    organisation = forms.CharField(label=_("Organisation"), max_length=200, required=False)
    is_chair = forms.BooleanField(label=_("Chairs the jury"), required=False)
    language = forms.ChoiceField(label=_("Language of the invitation"), choices=settings.LANGUAGES)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["country"].choices = [("", "---------"), *countries]


class AffiliationForm(forms.Form):
    """What the juror says of themselves when accepting: it decides their automatic conflicts."""

    country = forms.ChoiceField(label=_("Your country"), widget=CountrySelect)
    organisation = forms.CharField(
        label=_("Your organisation"),
        max_length=200,
        required=False,
        help_text=_(
            "Used to find conflicts of interest: you will not be given entries led from or "
            "partnered with this country, nor entries involving this organisation."
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["country"].choices = [("", "---------"), *countries]


class DeclareConflictForm(forms.Form):
    note = forms.CharField(
        label=_("Why you have a conflict of interest with this entry"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        help_text=_("Only the secretariat reads this note."),
    )


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}), max_length=2000
    )


class ReopenForm(ReasonForm):
    until = BoundedDateTimeField(
        label=_("The juror may change it until"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        help_text=_(
            "In the edition's time zone. Needed once the scoring deadline has passed; before, "
            "the deadline applies."
        ),
    )

    def __init__(self, *args, timezone: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.zone = zoneinfo.ZoneInfo(timezone)

    def full_clean(self) -> None:
        # The browser sends a wall-clock time, read in the edition's zone.
        with django_timezone.override(self.zone):
            super().full_clean()


class MoreTimeForm(ReopenForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["until"].required = True
        self.fields["until"].help_text = _("In the edition's time zone.")


class AddConflictForm(forms.Form):
    member = forms.ModelChoiceField(label=_("Juror"), queryset=JuryMember.objects.none())
    entry = forms.ModelChoiceField(label=_("Entry"), queryset=Entry.objects.none())
    reason = forms.CharField(
        label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}), max_length=2000
    )

    def __init__(self, *args, edition, **kwargs):
        super().__init__(*args, **kwargs)
        member_field = self.fields["member"]
        member_field.queryset = edition.jury_members.select_related("user").order_by(
            "user__full_name"
        )
        member_field.label_from_instance = lambda member: member.user.full_name
        entry_field = self.fields["entry"]
        entry_field.queryset = edition.entries.filter(state__in=JURY_STATES).order_by("number")
        entry_field.label_from_instance = lambda entry: f"{entry.reference} {entry.title}"


class CriterionForm(forms.ModelForm):
    class Meta:
        model = Criterion
        fields = ["position", "name", "guidance", "weight", "scale_min", "scale_max"]
        widgets = {"guidance": forms.Textarea(attrs={"rows": 2})}

    def clean(self):
        cleaned = super().clean()
        low, high = cleaned.get("scale_min"), cleaned.get("scale_max")
        if low is not None and high is not None and high <= low:
            self.add_error("scale_max", _("The highest score must be above the lowest."))
        return cleaned


class BaseCriterionFormSet(CappedFormSetMixin, forms.BaseModelFormSet):
    max_forms = MAX_CRITERIA
    default_error_messages = {"too_many_forms": TOO_MANY_CRITERIA}

    def changes(self) -> RowChanges[CriterionRow]:
        return row_changes(
            self,
            lambda data: CriterionRow(
                name=data["name"],
                position=data["position"],
                guidance=data["guidance"],
                weight=data["weight"],
                scale_min=data["scale_min"],
                scale_max=data["scale_max"],
            ),
        )


CriterionFormSet = forms.modelformset_factory(
    Criterion, form=CriterionForm, formset=BaseCriterionFormSet, extra=1, can_delete=True
)


class JurySettingsForm(forms.ModelForm):
    jurors_per_entry = forms.IntegerField(
        label=_("Jurors per entry"),
        required=False,
        min_value=1,
        max_value=50,
        help_text=_("Leave empty for every juror to score every entry."),
    )

    class Meta:
        model = JurySettings
        fields = [
            "jurors_per_entry",
            "conflict_same_country",
            "conflict_same_organisation",
            "hide_scores_until_closed",
        ]


class AutomaticAssignmentForm(forms.Form):
    seed = forms.IntegerField(
        label=_("Draw number"),
        min_value=0,
        max_value=2**31 - 1,
        help_text=_(
            "The same number on the same jury and entries gives the same assignment; another "
            "number draws differently among equally balanced ones."
        ),
    )


class ScoreField(forms.CharField):
    """A score as a juror types it: "7", "7.5" or "7,5" (as French and Spanish write it), on
    the criterion's scale with at most two decimals; blank is no score."""

    # No score is written with more characters; anything longer is not one.
    MAX_CHARS = 20

    def __init__(self, *, criterion: Criterion, **kwargs):
        super().__init__(required=False, **kwargs)
        self.criterion = criterion

    def to_python(self, value) -> Decimal | None:  # type: ignore[override]
        text = super().to_python(value)
        if not text:
            return None
        if text.count(",") == 1 and "." not in text:
            text = text.replace(",", ".")
        try:
            number = Decimal(text) if len(text) <= self.MAX_CHARS else Decimal("NaN")
        except InvalidOperation:
            number = Decimal("NaN")
        problem = value_problem(self.criterion, number)
        if problem:
            raise forms.ValidationError(problem, code="score")
        return number

    def validate(self, value) -> None:
        # Checked in to_python, against the criterion's own scale.
        pass


class ScoreSheetForm(PartialFormMixin, forms.Form):
    """A juror's scores of one entry: per criterion a score or the n/a mark and a comment, and
    an overall comment.

    `scores()`, `comments()` and `overall_comment()` are what jury.scoring.save_scores takes. A
    partial form (an autosave) changes only the criteria whose score or n/a box it carries and
    the comments it carries.
    """

    overall_comment = forms.CharField(
        label=_("Overall comment"), required=False, max_length=LONG_TEXT_MAX_CHARS
    )

    def __init__(self, *args, criteria: list[Criterion], **kwargs):
        super().__init__(*args, **kwargs)
        self.criteria = criteria
        for criterion in criteria:
            pk = criterion.pk
            self.fields[f"score_{pk}"] = ScoreField(criterion=criterion, label=criterion.name)
            self.fields[f"na_{pk}"] = forms.BooleanField(label=_("Not applicable"), required=False)
            self.fields[f"comment_{pk}"] = forms.CharField(
                label=_("Comment"), required=False, max_length=LONG_TEXT_MAX_CHARS
            )

    def clean(self):
        cleaned = super().clean()
        for criterion in self.criteria:
            if cleaned.get(f"na_{criterion.pk}") and cleaned.get(f"score_{criterion.pk}"):
                self.add_error(f"score_{criterion.pk}", BOTH_MARKS % {"criterion": criterion.name})
        return cleaned

    def scores(self) -> dict[int, Score]:
        """A value, NOT_APPLICABLE or None per criterion the form holds."""
        result: dict[int, Score] = {}
        for criterion in self.criteria:
            score, na = f"score_{criterion.pk}", f"na_{criterion.pk}"
            if self.cleaned_data.get(na):
                result[criterion.pk] = NOT_APPLICABLE
            elif score in self.cleaned_data or na in self.cleaned_data:
                result[criterion.pk] = self.cleaned_data.get(score)
        return result

    def comments(self) -> dict[int, str]:
        return {
            criterion.pk: self.cleaned_data[f"comment_{criterion.pk}"]
            for criterion in self.criteria
            if f"comment_{criterion.pk}" in self.cleaned_data
        }

    def values(self) -> dict:
        """The arguments of jury.scoring.save_scores."""
        return {
            "scores": self.scores(),
            "comments": self.comments(),
            "overall_comment": self.cleaned_data.get("overall_comment"),
        }

    def first_error(self) -> str:
        return next(iter(self.errors.values()))[0]


# The ranking and the decision ----------------------------------------------------------------


class RankingSettingsForm(forms.ModelForm):
    """How the secretariat reads the ranking: its method, M, the disagreement threshold and
    the tie-break, and whether jurors see it once scoring is over."""

    class Meta:
        model = JurySettings
        fields = [
            "ranking_method",
            "min_evaluations",
            "disagreement_threshold",
            "tie_break",
            "tie_break_criterion",
            "jurors_see_ranking",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["tie_break_criterion"].queryset = Criterion.objects.filter(
            edition_id=self.instance.edition_id
        )

    def clean(self):
        data = super().clean()
        if data.get("tie_break") == TieBreak.CRITERION and not data.get("tie_break_criterion"):
            self.add_error("tie_break_criterion", _("Choose the criterion that breaks ties."))
        if data.get("tie_break") != TieBreak.CRITERION:
            data["tie_break_criterion"] = None
        return data


class RankingFilterForm(forms.Form):
    """What the ranking page shows: a query string, read here and nowhere else."""

    PER_PAGE = 50

    round = forms.TypedChoiceField(label=_("Round"), coerce=int, required=False)
    sort = forms.ChoiceField(label=_("Sort by"), choices=RankingMethod.choices, required=False)
    country = forms.ChoiceField(label=_("Country"), required=False, widget=CountrySelect)
    sdg = forms.TypedChoiceField(label=_("Goal"), coerce=int, required=False, empty_value=None)
    disagreement = forms.BooleanField(
        label=_("Only entries the jurors disagree on"), required=False
    )
    page = forms.IntegerField(min_value=1, max_value=10**6, required=False)

    def __init__(self, *args, rounds: list[int], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["round"].choices = [(r, _("Round %(round)s") % {"round": r}) for r in rounds]
        self.fields["country"].choices = [("", _("Any country")), *countries]
        self.fields["sdg"].choices = [
            ("", _("Any goal")),
            *((number, f"{number}. {name}") for number, name in SDG_NAMES.items()),
        ]

    def value(self, name: str, default: object) -> object:
        """The cleaned value, or `default` when the field was left out or could not be read
        (a page never fails over a query string: the form says what it could not read)."""
        if not self.is_bound or (not self.is_valid() and name in self.errors):
            return default
        value = self.cleaned_data.get(name)
        return default if value in (None, "") else value


class MethodForm(forms.Form):
    method = forms.ChoiceField(choices=RankingMethod.choices, required=False)


class ShortlistForm(forms.Form):
    method = forms.ChoiceField(label=_("Ranked by"), choices=RankingMethod.choices)
    entries = ModelIdsField(
        label=_("Shortlisted entries"),
        queryset=Entry.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one entry for the shortlist.")},
    )

    def __init__(self, *args, edition, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["entries"].queryset = edition.entries.filter(state=EntryState.IN_REVIEW)


class PrizeForm(forms.Form):
    entry = forms.ModelChoiceField(label=_("Entry"), queryset=Entry.objects.none())
    kind = forms.ChoiceField(
        label=_("Prize"),
        choices=[(k.value, k.label) for k in (*Prize.RANKED, Prize.Kind.SPECIAL)],
    )
    name = forms.CharField(
        label=_("Name of the special prize"),
        max_length=200,
        required=False,
        help_text=_("Only for a special prize, e.g. “Youth engagement”."),
    )
    citation = forms.CharField(
        label=_("Citation"),
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=NOTE_MAX_CHARS,
        required=False,
        help_text=_("Read at the ceremony and printed on the certificate."),
    )
    rationale = forms.CharField(
        label=_("The jury's rationale"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=LONG_TEXT_MAX_CHARS,
    )

    def __init__(self, *args, edition, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["entry"].queryset = (
            edition.entries.filter(state=EntryState.SHORTLISTED)
            .select_related("edition")
            .order_by("number")
        )
        self.fields["entry"].label_from_instance = lambda e: f"{e.reference} · {e.title}"

    def clean(self):
        data = super().clean()
        if data.get("kind") == Prize.Kind.SPECIAL and not (data.get("name") or "").strip():
            self.add_error("name", _("A special prize needs a name."))
        return data


class OptionalReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"),
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=NOTE_MAX_CHARS,
        required=False,
    )


class JointPrizesForm(forms.Form):
    allowed = forms.BooleanField(label=_("Allow joint prizes"), required=False)


class DiscussForm(forms.Form):
    entry = forms.ModelChoiceField(
        label=_("Entry under discussion"), queryset=Entry.objects.none(), required=False
    )

    def __init__(self, *args, edition, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["entry"].queryset = edition.entries.filter(
            state__in=[EntryState.SHORTLISTED, EntryState.AWARDED, EntryState.FINALIST]
        ).select_related("edition")
        self.fields["entry"].label_from_instance = lambda e: f"{e.reference} · {e.title}"


class ExportForm(forms.Form):
    KINDS = [
        ("evaluations", _("Evaluations, one row per criterion score")),
        ("ranking", _("Ranking, one row per entry")),
        ("summary", _("Round summary and juror severity")),
        ("conflicts", _("Conflicts of interest and recusals")),
        ("decision", _("The decision: prizes and rationale")),
    ]
    FORMATS = [("csv", "CSV"), ("xlsx", "XLSX (Excel)")]

    kind = forms.ChoiceField(label=_("What"), choices=KINDS)
    format = forms.ChoiceField(label=_("Format"), choices=FORMATS, initial="xlsx")
    round = forms.TypedChoiceField(label=_("Round"), coerce=int, required=False)
    pseudonymise = forms.BooleanField(
        label=_("Pseudonymise: juror codes instead of names"), required=False
    )

    def __init__(self, *args, rounds: list[int], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["round"].choices = [(r, _("Round %(round)s") % {"round": r}) for r in rounds]


class BallotForm(forms.Form):
    """A juror's order of the shortlist: a place for every entry, 1 the best, each place once."""

    def __init__(self, *args, entries: list[Entry], ranking: list[int] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.entries = entries
        places = {pk: place for place, pk in enumerate(ranking or [], start=1)}
        for entry in entries:
            self.fields[f"place_{entry.pk}"] = forms.IntegerField(
                label=f"{entry.reference} · {entry.title}",
                min_value=1,
                max_value=len(entries),
                initial=places.get(entry.pk),
                error_messages={"required": _("Give this entry a place.")},
            )

    def clean(self):
        data = super().clean()
        taken: dict[int, Entry] = {}
        for entry in self.entries:
            place = data.get(f"place_{entry.pk}")
            if place is None:
                continue
            if place in taken:
                self.add_error(
                    f"place_{entry.pk}",
                    _("%(other)s has this place already: each place is given once.")
                    % {"other": taken[place].reference},
                )
            taken[place] = entry
        return data

    def ranking(self) -> list[int]:
        """The entry ids, best first."""
        return [
            entry.pk
            for entry in sorted(self.entries, key=lambda e: self.cleaned_data[f"place_{e.pk}"])
        ]


class RoundTwoForm(forms.Form):
    deadline = BoundedDateTimeField(
        label=_("Round two closes on"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        help_text=_("In the edition's time zone."),
    )

    def __init__(self, *args, timezone: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.zone = zoneinfo.ZoneInfo(timezone)

    def full_clean(self) -> None:
        # The browser sends a wall-clock time, read in the edition's zone.
        with django_timezone.override(self.zone):
            super().full_clean()


class RoundForm(forms.Form):
    """Which round a page shows, from its query string."""

    round = forms.TypedChoiceField(
        label=_("Round"),
        coerce=int,
        choices=[(1, _("Round one")), (2, _("Round two"))],
        required=False,
        empty_value=1,
    )

    def chosen(self) -> int:
        return self.cleaned_data["round"] if self.is_bound and self.is_valid() else 1


class MeetingNoteForm(forms.Form):
    entry = forms.ModelChoiceField(queryset=Entry.objects.none(), widget=forms.HiddenInput)
    text = forms.CharField(
        label=_("Meeting notes"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=LONG_TEXT_MAX_CHARS,
        required=False,
    )

    def __init__(self, *args, edition, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["entry"].queryset = edition.entries.filter(
            state__in=[EntryState.SHORTLISTED, EntryState.AWARDED, EntryState.FINALIST]
        )
