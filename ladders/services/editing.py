"""HR's edits to a draft. Each is atomic; each refuses anything but a draft (the
database refuses it too). A cell save names the revision its editor started
from, so a second editor is told of the first's change instead of erasing it."""

from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.db.models import F, Max

from ladders.models import Competency, Expectation, Ladder, LadderVersion, Level, Track
from ladders.services.versions import LadderError


@dataclass
class CellConflict(Exception):
    """The cell changed since the editor opened it; ``current`` is what it holds now."""

    current: Expectation | None


def _lock_draft(version: LadderVersion) -> None:
    """Runs one query; call inside a transaction. Holds the version's row until the
    transaction ends, so a publication (which takes the same lock) cannot slip in
    between this check and the write: the edit waits, then is refused cleanly."""
    status = (
        LadderVersion.objects.select_for_update()
        .filter(pk=version.pk)
        .values_list("status", flat=True)
        .first()
    )
    if status != LadderVersion.Status.DRAFT:
        raise LadderError(f"Version {version.number} is published: start a new draft to change it.")


def expectation_save(*, level: Level, competency: Competency, text: str, seen_revision: int, user):
    """Write a cell (empty text clears it). ``seen_revision`` is the revision the
    editor opened, 0 for an empty cell. Returns the expectation, or None if cleared."""
    with transaction.atomic():
        _lock_draft(level.version)
        # Lock the expectation row only: PostgreSQL refuses FOR UPDATE on the
        # nullable side of the outer joins select_related adds for updated_by.
        current = (
            Expectation.objects.select_for_update(of=("self",))
            .select_related("updated_by__person")
            .filter(level=level, competency=competency)
            .first()
        )
        if (current.revision if current else 0) != seen_revision:
            raise CellConflict(current)
        if not text.strip():
            if current:
                current.delete()
            return None
        if current is None:
            try:
                with transaction.atomic():
                    return Expectation.objects.create(
                        version=level.version,
                        level=level,
                        competency=competency,
                        text=text,
                        updated_by=user,
                    )
            except IntegrityError:
                # An empty cell has no row to lock: a second editor's insert waits
                # on the unique index until the first commits, then fails here.
                current = (
                    Expectation.objects.select_related("updated_by__person")
                    .filter(level=level, competency=competency)
                    .first()
                )
                if current is None:
                    raise
                raise CellConflict(current) from None
        current.text = text
        current.revision = F("revision") + 1
        current.updated_by = user
        current.save(update_fields=["text", "revision", "updated_by", "updated_at"])
        current.refresh_from_db()
        return current


def ladder_create(*, slug: str, name: str, user) -> LadderVersion:
    """A new ladder with an empty first draft."""
    with transaction.atomic():
        if Ladder.objects.filter(slug=slug).exists():
            raise LadderError(f"A ladder with the slug '{slug}' already exists.")
        ladder = Ladder.objects.create(slug=slug)
        return LadderVersion.objects.create(ladder=ladder, number=1, name=name, created_by=user)


def details_update(*, version: LadderVersion, name: str, description: str) -> None:
    with transaction.atomic():
        _lock_draft(version)
        version.name, version.description = name, description
        version.save(update_fields=["name", "description"])


def _next_position(queryset) -> int:
    return (queryset.aggregate(highest=Max("position"))["highest"] or 0) + 1


@transaction.atomic
def competency_add(*, version: LadderVersion, **fields) -> Competency:
    _lock_draft(version)
    position = _next_position(version.competencies)
    return Competency.objects.create(version=version, position=position, **fields)


@transaction.atomic
def track_add(*, version: LadderVersion, **fields) -> Track:
    _lock_draft(version)
    return Track.objects.create(version=version, position=_next_position(version.tracks), **fields)


@transaction.atomic
def level_add(*, track: Track, **fields) -> Level:
    _lock_draft(track.version)
    return Level.objects.create(version=track.version, track=track, **fields)


@transaction.atomic
def item_save(item, fields: list[str]) -> None:
    """Save a competency, track or level after a form changed ``fields``."""
    _lock_draft(item.version)
    item.save(update_fields=fields)


@transaction.atomic
def item_remove(item) -> None:
    """Remove a competency, track or level, and the expectations that hang from it."""
    _lock_draft(item.version)
    item.delete()


def item_move(item, *, up: bool) -> None:
    """Swap a competency or track with its neighbour in display order."""
    siblings = type(item).objects.filter(version=item.version)
    with transaction.atomic():
        _lock_draft(item.version)
        if up:
            neighbour = siblings.filter(position__lt=item.position).order_by("-position").first()
        else:
            neighbour = siblings.filter(position__gt=item.position).order_by("position").first()
        if neighbour is None:
            return
        item.position, neighbour.position = neighbour.position, item.position
        type(item).objects.bulk_update([item, neighbour], ["position"])
