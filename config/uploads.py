from django import forms

MAX_UPLOAD_BYTES = 5 * 1024 * 1024
# A request carrying a file of the limit also carries multipart headers and the
# form's other fields; anything larger than this is refused unread (config/body_limit.py).
MAX_REQUEST_BYTES = MAX_UPLOAD_BYTES + 64 * 1024


class FileUploadForm(forms.Form):
    """One file, refused above 5 MiB before anything reads it. Subclasses set the
    field's label and help text."""

    file = forms.FileField()

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(
                f"The file is {upload.size:,} bytes; the limit is {MAX_UPLOAD_BYTES:,} (5 MiB)."
            )
        return upload
