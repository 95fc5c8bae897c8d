from django import forms

MAX_UPLOAD_BYTES = 5 * 1024 * 1024
# The largest file any form takes: a ladder as CSV, whose rows repeat the ladder,
# track and level columns, is about eight times its YAML (ladders/ladder_format.py).
MAX_CSV_UPLOAD_BYTES = 8 * MAX_UPLOAD_BYTES
# A request carrying a file of the limit also carries multipart headers and the
# form's other fields; anything larger than this is refused unread (config/body_limit.py).
MAX_REQUEST_BYTES = MAX_CSV_UPLOAD_BYTES + 64 * 1024


class FileUploadForm(forms.Form):
    """One file, refused above its limit (5 MiB unless a subclass allows more) before
    anything reads it. Subclasses set the field's label and help text."""

    file = forms.FileField()

    def max_bytes(self, upload) -> int:
        """The largest file this form takes; a subclass may allow more by its kind."""
        return MAX_UPLOAD_BYTES

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload is None:  # a form whose file may be left out (an import kept to confirm)
            return upload
        limit = self.max_bytes(upload)
        if upload.size > limit:
            raise forms.ValidationError(
                f"The file is {upload.size:,} bytes; the limit is {limit:,} "
                f"({limit // 2**20} MiB). Choose a smaller file."
            )
        return upload
