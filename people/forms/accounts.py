"""Signing in with the work email, and the reset link that also invites people
who never had a password."""

from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm
from django.template import loader

from people.services.notifications import mail_queue


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
    """Also send the link to people who never had a password, through the outbox.

    People loaded by the CSV import start without one; the reset link to their
    work email is how they set their first password. Django's own form skips them,
    and sends at once: a mail server that is down would lose the link, where the
    outbox keeps it for ``send_pending_mail`` to retry.
    """

    def send_mail(
        self,
        subject_template_name,
        email_template_name,
        context,
        from_email,
        to_email,
        html_email_template_name=None,
    ):
        # A subject is one header line, whatever the names in it hold.
        subject = " ".join(loader.render_to_string(subject_template_name, context).split())
        body = loader.render_to_string(email_template_name, context)
        mail_queue(addresses=[to_email], subject=subject, body=body)

    def get_users(self, email):
        User = get_user_model()
        candidates = User._default_manager.filter(email__iexact=email.strip(), is_active=True)
        return (user for user in candidates if user.email.lower() == email.strip().lower())
