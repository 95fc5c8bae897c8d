"""Filtering the parity report."""

from django import forms

from ladders.models import Ladder, LadderVersion
from people.forms.filters import FilterForm


class ParityFilterForm(FilterForm):
    """Which ladder, broken down by which attribute. A ladder that is not a choice
    shows the first published one."""

    ladder = forms.ModelChoiceField(
        label="Ladder",
        queryset=Ladder.objects.none(),
        to_field_name="slug",
        empty_label=None,
        required=False,
    )
    attribute = forms.ChoiceField(label="Break down by", required=False)

    def __init__(self, data, *, attributes, **kwargs):
        super().__init__(data, label_suffix="", auto_id="f-%s", **kwargs)
        published = LadderVersion.objects.published().values("ladder_id")
        self.ladders = Ladder.objects.filter(pk__in=published).with_name().order_by("name")
        self.fields["ladder"].queryset = self.ladders
        self.fields["attribute"].choices = [("", "Nothing"), *((name, name) for name in attributes)]

    def values(self) -> tuple[Ladder | None, str]:
        """The ladder (the first published one by default, None when there is none)
        and the attribute ("" for no breakdown)."""
        self.is_valid()
        return self.cleaned_data["ladder"] or self.ladders.first(), self.cleaned_data["attribute"]
