import zoneinfo

from django import forms
from django.conf import settings
from django.utils import timezone as django_timezone
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from accounts.addresses import EmailAddressField
from awards.models import Entry

from .models import Criterion, JuryMember, JurySettings
from .selectors import JURY_STATES


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
    until = forms.DateTimeField(
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


CriterionFormSet = forms.modelformset_factory(
    Criterion, form=CriterionForm, extra=1, can_delete=True
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
