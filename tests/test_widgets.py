"""QuickSelect and QuickTextarea write what Django's Select and Textarea write, without
a template per option or per field."""

import re
from types import SimpleNamespace

import pytest
from django import forms

from config.widgets import QuickSelect, QuickTextarea
from people.forms.checkins import CheckInInsightsForm
from people.forms.proposals import DecisionForm

CHOICES = [
    ("", "Any manager"),
    ("3", "Ada <script>alert(1)</script> & Co"),
    ('x" onclick="y', "A value with quotes"),
    ("Engineering", [("IC2", "IC2 · Engineer"), ("M1", "M1 · Manager")]),
    (None, "No value"),
    ("3", "Three again: only the first of a value is selected"),
    (4, "A number"),
]
ATTRS = [
    {},
    {"id": "queue-manager", "aria-describedby": "help", "required": True, "disabled": False},
    {"data-x": 'a "quoted" <value>'},
]


def tight(html):
    """Django's template puts a newline and spaces between options; browsers ignore them."""
    return re.sub(r">\s+<", "><", str(html)).strip()


@pytest.mark.parametrize("value", ["", "3", 'x" onclick="y', "M1", None, "no-such-choice", 4])
@pytest.mark.parametrize("attrs", ATTRS)
def test_quickselect_renders_as_djangos_select(value, attrs):
    django_select = forms.Select(attrs=attrs, choices=CHOICES)
    quick = QuickSelect(attrs=attrs, choices=CHOICES)
    expected = tight(django_select.render("manager", value))
    assert tight(quick.render("manager", value)) == expected
    assert "<script>" not in expected  # the labels are escaped in both


def test_a_filter_forms_selects_are_quick_and_keep_their_choices():
    form = CheckInInsightsForm({"within": "6"})
    widget = form.fields["within"].widget
    assert type(widget) is QuickSelect
    assert '<option value="6" selected>6 months</option>' in str(form["within"])


@pytest.mark.parametrize(
    "value", ["", None, "Plain", 'Say "no" <script>alert(1)</script> & go', "\nTwo\nlines", 0]
)
@pytest.mark.parametrize("attrs", ATTRS)
def test_quicktextarea_renders_as_djangos_textarea(value, attrs):
    expected = str(forms.Textarea(attrs={"rows": 2, **attrs}).render("reason-x", value))
    assert str(QuickTextarea(attrs={"rows": 2, **attrs}).render("reason-x", value)) == expected
    assert "<script>" not in expected


def test_the_per_competency_texts_are_quick_and_keep_what_was_typed():
    competency = SimpleNamespace(key="craft", name="Craft")
    form = DecisionForm({"reason-craft": "Not <yet>"}, competencies=[competency])
    field = form["reason-craft"]
    assert type(field.field.widget) is QuickTextarea
    assert f'id="{field.id_for_label}"' in str(field)
    assert ">\nNot &lt;yet&gt;</textarea>" in str(field)
