"""Filtering the parity report."""

from django import forms

from ladders.models import Ladder, LadderVersion
from people.forms.filters import FilterForm


class ParityFilterForm(FilterForm):
    """Which ladder, broken down by which attribute. A ladder that is not a choice
    shows the first published one."""

    ladder = forms.ChoiceField(label="Ladder", required=False)
    attribute = forms.ChoiceField(label="Break down by", required=False)

    def __init__(self, data, *, attributes, **kwargs):
        """Runs one query: the published ladders, read once for the choices, the one
        chosen and the default (a model choice field read them three times)."""
        super().__init__(data, label_suffix="", auto_id="f-%s", **kwargs)
        published = LadderVersion.objects.published().values("ladder_id")
        self.ladders = list(Ladder.objects.filter(pk__in=published).with_name().order_by("name"))
        self.fields["ladder"].choices = [(ladder.slug, str(ladder)) for ladder in self.ladders]
        self.fields["attribute"].choices = [("", "Nothing"), *((name, name) for name in attributes)]

    def values(self) -> tuple[Ladder | None, str]:
        """The ladder (the first published one by default, None when there is none)
        and the attribute ("" for no breakdown)."""
        self.is_valid()
        by_slug = {ladder.slug: ladder for ladder in self.ladders}
        chosen = by_slug.get(self.cleaned_data["ladder"])
        return chosen or next(iter(self.ladders), None), self.cleaned_data["attribute"]
