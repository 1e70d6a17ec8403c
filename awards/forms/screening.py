from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import ModelIdsField

from ..eligibility import ChecklistRow

YES, NO, OPEN = "yes", "no", ""
ANSWERS = [(YES, _("Yes")), (NO, _("No")), (OPEN, _("Not decided"))]


class ChecklistForm(forms.Form):
    """One yes/no per checklist item, pre-filled with the saved or the computed answer."""

    def __init__(self, *args, rows: list[ChecklistRow], **kwargs):
        super().__init__(*args, **kwargs)
        self.rows = rows
        for row in rows:
            pk = row.criterion.pk
            self.fields[f"item_{pk}"] = forms.ChoiceField(
                label=row.criterion.text,
                choices=ANSWERS,
                required=False,
                initial={True: YES, False: NO, None: OPEN}[row.answer],
                widget=forms.RadioSelect,
            )
            self.fields[f"note_{pk}"] = forms.CharField(
                label=_("Note on this item"),
                required=False,
                max_length=500,
                initial=row.answered.note if row.answered else "",
            )

    def answers(self) -> dict[int, bool | None]:
        return {
            row.criterion.pk: {YES: True, NO: False}.get(
                self.cleaned_data[f"item_{row.criterion.pk}"]
            )
            for row in self.rows
        }

    def notes(self) -> dict[int, str]:
        return {
            row.criterion.pk: self.cleaned_data[f"note_{row.criterion.pk}"] for row in self.rows
        }

    def bound_rows(self):
        """(row, answer field, note field) for the template."""
        return [
            (row, self[f"item_{row.criterion.pk}"], self[f"note_{row.criterion.pk}"])
            for row in self.rows
        ]


class DecisionForm(forms.Form):
    note = forms.CharField(
        label=_("Reason or question for the applicant"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "Required to declare the entry not eligible or to ask a question; the applicant "
            "reads it."
        ),
    )
    internal_note = forms.CharField(
        label=_("Internal note"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Seen by the secretariat only."),
    )


class BulkDecisionForm(forms.Form):
    # The queue's check boxes: ids of entries of the edition's queue, each checked as such.
    entries = ModelIdsField(queryset=None, widget=forms.MultipleHiddenInput)
    decision = forms.ChoiceField(
        label=_("Decision for the selected entries"),
        choices=[
            ("eligible", _("Eligible")),
            ("ineligible", _("Not eligible")),
            ("clarify", _("Ask for clarification")),
        ],
    )
    note = forms.CharField(
        label=_("Reason or question (the same for each)"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, queue, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["entries"].queryset = queue
