"""htmx helpers shared by every app."""

from urllib.parse import urlsplit

from django.conf import settings
from django.shortcuts import resolve_url
from django_htmx.http import HttpResponseClientRedirect


def wants_fragment(request) -> bool:
    """An htmx swap asks for a fragment. A history restore (Back to a URL htmx
    pushed, whose snapshot the page does not keep) needs the whole page."""
    htmx = getattr(request, "htmx", None)
    return htmx is not None and bool(htmx) and not htmx.history_restore_request


class HtmxSignInRedirectMiddleware:
    """An htmx request whose session has ended is sent to sign in as a whole page.

    A plain 302 would be followed inside htmx's request, and the sign-in page swapped
    into whatever the request was for (a field's "Saved at" status, a queue row).
    HX-Redirect makes the browser go there instead. Runs inside HtmxMiddleware."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        htmx = getattr(request, "htmx", None)
        if (
            htmx
            and response.status_code == 302
            and urlsplit(response["Location"]).path == resolve_url(settings.LOGIN_URL)
        ):
            return HttpResponseClientRedirect(response["Location"])
        return response
