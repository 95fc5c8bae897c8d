"""{{ value|elapsed }} and {{ value|elapsed:until }}: Django's ``timesince``, written
in English without asking the translation machinery.

The app speaks English only (``LANGUAGE_CODE``), yet ``timesince`` looks up the
plural of each unit it writes through Django's translations: 85 µs a call at 10,000
people, most of what a calibration queue's "In level" cell costs (fifty a page).
These strings say what English's plurals say; the arithmetic (calendar months and
years, two adjacent units, no wrapping) is Django's own, given them through the
``time_strings`` argument it has for this.
"""

from typing import Any

from django import template
from django.utils.timesince import timesince

register = template.Library()


class _Unit:
    """What ``ngettext_lazy("%(num)d year", "%(num)d years", "num")`` gives in English."""

    def __init__(self, name: str):
        self.name = name

    def __mod__(self, values: dict) -> str:
        count = values["num"]
        return f"{count} {self.name}" if count == 1 else f"{count} {self.name}s"


# Typed loosely: django-stubs say these are strings, but timesince only applies "%".
ENGLISH: dict[str, Any] = {
    name: _Unit(name) for name in ("year", "month", "week", "day", "hour", "minute")
}


@register.filter(is_safe=False)
def elapsed(value, until=None) -> str:
    """What ``{{ value|timesince:until }}`` writes; nothing for no date or for what is
    not one (where ``timesince`` would fail the page)."""
    if not value:
        return ""
    try:
        return timesince(value, until or None, time_strings=ENGLISH)
    except (ValueError, TypeError, AttributeError):
        return ""
