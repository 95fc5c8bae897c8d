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
        # What Widget.get_context and ChoiceWidget.optgroups work out, without a dict per
        # option: a <select>'s options carry no attributes but "selected".
        attrs = self.build_attrs(self.attrs, attrs)
        if self.allow_multiple_selected:
            attrs["multiple"] = True
        chosen = self.format_value(value)
        parts = [f'<select name="{_escape(name)}"{_attributes(attrs)}>']
        has_selected = False
        for group_value, group_label in self.choices:
            grouped = isinstance(group_label, (list, tuple))
            if grouped:
                parts.append(f'<optgroup label="{_escape(group_value)}">')
            options = (
                group_label
                if grouped
                else [("" if group_value is None else group_value, group_label)]
            )
            for option_value, label in options:
                selected = (not has_selected or self.allow_multiple_selected) and str(
                    option_value
                ) in chosen
                has_selected |= selected
                parts.append(
                    f'<option value="{_escape(option_value)}"{" selected" if selected else ""}>'
                    f"{_escape(label)}</option>"
                )
            if grouped:
                parts.append("</optgroup>")
        parts.append("</select>")
        return mark_safe("".join(parts))  # noqa: S308 (every value escaped by _escape)


class QuickTextarea(forms.Textarea):
    """A <textarea> whose markup is Django's own, written in Python: a proposal's page
    shows one per competency for each form that asks per competency (a calibrator's
    reasons, a reviewer's comments), twenty on a large ladder, and each went through
    two templates (the widget's and its attributes')."""

    def render(self, name, value, attrs=None, renderer=None) -> SafeString:
        attrs = self.build_attrs(self.attrs, attrs)
        value = self.format_value(value)
        # As django/forms/widgets/textarea.html: a newline first (a browser drops it).
        text = _escape(value) if value else ""
        html = f'<textarea name="{_escape(name)}"{_attributes(attrs)}>\n{text}</textarea>'
        return mark_safe(html)  # noqa: S308 (every value escaped by _escape)


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
