"""Opening a calibration cycle."""

from django import forms
from django.db.models import Q
from django.db.models.functions import Lower

from ladders.models import Ladder, LadderVersion
from people.models import Person


class CycleForm(forms.Form):
    name = forms.CharField(max_length=120, help_text="For example: “2027 H1 promotions”.")
    ladder = forms.ModelChoiceField(queryset=Ladder.objects.none(), empty_label=None)
    starts_on = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))
    ends_on = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))
    effective_on = forms.DateField(
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text="Approved people take their new level on this date.",
    )
    calibrators = forms.ModelMultipleChoiceField(
        queryset=Person.objects.none(),
        widget=forms.SelectMultiple(attrs={"size": 10}),
        help_text="Managers and HR people who decide this cycle's proposals.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        published = LadderVersion.objects.published().values("ladder_id")
        self.fields["ladder"].queryset = Ladder.objects.filter(pk__in=published).order_by("slug")
        self.fields["calibrators"].queryset = (
            Person.objects.with_roles()
            .filter(Q(is_hr=True) | Q(has_reports=True))
            .order_by(Lower("name"))
        )

    def clean(self):
        cleaned = super().clean()
        if (
            cleaned.get("starts_on")
            and cleaned.get("ends_on")
            and cleaned["ends_on"] < cleaned["starts_on"]
        ):
            self.add_error("ends_on", "The cycle must end on or after the day it starts.")
        return cleaned
