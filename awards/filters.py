import django_filters
from django.db.models import F, QuerySet
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from core.widgets import CountrySelect

from .models import ENTRY_LANGUAGES, SustainableDevelopmentGoal
from .workflow import AWAITING_DECISION, EntryState

AWAITING = "awaiting"


class ScreeningFilter(django_filters.FilterSet):
    """The secretariat's queue; by default the entries that await a decision."""

    state = django_filters.ChoiceFilter(
        label=_("State"),
        choices=[
            (AWAITING, _("Awaiting a decision")),
            (EntryState.SUBMITTED, EntryState.SUBMITTED.label),
            (EntryState.CLARIFICATION_REQUESTED, EntryState.CLARIFICATION_REQUESTED.label),
            (EntryState.ELIGIBLE, EntryState.ELIGIBLE.label),
            (EntryState.INELIGIBLE, EntryState.INELIGIBLE.label),
        ],
        empty_label=_("All"),
        method="filter_state",
    )
    country = django_filters.ChoiceFilter(
        label=_("Country of the lead applicant"),
        field_name="organisation__country",
        choices=list(countries),
        widget=CountrySelect,
    )
    sdg = django_filters.ModelChoiceFilter(
        label=_("SDG"), field_name="sdgs", queryset=SustainableDevelopmentGoal.objects.all()
    )
    language = django_filters.ChoiceFilter(label=_("Language"), choices=ENTRY_LANGUAGES)
    partners = django_filters.ChoiceFilter(
        label=_("Partners"),
        choices=[
            ("confirmed", _("All partners confirmed")),
            ("pending", _("Some partners not confirmed")),
        ],
        method="filter_partners",
    )

    def filter_state(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        if value == AWAITING:
            return queryset.filter(state__in=AWAITING_DECISION)
        return queryset.filter(state=value)

    def filter_partners(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        # Uses the counts the queue selector annotates.
        if value == "confirmed":
            return queryset.filter(partners_total__gt=0, partners_confirmed=F("partners_total"))
        return queryset.exclude(partners_total__gt=0, partners_confirmed=F("partners_total"))
