"""Who may read and write a person's evidence log: the one place that decides.

The log is seen by whoever sees the person's growth: the person, everyone above them
in the management chain, and HR; anyone else gets a 404, as if it did not exist. The
person and their managers write in it; HR reads it and may redact an entry (never one
about themselves: nobody decides about themselves), which is a 403 for others who see
it."""

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.http import Http404

from people.models import LogEntry, Person
from people.permissions.people import get_person_for, manages

WRITE_REFUSAL = "Only the person and the managers above them write in their log."
EDIT_REFUSAL = "Only its author edits an entry, until it is used in a check-in or a proposal."
REDACT_REFUSAL = "Only HR redacts log entries, and never those about themselves."


@dataclass(frozen=True)
class LogRights:
    """What the viewer may do in one person's log (answered once per request)."""

    viewer: Person
    person: Person
    writes: bool
    hr: bool

    def may_edit(self, entry: LogEntry) -> bool:
        """Its author, while the entry is neither frozen nor redacted."""
        return entry.author_id == self.viewer.pk and not entry.is_frozen and not entry.is_redacted

    def may_redact(self, entry: LogEntry) -> bool:
        """HR, about someone else, once."""
        return self.hr and entry.person_id != self.viewer.pk and not entry.is_redacted


def get_log_for(viewer: Person, uid) -> tuple[Person, LogRights]:
    """Runs two queries (one in one's own log): the person ``uid`` and whether
    ``viewer`` is above them. The person and what ``viewer`` may do in their log; 404
    unless ``viewer`` may read it."""
    person = get_person_for(viewer, uid)
    themselves = viewer.pk == person.pk
    above = not themselves and manages(viewer, person)
    if not (themselves or above or viewer.is_hr):
        raise Http404("No such page.")
    writes = (themselves or above) and not person.has_left
    return person, LogRights(viewer=viewer, person=person, writes=writes, hr=viewer.is_hr)


def get_entry_for(rights: LogRights, entry_uid) -> LogEntry:
    """The entry ``entry_uid`` of the person's log, or 404."""
    entry = (
        LogEntry.objects.select_related("author", "redacted_by")
        .filter(person=rights.person, uid=entry_uid)
        .first()
    )
    if entry is None:
        raise Http404("No such log entry.")
    return entry


def require_write(rights: LogRights) -> None:
    if not rights.writes:
        raise PermissionDenied(WRITE_REFUSAL)


def require_edit(rights: LogRights, entry: LogEntry) -> None:
    """403 for someone else's entry; the author of a frozen or redacted entry learns
    why on the page instead (the view asks ``may_edit``)."""
    if entry.author_id != rights.viewer.pk:
        raise PermissionDenied(EDIT_REFUSAL)


def require_redact(rights: LogRights, entry: LogEntry) -> None:
    if not rights.hr or entry.person_id == rights.viewer.pk:
        raise PermissionDenied(REDACT_REFUSAL)
