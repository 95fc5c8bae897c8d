"""Form widgets that render many parts quickly."""

import html

from django import forms
from django.utils.safestring import SafeString, mark_safe


class QuickSelect(forms.Select):
    """A <select> whose markup is Django's own, written in Python: Django renders each
    option through a template of its own (and format_html costs about as much), and a
    calibration queue's filter of some three hundred managers spent longer on its
    options than the page on its rows."""

    def render(self, name, value, attrs=None, renderer=None) -> SafeString:
        widget = self.get_context(name, value, attrs)["widget"]
        parts = [f'<select name="{_escape(widget["name"])}"{_attributes(widget["attrs"])}>']
        for group, options, _ in widget["optgroups"]:
            if group:
                parts.append(f'<optgroup label="{_escape(group)}">')
            parts += (
                f'<option value="{_escape(option["value"])}"{_attributes(option["attrs"])}>'
                f"{_escape(option['label'])}</option>"
                for option in options
            )
            if group:
                parts.append("</optgroup>")
        parts.append("</select>")
        return mark_safe("".join(parts))  # noqa: S308 (every value escaped by _escape)


def _escape(value) -> str:
    """As conditional_escape: what is already safe HTML stays as it is."""
    return value.__html__() if hasattr(value, "__html__") else html.escape(str(value))


def _attributes(attrs: dict) -> str:
    """As django/forms/widgets/attrs.html writes them: False left out, True bare."""
    return "".join(
        f" {_escape(name)}" if value is True else f' {_escape(name)}="{_escape(value)}"'
        for name, value in attrs.items()
        if value is not False
    )
