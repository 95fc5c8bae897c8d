"""The forms of a proposal's pages: asking, evidence, review, decision, comments.

Per-competency fields are named ``<prefix>-<competency key>`` (``evidence-``,
``comment-``, ``reason-``), one per competency the target level states; a bound
form re-shows everything the person typed when it is refused."""

from django import forms

from config.widgets import QuickTextarea
from people.forms.filters import FilterForm
from people.models import Comment, Proposal

# Notes, comments and reasons; evidence may be longer (it carries examples and links).
TEXT_MAX = 5000
EVIDENCE_MAX = 20000


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


class PerCompetencyForm(forms.Form):
    """A form with one optional text per competency, ``<prefix>-<key>``."""

    prefix_of_texts = ""
    max_length = TEXT_MAX
    rows = 2

    def __init__(self, *args, competencies, **kwargs):
        super().__init__(*args, **kwargs)
        self.competencies = list(competencies)
        for competency in self.competencies:
            self.fields[f"{self.prefix_of_texts}-{competency.key}"] = forms.CharField(
                label=self.label_for(competency),
                help_text=self.help_for(competency),
                required=False,
                strip=False,  # Markdown, kept as typed: the workflow decides what is blank
                max_length=self.max_length,
                widget=QuickTextarea(attrs={"rows": self.rows}),
            )

    def label_for(self, competency) -> str:
        return competency.name

    def help_for(self, competency) -> str:
        return ""

    def focus_first(self):
        """Mark the first text for app.js to focus once htmx has swapped it in."""
        if self.competencies:
            key = f"{self.prefix_of_texts}-{self.competencies[0].key}"
            self.fields[key].widget.attrs["data-focus-after-swap"] = ""
        return self

    def placed_in(self, form_id: str):
        """Tie the per-competency fields to the form ``form_id`` wherever the page puts
        them (the HTML ``form`` attribute): on their competency's row."""
        for competency in self.competencies:
            self.fields[f"{self.prefix_of_texts}-{competency.key}"].widget.attrs["form"] = form_id
        return self

    @property
    def competency_fields(self) -> list[tuple]:
        """(competency, bound field) in rubric order, for templates."""
        return [(c, self[f"{self.prefix_of_texts}-{c.key}"]) for c in self.competencies]

    def texts(self) -> dict[str, str]:
        """Competency key -> the text given (cleaned), for the workflow."""
        return {
            c.key: self.cleaned_data.get(f"{self.prefix_of_texts}-{c.key}", "")
            for c in self.competencies
        }


class EvidenceForm(PerCompetencyForm):
    prefix_of_texts = "evidence"
    max_length = EVIDENCE_MAX
    rows = 6

    def label_for(self, competency) -> str:
        return f"Your evidence for {competency.name}"

    def help_for(self, competency) -> str:
        return (
            f"When did you show {competency.name.lower()} at this level? Name the work, "
            "your own part in it, and what changed because of it."
        )

    def typed(self) -> dict[str, str]:
        """Competency key -> the text as sent, valid or not (a bound form)."""
        return {c.key: self[f"evidence-{c.key}"].value() or "" for c in self.competencies}

    def autosaving(self, url_for):
        """With htmx, each field saves itself to ``url_for(key)`` as the author types,
        and says so in its status line (``#status-<key>``)."""
        for competency in self.competencies:
            key = competency.key
            self.fields[f"evidence-{key}"].widget.attrs.update(
                {
                    "aria-describedby": f"evidence-{key}_helptext status-{key}",
                    "hx-post": url_for(key),
                    "hx-trigger": "input changed delay:700ms, change",
                    "hx-target": f"#status-{key}",
                    "hx-swap": "innerHTML",
                    "hx-sync": "this:replace",
                }
            )
        return self


class EvidenceSubmitForm(forms.Form):
    """The evidence page's Submit: saves everything, then submits the revision shown."""

    revision = forms.IntegerField(min_value=1, required=False, widget=forms.HiddenInput)
    and_submit = forms.BooleanField(required=False)

    @property
    def submits(self) -> bool:
        return self.is_valid() and self.cleaned_data["and_submit"]


class EndorseForm(RevisionForm):
    # Presence is the workflow's rule ("say why"), which every caller meets.
    note = forms.CharField(
        label="Your endorsement",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=TEXT_MAX,
        required=False,
        help_text="Why they are ready: calibrators read it beside the evidence.",
    )


class ReturnForm(RevisionForm, PerCompetencyForm):
    prefix_of_texts = "comment"
    note = forms.CharField(
        label="Return to the author",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=TEXT_MAX,
        required=False,
        help_text="What to change, overall; comment on a competency on its row of the evidence.",
    )

    def __init__(self, *args, auto_id="return-%s", **kwargs):
        super().__init__(*args, auto_id=auto_id, **kwargs)

    def label_for(self, competency) -> str:
        return f"On {competency.name}"


class DecisionForm(RevisionForm, PerCompetencyForm):
    APPROVE, NOT_APPROVE = "approve", "not_approve"

    prefix_of_texts = "reason"
    decision = forms.ChoiceField(
        label="Your decision",
        choices=[(APPROVE, "Approve"), (NOT_APPROVE, "Not approve")],
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label="Note (optional)",
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=TEXT_MAX,
        required=False,
    )
    # The queue's one-click Approve is sent once without it, to ask "this is final?".
    # Only the confirm button's own "yes" confirms (a BooleanField would take "no").
    confirmed = forms.ChoiceField(
        choices=[("yes", "yes")], required=False, widget=forms.HiddenInput
    )

    def __init__(self, *args, auto_id="decide-%s", **kwargs):
        super().__init__(*args, auto_id=auto_id, **kwargs)

    def label_for(self, competency) -> str:
        return f"Where “{competency.name}” fell short"

    @property
    def approves(self) -> bool:
        return self.cleaned_data["decision"] == self.APPROVE

    def texts(self) -> dict[str, str]:
        """Reasons belong to a "not approve": an approval keeps none, even if some
        were typed before the calibrator changed their mind."""
        return {} if self.approves else super().texts()

    @property
    def asks_confirmation(self) -> bool:
        """An approval not yet confirmed: decisions are final, so the queue asks first."""
        return self.approves and self.cleaned_data["confirmed"] != "yes"


class QueueStepForm(forms.Form):
    """Which decision controls a queue row fetches: the choice, or the reasons of a
    "not approve"; anything else is the choice."""

    CHOOSE, REASONS = "choose", "reasons"

    step = forms.ChoiceField(choices=[(CHOOSE, CHOOSE), (REASONS, REASONS)], required=False)

    @property
    def chosen(self) -> str:
        return (self.is_valid() and self.cleaned_data["step"]) or self.CHOOSE


class ProposalFilterForm(FilterForm):
    """The proposals list's state filter; a state that is no choice filters nothing."""

    state = forms.ChoiceField(
        label="State",
        required=False,
        choices=[("", "Any state"), *Proposal.State.choices],
        widget=forms.Select(attrs={"id": "state-filter"}),
    )

    def chosen_state(self) -> str:
        self.is_valid()
        return self.cleaned_data["state"]

    @property
    def state_label(self) -> str:
        """The chosen state as people read it ("In calibration")."""
        return Proposal.State(self.chosen_state()).label if self.chosen_state() else ""


class CommentForm(forms.Form):
    text = forms.CharField(
        label="Comment", widget=forms.Textarea(attrs={"rows": 3}), max_length=TEXT_MAX
    )
    visibility = forms.ChoiceField(
        label="Who sees it",
        choices=Comment.Visibility.choices,
        initial=Comment.Visibility.SHARED,
        widget=forms.RadioSelect,
    )
