"""The base of every form of filters read from a page's URL."""

from urllib.parse import urlencode

from django import forms

from config.widgets import QuickSelect


class FilterForm(forms.Form):
    """Filters arrive in links people share and keep: an old link names a manager who
    left, a mangled one a grade of "²" or a NUL. Such a value is dropped: it filters
    nothing, and the form shows that filter unset, not as an error on a form nobody
    submitted. Labels go above their fields, without a colon, on every page alike."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        # Filters offer long lists (every manager of a cycle): rendered in Python.
        for field in self.fields.values():
            if type(field.widget) is forms.Select:
                field.widget = QuickSelect(attrs=field.widget.attrs, choices=field.widget.choices)
                field.widget.is_required = field.required

    def full_clean(self):
        super().full_clean()
        invalid = [name for name in self._errors if name in self.fields]
        if not invalid:
            return
        kept = self.data.copy()
        for name in invalid:
            kept.pop(self.add_prefix(name), None)
        self.data = kept
        super().full_clean()

    def query_string(self) -> str:
        """The filters that hold, for links that keep them (pages, downloads): never
        the value that was dropped."""
        self.is_valid()
        keys = (self.add_prefix(name) for name in self.fields)
        return urlencode([(key, self.data[key]) for key in keys if self.data.get(key)])
