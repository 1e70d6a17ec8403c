from django import forms
from django.utils.translation import gettext_lazy as _

from .kinds import Kind
from .models import Notification


class OutboxFilterForm(forms.Form):
    """The outbox's filters, read from the query string."""

    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("All")), *Notification.Status.choices]
    )
    kind = forms.ChoiceField(
        label=_("Kind"), required=False, choices=[("", _("All")), *Kind.choices]
    )
    q = forms.CharField(label=_("Recipient contains"), required=False, max_length=254)
