"""What a cycle's filters offer: the tracks of its ladder, the grades its proposals
target and the managers of the people proposed.

Read afresh, the grades and managers cost the page two queries, the managers' over
everyone proposed (at 10,000 people, 2,000 of them: a sixth of the queue page's
time). They change rarely, and the database counts each change in the cycle's
``filters_version`` (``models/cycle_filters.py``), which every page reads with the
cycle: so what was read at one version is kept in Django's cache under it, and a
change anywhere, by any worker, makes the next page read afresh. The tracks are read
each time: a version of the ladder published meanwhile changes them, which the
cycle's count does not see.
"""

from django.core.cache import cache
from django.db.models.functions import Lower

from ladders.models import LadderVersion, Track
from people.models import Person


def _tracks(cycle) -> list[tuple[str, str]]:
    current = LadderVersion.objects.current().filter(ladder=cycle.ladder_id).values("pk")
    tracks = Track.objects.filter(version__in=current).order_by("position")
    return [(track.key, track.name) for track in tracks]


def _grades(cycle) -> list[tuple[int, int]]:
    grades = cycle.proposals.values_list("target_level__grade", flat=True)
    return [(grade, grade) for grade in grades.order_by("target_level__grade").distinct()]


def _managers(cycle) -> list[tuple[str, str]]:
    # Who manages someone proposed: a semi-join, not every proposal's row joined.
    managers = Person.objects.filter(pk__in=cycle.proposals.values("person__manager_id"))
    return [
        (str(uid), name)
        for uid, name in managers.order_by(Lower("name")).values_list("uid", "name")
    ]


def cycle_choices(cycle, name: str) -> list[tuple]:
    """Runs one query for "track"; for "grade" and "manager", one the first time the
    process asks at the cycle's ``filters_version``, none after. The choices of
    filter ``name``, without its empty choice."""
    if name == "track":
        return _tracks(cycle)
    read = _grades if name == "grade" else _managers
    key = f"cycle-choices:{cycle.pk}:{cycle.filters_version}:{name}"
    # An older version's entry is never asked for again: only space makes it go.
    return cache.get_or_set(key, lambda: read(cycle), timeout=None) or []
