"""Who is asking, and what they may see. Views call these once, at the top."""

from functools import wraps

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404
from django_htmx.middleware import HtmxDetails

from people.models import Person


class PersonRequest(HttpRequest):
    htmx: HtmxDetails
    person: Person


def current_person(request: HttpRequest) -> Person | None:
    """Runs one query: the signed-in user's person, with roles and level."""
    if not request.user.is_authenticated:
        return None
    return (
        Person.objects.with_roles()
        .select_related("level__track", "level__version__ladder")
        .filter(user_id=request.user.pk)
        .first()
    )


def person_required(view):
    """An account with no person record cannot use the app (``request.person`` is
    set by CurrentPersonMiddleware)."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if request.person is None:
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


def get_person_for(viewer: Person, uid) -> Person:
    """The person ``uid`` if ``viewer`` may see them; otherwise 404, as if they did not exist."""
    return get_object_or_404(
        Person.objects.visible_to(viewer)
        .with_roles()
        .select_related("manager", "level__track", "level__version__ladder"),
        uid=uid,
    )
