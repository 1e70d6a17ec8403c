from django import forms
from django.forms import BaseInlineFormSet, inlineformset_factory
from django.utils.html import escape
from django.utils.translation import gettext_lazy as _

from accounts.addresses import EmailAddressField
from core.forms import BoundedDateTimeField, ModelIdsField, PartialFormMixin, ZonedForm
from core.limits import chars_for_words
from core.rows import CappedFormSetMixin, RowChanges, row_changes

from ..models import Entry, LinkedProject, Partner, SustainableDevelopmentGoal
from ..services.related import TOO_MANY_PARTNERS, TOO_MANY_PROJECTS, PartnerRow, ProjectRow
from .editions import DateTimeLocalInput


class WordLimitTextarea(forms.Textarea):
    """A textarea that tells the page its word limit, for the live counter."""

    def __init__(self, word_limit: int, attrs=None):
        super().__init__(attrs={"rows": 8, "data-word-limit": word_limit, **(attrs or {})})


class SdgChoiceField(ModelIdsField):
    def label_from_instance(self, obj: SustainableDevelopmentGoal) -> str:
        return str(obj)


class BasicsForm(PartialFormMixin, forms.ModelForm):
    sdgs = SdgChoiceField(
        label=_("Sustainable Development Goals served"),
        queryset=SustainableDevelopmentGoal.objects.all(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    class Meta:
        model = Entry
        fields = ["title", "summary", "language", "sdgs"]
        help_texts = {"title": _("The name of the partnership, as the jury will see it.")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        edition = self.instance.edition
        self.fields["language"].choices = [("", "---------"), *edition.entry_language_choices()]
        max_length = chars_for_words(edition.summary_word_limit)
        self.fields["summary"] = forms.CharField(
            label=self.fields["summary"].label,
            required=False,
            max_length=max_length,
            widget=WordLimitTextarea(edition.summary_word_limit),
            help_text=_("At most %(limit)s words.") % {"limit": edition.summary_word_limit},
        )

    def values(self) -> dict:
        """What `save_basics` takes: the fields the form holds (a partial one, those carried)."""
        data = self.cleaned_data
        values = {name: data[name] for name in ("title", "summary", "language") if name in data}
        if "sdgs" in data:
            values["sdgs"] = [goal.number for goal in data["sdgs"]]
        return values


class AnswersForm(PartialFormMixin, forms.Form):
    """One field per question of the edition; answers may be incomplete in a draft."""

    def __init__(self, *args, entry: Entry, **kwargs):
        super().__init__(*args, **kwargs)
        answers = {a.question_id: a.text for a in entry.answers.all()}
        for question in entry.edition.questions.all():
            max_length = chars_for_words(question.word_limit)
            self.fields[f"answer_{question.pk}"] = forms.CharField(
                label=question.title,
                required=False,
                max_length=max_length,
                initial=answers.get(question.pk, ""),
                widget=WordLimitTextarea(question.word_limit),
                # Crispy renders help texts as HTML; the guidance is plain text.
                help_text=_("%(guidance)s At most %(limit)s words.")
                % {"guidance": escape(question.guidance), "limit": question.word_limit},
            )

    def answers(self) -> dict[int, str]:
        return {
            int(name.removeprefix("answer_")): value
            for name, value in self.cleaned_data.items()
            if name.startswith("answer_")
        }


class PartnerForm(forms.ModelForm):
    class Meta:
        model = Partner
        fields = ["name", "country", "contact_name", "contact_email"]
        # One spelling: retyping the address in other letter case is no change of contact.
        field_classes = {"contact_email": EmailAddressField}
        help_texts = {
            "contact_email": _(
                "We send this person a link to confirm the partnership; no account is needed."
            )
        }


class ProjectForm(forms.ModelForm):
    class Meta:
        model = LinkedProject
        fields = ["title", "start_year", "end_year", "budget", "currency", "funding_sources"]
        widgets = {"funding_sources": forms.Textarea(attrs={"rows": 2})}
        help_texts = {"currency": _("Three-letter code, e.g. EUR, USD, XOF.")}

    def clean_currency(self) -> str:
        # "eur " is EUR; the model says what a currency code must look like.
        return self.cleaned_data["currency"].strip().upper()


class BasePartnerFormSet(CappedFormSetMixin, BaseInlineFormSet):
    default_error_messages = {"too_many_forms": TOO_MANY_PARTNERS}

    def get_max_forms(self) -> int:
        return self.instance.edition.max_partners

    def changes(self) -> RowChanges[PartnerRow]:
        return row_changes(
            self,
            lambda data: PartnerRow(
                name=data["name"],
                country=str(data["country"]),
                contact_name=data["contact_name"],
                contact_email=data["contact_email"],
            ),
        )


class BaseProjectFormSet(CappedFormSetMixin, BaseInlineFormSet):
    default_error_messages = {"too_many_forms": TOO_MANY_PROJECTS}

    def get_max_forms(self) -> int:
        return self.instance.edition.max_projects

    def changes(self) -> RowChanges[ProjectRow]:
        return row_changes(
            self,
            lambda data: ProjectRow(
                title=data["title"],
                start_year=data["start_year"],
                end_year=data["end_year"],
                budget=data["budget"],
                currency=data["currency"],
                funding_sources=data["funding_sources"],
            ),
        )


PartnerFormSet = inlineformset_factory(
    Entry, Partner, form=PartnerForm, formset=BasePartnerFormSet, extra=1, can_delete=True
)
ProjectFormSet = inlineformset_factory(
    Entry,
    LinkedProject,
    form=ProjectForm,
    formset=BaseProjectFormSet,
    extra=1,
    can_delete=True,
)


class AttachmentForm(forms.Form):
    file = forms.FileField(label=_("File"))
    description = forms.CharField(label=_("Description"), max_length=200, required=False)
    is_public = forms.BooleanField(
        label=_("Show this file on the entry's public page once the results are published"),
        required=False,
    )


class ExtensionForm(ZonedForm):
    until = BoundedDateTimeField(
        label=_("New deadline"),
        widget=DateTimeLocalInput(),
        help_text=_("In the edition's time zone."),
    )


class TransitionForm(forms.Form):
    """The reason given with a step of the entry's workflow (optional)."""

    note = forms.CharField(
        label=_("Reason (optional; your colleagues and the secretariat read it)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


# The words the applicants agree to; shown as they are where they are asked.
PUBLIC_DISPLAY_CONSENT = _(
    "We agree that, once the results are announced, this entry's title, summary, partners, "
    "Sustainable Development Goals and linked projects are shown in the public gallery of best "
    "practices even if it wins no prize. Awarded entries and finalists are always shown. "
    "Contact details are never shown."
)


class SubmitForm(TransitionForm):
    """Submission, with the consent to public display (off unless the applicant ticks it)."""

    public_display = forms.BooleanField(label=PUBLIC_DISPLAY_CONSENT, required=False)


class PartnerResponseForm(forms.Form):
    note = forms.CharField(
        label=_("A note for the lead applicant (optional)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class PublicTextForm(forms.ModelForm):
    """The public text of a published entry, as the secretariat corrects it, with the reason."""

    reason = forms.CharField(
        label=_("What is corrected, and why"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Kept with the correction, with the text before and after."),
    )

    class Meta:
        model = Entry
        fields = ["title", "summary"]
        widgets = {"summary": forms.Textarea(attrs={"rows": 8})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["title"].required = True
        self.fields["summary"].required = True
