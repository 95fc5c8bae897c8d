"""Gatekeeping shared by every app. ``request.person`` (the signed-in user's person
with roles, or None) is set once per request by people.middleware."""

from functools import wraps

from django.core.exceptions import PermissionDenied
from django.http import Http404


def person_required(view):
    """An account with no person record cannot use the app: 403 with the reason."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if getattr(request, "person", None) is None:
            raise PermissionDenied(
                "Your account is not linked to a person in the organisation. Ask HR to add you."
            )
        return view(request, *args, **kwargs)

    return wrapper


def hr_required(view):
    """HR-only pages do not exist for anyone else (404, not 403)."""

    @person_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.person.is_hr:
            raise Http404("No such page.")
        return view(request, *args, **kwargs)

    return wrapper
