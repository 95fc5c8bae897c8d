"""Counting a closed cycle's proposals once, into ``CycleTally`` rows, so that
insights over past cycles read a few rows instead of every proposal."""

from django.db import transaction
from django.utils import timezone

from people.models import CalibrationCycle, CycleTally
from people.selectors.tallies import count_proposals


def cycle_tally(*, cycle: CalibrationCycle) -> int:
    """Count ``cycle``'s proposals into its tally, replacing any it had (closed cycles
    only: an open one's proposals still move). Returns how many rows it wrote."""
    with transaction.atomic():
        cycle = CalibrationCycle.objects.select_for_update().get(pk=cycle.pk)
        if cycle.is_open:
            raise ValueError(f"{cycle.name} is still open: its proposals are not final.")
        CycleTally.objects.filter(cycle=cycle).delete()
        rows = CycleTally.objects.bulk_create(
            CycleTally(**group) for group in count_proposals(cycle.proposals.all())
        )
        cycle.tallied_at = timezone.now()
        cycle.save(update_fields=["tallied_at"])
    return len(rows)
