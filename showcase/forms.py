from django import forms
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from awards.models import ENTRY_LANGUAGES, SDG_NAMES
from core.widgets import CountrySelect
from jury.models import Prize

from .regions import region_choices
from .selectors import GalleryFilters

PRIZE_CHOICES = [
    ("", _("Any outcome")),
    ("any", _("Every prize")),
    (Prize.Kind.FIRST, Prize.Kind.FIRST.label),
    (Prize.Kind.SECOND, Prize.Kind.SECOND.label),
    (Prize.Kind.THIRD, Prize.Kind.THIRD.label),
    (Prize.Kind.SPECIAL, _("Special prizes")),
    (Prize.Kind.FINALIST, _("Finalists")),
]


class GalleryForm(forms.Form):
    """The gallery's search and filters, read from the query string; a value that is not one
    of the choices is an error shown beside its field, and the gallery is shown unfiltered by
    it."""

    q = forms.CharField(label=_("Search"), max_length=200, required=False)
    edition = forms.ChoiceField(label=_("Edition"), required=False)
    prize = forms.ChoiceField(label=_("Prize"), choices=PRIZE_CHOICES, required=False)
    country = forms.ChoiceField(
        label=_("Country (lead or partner)"), required=False, widget=CountrySelect
    )
    region = forms.ChoiceField(label=_("Region of the world"), required=False)
    sdg = forms.TypedChoiceField(
        label=_("Sustainable Development Goal"), coerce=int, empty_value=None, required=False
    )
    theme = forms.ChoiceField(label=_("Theme of the call"), required=False)
    language = forms.ChoiceField(label=_("Language of the entry"), required=False)
    page = forms.IntegerField(min_value=1, max_value=100_000, required=False)

    def __init__(self, *args, editions, themes, languages, **kwargs):
        super().__init__(*args, **kwargs)
        anything = [("", _("All"))]
        self.fields["edition"].choices = anything + list(editions)
        self.fields["country"].choices = anything + list(countries)
        self.fields["region"].choices = anything + region_choices()
        self.fields["sdg"].choices = anything + [(n, f"{n}. {SDG_NAMES[n]}") for n in SDG_NAMES]
        if themes:
            self.fields["theme"].choices = anything + [(theme, theme) for theme in themes]
        else:  # no call has had a theme: nothing to choose
            del self.fields["theme"]
        names = dict(ENTRY_LANGUAGES)
        self.fields["language"].choices = anything + [(c, names.get(c, c)) for c in languages]

    def filters(self) -> GalleryFilters:
        """The valid values (an invalid one is left out)."""
        if not self.is_bound:
            return GalleryFilters()
        self.is_valid()
        valid = {
            name: value for name, value in self.cleaned_data.items() if value and name != "page"
        }
        if "q" in valid:
            valid["q"] = " ".join(valid["q"].split())
        return GalleryFilters(**valid)

    def page_number(self) -> int:
        return (self.cleaned_data.get("page") if self.is_bound and self.is_valid() else None) or 1


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("CSV file of past winners"),
        help_text=_("UTF-8, comma-separated, its first line naming the columns; 2 MB at most."),
    )
