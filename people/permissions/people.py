"""Who is asking, whom they may see, and what they may do about a person. Views
call these once, at the top; templates read the answers the views pass."""

import uuid

from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef
from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404
from django_htmx.middleware import HtmxDetails

from people.models import CalibrationCycle, Person


class PersonRequest(HttpRequest):
    htmx: HtmxDetails
    person: Person


def current_person(request: HttpRequest) -> Person | None:
    """The signed-in user's person, with roles, level and whether they calibrate any
    cycle (for the navigation). No query when the user came from ``PersonBackend``
    (every session signed in since it was the backend), else one."""
    user = request.user
    if not user.is_authenticated:
        return None
    has_reports = getattr(user, "person_has_reports", None)
    if has_reports is not None:
        person = getattr(user, "person", None)
        if person is not None:
            person.has_reports = has_reports
            person.calibrates = getattr(user, "person_calibrates", False)
        return person
    return (
        Person.objects.with_roles()
        .annotate(
            calibrates=Exists(
                CalibrationCycle.calibrators.through.objects.filter(person_id=OuterRef("pk"))
            )
        )
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


def get_growth_person_for(viewer: Person, uid) -> Person:
    """The person ``uid`` for a page of their growth (levels, check-ins): theirs, their
    managers', HR's; 404 for anyone else, as if they did not exist."""
    person = get_person_for(viewer, uid)
    if not sees_growth_of(viewer, person):
        raise Http404("No such page.")
    return person


def people_visible_to(viewer: Person):
    """Everyone ``viewer`` may see: HR everyone; anyone else themselves, their
    management chain and their whole reporting tree."""
    return Person.objects.visible_to(viewer)


def may_propose_for(viewer: Person, person: Person) -> bool:
    """Runs a query unless it is about oneself or HR asks. Anyone asks for themselves;
    a manager nominates someone in their reporting tree; HR nominates anyone."""
    return person.pk == viewer.pk or viewer.is_hr or manages(viewer, person)


def nomination_rights(viewer: Person, person: Person) -> tuple[bool, bool]:
    """Runs a query unless HR or the person asks. Whether ``viewer`` may nominate
    ``person``, and each of ``person``'s direct reports: HR may, and so may anyone
    above them (the reports of someone in your tree, or your own, are in your tree)."""
    # The same people as see their growth: the rule has one home.
    oversees = sees_growth_of(viewer, person)
    return oversees and viewer.pk != person.pk and not person.has_left, oversees


def may_edit_people(viewer: Person) -> bool:
    """Reporting lines, levels and the people import are HR's."""
    return viewer.is_hr


def decides_about(viewer: Person, person: Person) -> bool:
    """HR's decisions about a person's standing (their level, their leaving): HR's, and
    never about oneself, as nobody decides about themselves. Another HR person does it."""
    return may_edit_people(viewer) and viewer.pk != person.pk


def require_decides_about(viewer: Person, person: Person, *, only_hr: str, not_own: str) -> None:
    """403 with the reason unless ``viewer`` may decide ``not_own`` about ``person``."""
    if not may_edit_people(viewer):
        raise PermissionDenied(only_hr)
    if not decides_about(viewer, person):
        raise PermissionDenied(own_decision_refusal(not_own))


def own_decision_refusal(not_own: str) -> str:
    return f"You cannot {not_own}: another HR person does it."


def sees_organisation(viewer: Person) -> bool:
    """The size of the whole organisation, and every person in it: HR's view."""
    return viewer.is_hr
