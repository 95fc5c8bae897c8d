"""Who is asking, and what they may see. Views call these once, at the top."""

import uuid

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


def get_person_for(viewer: Person, uid) -> Person:
    """The person ``uid`` if ``viewer`` may see them; otherwise 404, as if they did not exist.
    ``uid`` may come from a query string: one that is not a UUID names nobody."""
    try:
        uid = uuid.UUID(str(uid))
    except ValueError:
        raise Http404("No such person.") from None
    return get_object_or_404(
        Person.objects.visible_to(viewer)
        .with_roles()
        .select_related("manager", "level__track", "level__version__ladder"),
        uid=uid,
    )


def manages(viewer: Person, person: Person) -> bool:
    """Runs one query. Whether ``person`` is somewhere in ``viewer``'s reporting tree."""
    return Person.objects.reporting_tree_of(viewer).filter(pk=person.pk).exists()


def sees_growth_of(viewer: Person, person: Person) -> bool:
    """A person's level history and growth: theirs, their managers' and HR's."""
    return viewer.is_hr or viewer.pk == person.pk or manages(viewer, person)
