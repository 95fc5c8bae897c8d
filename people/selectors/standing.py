"""Where a person stands, for their home page: their level and since when, the next
level on their track and the same grade on the others; a manager's team the same way."""

from dataclasses import dataclass, field
from datetime import datetime

from django.db.models.functions import Lower

from ladders.models import Level
from people.models import Person
from people.selectors.targets import current_level_of, moves_from


@dataclass
class Standing:
    level: Level
    since: datetime
    # None at the top of the track.
    next: Level | None
    # The same grade on every other track, in the ladder's order (none at some grades).
    equivalents: list[Level] = field(default_factory=list)


def standing_of(person: Person) -> Standing | None:
    """Runs two queries (three when the person's level is of an older version): the
    ladder's newest version, and the levels above and beside theirs. None for someone
    with no level yet."""
    level = current_level_of(person)
    if level is None:
        return None
    above, laterals = moves_from(level)
    return Standing(
        level=level,
        since=person.held_level_since,
        next=above[0][0] if above else None,
        equivalents=laterals,
    )


def team_of(manager: Person) -> list[Person]:
    """Runs one query, whatever the team's size. ``manager``'s direct reports still
    here, by name, each with their level (its track and ladder) and ``level_since``."""
    return list(team_queryset(manager))


def team_queryset(manager: Person):
    return (
        Person.objects.still_here()
        .filter(manager=manager)
        .with_level_since()
        .select_related("level__track", "level__version__ladder")
        .order_by(Lower("name"), "pk")
    )


def tree_size_of(manager: Person) -> int:
    """Runs one query. How many people still here are below ``manager``, directly or
    through other managers: the number Home and their page give."""
    return Person.objects.still_here().reporting_tree_of(manager).count()
