"""The evidence log's forms: noting a piece of work (and editing it), HR's redaction,
and the log's competency filter. A refused form shows everything that was typed."""

from django import forms
from django.utils import timezone

from config.text import LINE_BREAKS, has_control_characters
from people.forms.filters import FilterForm
from people.models.growth import LOG_EARLIEST, LOG_TEXT_MAX
from people.services.evidence_log import REASON_MAX, LogError, check_happened_on

CONTROL_CHARACTERS = (
    "This text contains a control character (such as NUL or an escape), which cannot be "
    "stored. Remove it and try again."
)


def _refuse_control_characters(text: str) -> str:
    if has_control_characters(text, allowing=LINE_BREAKS):
        raise forms.ValidationError(CONTROL_CHARACTERS)
    return text


class LogEntryForm(forms.Form):
    happened_on = forms.DateField(
        label="When",
        help_text="The day the work happened (or was finished).",
        widget=forms.DateInput(
            attrs={"type": "date", "min": LOG_EARLIEST.isoformat()}, format="%Y-%m-%d"
        ),
    )
    text = forms.CharField(
        label="What you did",
        help_text=(
            f"A few sentences, up to {LOG_TEXT_MAX:,} characters: the work, your own part in "
            "it, what changed because of it. Markdown and links work."
        ),
        max_length=LOG_TEXT_MAX,
        error_messages={
            "max_length": (
                "Keep an entry to %(limit_value)d characters (this one has %(show_value)d): "
                "note the gist and link to the longer document."
            )
        },
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    competencies = forms.MultipleChoiceField(
        label="Competencies it shows",
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": "Tag the entry with at least one competency it shows.",
            "invalid_choice": "%(value)s is not a competency of this ladder.",
        },
    )

    def __init__(self, *args, competencies, writing_about=None, **kwargs):
        """``competencies``: those of the person's ladder; ``writing_about``: the
        person's name when a manager writes, for the labels."""
        super().__init__(*args, **kwargs)
        self.fields["competencies"].choices = [(c.key, c.name) for c in competencies]
        self.fields["happened_on"].widget.attrs["max"] = timezone.localdate().isoformat()
        if writing_about:
            self.fields["text"].label = f"What {writing_about} did"
            self.fields["text"].help_text = self.fields["text"].help_text.replace(
                "your own part", "their own part"
            )

    def clean_happened_on(self):
        happened_on = self.cleaned_data["happened_on"]
        try:
            check_happened_on(happened_on)
        except LogError as error:
            raise forms.ValidationError(str(error)) from None
        return happened_on

    def clean_text(self):
        return _refuse_control_characters(self.cleaned_data["text"])

    def entry(self) -> dict:
        """What the entry says, for the service (a valid form)."""
        return {name: self.cleaned_data[name] for name in ("happened_on", "text", "competencies")}


class LogEditForm(LogEntryForm):
    """An edit names the revision of the entry its page showed."""

    revision = forms.IntegerField(min_value=1, widget=forms.HiddenInput)


class RedactForm(forms.Form):
    reason = forms.CharField(
        label="Why it is redacted",
        help_text=(
            "Everyone who sees this log reads it, in place of the text: say why without "
            "repeating what is removed."
        ),
        max_length=REASON_MAX,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def clean_reason(self):
        return _refuse_control_characters(self.cleaned_data["reason"])


class LogFilterForm(FilterForm):
    """The log's competency filter; a key that is no competency of the ladder filters
    nothing."""

    competency = forms.ChoiceField(label="Competency", required=False)

    def __init__(self, *args, competencies, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["competency"].choices = [("", "Every competency")] + [
            (c.key, c.name) for c in competencies
        ]

    def chosen(self) -> str:
        self.is_valid()
        return self.cleaned_data["competency"]
