"""Refuse a request whose declared body is over the limit before anything reads it."""

from django.http import HttpResponse
from django.template import loader

from config.uploads import MAX_CSV_UPLOAD_BYTES, MAX_REQUEST_BYTES, MAX_UPLOAD_BYTES


class BodyLimitMiddleware:
    """Answer 413 from the Content-Length header alone, so a huge upload never ties up a
    worker reading it (Django would spool the whole body to disk before the form could
    look at its size). A body without Content-Length is never read: Django reads a body
    only up to the length it declares."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if declared_length(request) > MAX_REQUEST_BYTES:
            # Rendered without the request: no session or database for a refused request.
            page = loader.render_to_string(
                "413.html",
                {"limit_mib": MAX_UPLOAD_BYTES // 2**20, "csv_mib": MAX_CSV_UPLOAD_BYTES // 2**20},
            )
            response = HttpResponse(page, status=413)
            # Said here, as CommonMiddleware never sees this response: without it the
            # client would read until the server closes, which may first wait for the
            # body it will not read.
            response["Content-Length"] = len(response.content)
            return response
        return self.get_response(request)


def declared_length(request) -> int:
    try:
        return int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return 0  # as Django itself reads a malformed length: no body
