"""Who may see and do what with a check-in: the one place that decides.

A check-in is seen by whoever sees the person's growth (the person, everyone above
them, HR) and by the manager it was held with, after a change of manager too; anyone
else gets a 404. Its two sides act on it: the person, and their
manager (HR, for someone without a manager, never about themselves); anyone else
who sees it gets a 403 for a change."""

import uuid

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404

from people.models import CheckIn, Person
from people.permissions.people import decides_about, sees_growth_of


def get_check_in_for(viewer: Person, uid) -> CheckIn:
    """Runs two queries (the check-in, whether ``viewer`` is above its person unless
    they are HR or the person). 404 for a check-in ``viewer`` may not see."""
    try:
        uid = uuid.UUID(str(uid))
    except ValueError:
        raise Http404("No such check-in.") from None
    check_in = get_object_or_404(
        CheckIn.objects.select_related(
            "person__manager", "manager", "level__track", "version__ladder", "ended_by"
        ),
        uid=uid,
    )
    # Its manager side reads it still once the person moved to another manager: the
    # check-in that change cancelled is theirs too, and their digest links to it.
    if viewer.pk != check_in.manager_id and not sees_growth_of(viewer, check_in.person):
        raise Http404("No such check-in.")
    return check_in


def holds_manager_side(viewer: Person, check_in: CheckIn) -> bool:
    """The manager it started with; HR when it started without one."""
    if check_in.manager_id is not None:
        return viewer.pk == check_in.manager_id
    return viewer.is_hr and viewer.pk != check_in.person_id


def side_of(viewer: Person, check_in: CheckIn) -> str | None:
    """ "person" or "manager" when ``viewer`` is one of its two sides, else None."""
    if viewer.pk == check_in.person_id:
        return "person"
    return "manager" if holds_manager_side(viewer, check_in) else None


def whose_turn(check_in: CheckIn) -> str | None:
    """The side that acts next: the person rates first, then the manager rates and
    records what they agreed."""
    match check_in.state:
        case CheckIn.State.PERSON:
            return "person"
        case CheckIn.State.MANAGER | CheckIn.State.AGREEING:
            return "manager"
    return None


def require_turn(viewer: Person, check_in: CheckIn) -> None:
    """403 unless it is ``viewer``'s move (a closed one is nobody's)."""
    if side_of(viewer, check_in) is None:
        raise PermissionDenied("Only the person and their manager act on a check-in.")
    if not check_in.is_open:
        return  # the service says it has ended, with the state it is in
    if whose_turn(check_in) != side_of(viewer, check_in):
        raise PermissionDenied("It is not your turn in this check-in.")


def may_redact_notes(viewer: Person, check_in: CheckIn) -> bool:
    """HR redacts a check-in's notes, never about themselves."""
    return decides_about(viewer, check_in.person)


def may_start_check_in(viewer: Person, person: Person) -> bool:
    """No query once ``person`` came with their manager. The person themselves and
    their manager; HR for someone without one, never about themselves."""
    if person.has_left or person.level_id is None:
        return False
    if viewer.pk == person.pk:
        return True
    manager = person.reviewing_manager
    if manager is not None:
        return viewer.pk == manager.pk
    return viewer.is_hr
