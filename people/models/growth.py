"""Growth between promotions: the evidence log, work noted as it happens and tagged
with competencies of the person's ladder. Check-ins will come here too."""

import uuid
from datetime import date

import pgtrigger
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.db import models
from django.db.models import Q
from django.db.models.functions import Length
from django.db.models.lookups import LessThanOrEqual
from django.utils import timezone

from people.models.person import Person

LOG_TEXT_MAX = 5000
LOG_EARLIEST = date(2000, 1, 1)

# The rule of a kept entry, in the database: once an entry is used in a check-in or a
# proposal (``frozen_at`` set) nobody changes or deletes it, whatever code path tries,
# except HR's redaction, which empties its text and records who, when and why. A
# redacted entry changes no more. Nothing sets ``frozen_at`` yet: check-ins and
# proposals will, through ``services/evidence_log.py``: ``log_entries_freeze``.
_KEEP_USED_ENTRIES = """
    IF TG_OP = 'DELETE' THEN
        IF OLD.frozen_at IS NOT NULL OR OLD.redacted_at IS NOT NULL THEN
            RAISE EXCEPTION 'A log entry used in a check-in or proposal, or redacted, '
                'cannot be deleted.' USING ERRCODE = 'integrity_constraint_violation';
        END IF;
        RETURN OLD;
    END IF;
    IF OLD.redacted_at IS NOT NULL THEN
        RAISE EXCEPTION 'A redacted log entry cannot be changed.'
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    IF OLD.frozen_at IS NOT NULL AND (
        NEW.redacted_at IS NULL
        OR NEW.uid IS DISTINCT FROM OLD.uid
        OR NEW.person_id IS DISTINCT FROM OLD.person_id
        OR NEW.author_id IS DISTINCT FROM OLD.author_id
        OR NEW.happened_on IS DISTINCT FROM OLD.happened_on
        OR NEW.competencies IS DISTINCT FROM OLD.competencies
        OR NEW.created_at IS DISTINCT FROM OLD.created_at
        OR NEW.frozen_at IS DISTINCT FROM OLD.frozen_at
    ) THEN
        RAISE EXCEPTION 'A log entry used in a check-in or proposal is kept as it was; '
            'only HR''s redaction may empty it.' USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    RETURN NEW;
"""


class LogEntry(models.Model):
    """One piece of work noted in a person's evidence log, by them or by a manager
    above them: a date, a short Markdown text, the competencies it shows."""

    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="log_entries")
    author = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    happened_on = models.DateField()
    text = models.TextField(blank=True)
    # Keys of competencies of the person's ladder: stable across its versions.
    competencies = ArrayField(models.CharField(max_length=64))
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    # Every edit bumps it: an edit form opened before another edit is recognised as stale.
    revision = models.PositiveIntegerField(default=1)
    # Set when a check-in or a proposal uses the entry: kept as it was from then on.
    frozen_at = models.DateTimeField(null=True, blank=True)
    redacted_at = models.DateTimeField(null=True, blank=True)
    redacted_by = models.ForeignKey(
        Person, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    redaction_reason = models.CharField(max_length=500, blank=True)

    class Meta:
        verbose_name_plural = "log entries"
        constraints = [
            models.CheckConstraint(
                condition=Q(redacted_at__isnull=False) | ~Q(text=""),
                name="log_entry_says_something",
            ),
            models.CheckConstraint(
                condition=LessThanOrEqual(Length("text"), LOG_TEXT_MAX),
                name="log_entry_text_is_short",
            ),
            models.CheckConstraint(
                condition=Q(competencies__len__gte=1), name="log_entry_has_a_competency"
            ),
            models.CheckConstraint(
                condition=Q(happened_on__gte=LOG_EARLIEST), name="log_entry_not_before_2000"
            ),
            models.CheckConstraint(
                condition=(
                    Q(redacted_at__isnull=True, redacted_by__isnull=True, redaction_reason="")
                    | (
                        Q(redacted_at__isnull=False, redacted_by__isnull=False, text="")
                        & ~Q(redaction_reason="")
                    )
                ),
                name="log_redaction_records_who_when_why_and_empties",
            ),
        ]
        indexes = [
            models.Index(
                fields=["person", "-happened_on", "-created_at", "-id"],
                name="log_entry_person_idx",
            ),
            GinIndex(fields=["competencies"], name="log_entry_competencies_idx"),
        ]
        triggers = [
            pgtrigger.Trigger(
                name="log_entry_kept_once_used",
                when=pgtrigger.Before,
                operation=pgtrigger.Update | pgtrigger.Delete,
                func=_KEEP_USED_ENTRIES,
            )
        ]

    def __str__(self):
        return f"{self.person} on {self.happened_on:%Y-%m-%d}"

    @property
    def is_frozen(self) -> bool:
        return self.frozen_at is not None

    @property
    def is_redacted(self) -> bool:
        return self.redacted_at is not None

    @property
    def by_someone_else(self) -> bool:
        """A manager's note about the person, not the person's own entry."""
        return self.author_id != self.person_id
