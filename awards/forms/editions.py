"""The secretariat's forms for an edition and its questions.

Dates are typed and shown as wall-clock times of the edition's own time zone (the one chosen in
the form), whatever the server's or the browser's zone: a deadline typed as 31 Oct 23:59 in
Europe/Brussels is stored as 22:59 UTC.
"""

import datetime
import functools
import zoneinfo

from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator
from django.forms import BaseInlineFormSet, inlineformset_factory
from django.utils import timezone
from django.utils.text import capfirst, slugify
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from core.forms import BoundedDateField, BoundedDateTimeField, ZonedForm
from core.rows import CappedFormSetMixin, RowChanges, row_changes
from notifications.reminders import audience_choices

from ..models import ENTRY_LANGUAGES, Edition, Question, ReminderRule, default_entry_languages
from ..models.editions import MAX_QUESTIONS, MAX_REMINDER_RULES
from ..services.editions import TOO_MANY_REMINDER_RULES, ReminderRuleRow

DEFAULT_TIMEZONE = "Europe/Brussels"


@functools.cache
def timezone_names() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones())


def timezone_choices() -> list[tuple[str, str]]:
    return [(name, name) for name in sorted(timezone_names())]


def _field(name: str):
    return Edition._meta.get_field(name)


class DateTimeLocalInput(forms.DateTimeInput):
    """The browser's date-and-time picker; its value carries no zone."""

    input_type = "datetime-local"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%dT%H:%M")


class EditionForm(forms.ModelForm):
    timezone = forms.ChoiceField(
        label=capfirst(_field("timezone").verbose_name),
        choices=timezone_choices,
        initial=DEFAULT_TIMEZONE,
        help_text=_field("timezone").help_text,
    )
    languages = forms.MultipleChoiceField(
        label=capfirst(_field("languages").verbose_name),
        choices=ENTRY_LANGUAGES,
        widget=forms.CheckboxSelectMultiple,
        initial=default_entry_languages,
        help_text=_field("languages").help_text,
    )

    class Meta:
        model = Edition
        fields = [
            "year",
            "title",
            "slug",
            "theme",
            "timezone",
            *Edition.TIMELINE,
            "projects_since",
            "languages",
            "rules_text",
            "shortlist_size",
            "summary_word_limit",
            "max_partners",
            "max_projects",
            "max_attachments",
            "max_attachment_mb",
        ]
        # Bounded years: a date that overflows once converted to UTC is a message, not an error.
        field_classes = {
            **dict.fromkeys(Edition.TIMELINE, BoundedDateTimeField),
            "projects_since": BoundedDateField,
        }
        widgets = {
            **{name: DateTimeLocalInput() for name in Edition.TIMELINE},
            "projects_since": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "rules_text": forms.Textarea(attrs={"rows": 6}),
        }

    # How the page groups the fields, each group under its legend.
    FIELDSETS = [
        (_("Name"), ["year", "title", "slug", "theme"]),
        (_("Timeline"), ["timezone", *Edition.TIMELINE]),
        (_("Eligibility and rules"), ["projects_since", "languages", "rules_text"]),
        (
            _("Limits"),
            [
                "shortlist_size",
                "summary_word_limit",
                "max_partners",
                "max_projects",
                "max_attachments",
                "max_attachment_mb",
            ],
        ),
    ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.zone = self._edition_zone()
        for name in Edition.TIMELINE:
            value = self.initial.get(name)
            if isinstance(value, datetime.datetime) and timezone.is_aware(value):
                # A naive initial value is shown as it is: the wall-clock time in the zone.
                self.initial[name] = timezone.make_naive(value, self.zone)
            self.fields[name].help_text = _("Date and time in %(zone)s.") % {"zone": self.zone.key}
        year = self.fields["year"]
        year.validators += [MinValueValidator(1000), MaxValueValidator(9999)]
        year.widget.attrs.update(min=1000, max=9999)
        self.fields["slug"].required = False
        self.fields["slug"].help_text = _(
            "The edition's part of web addresses; left empty, it is made from the title."
        )

    def fieldsets(self) -> list[tuple[str, str, list[forms.BoundField]]]:
        """(legend, note, fields) for each group; the timeline's note names the time zone."""
        zone_note = _(
            "Dates and times are typed and shown in the edition's time zone, %(zone)s."
        ) % {"zone": self.zone.key}
        return [
            (str(legend), zone_note if "timezone" in names else "", [self[n] for n in names])
            for legend, names in self.FIELDSETS
        ]

    def _edition_zone(self) -> zoneinfo.ZoneInfo:
        """The zone chosen in the form when it is a known one, else the edition's own."""
        typed = self.data.get(self.add_prefix("timezone")) if self.is_bound else None
        name = typed if typed in timezone_names() else self.instance.timezone
        try:
            return zoneinfo.ZoneInfo(name or DEFAULT_TIMEZONE)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            return zoneinfo.ZoneInfo(DEFAULT_TIMEZONE)

    def full_clean(self) -> None:
        # Django reads naive typed datetimes in the current zone: make it the edition's.
        with timezone.override(self.zone):
            super().full_clean()

    def clean(self) -> dict:
        cleaned_data = super().clean()
        # The model compares every pair of milestones; one typed unreadably must not be
        # compared in its old, stored value, which would add a second, misleading error.
        for name in Edition.TIMELINE:
            if name in self.errors:
                setattr(self.instance, name, None)
        return cleaned_data

    def clean_slug(self) -> str:
        slug = self.cleaned_data.get("slug")
        if slug:
            return slug
        max_length = Edition._meta.get_field("slug").max_length
        return slugify(self.cleaned_data.get("title", ""))[:max_length].strip("-")


class QuestionForm(forms.ModelForm):
    class Meta:
        model = Question
        fields = ["title", "guidance", "word_limit", "position"]
        widgets = {"guidance": forms.Textarea(attrs={"rows": 3})}


class BaseQuestionFormSet(CappedFormSetMixin, BaseInlineFormSet):
    max_forms = MAX_QUESTIONS
    default_error_messages = {
        "too_many_forms": ngettext_lazy(
            "An edition has at most %(num)d question.",
            "An edition has at most %(num)d questions.",
            "num",
        )
    }


QuestionFormSet = inlineformset_factory(
    Edition, Question, form=QuestionForm, formset=BaseQuestionFormSet, extra=1, can_delete=True
)


class ReminderRuleForm(forms.ModelForm):
    audience = forms.ChoiceField(label=_("who"), choices=())

    class Meta:
        model = ReminderRule
        fields = ["audience", "milestone", "days", "enabled"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Every app registers the audiences it knows (notifications/reminders.py).
        self.fields["audience"].choices = audience_choices()


class BaseReminderRuleFormSet(CappedFormSetMixin, BaseInlineFormSet):
    max_forms = MAX_REMINDER_RULES
    default_error_messages = {"too_many_forms": TOO_MANY_REMINDER_RULES}

    def changes(self) -> RowChanges[ReminderRuleRow]:
        return row_changes(
            self,
            lambda data: ReminderRuleRow(
                audience=data["audience"],
                milestone=data["milestone"],
                days=data["days"],
                enabled=data["enabled"],
            ),
        )


ReminderRuleFormSet = inlineformset_factory(
    Edition,
    ReminderRule,
    form=ReminderRuleForm,
    formset=BaseReminderRuleFormSet,
    extra=1,
    can_delete=True,
)


class ScheduleForm(ZonedForm):
    """The moment the results are announced, in the edition's time zone."""

    at = BoundedDateTimeField(
        label=_("Announce the results at"),
        widget=DateTimeLocalInput(),
        help_text=_(
            "In the edition's time zone. The results are published by themselves within a "
            "minute of it, once the jury's decision is locked."
        ),
    )


class PublishNowForm(forms.Form):
    confirmed = forms.BooleanField(
        label=_(
            "Publish now: the results, the public entries and the certificates appear at once "
            "and every applicant and partner is told. This cannot be undone."
        ),
    )
