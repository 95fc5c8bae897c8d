"""The forms of a check-in: each side's ratings, the agreed ones, cancelling; HR's
cadence per ladder and the check-ins insight's filter."""

from django import forms

from ladders.models import Ladder, LadderVersion
from people.forms.filters import FilterForm
from people.models.checkins import CheckInCadence, Rating
from people.services.checkins import NOTE_MAX, REASON_MAX


class LogEntryChoices(forms.ModelMultipleChoiceField):
    """Entries of the log by date and their first words, as the log page shows them."""

    def label_from_instance(self, obj):
        text = " ".join(obj.text.split())
        words = text if len(text) <= 90 else text[:89].rsplit(" ", 1)[0] + "…"
        return f"{obj.happened_on:%-d %b %Y}: {words}"


class _PerCompetencyForm(forms.Form):
    """A field or two per competency of the check-in, named by the competency's pk,
    each placed on its competency's row (``placed``)."""

    revision = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, rows, **kwargs):
        super().__init__(*args, **kwargs)
        self.rows = rows
        for row in rows:
            self.fields[f"rating-{row.competency_id}"] = forms.ChoiceField(
                label=f"Rating for {row.competency.name}",
                choices=Rating.choices,
                widget=forms.RadioSelect,
                error_messages={"required": f"Rate “{row.competency.name}”."},
            )

    def placed(self) -> list[tuple]:
        """(row, rating field, note field or None) per competency, in the rubric's order."""
        return [
            (
                row,
                self[f"rating-{row.competency_id}"],
                self[f"note-{row.competency_id}"]
                if f"note-{row.competency_id}" in self.fields
                else None,
            )
            for row in self.rows
        ]


class RatingsForm(_PerCompetencyForm):
    """One side's ratings, each with a note; the person may attach log entries."""

    def __init__(self, *args, rows, entries=None, **kwargs):
        super().__init__(*args, rows=rows, **kwargs)
        for row in rows:
            self.fields[f"note-{row.competency_id}"] = forms.CharField(
                label=f"Note on {row.competency.name}",
                required=False,
                max_length=NOTE_MAX,
                widget=forms.Textarea(attrs={"rows": 2}),
            )
        if entries is not None:
            self.fields["entries"] = LogEntryChoices(
                label="Attach entries of your log",
                queryset=entries,
                to_field_name="uid",
                required=False,
                widget=forms.CheckboxSelectMultiple,
                help_text="They are kept as they are from then on.",
            )

    def ratings(self) -> dict:
        """competency pk -> (rating, note), from valid data."""
        return {
            row.competency_id: (
                self.cleaned_data[f"rating-{row.competency_id}"],
                self.cleaned_data[f"note-{row.competency_id}"],
            )
            for row in self.rows
        }


class AgreeForm(_PerCompetencyForm):
    """The rating both agreed for each competency: the manager records it, and the
    check-in is closed."""

    def __init__(self, *args, rows, **kwargs):
        # What the manager rated, to confirm or change as they agree.
        managers = {f"rating-{row.competency_id}": row.manager_rating for row in rows}
        kwargs["initial"] = managers | kwargs.get("initial", {})
        super().__init__(*args, rows=rows, **kwargs)

    def agreed(self) -> dict:
        return {
            row.competency_id: self.cleaned_data[f"rating-{row.competency_id}"] for row in self.rows
        }


class RedactNotesForm(forms.Form):
    reason = forms.CharField(
        label="Why redact these notes",
        max_length=REASON_MAX,
        help_text="The notes are gone for good; who redacted them, when and why stay in "
        "their place for everyone who reads the check-in.",
    )


class CancelForm(forms.Form):
    revision = forms.IntegerField(widget=forms.HiddenInput)
    reason = forms.CharField(
        label="Why cancel it",
        max_length=REASON_MAX,
        help_text="Both of you read it on the check-in.",
    )


class CadenceForm(forms.Form):
    """HR's check-in cadence for one published ladder."""

    ladder = forms.ModelChoiceField(
        queryset=Ladder.objects.filter(
            pk__in=LadderVersion.objects.published().values("ladder_id")
        ).with_name(),
        to_field_name="slug",
        error_messages={"invalid_choice": "That ladder is not published: reload the page."},
        widget=forms.HiddenInput,
    )
    months = forms.TypedChoiceField(
        label="Check-in cadence",
        choices=[("", "None asked"), *CheckInCadence.Every.choices],
        coerce=int,
        empty_value=None,
        required=False,
    )
    # The change the page showed (empty: never set), so that a change made by someone
    # else after the page was loaded is not overwritten unseen.
    seen = forms.IntegerField(required=False, widget=forms.HiddenInput)

    @classmethod
    def showing(cls, row):
        """The form of one ladder's row (a ``LadderCadence``), set as it is now."""
        newest = row.newest
        return cls(
            initial={
                "ladder": row.ladder.slug,
                "months": newest.months if newest else None,
                "seen": newest.pk if newest else None,
            },
            auto_id=f"cadence-{row.ladder.slug}-%s",
        )


class CheckInInsightsForm(FilterForm):
    """Over how many months check-ins count as done."""

    WITHIN = [(3, "3 months"), (6, "6 months"), (12, "12 months")]
    within = forms.TypedChoiceField(
        label="Agreed within the last", choices=WITHIN, coerce=int, required=False
    )

    def months(self) -> int:
        self.is_valid()
        return self.cleaned_data.get("within") or self.WITHIN[0][0]
