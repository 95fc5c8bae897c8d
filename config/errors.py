"""The 500 handler: a database that does not answer is a 503 with a friendly page
(and a Retry-After), not a traceback or a generic error; the app needs no restart
when it comes back, as connections are health-checked before reuse."""

import sys

from django.db import InterfaceError, OperationalError
from django.http import HttpResponse, HttpResponseServerError
from django.template import loader

RETRY_AFTER_SECONDS = 30


def server_error(request):
    error = sys.exc_info()[1]
    # Rendered without a request: context processors would ask the database again.
    if isinstance(error, OperationalError | InterfaceError):
        response = HttpResponse(loader.render_to_string("503.html"), status=503)
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response
    return HttpResponseServerError(loader.render_to_string("500.html"))
