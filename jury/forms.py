import zoneinfo
from decimal import Decimal, InvalidOperation

from django import forms
from django.conf import settings
from django.utils import timezone as django_timezone
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from accounts.addresses import EmailAddressField
from awards.models import Entry
from core.forms import BoundedDateTimeField, PartialFormMixin
from core.limits import LONG_TEXT_MAX_CHARS
from core.rows import CappedFormSetMixin, RowChanges, row_changes

from .marks import BOTH_MARKS, NOT_APPLICABLE, Score, value_problem
from .models import MAX_CRITERIA, Criterion, JuryMember, JurySettings
from .selectors import JURY_STATES
from .services.editions import TOO_MANY_CRITERIA, CriterionRow


class InviteJurorForm(forms.Form):
    email = EmailAddressField(label=_("Email address"))
    full_name = forms.CharField(label=_("Full name"), max_length=200)
    country = forms.ChoiceField(label=_("Country"), required=False)
    organisation = forms.CharField(label=_("Organisation"), max_length=200, required=False)
    is_chair = forms.BooleanField(label=_("Chairs the jury"), required=False)
    language = forms.ChoiceField(label=_("Language of the invitation"), choices=settings.LANGUAGES)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["country"].choices = [("", "---------"), *countries]


class AffiliationForm(forms.Form):
    """What the juror says of themselves when accepting: it decides their automatic conflicts."""

    country = forms.ChoiceField(label=_("Your country"))
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
