"""Opening a calibration cycle, and filtering its proposals."""

import uuid
from datetime import date
from functools import partial

from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db.models import Q
from django.db.models.functions import Lower
from django.urls import reverse_lazy

from config.text import has_control_characters
from ladders.models import Ladder, LadderVersion
from people.forms.filters import FilterForm
from people.models import Person, Proposal
from people.selectors.cycle_choices import cycle_choices

# Cycles' dates feed date arithmetic (time in level, the distribution after the
# effective date): keep them within a range where that arithmetic holds.
EARLIEST, LATEST = date(2000, 1, 1), date(2100, 12, 31)


def cycle_date(**kwargs) -> forms.DateField:
    message = f"Choose a date from {EARLIEST:%-d %b %Y} to {LATEST:%-d %b %Y}."
    return forms.DateField(
        widget=forms.DateInput(attrs={"type": "date"}),
        validators=[
            MinValueValidator(EARLIEST, message=message),
            MaxValueValidator(LATEST, message=message),
        ],
        **kwargs,
    )


class PeopleByUid(forms.ModelMultipleChoiceField):
    """People chosen by their uid. A value that is no uid at all is refused in the
    field's own words, not as the database field's "is not a valid UUID"."""

    def _check_values(self, value):
        for each in value:
            try:
                uuid.UUID(str(each))
            except ValueError:
                raise forms.ValidationError(
                    self.error_messages["invalid_pk_value"], code="invalid_pk_value"
                ) from None
        return super()._check_values(value)


class CycleForm(forms.Form):
    name = forms.CharField(max_length=120, help_text="For example: “2027 H1 promotions”.")
    ladder = forms.ModelChoiceField(queryset=Ladder.objects.none(), empty_label=None)
    starts_on = cycle_date()
    ends_on = cycle_date()
    effective_on = cycle_date(help_text="Approved people take their new level on this date.")
    calibrators = PeopleByUid(
        queryset=Person.objects.none(),
        to_field_name="uid",
        help_text="Managers and HR people who decide this cycle's proposals.",
        error_messages={
            "required": "Choose at least one calibrator: find them by name below.",
            "invalid_choice": "Someone chosen can no longer calibrate (they left, or manage "
            "nobody and are not HR): choose again.",
            "invalid_pk_value": "Choose calibrators from the people found by name.",
        },
    )
    find = forms.CharField(
        label="Find a manager or HR person",
        required=False,
        max_length=100,
        widget=forms.TextInput(
            attrs={
                "type": "search",
                "autocomplete": "off",
                "hx-get": reverse_lazy("people:cycle_new"),
                "hx-trigger": "input changed delay:250ms, search",
                "hx-target": "#calibrator-matches",
                "hx-swap": "outerHTML",
                "hx-sync": "this:replace",
                # The chosen are left out of what is found.
                "hx-include": "#calibrators-chosen",
                "aria-controls": "calibrator-matches",
            }
        ),
    )

    # Matches shown for a name typed in ``find``: enough to pick from, few enough to read.
    MATCHES = 12

    def __init__(self, *args, picking=None, **kwargs):
        """``picking`` (the request's data) holds the calibrators chosen so far and the
        name being looked for, bound or not: the picker shows them either way."""
        super().__init__(*args, **kwargs)
        published = LadderVersion.objects.published().values("ladder_id")
        self.fields["ladder"].queryset = (
            Ladder.objects.filter(pk__in=published).with_name().order_by("name")
        )
        self.fields["calibrators"].queryset = self.eligible()
        self.picking = picking if picking is not None else (self.data or {})

    @staticmethod
    def eligible():
        return Person.objects.still_here().with_roles().filter(Q(is_hr=True) | Q(has_reports=True))

    @classmethod
    def keeping(cls, data) -> "CycleForm":
        """The form as it was sent, shown again without judging it: after "Find"."""
        fields = ("name", "ladder", "starts_on", "ends_on", "effective_on", "find")
        return cls(initial={name: data.get(name, "") for name in fields}, picking=data)

    @property
    def picker(self):
        """The calibrators' field, which the picker renders itself."""
        return self["calibrators"]

    def opening(self) -> dict:
        """What ``cycle_open`` takes: the valid form less the name being looked for."""
        return {name: value for name, value in self.cleaned_data.items() if name != "find"}

    def _picked_uids(self) -> list[str]:
        picked = []
        for value in self.picking.getlist("calibrators") if self.picking else ():
            try:
                picked.append(str(uuid.UUID(str(value))))
            except ValueError:
                continue  # "Open the cycle" says so; the picker shows those it can.
        return picked

    def chosen(self) -> list[Person]:
        """One query. The eligible people chosen so far, by name."""
        picked = self._picked_uids()
        if not picked:
            return []
        return list(
            self.eligible()
            .filter(uid__in=picked)
            .select_related("level__track", "level__version")
            .order_by(Lower("name"), "pk")
        )

    def looking_for(self) -> str:
        text = str(self.picking.get("find", "") if self.picking else "").strip()
        return "" if len(text) > 100 or has_control_characters(text) else text

    def matches(self) -> tuple[list[Person], bool]:
        """One query. Eligible people whose name or email holds the typed text, not yet
        chosen, by name; and whether there were more than are shown."""
        text = self.looking_for()
        if not text:
            return [], False
        found = list(
            self.eligible()
            .search(text)
            .exclude(uid__in=self._picked_uids())
            .select_related("level__track", "level__version")
            .order_by(Lower("name"), "pk")[: self.MATCHES + 1]
        )
        return found[: self.MATCHES], len(found) > self.MATCHES

    def clean_name(self):
        name = self.cleaned_data["name"]
        if has_control_characters(name):
            raise forms.ValidationError(
                "A cycle's name cannot hold line breaks, tabs or other control characters: "
                "it names mail and downloads."
            )
        return name

    def clean(self):
        cleaned = super().clean()
        if (
            cleaned.get("starts_on")
            and cleaned.get("ends_on")
            and cleaned["ends_on"] < cleaned["starts_on"]
        ):
            self.add_error("ends_on", "The cycle must end on or after the day it starts.")
        return cleaned


class CycleFilterForm(FilterForm):
    """The filters over one cycle's proposals, shared by its queue and its dashboard.

    A value that is no longer a choice (a manager who left, a grade nobody targets)
    filters nothing, as in every ``FilterForm``."""

    SORTS = [
        ("name", "Name"),
        ("time", "Longest in level"),
        ("grade", "Target grade, highest first"),
        ("state", "State"),
    ]

    q = forms.CharField(
        label="Person",
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off"}),
    )
    track = forms.ChoiceField(label="Track", required=False)
    grade = forms.TypedChoiceField(label="Target grade", required=False, coerce=int)
    manager = forms.ChoiceField(label="Manager", required=False)
    state = forms.ChoiceField(label="State", required=False)
    sort = forms.ChoiceField(label="Sort by", required=False, choices=SORTS)
    attribute = forms.ChoiceField(label="Break down by (HR)", required=False)

    EMPTY = {
        "track": "Any track",
        "grade": "Any grade",
        "manager": "Any manager",
        "state": "Any state",
        "attribute": "Nothing",
    }

    def __init__(self, data, *, cycle, fields, attributes=(), **kwargs):
        """``fields`` names the filters the page offers, in order. The tracks, target
        grades and managers of ``cycle`` are asked for (``cycle_choices``: kept while
        they hold) only when a value is checked or the filters are rendered."""
        super().__init__(data, label_suffix="", **kwargs)
        self.fields = {name: self.fields[name] for name in fields}
        self.cycle = cycle
        self.attributes = list(attributes)
        self._read: dict[str, list[tuple]] = {}
        for name in self.fields:
            if name in self.EMPTY:
                self.fields[name].choices = partial(self._choices, name)

    def _choices(self, name: str) -> list[tuple]:
        """Read once per form, however often validation and rendering ask."""
        if name not in self._read:
            self._read[name] = [("", self.EMPTY[name]), *self._read_choices(name)]
        return self._read[name]

    def _read_choices(self, name: str) -> list[tuple]:
        if name in ("track", "grade", "manager"):
            return cycle_choices(self.cycle, name)
        if name == "state":
            return list(Proposal.State.choices)
        return [(attribute, attribute) for attribute in self.attributes]

    def values(self) -> dict:
        """Each filter's value, "" where it is empty or not a valid choice."""
        self.is_valid()
        return {name: self.cleaned_data[name] for name in self.fields if name != "sort"}

    @property
    def chosen_sort(self) -> str:
        """The chosen sort; by name unless a valid one was chosen."""
        self.is_valid()
        return self.cleaned_data.get("sort") or "name"

    @property
    def is_filtered(self) -> bool:
        return any(self.values().values())
