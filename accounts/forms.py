from django import forms
from django.contrib.auth import forms as auth_forms
from django.utils.translation import gettext_lazy as _

from .addresses import EmailAddressField, normalise_email
from .models import User
from .services import send_password_reset


class SignInForm(auth_forms.AuthenticationForm):
    username = auth_forms.UsernameField(
        label=_("Email address"),
        widget=forms.EmailInput(attrs={"autofocus": True, "autocomplete": "email"}),
    )

    error_messages = {
        "invalid_login": _(
            "That email address and password do not match an account. "
            "Both are checked as typed; the password is case-sensitive."
        ),
        "inactive": _("This account has been deactivated."),
    }


class PasswordResetForm(auth_forms.PasswordResetForm):
    """Sends the reset link through the outbox, in the account holder's own language."""

    email = EmailAddressField(
        label=auth_forms.PasswordResetForm.base_fields["email"].label,
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )

    def get_users(self, email):
        """The account with this address, found as the sign-in finds it (Django's own
        lookup is case-insensitive in the database, which folds look-alike letters)."""
        users = User._default_manager.filter(email=normalise_email(email), is_active=True)
        return (user for user in users if user.has_usable_password())

    def send_mail(
        self,
        subject_template_name,
        email_template_name,
        context,
        from_email,
        to_email,
        html_email_template_name=None,
    ):
        send_password_reset(user=context["user"], uid=context["uid"], token=context["token"])


class ProfileForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ["full_name", "preferred_language"]


class SignUpForm(auth_forms.BaseUserCreationForm):
    """An account for an official of a town, city or region; the email is the login."""

    class Meta:
        model = User
        fields = ["email", "full_name", "preferred_language"]
        field_classes = {"email": EmailAddressField}
        widgets = {"email": forms.EmailInput(attrs={"autocomplete": "email"})}

    def clean_email(self) -> str:
        email = normalise_email(self.cleaned_data["email"])
        if User.objects.filter(email=email).exists():
            raise forms.ValidationError(
                _("An account already uses this address. Sign in, or reset your password."),
                code="duplicate_email",
            )
        return email
