import time

from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.middleware import SessionMiddleware

# A signed-in session ends after SESSION_COOKIE_AGE idle seconds. Saving it on every
# request to push that on was one write in every signed-in page's six queries: the
# expiry now moves on when the last push is this many seconds old.
SEEN_KEY = "_seen"
REFRESH_SECONDS = 60


def stamp_session(request, **kwargs) -> None:
    """At sign-in (``user_logged_in``): the session is written then anyway."""
    request.session[SEEN_KEY] = int(time.time())


class ErrorSparingSessionMiddleware(SessionMiddleware):
    """Django's session middleware, which pushes a signed-in session's idle expiry on
    once a minute at most, and leaves a server error's answer alone.

    Django never saves a session on a 5xx answer, but it reads the session's expiry
    first, and when the 5xx is the database failing, that read waits for the database
    a second time: a silent one would double the wait before the "We will be right
    back" page goes out."""

    def process_response(self, request, response):
        if response.status_code >= 500:
            return response
        session = getattr(request, "session", None)
        # Only a session someone read (signing in reads it): never a query for it.
        if session is not None and session.accessed and SESSION_KEY in session:
            now = int(time.time())
            if now - session.get(SEEN_KEY, 0) >= REFRESH_SECONDS:
                session[SEEN_KEY] = now
        return super().process_response(request, response)
