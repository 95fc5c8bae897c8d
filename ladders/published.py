"""Levels of published ladder versions, kept by the process once read.

A published version and everything in it are frozen in the database: triggers refuse
any change to it or its content, and to the version itself (see ``models``). So what
a process once read of a published level, its track and its version is still true at
every later request. The pages that show levels on many rows (the queue, Home's
lists) or beside many other joins (a proposal's page) take them from here instead of
joining level and track into their own query: at 10,000 people those joins cost
PostgreSQL five times longer to plan than the whole query takes to run (the queue's
rows: 6.1 ms planning and 0.8 ms running with them, 1.0 ms planning without).

They are kept in Django's cache, which hands each caller copies: whatever a page
then reads through them (the version's ladder, which is not frozen) is read for it
alone. Levels of a draft are read each time and never kept: a draft is still being
edited. What is kept stays small, some dozens of levels per published version.
"""

from django.core.cache import cache

from ladders.models import LadderVersion, Level


def levels_by_pk(pks) -> dict[int, Level]:
    """Runs one query for the levels not kept yet, none once all are. The levels
    ``pks`` (None is skipped), each with its track and version, by key."""
    keys = {f"published-level:{pk}": pk for pk in pks if pk is not None}
    found = {level.pk: level for level in cache.get_many(keys).values()}
    missing = set(keys.values()) - found.keys()
    if missing:
        levels = Level.objects.filter(pk__in=missing).select_related("track", "version")
        read = {level.pk: level for level in levels}
        published = LadderVersion.Status.PUBLISHED
        kept = {k: read[pk] for k, pk in keys.items() if pk in read}
        cache.set_many(
            {k: level for k, level in kept.items() if level.version.status == published},
            timeout=None,  # never stale: only space makes the cache let one go
        )
        found.update(read)
    return found


def with_levels(objects, *fields: str, also=()) -> None:
    """Runs what ``levels_by_pk`` runs. Sets each of ``fields`` (foreign keys to a
    level) on each of ``objects`` to its level, with its track and version, as
    ``select_related`` would have joined them in; and each (object, field) of
    ``also``, read in the same query."""
    wanted = [(o, field) for o in objects for field in fields] + list(also)
    levels = levels_by_pk(getattr(o, f"{field}_id") for o, field in wanted)
    for o, field in wanted:
        if (pk := getattr(o, f"{field}_id")) is not None:
            setattr(o, field, levels[pk])
