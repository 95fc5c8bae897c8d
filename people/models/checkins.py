"""Check-ins: a person and their manager rate each competency of the person's level
(not yet / meets / beyond), agree, and the agreed check-in is kept as it was, pinned
to the rubric version published when it started."""

import uuid

import pgtrigger
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from people.models.person import Person


class CheckInState(models.TextChoices):
    """The three steps, then how it ended."""

    PERSON = "person", "Waiting for the person's ratings"
    MANAGER = "manager", "Waiting for the manager's ratings"
    AGREEING = "agreeing", "Waiting for the agreed ratings"
    CLOSED = "closed", "Closed"
    CANCELLED = "cancelled", "Cancelled"


OPEN_CHECK_IN_STATES = (CheckInState.PERSON, CheckInState.MANAGER, CheckInState.AGREEING)
ENDED_CHECK_IN_STATES = (CheckInState.CLOSED, CheckInState.CANCELLED)


class Rating(models.TextChoices):
    """How a person works at one competency of their level. "Beyond": already working
    at what the next level on their track expects (or, at the top of the track, beyond
    the level itself)."""

    NOT_YET = "not_yet", "Not yet"
    MEETS = "meets", "Meets"
    BEYOND = "beyond", "Beyond"


class CheckInAction(models.TextChoices):
    STARTED = "started", "Started"
    PERSON_RATED = "person_rated", "Rated by the person"
    MANAGER_RATED = "manager_rated", "Rated by the manager"
    AGREED = "agreed", "Agreed and closed"
    CANCELLED = "cancelled", "Cancelled"
    REMINDED = "reminded", "Reminded"
    REDACTED = "redacted", "Notes redacted"


# An ended check-in (closed or cancelled) changes no more, whatever code path tries:
# the database refuses, as it does for the proposals' audit trail.
_KEEP_ENDED = """
    IF OLD.state IN ('closed', 'cancelled') THEN
        RAISE EXCEPTION 'A closed or cancelled check-in is kept as it was.'
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    IF TG_OP = 'DELETE' THEN
        RETURN OLD;
    END IF;
    RETURN NEW;
"""

# Person.last_agreed_beyond_all and last_agreed_level, for the people ``{where}``
# picks: whether their latest agreed check-in rated competencies and agreed every one
# "beyond", and at which level (parity's "looks ready"). Written when a check-in is
# agreed (its ratings are agreed just before), and by ``check_ins_rate_people`` for
# check-ins written with their ratings after them.
RATE_LATEST_AGREED = """
    UPDATE people_person p SET last_agreed_beyond_all = EXISTS (
        SELECT 1 FROM people_checkin c
        WHERE c.person_id = p.id AND c.state = 'closed' AND c.ended_at = p.last_agreed_at
            AND EXISTS (SELECT 1 FROM people_checkinrating r WHERE r.check_in_id = c.id)
            AND NOT EXISTS (
                SELECT 1 FROM people_checkinrating r
                WHERE r.check_in_id = c.id AND r.agreed_rating <> 'beyond'
            )
    ), last_agreed_level_id = (
        SELECT c.level_id FROM people_checkin c
        WHERE c.person_id = p.id AND c.state = 'closed' AND c.ended_at = p.last_agreed_at
        ORDER BY c.id DESC LIMIT 1
    )
    WHERE {where};
"""

# Its ratings likewise, once it has ended; but for HR's redaction of a row's notes
# (written about the wrong person, or holding what must not be kept): the notes
# emptied, who, when and why recorded, nothing else touched, and once only.
_KEEP_ENDED_RATINGS = """
    IF TG_OP = 'UPDATE'
        AND OLD.redacted_at IS NULL AND NEW.redacted_at IS NOT NULL
        AND NEW.person_note = '' AND NEW.manager_note = ''
        AND NEW.check_in_id = OLD.check_in_id AND NEW.competency_id = OLD.competency_id
        AND NEW.person_rating = OLD.person_rating AND NEW.manager_rating = OLD.manager_rating
        AND NEW.agreed_rating = OLD.agreed_rating
    THEN
        RETURN NEW;
    END IF;
    IF EXISTS (
        SELECT 1 FROM people_checkin
        WHERE id = OLD.check_in_id AND state IN ('closed', 'cancelled')
    ) THEN
        RAISE EXCEPTION 'The ratings of a closed or cancelled check-in are kept as they were.'
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    IF TG_OP = 'DELETE' THEN
        RETURN OLD;
    END IF;
    RETURN NEW;
"""


class CheckIn(models.Model):
    State = CheckInState
    OPEN_STATES = OPEN_CHECK_IN_STATES

    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="check_ins")
    # Who rates and agrees with the person: their direct manager when it started;
    # nobody for someone without a manager, who holds check-ins with HR.
    manager = models.ForeignKey(
        Person, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # The rubric as published when it started, and the person's level in it.
    version = models.ForeignKey("ladders.LadderVersion", on_delete=models.PROTECT, related_name="+")
    level = models.ForeignKey("ladders.Level", on_delete=models.PROTECT, related_name="+")
    started_by = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    started_at = models.DateTimeField(default=timezone.now)
    state = models.CharField(max_length=10, choices=State, default=State.PERSON)
    # Every step bumps it: a form opened before another step is recognised as stale.
    revision = models.PositiveIntegerField(default=1)
    # When the current step began: a step that stalls gets a reminder.
    step_since = models.DateTimeField(default=timezone.now)
    ended_at = models.DateTimeField(null=True, blank=True)
    ended_by = models.ForeignKey(
        Person, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    cancel_reason = models.CharField(max_length=500, blank=True)
    entries = models.ManyToManyField("people.LogEntry", blank=True, related_name="check_ins")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["person"],
                condition=Q(state__in=OPEN_CHECK_IN_STATES),
                name="one_open_check_in_per_person",
            ),
            models.CheckConstraint(
                condition=Q(state__in=OPEN_CHECK_IN_STATES, ended_at__isnull=True)
                | Q(state__in=ENDED_CHECK_IN_STATES, ended_at__isnull=False),
                name="check_in_ended_has_a_date",
            ),
            models.CheckConstraint(
                condition=~Q(state=CheckInState.CANCELLED) | ~Q(cancel_reason=""),
                name="check_in_cancelled_says_why",
            ),
        ]
        indexes = [
            models.Index(fields=["person", "-started_at"], name="check_in_person_idx"),
            # Each person's latest agreed check-in (where they stand, when the next is
            # due, parity's "ready"): read per person at company size.
            models.Index(
                fields=["person", "-ended_at"],
                condition=Q(state="closed"),
                name="check_in_agreed_newest",
            ),
            models.Index(
                fields=["manager", "state"],
                condition=Q(state__in=OPEN_CHECK_IN_STATES),
                name="check_in_open_by_manager_idx",
            ),
        ]
        triggers = [
            pgtrigger.Trigger(
                name="check_in_kept_once_ended",
                when=pgtrigger.Before,
                operation=pgtrigger.Update | pgtrigger.Delete,
                func=_KEEP_ENDED,
            ),
            # Person.last_agreed_at and last_agreed_beyond_all: an agreed check-in is
            # final, so the latest is kept, and what it says.
            pgtrigger.Trigger(
                name="check_in_agreed_dates_the_person",
                when=pgtrigger.After,
                operation=pgtrigger.Insert | pgtrigger.Update,
                condition=pgtrigger.Q(new__state="closed"),
                func="""
                    UPDATE people_person
                    SET last_agreed_at = GREATEST(last_agreed_at, NEW.ended_at)
                    WHERE id = NEW.person_id;
                """  # noqa: S608 (constant SQL: no input in it)
                + RATE_LATEST_AGREED.format(where="p.id = NEW.person_id")
                + "RETURN NULL;",
            ),
        ]

    def __str__(self):
        return f"Check-in of {self.person} ({self.started_at:%Y-%m-%d})"

    def get_absolute_url(self):
        return reverse("people:check_in", args=[self.uid])

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_CHECK_IN_STATES


class CheckInRating(models.Model):
    """One competency of a check-in: the person's rating and note, the manager's, and
    the one they agreed."""

    check_in = models.ForeignKey(CheckIn, on_delete=models.CASCADE, related_name="ratings")
    competency = models.ForeignKey("ladders.Competency", on_delete=models.PROTECT, related_name="+")
    person_rating = models.CharField(max_length=8, choices=Rating, blank=True)
    person_note = models.TextField(blank=True)
    manager_rating = models.CharField(max_length=8, choices=Rating, blank=True)
    manager_note = models.TextField(blank=True)
    agreed_rating = models.CharField(max_length=8, choices=Rating, blank=True)
    redacted_at = models.DateTimeField(null=True, blank=True)
    redacted_by = models.ForeignKey(
        Person, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    redaction_reason = models.CharField(max_length=500, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["check_in", "competency"], name="check_in_rates_a_competency_once"
            ),
            models.CheckConstraint(
                condition=(
                    Q(redacted_at__isnull=True, redacted_by__isnull=True, redaction_reason="")
                    | (
                        Q(redacted_at__isnull=False, redacted_by__isnull=False)
                        & Q(person_note="", manager_note="")
                        & ~Q(redaction_reason="")
                    )
                ),
                name="check_in_redaction_records_who_when_why_and_empties",
            ),
        ]
        triggers = [
            pgtrigger.Trigger(
                name="check_in_rating_kept_once_ended",
                when=pgtrigger.Before,
                operation=pgtrigger.Update | pgtrigger.Delete,
                func=_KEEP_ENDED_RATINGS,
            ),
        ]

    def __str__(self):
        return f"{self.check_in} / {self.competency_id}"


class CheckInEvent(models.Model):
    """The audit trail of a check-in: who did what, when. Append-only."""

    Action = CheckInAction

    check_in = models.ForeignKey(CheckIn, on_delete=models.PROTECT, related_name="events")
    actor = models.ForeignKey(Person, on_delete=models.PROTECT, null=True, related_name="+")
    action = models.CharField(max_length=16, choices=Action)
    from_state = models.CharField(max_length=10, choices=CheckInState, blank=True)
    to_state = models.CharField(max_length=10, choices=CheckInState)
    note = models.TextField(blank=True)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        triggers = [
            pgtrigger.Protect(
                name="check_in_events_are_append_only",
                operation=pgtrigger.Update | pgtrigger.Delete,
            )
        ]

    def __str__(self):
        return f"{self.get_action_display()}: {self.from_state}→{self.to_state}"


class CheckInCadenceQuerySet(models.QuerySet):
    """The newest row of a ladder is its cadence: the one home of "newest"."""

    NEWEST_FIRST = ("-set_at", "-pk")

    def newest_first(self):
        return self.order_by(*self.NEWEST_FIRST)

    def newest_per_ladder(self):
        """Each ladder's cadence now: its newest row alone (DISTINCT ON)."""
        return self.order_by("ladder_id", *self.NEWEST_FIRST).distinct("ladder_id")


class CheckInCadence(models.Model):
    """How often HR asks the people on a ladder to hold a check-in. Append-only: the
    newest row of a ladder is its cadence (``months`` None: none asked), and the rows
    before it say who changed it and when."""

    class Every(models.IntegerChoices):
        MONTH = 1, "Every month"
        TWO_MONTHS = 2, "Every two months"
        QUARTER = 3, "Every quarter"
        HALF_YEAR = 6, "Every half year"
        YEAR = 12, "Every year"

    ladder = models.ForeignKey("ladders.Ladder", on_delete=models.PROTECT, related_name="+")
    months = models.PositiveSmallIntegerField(choices=Every, null=True, blank=True)
    set_by = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    set_at = models.DateTimeField(default=timezone.now)

    objects = CheckInCadenceQuerySet.as_manager()

    class Meta:
        indexes = [models.Index(fields=["ladder", "-set_at"], name="cadence_newest")]
        constraints = [
            models.CheckConstraint(
                condition=Q(months__isnull=True) | Q(months__in=[1, 2, 3, 6, 12]),
                name="check_in_cadence_is_a_choice",
            )
        ]
        triggers = [
            pgtrigger.Protect(
                name="check_in_cadences_are_append_only",
                operation=pgtrigger.Update | pgtrigger.Delete,
            )
        ]

    def __str__(self):
        return f"{self.ladder_id}: {self.get_months_display() or 'none'}"
