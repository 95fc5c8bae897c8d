"""The evidence log: noting a piece of work, editing it while it is its author's,
freezing it once a check-in or a proposal uses it, and HR's redaction.

Every function runs in one transaction, locks the entry it changes, and raises
LogError with a message for the person when it refuses; nothing is written then.
Who may ask is people/permissions/growth.py's question, asked by the views; what
the log holds (a date, a text, competencies of the person's ladder) is checked here,
whoever calls."""

from collections.abc import Iterable
from datetime import date

from django.db import transaction
from django.utils import timezone

from config.text import LINE_BREAKS, has_control_characters
from people.models import LogEntry, Person
from people.models.growth import LOG_EARLIEST, LOG_TEXT_MAX
from people.selectors.growth import log_competencies

REASON_MAX = 500


class LogError(Exception):
    """A change to the log refused for a reason the person can act on."""


class StaleEntry(LogError):
    """The entry changed since the form was shown: what was typed is not saved over it."""


def _checked_text(text: str, what: str, limit: int) -> str:
    text = text.strip()
    if not text:
        raise LogError(f"{what} needs some text.")
    if has_control_characters(text, allowing=LINE_BREAKS):
        raise LogError(
            f"{what} contains a control character (such as NUL), which cannot be stored; "
            "nothing was saved. Remove it and try again."
        )
    if len(text) > limit:
        raise LogError(f"{what} is {len(text):,} characters long; keep it to {limit:,}.")
    return text


def check_happened_on(happened_on: date) -> None:
    """Work is noted once it has happened, and this century."""
    if happened_on > timezone.localdate():
        raise LogError("The date is in the future: note work once it has happened.")
    if happened_on < LOG_EARLIEST:
        raise LogError(f"The date is before {LOG_EARLIEST:%Y}: choose when the work happened.")


def _checked_competencies(person: Person, keys: Iterable[str]) -> list[str]:
    """The keys in the ladder's order, each a competency of ``person``'s ladder."""
    keys = set(keys)
    known = [c.key for c in log_competencies(person)]
    if not known:
        raise LogError(f"{person.name} has no level on a ladder yet: HR sets it first.")
    unknown = keys - set(known)
    if unknown:
        raise LogError(
            f"{', '.join(sorted(unknown))} is not a competency of {person.name}'s ladder."
        )
    if not keys:
        raise LogError("Tag the entry with at least one competency it shows.")
    return [key for key in known if key in keys]


def log_entry_add(
    *, person: Person, author: Person, happened_on: date, text: str, competencies: Iterable[str]
) -> LogEntry:
    """Note a piece of work in ``person``'s log, written by them or by a manager."""
    check_happened_on(happened_on)
    text = _checked_text(text, "The entry", LOG_TEXT_MAX)
    keys = _checked_competencies(person, competencies)
    with transaction.atomic():
        # Taking turns with HR recording a departure: nothing is added once they left.
        left = (
            Person.objects.select_for_update(no_key=True)
            .values_list("left_at", flat=True)
            .get(pk=person.pk)
        )
        if left is not None:
            raise LogError(f"{person.name} has left the company: their log is kept as it was.")
        return LogEntry.objects.create(
            person=person, author=author, happened_on=happened_on, text=text, competencies=keys
        )


def _refuse_kept(entry: LogEntry) -> None:
    if entry.is_redacted:
        raise LogError("HR redacted this entry: it can no longer be changed.")
    if entry.is_frozen:
        raise LogError(
            "This entry was used in a check-in or a proposal, so it is kept as it was: "
            "nothing was changed. Add a new entry instead."
        )


def log_entry_edit(
    *,
    entry: LogEntry,
    editor: Person,
    revision: int,
    happened_on: date,
    text: str,
    competencies: Iterable[str],
) -> LogEntry:
    """Change an entry its author wrote, as long as nothing uses it, and only from the
    ``revision`` its form was made from."""
    check_happened_on(happened_on)
    text = _checked_text(text, "The entry", LOG_TEXT_MAX)
    with transaction.atomic():
        locked = LogEntry.objects.select_for_update().select_related("person").get(pk=entry.pk)
        if locked.author_id != editor.pk:
            raise LogError("Only its author edits an entry.")
        _refuse_kept(locked)
        if locked.revision != revision:
            raise StaleEntry(
                "This entry changed since you opened it: it now reads as shown. Nothing was "
                "changed; your version is below, to send again or to copy."
            )
        keys = _checked_competencies(locked.person, competencies)
        locked.happened_on, locked.text, locked.competencies = happened_on, text, keys
        locked.revision += 1
        locked.updated_at = timezone.now()
        locked.save(update_fields=["happened_on", "text", "competencies", "revision", "updated_at"])
    return locked


def log_entry_redact(*, entry: LogEntry, by: Person, reason: str) -> LogEntry:
    """HR empties an entry (written about the wrong person, or holding what must not be
    kept), frozen or not; who, when and why stay in its place."""
    reason = _checked_text(reason, "The reason", REASON_MAX)
    with transaction.atomic():
        locked = LogEntry.objects.select_for_update().get(pk=entry.pk)
        if locked.is_redacted:
            who = locked.redacted_by.name if locked.redacted_by else "someone"
            raise LogError(f"{who} already redacted this entry.")
        locked.text = ""
        locked.redacted_at, locked.redacted_by, locked.redaction_reason = (
            timezone.now(),
            by,
            reason,
        )
        locked.revision += 1
        locked.save(
            update_fields=["text", "redacted_at", "redacted_by", "redaction_reason", "revision"]
        )
    return locked


def log_entries_freeze(*, entries: Iterable[LogEntry]) -> int:
    """Keep these entries as they are from now on: a check-in or a proposal uses them.
    Nothing calls it yet (check-ins will); redacted entries stay as they are. Returns
    how many were frozen now."""
    with transaction.atomic():
        return LogEntry.objects.filter(
            pk__in=[entry.pk for entry in entries],
            frozen_at__isnull=True,
            redacted_at__isnull=True,
        ).update(frozen_at=timezone.now())
