from django.contrib.sessions.middleware import SessionMiddleware


class ErrorSparingSessionMiddleware(SessionMiddleware):
    """Django's session middleware, which leaves a server error's answer alone.

    Django never saves a session on a 5xx answer, but it reads the session's expiry
    first (SESSION_SAVE_EVERY_REQUEST), and when the 5xx is the database failing, that
    read waits for the database a second time: a silent one would double the wait
    before the "We will be right back" page goes out."""

    def process_response(self, request, response):
        if response.status_code >= 500:
            return response
        return super().process_response(request, response)
