from people.permissions.calibration import can_calibrate, may_run_cycles
from people.permissions.people import may_edit_people, sees_organisation


def current_person_context(request):
    """``current_person`` (set by CurrentPersonMiddleware) and ``may``: what the
    navigation and pages offer them, answered by the permissions modules. Runs no
    query: ``current_person`` carries its roles."""
    person = getattr(request, "person", None)
    if person is None:
        return {"current_person": None, "may": {}}
    return {
        "current_person": person,
        "may": {
            "calibrate": can_calibrate(person),
            "run_cycles": may_run_cycles(person),
            "edit_people": may_edit_people(person),
            "see_organisation": sees_organisation(person),
        },
    }
