"""HR's forms about people: the import, reporting lines, levels."""

from django import forms
from django.urls import reverse_lazy

from config.uploads import FileUploadForm
from people.forms.filters import FilterForm
from people.models import Person


class PeopleImportForm(FileUploadForm):
    """A CSV upload; or, once a file was kept for confirmation (``kept`` is its name),
    the confirmation of that file, unless another file is chosen."""

    file = forms.FileField(
        label="CSV file",
        help_text="UTF-8 CSV with a header row: email,name,manager_email,role. At most 5 MiB.",
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}),
    )
    confirm = forms.BooleanField(label="Import it anyway", required=False)

    def __init__(self, *args, kept: str | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.kept = kept
        self.fields["file"].required = kept is None
        if kept is not None:
            self.fields["confirm"].label = f"Yes, import {kept} anyway"
            self.fields["file"].help_text = f"Or choose another file instead of {kept}."

    def clean(self):
        cleaned = super().clean()
        if self.kept and not cleaned.get("file") and not cleaned.get("confirm"):
            self.add_error(
                "confirm", f"Tick the box to import {self.kept}, or choose another file."
            )
        return cleaned


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


class DeactivateForm(forms.Form):
    """HR records that someone left the company."""

    reason = forms.CharField(
        label="Why they left",
        max_length=500,
        help_text="Goes with the proposals of theirs that are withdrawn, e.g. “Left the company”.",
    )
    confirm = forms.BooleanField(
        label="Yes: they can no longer sign in, their open proposals are withdrawn and they "
        "leave the calibration cycles they sit on.",
        error_messages={"required": "Tick the box to confirm that they left."},
    )


class DirectorySearchForm(FilterForm):
    """The directory's search. Text that cannot be searched for (over 100 characters,
    a NUL) searches nothing rather than failing: everyone visible is listed."""

    q = forms.CharField(
        label="Search by name or email",
        required=False,
        max_length=100,
        widget=forms.TextInput(
            attrs={
                "id": "people-search",
                "type": "search",
                "autocomplete": "off",
                "hx-get": reverse_lazy("people:directory"),
                "hx-trigger": "input changed delay:250ms, search",
                "hx-target": "#directory-results",
                "hx-swap": "outerHTML",
                "hx-push-url": "true",
                "hx-sync": "closest form:replace",
                "hx-indicator": "#search-indicator",
                "aria-controls": "directory-results",
            }
        ),
    )

    def query(self) -> str:
        self.is_valid()
        return self.cleaned_data["q"]
