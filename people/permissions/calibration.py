"""Who may see and run calibration: HR sees and runs every cycle; a calibrator sees
the cycles they calibrate and decides in them; anyone else sees none (404)."""

from django.core.exceptions import PermissionDenied
from django.db.models import OuterRef, Value
from django.shortcuts import get_object_or_404

from ladders.models import newest_name
from people.models import CalibrationCycle, Person


def cycles_visible_to(person: Person):
    """The cycles ``person`` may open: all for HR, those they calibrate otherwise (each
    then marked ``viewer_calibrates``: no query to ask again)."""
    cycles = CalibrationCycle.objects.select_related("ladder").annotate(
        ladder_name=newest_name(OuterRef("ladder"))
    )
    if person.is_hr:
        return cycles
    return cycles.filter(calibrators=person).annotate(viewer_calibrates=Value(True))


def get_cycle_for(person: Person, uid) -> CalibrationCycle:
    """The cycle ``uid`` if ``person`` may see it; otherwise 404, as if it did not exist."""
    return get_object_or_404(cycles_visible_to(person), uid=uid)


def calibrators_of(cycle: CalibrationCycle) -> list[Person]:
    """Runs one query. Who decides in ``cycle``, by name: its queue says so."""
    return list(cycle.calibrators.order_by("name", "pk"))


def can_calibrate(person: Person) -> bool:
    """Whether calibration exists for ``person``: HR, or a calibrator of some cycle.
    No query when ``person`` came from ``current_person`` (``calibrates`` annotated)."""
    if person.is_hr:
        return True
    if hasattr(person, "calibrates"):
        return person.calibrates
    return person.calibrated_cycles.exists()


def may_run_cycles(person: Person) -> bool:
    """Opening and closing cycles is HR's: calibrators decide, they do not close."""
    return person.is_hr


def require_cycle_runner(person: Person) -> None:
    """403 for a calibrator who sees the cycle but may not open or close one."""
    if not may_run_cycles(person):
        raise PermissionDenied("Only HR opens and closes calibration cycles.")


def sees_breakdowns(person: Person) -> bool:
    """People's attributes (location...) and the numbers broken down by them are HR's."""
    return person.is_hr
