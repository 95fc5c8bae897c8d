from django import forms

from people.models import Comment


class RevisionForm(forms.Form):
    """Every action on a proposal names the revision its page showed."""

    revision = forms.IntegerField(min_value=1, widget=forms.HiddenInput)


class NewProposalForm(forms.Form):
    target = forms.TypedChoiceField(label="Target level", coerce=int, widget=forms.RadioSelect)

    def __init__(self, *args, targets, **kwargs):
        """``targets``: (level, kind, label) for each level the person may ask for."""
        super().__init__(*args, **kwargs)
        self.targets = {level.pk: (level, kind) for level, kind, _ in targets}
        self.fields["target"].choices = [(level.pk, label) for level, _, label in targets]

    def clean_target(self):
        return self.targets[self.cleaned_data["target"]]


class EndorseForm(RevisionForm):
    note = forms.CharField(
        label="Your endorsement",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=5000,
        help_text="Why they are ready: calibrators read it beside the evidence.",
    )


class CommentForm(forms.Form):
    text = forms.CharField(
        label="Comment", widget=forms.Textarea(attrs={"rows": 3}), max_length=5000
    )
    visibility = forms.ChoiceField(
        label="Who sees it",
        choices=Comment.Visibility.choices,
        initial=Comment.Visibility.SHARED,
        widget=forms.RadioSelect,
    )


def per_competency(data, prefix: str, keys) -> dict[str, str]:
    """Texts posted as ``<prefix>-<competency key>``."""
    return {key: data.get(f"{prefix}-{key}", "") for key in keys}
