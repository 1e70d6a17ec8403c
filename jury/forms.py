from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _
from django_countries import countries


class InviteJurorForm(forms.Form):
    email = forms.EmailField(label=_("Email address"))
    full_name = forms.CharField(label=_("Full name"), max_length=200)
    country = forms.ChoiceField(label=_("Country"), required=False)
    organisation = forms.CharField(label=_("Organisation"), max_length=200, required=False)
    is_chair = forms.BooleanField(label=_("Chairs the jury"), required=False)
    language = forms.ChoiceField(label=_("Language of the invitation"), choices=settings.LANGUAGES)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["country"].choices = [("", "---------"), *countries]
