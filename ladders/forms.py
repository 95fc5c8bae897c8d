from django import forms

from config.uploads import FileUploadForm
from ladders.ladder_format import max_bytes
from ladders.models import (
    KEY_PATTERN,
    Competency,
    Level,
    Track,
    key_validator,
    level_code_validator,
)
from ladders.services.versions import CHANGE_NOTE_MAX


class LadderCreateForm(forms.Form):
    name = forms.CharField(max_length=120, help_text="For example: Engineering, Design, Data.")
    slug = forms.CharField(
        max_length=64,
        validators=[key_validator],
        help_text="The ladder's address and file name: lower-case letters, digits, hyphens.",
        widget=forms.TextInput(attrs={"pattern": KEY_PATTERN[1:-1]}),
    )


class DetailsForm(forms.Form):
    name = forms.CharField(max_length=120)
    description = forms.CharField(
        required=False, widget=forms.Textarea(attrs={"rows": 4}), help_text="Markdown."
    )


class _DraftItemForm(forms.ModelForm):
    """Identifiers (key, code) are fixed once created: readers' links, people's
    levels and the version diff follow them. Names and titles change freely."""

    identifier = "key"

    def __init__(self, *args, version, **kwargs):
        super().__init__(*args, **kwargs)
        self.version = version
        if self.instance.pk:
            self.fields[self.identifier].disabled = True
            self.fields[self.identifier].help_text = "Fixed once created."

    def clean(self):
        cleaned = super().clean()
        value = cleaned.get(self.identifier)
        if value and not self.instance.pk:
            taken = type(self.instance).objects.filter(
                version=self.version, **{self.identifier: value}
            )
            if taken.exists():
                self.add_error(self.identifier, f"“{value}” is already used in this ladder.")
        return cleaned


class CompetencyForm(_DraftItemForm):
    class Meta:
        model = Competency
        fields = ["key", "name", "group", "description"]
        widgets = {"description": forms.Textarea(attrs={"rows": 2})}
        help_texts = {"group": "Optional: competencies of a group sit together in the rubric."}


class TrackForm(_DraftItemForm):
    class Meta:
        model = Track
        fields = ["key", "name", "kind"]


class LevelForm(_DraftItemForm):
    identifier = "code"
    code = forms.CharField(max_length=16, validators=[level_code_validator])

    class Meta:
        model = Level
        fields = ["track", "code", "title", "grade", "summary"]
        widgets = {"summary": forms.Textarea(attrs={"rows": 2})}
        help_texts = {
            "grade": "1 to 99, shared across tracks: equal grades are equivalent roles. "
            "Within a track, each level has its own grade; levels are ordered by it."
        }

    def __init__(self, *args, version, **kwargs):
        super().__init__(*args, version=version, **kwargs)
        self.fields["track"].queryset = version.tracks.order_by("position")
        self.fields["track"].empty_label = None
        if self.instance.pk:
            self.fields["track"].disabled = True

    def clean(self):
        cleaned = super().clean()
        track, grade = cleaned.get("track"), cleaned.get("grade")
        if track and grade:
            clash = Level.objects.filter(track=track, grade=grade).exclude(pk=self.instance.pk)
            if other := clash.first():
                self.add_error(
                    "grade",
                    f"Grade {grade} on {track.name} is already {other.code} {other.title}: "
                    "each level of a track needs its own grade.",
                )
        return cleaned


class CellForm(forms.Form):
    text = forms.CharField(
        label="Expectation",
        required=False,
        max_length=10_000,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="Markdown. Leave empty for “no expectation stated at this level”.",
    )
    revision = forms.IntegerField(min_value=0, widget=forms.HiddenInput)


class _DraftVersionForm(forms.Form):
    """A form that publishes or discards a draft names the draft version its page
    showed, and its stamp: sent after that version was published or discarded, it
    must not act on the draft that replaced it (``get_draft_for`` refuses it with a
    message), nor on edits made since (the service refuses a stamp that moved on)."""

    version = forms.IntegerField(min_value=1, widget=forms.HiddenInput)
    stamp = forms.UUIDField(widget=forms.HiddenInput)

    @classmethod
    def showing(cls, draft, refused_for: str = "", **data):
        """The form for ``draft`` as it is; with ``refused_for``, bound to ``data`` (what
        the person typed) and showing that reason above it."""
        shown = {"version": draft.number, "stamp": draft.stamp}
        if not refused_for:
            return cls(initial=shown)
        form = cls(shown | data)
        form.is_valid()
        form.add_error(None, refused_for)
        return form

    def clean(self):
        cleaned = super().clean()
        # A hidden field's error would show nowhere.
        if self.errors.pop("version", None) or self.errors.pop("stamp", None):
            self.add_error(
                None,
                "This form does not say which draft version it is for: reload the page "
                "and try again.",
            )
        return cleaned


class PublishForm(_DraftVersionForm):
    note = forms.CharField(
        label="Change note",
        max_length=CHANGE_NOTE_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="What changed and why. Everyone sees it in the version history.",
    )


class DiscardForm(_DraftVersionForm):
    pass


class LadderImportForm(FileUploadForm):
    file = forms.FileField(
        label="Ladder file",
        help_text="YAML or JSON in the ladder format, at most 5 MiB; or CSV, at most 40 MiB.",
        widget=forms.ClearableFileInput(attrs={"accept": ".yaml,.yml,.json,.csv"}),
    )

    def max_bytes(self, upload) -> int:
        return max_bytes(upload.name)
