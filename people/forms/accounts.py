"""Signing in with the work email, and the reset link that also invites people
who never had a password."""

from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm


class EmailAuthenticationForm(AuthenticationForm):
    """Sign in with the work email: accounts are keyed by it, in lower case."""

    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": (
            "That email and password do not match an account. Check both and try again."
        ),
    }
    username = forms.EmailField(
        label="Email",
        max_length=254,
        widget=forms.EmailInput(attrs={"autofocus": True, "autocomplete": "username"}),
    )

    def clean_username(self):
        return self.cleaned_data["username"].strip().lower()


class InvitingPasswordResetForm(PasswordResetForm):
    """Also send the link to people who never had a password.

    People loaded by the CSV import start without one; the reset link to their
    work email is how they set their first password. Django's own form skips them.
    """

    def get_users(self, email):
        User = get_user_model()
        candidates = User._default_manager.filter(email__iexact=email.strip(), is_active=True)
        return (user for user in candidates if user.email.lower() == email.strip().lower())
