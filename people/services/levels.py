"""People's levels: setting one (with its history entry), and following the
ladder when HR publishes a new version."""

from django.db import connection, transaction
from django.dispatch import receiver
from django.utils import timezone

from ladders.models import LadderVersion, Level
from ladders.services.versions import version_published
from people.models import LevelChange, Person
from people.services.checkins import check_ins_cancel_outdated


class LevelError(Exception):
    """A level that cannot be given, with the reason."""


def change_dated(at=None):
    """When a level change is recorded as made: ``at``, by default now, never later
    than now. The insights count on it: on a day still ahead everyone stands where
    their level says today (``_before_and_after``)."""
    now = timezone.now()
    if at is not None and at > now:
        raise LevelError("A level change cannot be dated in the future.")
    return at or now


def person_set_level(*, person: Person, level: Level, by, source, note: str = "", at=None) -> bool:
    """Give ``person`` the level and record it in their history (dated ``at``, by
    default now; never later). False if they had it already."""
    if level.version.status != LadderVersion.Status.PUBLISHED:
        raise LevelError("Only a level of a published ladder version can be given.")
    changed_at = change_dated(at)
    with transaction.atomic():
        person = Person.objects.select_for_update().get(pk=person.pk)
        if person.level_id == level.pk:
            return False
        LevelChange.objects.create(
            person=person,
            level=level,
            previous_level_id=person.level_id,
            source=source,
            note=note,
            changed_by=by,
            changed_at=changed_at,
        )
        person.level = level
        person.save(update_fields=["level", "updated_at"])
        check_ins_cancel_outdated(involving=[person.pk])
    return True


@receiver(version_published)
def follow_new_version(sender, version, **kwargs):
    """Move everyone on an older version of the ladder to the same level (same track
    key and code) in the new one. Not a level change: the history is untouched.
    People whose level the new version dropped keep their old one until HR acts."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            UPDATE people_person AS p SET level_id = new.id
            FROM ladders_level AS old
            JOIN ladders_track AS old_track ON old_track.id = old.track_id
            JOIN ladders_ladderversion AS old_version ON old_version.id = old.version_id,
                 ladders_level AS new
            JOIN ladders_track AS new_track ON new_track.id = new.track_id
            WHERE p.level_id = old.id
              AND old_version.ladder_id = %(ladder)s
              AND old.version_id <> %(version)s
              AND new.version_id = %(version)s
              AND new.code = old.code
              AND new_track.key = old_track.key
            """,
            {"ladder": version.ladder_id, "version": version.pk},
        )
