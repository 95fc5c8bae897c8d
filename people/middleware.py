from people.permissions.people import current_person


class CurrentPersonMiddleware:
    """Set ``request.person``: the signed-in user's person with roles, or None.

    Every app reads who is asking from here, so the ladders app needs no import
    of this one and the query runs once per request."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.person = current_person(request)
        return self.get_response(request)
