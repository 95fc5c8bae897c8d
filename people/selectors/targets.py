"""The levels a person may move to: the next on their track, the same grade on another."""

from ladders.models import LadderVersion, Level
from people.models import Person, Proposal


def current_level_of(person: Person) -> Level | None:
    """The person's level as it stands in their ladder's newest published version."""
    return newest_equivalent(person.level) if person.level else None


def newest_equivalent(level: Level) -> Level:
    """Runs one or two queries. The same level (track key and code) in the newest
    published version of its ladder, or ``level`` itself if that has none."""
    newest = LadderVersion.objects.newest_for(level.version.ladder_id)
    if newest is None or newest.pk == level.version_id:
        return level
    return (
        Level.objects.select_related("track", "version__ladder")
        .filter(version=newest, code=level.code, track__key=level.track.key)
        .first()
    ) or level


def moves_from(level: Level) -> tuple[list[tuple[Level, bool]], list[Level]]:
    """Runs one query. Where ``level`` leads: (level, is_big_jump) for each level above
    on its track (the next one, and higher ones only where HR allows bigger jumps),
    and the levels of the same grade on the version's other tracks, in their order."""
    nearby = Level.objects.select_related("track").filter(
        version=level.version_id, grade__gte=level.grade
    )
    above, laterals = [], []
    for other in nearby.exclude(pk=level.pk).order_by("grade", "track__position"):
        if other.track_id == level.track_id:
            above.append(other)
        elif other.grade == level.grade:
            laterals.append(other)
    if not level.version.ladder.allow_multi_level_jumps:
        above = above[:1]
    return [(target, i > 0) for i, target in enumerate(above)], laterals


def promotion_targets(level: Level) -> list[tuple[Level, bool]]:
    """Runs one query: ``moves_from``'s promotions."""
    return moves_from(level)[0]


def lateral_targets(level: Level) -> list[Level]:
    """Runs one query: ``moves_from``'s lateral moves."""
    return moves_from(level)[1]


def targets_for(person):
    """(current level, [(level, kind, label)]) for every move ``person`` may propose."""
    level = current_level_of(person)
    if level is None:
        return None, []
    promotions, laterals = moves_from(level)
    targets = [
        (
            target,
            Proposal.Kind.PROMOTION,
            f"Promotion to {target.code} · {target.title} (grade {target.grade})"
            + (": more than one level up, flagged for calibrators" if big else ""),
        )
        for target, big in promotions
    ]
    targets += [
        (
            target,
            Proposal.Kind.LATERAL,
            f"Lateral move to {target.code} · {target.title} on {target.track.name} "
            f"(same grade {target.grade})",
        )
        for target in laterals
    ]
    return level, targets


def level_since(person: Person, *, at):
    """Runs one query. Since when ``person`` has held their level at the moment ``at``
    (``Person.objects.with_level_since`` says how)."""
    return (
        Person.objects.with_level_since(at=at)
        .values_list("level_since", flat=True)
        .get(pk=person.pk)
    )
