"""Nothing a signed-in person is shown may be kept by a shared cache or on disk."""

from django.conf import settings
from django.utils.cache import patch_cache_control


class PrivateResponsesMiddleware:
    """Mark every response to a request with a session ``Cache-Control: private,
    no-store``: pages, fragments and downloads alike show people's records, which a
    proxy must not serve to someone else, nor a shared computer keep once the session
    ends.

    Every signed-in request carries the session cookie. Asking the cookie rather than
    ``request.user`` keeps the database out of it: when the database is what failed,
    asking for the user again would wait for it a second time before the 503 goes out.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if settings.SESSION_COOKIE_NAME in request.COOKIES:
            patch_cache_control(response, private=True, no_store=True)
        return response
