"""HR's check-in cadence per ladder: each change appended, who and when kept."""

from types import EllipsisType

from django.db import transaction

from ladders.models import Ladder
from people.models import CheckInCadence, Person


class StaleCadence(Exception):
    """Someone changed the cadence after the person saw it: ``newest`` is their change."""

    def __init__(self, newest: CheckInCadence):
        super().__init__("The cadence changed after it was seen.")
        self.newest = newest


def check_in_cadence_set(
    *, ladder: Ladder, months: int | None, by: Person, seen: int | EllipsisType | None = ...
) -> bool:
    """Ask the people on ``ladder`` for a check-in every ``months`` months (None:
    none asked). False, and nothing written, when that is already the cadence.
    ``seen``: the newest change the person saw, by its pk (None: none yet); when
    another was made since, StaleCadence and nothing written (``...``: not checked).
    ValueError for a cadence that is not one of ``CheckInCadence.Every``."""
    if months is not None and months not in CheckInCadence.Every.values:
        raise ValueError(f"{months!r} is not a check-in cadence.")
    with transaction.atomic():
        # Under a lock of the ladder's row: two HR people setting it at once are
        # recorded one after the other, the second seeing the first's.
        Ladder.objects.select_for_update().get(pk=ladder.pk)
        newest = (
            CheckInCadence.objects.filter(ladder=ladder)
            .select_related("set_by")
            .newest_first()
            .first()
        )
        if (newest.months if newest else None) == months:
            return False
        if seen is not ... and newest is not None and newest.pk != seen:
            raise StaleCadence(newest)
        CheckInCadence.objects.create(ladder=ladder, months=months, set_by=by)
    return True
