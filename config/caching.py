"""Nothing a signed-in person is shown may be kept by a shared cache or on disk."""

from django.utils.cache import patch_cache_control


class PrivateResponsesMiddleware:
    """Mark every response to a signed-in request ``Cache-Control: private, no-store``:
    pages, fragments and downloads alike show people's records, which a proxy must
    not serve to someone else, nor a shared computer keep once the session ends."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if request.user.is_authenticated:
            patch_cache_control(response, private=True, no_store=True)
        return response
