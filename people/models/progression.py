"""Progressions: proposals (promotions and lateral moves), their evidence, the
calibration cycles that decide them, comments, and the audit trail of events."""

import uuid

import pgtrigger
from django.db import models
from django.db.models import F, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone

from people.models.person import LevelChange, Person


class CalibrationCycle(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", "Open"
        CLOSED = "closed", "Closed"

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

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["ladder"], condition=Q(status="open"), name="one_open_cycle_per_ladder"
            ),
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")), name="cycle_ends_after_start"
            ),
        ]

    def __str__(self):
        return self.name

    @property
    def is_open(self):
        return self.status == self.Status.OPEN


class ProposalQuerySet(models.QuerySet):
    def open(self):
        return self.filter(state__in=Proposal.OPEN_STATES)

    def with_level_since(self):
        """Annotates ``level_since``: when the person's latest level change happened
        (their arrival when they have none), one index probe per row."""
        latest = LevelChange.objects.filter(person=OuterRef("person")).order_by("-changed_at")
        return self.annotate(
            level_since=Coalesce(Subquery(latest.values("changed_at")[:1]), F("person__created_at"))
        )


class Proposal(models.Model):
    class Kind(models.TextChoices):
        PROMOTION = "promotion", "Promotion"
        LATERAL = "lateral", "Lateral move"

    class State(models.TextChoices):
        DRAFT = "draft", "Draft"
        SUBMITTED = "submitted", "Submitted"
        ENDORSED = "endorsed", "Endorsed"
        RETURNED = "returned", "Returned to author"
        IN_CALIBRATION = "in_calibration", "In calibration"
        APPROVED = "approved", "Approved"
        NOT_APPROVED = "not_approved", "Not approved"
        WITHDRAWN = "withdrawn", "Withdrawn"

    OPEN_STATES = ("draft", "submitted", "endorsed", "returned", "in_calibration")
    DECIDED_STATES = ("approved", "not_approved")

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
                condition=Q(
                    state__in=["draft", "submitted", "endorsed", "returned", "in_calibration"]
                ),
                name="one_open_proposal_per_person_and_track",
            ),
            models.CheckConstraint(
                condition=Q(applied_at__isnull=True) | Q(state="approved"),
                name="only_approvals_are_applied",
            ),
            models.CheckConstraint(
                condition=~Q(state__in=["approved", "not_approved"]) | Q(decided_at__isnull=False),
                name="decisions_have_a_date",
            ),
        ]
        indexes = [
            models.Index(fields=["cycle", "state"], name="proposal_cycle_state_idx"),
            models.Index(fields=["person", "-created_at"], name="proposal_person_idx"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} of {self.person} to {self.target_level.code}"

    def get_absolute_url(self):
        return reverse("people:proposal", args=[self.uid])

    @property
    def is_decided(self):
        return self.state in self.DECIDED_STATES


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


class ProposalEvent(models.Model):
    """The audit trail: one row per transition or decision. The database refuses to
    change or delete a row once written, whoever asks."""

    proposal = models.ForeignKey(Proposal, on_delete=models.PROTECT, related_name="events")
    actor = models.ForeignKey(Person, on_delete=models.PROTECT, null=True, related_name="+")
    action = models.CharField(max_length=24)
    from_state = models.CharField(max_length=16, blank=True)
    to_state = models.CharField(max_length=16)
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
        return f"{self.action} {self.from_state}→{self.to_state}"


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
