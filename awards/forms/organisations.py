from django import forms
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from accounts.addresses import EmailAddressField
from core.widgets import CountrySelect

from ..models import Organisation


class OrganisationForm(forms.ModelForm):
    website = forms.URLField(
        label=_("website"), required=False, max_length=200, assume_scheme="https"
    )

    class Meta:
        model = Organisation
        fields = ["name", "kind", "country", "website"]


class OrganisationSearchForm(forms.Form):
    name = forms.CharField(label=_("Name contains"), required=False, max_length=200)
    country = forms.ChoiceField(label=_("Country"), required=False, widget=CountrySelect)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["country"].choices = [("", _("Any country")), *countries]


class InviteForm(forms.Form):
    email = EmailAddressField(label=_("Your colleague's email address"))
