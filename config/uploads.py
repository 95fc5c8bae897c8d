from django import forms

MAX_UPLOAD_BYTES = 5 * 1024 * 1024


class FileUploadForm(forms.Form):
    """One file, refused above 5 MiB before anything reads it. Subclasses set the
    field's label and help text."""

    file = forms.FileField()

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload is not None and upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(
                f"The file is {upload.size:,} bytes; the limit is {MAX_UPLOAD_BYTES:,} (5 MiB)."
            )
        return upload
