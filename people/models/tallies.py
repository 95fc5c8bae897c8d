"""A closed cycle's proposals, counted once: what the parity report reads of past
cycles instead of reading every proposal again (a closed cycle never changes)."""

from django.contrib.postgres.fields import ArrayField
from django.db import models

from ladders.models import Track
from people.models.progression import CalibrationCycle, Proposal


class CycleTally(models.Model):
    """The proposals of one closed cycle sharing a kind, the kinds of track they moved
    from and to, a target grade and an outcome: how many, and each one's days in level
    on the cycle's effective date (medians do not add up across cycles, so the values
    are kept, not their median). Written by ``services/tallies.py`` when the cycle
    closes, rebuilt by ``manage.py tally_cycles``."""

    cycle = models.ForeignKey(CalibrationCycle, on_delete=models.CASCADE, related_name="tallies")
    kind = models.CharField(max_length=10, choices=Proposal.Kind)
    from_kind = models.CharField(max_length=16, choices=Track.Kind)
    to_kind = models.CharField(max_length=16, choices=Track.Kind)
    to_grade = models.PositiveSmallIntegerField()
    state = models.CharField(max_length=16, choices=Proposal.State)
    proposals = models.PositiveIntegerField()
    days_in_level = ArrayField(models.IntegerField(), default=list, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["cycle", "kind", "from_kind", "to_kind", "to_grade", "state"],
                name="cycle_tally_one_row_per_group",
            )
        ]

    def __str__(self):
        return f"{self.cycle}: {self.proposals} {self.kind} {self.state}"
