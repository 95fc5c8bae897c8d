"""Reads of the evidence log that its pages and its service share."""

from dataclasses import dataclass

from ladders.models import Competency, LadderVersion
from people.models import LogEntry, Person


def log_competencies(person: Person) -> list[Competency]:
    """Runs one query (none for someone without a level): the competencies an entry
    about ``person`` may be tagged with, those of the newest published version of
    their ladder, in rubric order. Keys are stable across versions: an entry tagged
    under an older version keeps its meaning."""
    if person.level_id is None:
        return []
    newest = (
        LadderVersion.objects.published()
        .filter(ladder__versions__levels=person.level_id)
        .order_by("-number")
        .values("pk")[:1]
    )
    return list(Competency.objects.filter(version__in=newest).order_by("position"))


def log_of(person: Person, *, competency: str = ""):
    """``person``'s log, newest first (by the day the work happened, then by when it
    was noted), with authors; only the entries tagged ``competency`` if one is given."""
    entries = LogEntry.objects.filter(person=person).select_related("author", "redacted_by")
    if competency:
        entries = entries.filter(competencies__contains=[competency])
    return entries.order_by("-happened_on", "-created_at", "-pk")


@dataclass(frozen=True)
class ShownEntry:
    """An entry as a page shows it: its competencies by name (a key the ladder no longer
    has by its key), and what the viewer may do with it."""

    entry: LogEntry
    tags: list[tuple[str, str]]
    can_edit: bool = False
    can_redact: bool = False


def shown(entry: LogEntry, competencies, **can) -> ShownEntry:
    names = {c.key: c.name for c in competencies}
    tags = [(key, names.get(key, key)) for key in entry.competencies]
    return ShownEntry(entry=entry, tags=tags, **can)
