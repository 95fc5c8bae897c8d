from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm

from config.uploads import FileUploadForm
from people.models import Person


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


class PeopleImportForm(FileUploadForm):
    file = forms.FileField(
        label="CSV file",
        help_text="UTF-8 CSV with a header row: email,name,manager_email,role. At most 5 MiB.",
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}),
    )


class InvitingPasswordResetForm(PasswordResetForm):
    """Also send the link to people who never had a password.

    People loaded by the CSV import start without one; the reset link to their
    work email is how they set their first password. Django's own form skips them.
    """

    def get_users(self, email):
        User = get_user_model()
        candidates = User._default_manager.filter(email__iexact=email.strip(), is_active=True)
        return (user for user in candidates if user.email.lower() == email.strip().lower())


class ManagerChangeForm(forms.Form):
    manager_email = forms.EmailField(
        label="Reports to (manager's email)",
        required=False,
        help_text="Leave empty for someone at the top of the organisation.",
    )

    def clean_manager_email(self):
        email = self.cleaned_data["manager_email"].strip().lower()
        if not email:
            return None
        manager = Person.objects.filter(email=email).first()
        if manager is None:
            raise forms.ValidationError(f"Nobody in the app has the email {email}.")
        return manager


class LevelSetForm(forms.Form):
    """HR gives a person a level of a ladder's current version."""

    level = forms.TypedChoiceField(label="Level", coerce=int)
    note = forms.CharField(
        label="Note for the level history",
        required=False,
        max_length=500,
        help_text="Optional, e.g. “Hired at this level” or “Corrected after review”.",
    )

    def __init__(self, *args, levels, **kwargs):
        super().__init__(*args, **kwargs)
        self.levels = {level.pk: level for level in levels}
        groups: dict[str, list] = {}
        for level in levels:
            group = f"{level.version.name}: {level.track.name}"
            label = f"{level.code} · {level.title} (grade {level.grade})"
            groups.setdefault(group, []).append((level.pk, label))
        self.fields["level"].choices = [("", "Choose a level"), *groups.items()]

    def clean_level(self):
        return self.levels[self.cleaned_data["level"]]
