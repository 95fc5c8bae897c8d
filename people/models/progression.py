"""Progressions: proposals (promotions and lateral moves), their evidence, the
calibration cycles that decide them, comments, and the audit trail of events."""

import uuid

import pgtrigger
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from people.models.cycle_filters import PROPOSALS_CHANGE_FILTERS
from people.models.person import Person


class CycleStatus(models.TextChoices):
    OPEN = "open", "Open"
    CLOSED = "closed", "Closed"


class CalibrationCycle(models.Model):
    Status = CycleStatus

    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    ladder = models.ForeignKey("ladders.Ladder", on_delete=models.PROTECT, related_name="+")
    name = models.CharField(max_length=120)
    starts_on = models.DateField()
    ends_on = models.DateField()
    effective_on = models.DateField(
        help_text="Approved proposals change people's levels on this date."
    )
    status = models.CharField(max_length=8, choices=Status, default=Status.OPEN)
    calibrators = models.ManyToManyField(Person, related_name="calibrated_cycles")
    opened_by = models.ForeignKey(Person, on_delete=models.PROTECT, null=True, related_name="+")
    opened_at = models.DateTimeField(default=timezone.now)
    closed_by = models.ForeignKey(
        Person, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    closed_at = models.DateTimeField(null=True, blank=True)
    # When its proposals were counted into ``CycleTally`` rows (never while open): until
    # then, insights count them from the proposals themselves.
    tallied_at = models.DateTimeField(null=True, blank=True, editable=False)
    # Counts up, written by the database, whenever what the cycle's filters offer may
    # have changed: a proposal joins or leaves it or changes its target or person, or
    # a person changes manager or name (``models/cycle_filters.py``). Every worker
    # reads it with the cycle, so the choices it keeps (``selectors/cycle_choices.py``)
    # are the cycle's as of this number, whichever worker wrote what.
    filters_version = models.PositiveBigIntegerField(default=0, editable=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["ladder"],
                condition=Q(status=CycleStatus.OPEN),
                name="one_open_cycle_per_ladder",
            ),
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")), name="cycle_ends_after_start"
            ),
        ]
        triggers = [
            # A cycle saved from an object read before its filters last changed (the
            # admin, a stale object) never takes the count back to a version whose
            # choices no longer hold: it only grows.
            pgtrigger.Trigger(
                name="cycle_keeps_its_filters_version",
                operation=pgtrigger.Update,
                when=pgtrigger.Before,
                func="""
                    NEW.filters_version := GREATEST(OLD.filters_version, NEW.filters_version);
                    RETURN NEW;
                """,
            )
        ]

    def __str__(self):
        return self.name

    @property
    def is_open(self):
        return self.status == self.Status.OPEN


class ProposalState(models.TextChoices):
    DRAFT = "draft", "Draft"
    SUBMITTED = "submitted", "Submitted"
    ENDORSED = "endorsed", "Endorsed"
    RETURNED = "returned", "Returned to author"
    IN_CALIBRATION = "in_calibration", "In calibration"
    APPROVED = "approved", "Approved"
    NOT_APPROVED = "not_approved", "Not approved"
    WITHDRAWN = "withdrawn", "Withdrawn"


# Built once: the constraints, the workflow and the queries all read these.
OPEN_STATES = [
    ProposalState.DRAFT,
    ProposalState.SUBMITTED,
    ProposalState.ENDORSED,
    ProposalState.RETURNED,
    ProposalState.IN_CALIBRATION,
]
DECIDED_STATES = [ProposalState.APPROVED, ProposalState.NOT_APPROVED]


def _in_preparation_for(person) -> Q:
    """Someone else's nomination of ``person`` not yet submitted: its author is still
    preparing it, and ``person`` sees what it says once it is submitted, not before.
    ``Proposal.is_in_preparation`` is the same rule for one proposal."""
    return Q(person=person, submitted_at__isnull=True) & ~Q(author=person)


class ProposalQuerySet(models.QuerySet):
    def open(self):
        return self.filter(state__in=OPEN_STATES)

    def to_review_by(self, reviewer):
        """Submitted proposals ``reviewer`` endorses or returns: their direct reports',
        and for HR also those of people with no manager to review them (none, or one
        who left, or submitted before such requests went through HR), never their own."""
        theirs = Q(person__manager=reviewer)
        if reviewer.is_hr:
            theirs |= Q(person__manager__isnull=True) | Q(person__manager__left_at__isnull=False)
        return self.filter(theirs, state=ProposalState.SUBMITTED).exclude(person=reviewer)

    def to_decide_by(self, calibrator):
        """Proposals in the open cycles ``calibrator`` calibrates, except their own."""
        return self.filter(
            state=ProposalState.IN_CALIBRATION,
            cycle__calibrators=calibrator,
            cycle__status=CycleStatus.OPEN,
        ).exclude(person=calibrator)

    def to_write_by(self, author):
        """Drafts and returned proposals ``author`` wrote: theirs to finish and submit."""
        return self.filter(author=author, state__in=[ProposalState.DRAFT, ProposalState.RETURNED])

    def about_or_by(self, person):
        """Proposals about ``person`` or written by them, except nominations of them
        still in preparation (``being_prepared_for``)."""
        return self.filter(Q(person=person) | Q(author=person)).exclude(_in_preparation_for(person))

    def being_prepared_for(self, person):
        """Nominations of ``person`` that someone else is preparing: a draft never submitted."""
        return self.filter(_in_preparation_for(person), state=ProposalState.DRAFT)

    def hiding_preparations_from(self, person):
        """These proposals, without the nominations of ``person`` still in preparation."""
        return self.exclude(_in_preparation_for(person))


class Proposal(models.Model):
    class Kind(models.TextChoices):
        PROMOTION = "promotion", "Promotion"
        LATERAL = "lateral", "Lateral move"

    State = ProposalState
    OPEN_STATES = OPEN_STATES
    DECIDED_STATES = DECIDED_STATES

    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="proposals")
    author = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="authored_proposals")
    kind = models.CharField(max_length=10, choices=Kind)
    ladder = models.ForeignKey("ladders.Ladder", on_delete=models.PROTECT, related_name="+")
    # The target track by key: tracks are rows of a version, the key is stable.
    track_key = models.CharField(max_length=64)
    current_level = models.ForeignKey("ladders.Level", on_delete=models.PROTECT, related_name="+")
    target_level = models.ForeignKey("ladders.Level", on_delete=models.PROTECT, related_name="+")
    # Set on first submission: what the proposal is judged against from then on.
    pinned_version = models.ForeignKey(
        "ladders.LadderVersion", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    is_big_jump = models.BooleanField(
        default=False, help_text="More than one grade up: allowed when HR enables it."
    )
    state = models.CharField(max_length=16, choices=State, default=State.DRAFT)
    # Every transition bumps it: a form opened before a change is recognised as stale.
    revision = models.PositiveIntegerField(default=1)
    cycle = models.ForeignKey(
        CalibrationCycle, on_delete=models.PROTECT, null=True, blank=True, related_name="proposals"
    )
    created_at = models.DateTimeField(default=timezone.now)
    submitted_at = models.DateTimeField(null=True, blank=True)
    # Since when the person held the level they were at, recorded at each submission:
    # every time-in-level figure derives from it, never from the level history later
    # (which the approval itself extends, dated on the cycle's effective date).
    level_since = models.DateTimeField(null=True, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        Person, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    applied_at = models.DateTimeField(
        null=True, blank=True, help_text="When the approved level was given: exactly once."
    )

    objects = ProposalQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["person", "ladder", "track_key"],
                condition=Q(state__in=OPEN_STATES),
                name="one_open_proposal_per_person_and_track",
            ),
            models.CheckConstraint(
                condition=Q(applied_at__isnull=True) | Q(state=ProposalState.APPROVED),
                name="only_approvals_are_applied",
            ),
            models.CheckConstraint(
                condition=~Q(state__in=DECIDED_STATES) | Q(decided_at__isnull=False),
                name="decisions_have_a_date",
            ),
            models.CheckConstraint(
                condition=Q(submitted_at__isnull=True) | Q(level_since__isnull=False),
                name="submissions_record_time_in_level",
            ),
        ]
        indexes = [
            models.Index(fields=["cycle", "state"], name="proposal_cycle_state_idx"),
            models.Index(fields=["person", "-created_at"], name="proposal_person_idx"),
        ]
        triggers = PROPOSALS_CHANGE_FILTERS

    def __str__(self):
        return f"{self.get_kind_display()} of {self.person} to {self.target_level.code}"

    def get_absolute_url(self):
        return reverse("people:proposal", args=[self.uid])

    @property
    def is_decided(self):
        return self.state in self.DECIDED_STATES

    @property
    def is_lateral(self):
        return self.kind == self.Kind.LATERAL

    @property
    def is_in_preparation(self) -> bool:
        """A nomination its author has not submitted yet: hidden from its subject."""
        return self.submitted_at is None and self.author_id != self.person_id


class Evidence(models.Model):
    """The author's evidence for one competency of the target level (Markdown)."""

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="evidence")
    competency_key = models.CharField(max_length=64)
    text = models.TextField(blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["proposal", "competency_key"], name="evidence_once_per_competency"
            )
        ]

    def __str__(self):
        return f"{self.proposal_id}/{self.competency_key}"

    @staticmethod
    def says_something(text: str) -> bool:
        """Evidence counts as written once it says something: blank is missing."""
        return bool(text.strip())


class ProposalEvent(models.Model):
    """The audit trail: one row per transition or decision. The database refuses to
    change or delete a row once written, whoever asks."""

    class Action(models.TextChoices):
        # The values are stored in an append-only table: they never change.
        CREATED = "created", "Started"
        SUBMITTED = "submitted", "Submitted"
        ENDORSED = "endorsed", "Endorsed"
        RETURNED = "returned", "Returned"
        WITHDRAWN = "withdrawn", "Withdrawn"
        ENTERED_CALIBRATION = "entered calibration", "Entered calibration"
        APPROVED = "approved", "Approved"
        NOT_APPROVED = "not_approved", "Not approved"
        LEVEL_APPLIED = "level applied", "Level applied"

    proposal = models.ForeignKey(Proposal, on_delete=models.PROTECT, related_name="events")
    actor = models.ForeignKey(Person, on_delete=models.PROTECT, null=True, related_name="+")
    action = models.CharField(max_length=24, choices=Action)
    from_state = models.CharField(max_length=16, blank=True, choices=ProposalState)
    to_state = models.CharField(max_length=16, choices=ProposalState)
    note = models.TextField(blank=True)
    # Per-competency comments of a return, or reasons of a decision: {key: text}.
    details = models.JSONField(default=dict, blank=True)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [models.Index(fields=["proposal", "at"], name="event_proposal_at_idx")]
        triggers = [
            pgtrigger.Protect(
                name="proposal_events_are_append_only",
                operation=pgtrigger.Update | pgtrigger.Delete,
            )
        ]

    def __str__(self):
        return f"{self.get_action_display()}: {self.from_state}→{self.to_state}"

    @property
    def is_decision(self) -> bool:
        return self.action in (self.Action.APPROVED, self.Action.NOT_APPROVED)

    @property
    def sentence(self) -> str:
        """The event in words, for the timeline: "Lin Chen endorsed it" (its actor
        selected, or a query)."""
        if self.action in IMPERSONAL:
            return IMPERSONAL[self.action]
        if self.actor is None:
            return f"It was {self.get_action_display().lower()}"
        return f"{self.actor.name} {DONE_IT[self.action]}"

    @property
    def changes_state(self) -> bool:
        """Whether the timeline should say which state it led to: only when that is not
        what the action says already (a manager's nomination, submitted, is endorsed)."""
        return self.to_state != IMPLIED_STATE.get(self.action)


# What the actor of each action did, in the timeline's words; some happen to the
# proposal rather than being done by someone.
DONE_IT: dict[str, str] = {
    ProposalEvent.Action.CREATED: "started it",
    ProposalEvent.Action.SUBMITTED: "submitted it",
    ProposalEvent.Action.ENDORSED: "endorsed it",
    ProposalEvent.Action.RETURNED: "returned it with comments",
    ProposalEvent.Action.WITHDRAWN: "withdrew it",
    ProposalEvent.Action.APPROVED: "approved it",
    ProposalEvent.Action.NOT_APPROVED: "did not approve it",
}
IMPERSONAL: dict[str, str] = {
    ProposalEvent.Action.ENTERED_CALIBRATION: "It entered calibration",
    ProposalEvent.Action.LEVEL_APPLIED: "The new level took effect",
}

# The state each action leads to, as its name says.
IMPLIED_STATE: dict[str, str] = {
    ProposalEvent.Action.CREATED: ProposalState.DRAFT,
    ProposalEvent.Action.SUBMITTED: ProposalState.SUBMITTED,
    ProposalEvent.Action.ENDORSED: ProposalState.ENDORSED,
    ProposalEvent.Action.RETURNED: ProposalState.RETURNED,
    ProposalEvent.Action.WITHDRAWN: ProposalState.WITHDRAWN,
    ProposalEvent.Action.ENTERED_CALIBRATION: ProposalState.IN_CALIBRATION,
    ProposalEvent.Action.APPROVED: ProposalState.APPROVED,
    ProposalEvent.Action.NOT_APPROVED: ProposalState.NOT_APPROVED,
    ProposalEvent.Action.LEVEL_APPLIED: ProposalState.APPROVED,
}


class Comment(models.Model):
    class Visibility(models.TextChoices):
        SHARED = "shared", "Shared with the author"
        REVIEWERS = "reviewers", "Reviewers only"

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    text = models.TextField()
    visibility = models.CharField(max_length=10, choices=Visibility, default=Visibility.SHARED)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.CheckConstraint(condition=~Q(text=""), name="comment_not_empty")]

    def __str__(self):
        return f"Comment by {self.author} on {self.proposal_id}"
