from django import forms
from django.utils.translation import gettext_lazy as _

from ..models import Certificate, Signatory
from ..models.certificates import normalise_code

# A certificate is one page: a file much larger than this is not one of ours.
MAX_CHECKED_PDF_BYTES = 5 * 1024 * 1024


class CodeForm(forms.Form):
    code = forms.CharField(
        label=_("Verification code"),
        max_length=40,
        help_text=_("As printed under the QR code, for example 7KQM-3XPA-9TDR."),
    )

    def clean_code(self) -> str:
        code = normalise_code(self.cleaned_data["code"])
        if code is None:
            raise forms.ValidationError(
                _("A code has twelve letters and digits, in three groups of four.")
            )
        return code


class FileCheckForm(forms.Form):
    file = forms.FileField(
        label=_("Certificate file (PDF)"),
        help_text=_("The file is compared with the certificates issued; it is not kept."),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_CHECKED_PDF_BYTES:
            raise forms.ValidationError(
                _("This file is larger than any certificate we issue: it is not one of ours.")
            )
        return upload


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=2000, widget=forms.Textarea)


class CorrectionForm(forms.ModelForm):
    """What the secretariat may correct on a certificate before it is issued again; the names
    and countries are taken from the entry as it stands."""

    reason = forms.CharField(
        label=_("What was corrected, and why"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Kept with the replaced file; the earlier file no longer verifies."),
    )

    class Meta:
        model = Certificate
        fields = ["prize_name", "citation"]
        widgets = {"citation": forms.Textarea(attrs={"rows": 4})}


class CredentialCheckForm(forms.Form):
    credential = forms.CharField(
        label=_("Credential (the content of the .jwt file)"),
        max_length=50_000,
        widget=forms.Textarea(attrs={"rows": 6, "spellcheck": "false"}),
    )


# A signature is a small scan; a megabyte holds a sharp one.
MAX_SIGNATURE_BYTES = 1024 * 1024


class SignatoryForm(forms.ModelForm):
    class Meta:
        model = Signatory
        fields = ["position", "name", "role", "signature"]
        help_texts = {
            "signature": _("Optional: a PNG or JPEG of the signature, up to 1 MB."),
            "position": _("Signatories sign from left to right in this order."),
        }

    def clean(self):
        from ..certificates import MAX_SIGNATORIES

        cleaned = super().clean()
        if self.instance.edition.signatories.count() >= MAX_SIGNATORIES:
            raise forms.ValidationError(
                _("A certificate holds %(count)s signatures at most: remove one first.")
                % {"count": MAX_SIGNATORIES}
            )
        return cleaned

    def clean_signature(self):
        from ..uploads import JPEG, PNG, check_upload

        upload = self.cleaned_data.get("signature")
        if not upload or not hasattr(upload, "content_type"):
            return upload
        checked = check_upload(upload, max_bytes=MAX_SIGNATURE_BYTES)
        if checked.content_type not in (PNG.content_type, JPEG.content_type):
            raise forms.ValidationError(
                _("The signature must be a PNG or JPEG image; this file is not one.")
            )
        return upload
