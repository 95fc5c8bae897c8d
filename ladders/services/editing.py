"""HR's edits to a draft. Each is atomic; each refuses anything but a draft (the
database refuses it too). A cell save names the revision its editor started
from, so a second editor is told of the first's change instead of erasing it."""

from contextlib import contextmanager
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.db.models import F, Max

from ladders.models import Competency, Expectation, Ladder, LadderVersion, Level, Track
from ladders.services.versions import LadderError, edited_draft


@dataclass
class CellConflict(Exception):
    """The cell changed since the editor opened it; ``current`` is what it holds now."""

    current: Expectation | None


class AlreadyExists(LadderError):
    """A new ladder, or a part of a draft, collides with one saved a moment before
    (the forms check first; two people at once get past that check together).
    ``field`` is the form field the message belongs next to."""

    def __init__(self, message: str, *, field: str):
        super().__init__(message)
        self.field = field


_TAKEN = (
    " was just taken by someone else's change to this draft. Choose another {field} and save again."
)
# The unique constraints two HR people writing at once can collide on: the form field
# each belongs to, and what to tell the second of them.
_COLLISIONS = {
    "ladders_ladder_slug_key": (
        "slug",
        "A ladder with the slug “{slug}” already exists. Choose another slug, or open "
        "that ladder to change it.",
    ),
    "competency_key_unique": ("key", "The key “{key}”" + _TAKEN),
    "track_key_unique": ("key", "The key “{key}”" + _TAKEN),
    "level_code_unique": ("code", "The code “{code}”" + _TAKEN),
    "level_grade_unique_in_track": ("grade", "Grade {grade} on this track" + _TAKEN),
}


@contextmanager
def _refuse_collisions(**values):
    """Turn a unique constraint's refusal into AlreadyExists, naming ``values``. The
    savepoint keeps the surrounding transaction usable, and nothing of it is kept."""
    try:
        with transaction.atomic():
            yield
    except IntegrityError as error:
        name = getattr(getattr(error.__cause__, "diag", None), "constraint_name", None)
        if name not in _COLLISIONS:
            raise
        field, message = _COLLISIONS[name]
        raise AlreadyExists(message.format(field=field, **values), field=field) from None


def expectation_save(*, level: Level, competency: Competency, text: str, seen_revision: int, user):
    """Write a cell (empty text clears it). ``seen_revision`` is the revision the
    editor opened, 0 for an empty cell. Returns the expectation, or None if cleared."""
    with transaction.atomic():
        edited_draft(level.version)
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
        with _refuse_collisions(slug=slug):
            ladder = Ladder.objects.create(slug=slug)
        return LadderVersion.objects.create(ladder=ladder, number=1, name=name, created_by=user)


def details_update(*, version: LadderVersion, name: str, description: str) -> None:
    with transaction.atomic():
        edited_draft(version)
        version.name, version.description = name, description
        version.save(update_fields=["name", "description"])


def _next_position(queryset) -> int:
    return (queryset.aggregate(highest=Max("position"))["highest"] or 0) + 1


@transaction.atomic
def competency_add(*, version: LadderVersion, **fields) -> Competency:
    edited_draft(version)
    position = _next_position(version.competencies)
    with _refuse_collisions(**fields):
        return Competency.objects.create(version=version, position=position, **fields)


@transaction.atomic
def track_add(*, version: LadderVersion, **fields) -> Track:
    edited_draft(version)
    position = _next_position(version.tracks)
    with _refuse_collisions(**fields):
        return Track.objects.create(version=version, position=position, **fields)


@transaction.atomic
def level_add(*, track: Track, **fields) -> Level:
    edited_draft(track.version)
    with _refuse_collisions(**fields):
        return Level.objects.create(version=track.version, track=track, **fields)


@transaction.atomic
def item_save(item, fields: list[str]) -> None:
    """Save a competency, track or level after a form changed ``fields``."""
    edited_draft(item.version)
    with _refuse_collisions(**{name: getattr(item, name) for name in fields}):
        item.save(update_fields=fields)


@transaction.atomic
def item_remove(item) -> None:
    """Remove a competency, track or level, and the expectations that hang from it."""
    edited_draft(item.version)
    item.delete()


def item_move(item, *, up: bool) -> None:
    """Swap a competency or track with its neighbour in display order."""
    siblings = type(item).objects.filter(version=item.version)
    with transaction.atomic():
        edited_draft(item.version)
        if up:
            neighbour = siblings.filter(position__lt=item.position).order_by("-position").first()
        else:
            neighbour = siblings.filter(position__gt=item.position).order_by("position").first()
        if neighbour is None:
            return
        item.position, neighbour.position = neighbour.position, item.position
        type(item).objects.bulk_update([item, neighbour], ["position"])
