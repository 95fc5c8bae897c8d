"""Proposals counted by kind, tracks, target grade and outcome, per cycle: read from
``CycleTally`` for the cycles already counted, from the proposals for the others (an
open cycle, or one closed before tallies were kept)."""

from django.contrib.postgres.aggregates import ArrayAgg
from django.db.models import Count, F, Func, IntegerField, Q
from django.db.models.functions import TruncDate

from people.models import CycleTally, Proposal

# A tally's columns, in the order ``count_proposals`` selects them (a UNION matches
# columns by position): its fields first, then what it computes.
COLUMNS = (
    *("cycle_id", "kind", "state", "from_kind", "to_kind", "to_grade"),
    *("proposals", "days_in_level"),
)


class DaysBetween(Func):
    """``end - start`` of two dates in PostgreSQL: whole days, as an integer."""

    arg_joiner = " - "
    template = "(%(expressions)s)"
    output_field = IntegerField()


def days_in_level() -> DaysBetween:
    """A proposal's days in its level on its cycle's effective date, the one rule every
    "time in level at promotion" reads: calendar days where the company is
    (``TruncDate`` takes the site's time zone); NULL without a ``level_since``."""
    return DaysBetween(F("cycle__effective_on"), TruncDate("level_since"))


def count_proposals(proposals):
    """Runs one query. ``proposals`` grouped as a ``CycleTally`` row is, with each one's
    ``days_in_level``."""
    return (
        proposals.annotate(days=days_in_level())
        .values(
            "cycle_id",
            "kind",
            "state",
            from_kind=F("current_level__track__kind"),
            to_kind=F("target_level__track__kind"),
            to_grade=F("target_level__grade"),
        )
        .annotate(
            proposals=Count("pk"),
            days_in_level=ArrayAgg("days", filter=Q(days__isnull=False), default=[]),
        )
        .order_by()
    )


def tallies(ladder, where: Q) -> list[dict]:
    """Runs one query. The groups of the proposals in ``ladder``'s cycles (each a dict
    with the fields of a ``CycleTally``), narrowed by ``where`` (lookups on fields the
    two share: ``cycle_id``, ``kind``, ``state``). The stored and the counted are one
    query (UNION ALL), so one snapshot: a cycle closing meanwhile is counted once."""
    counted = Q(cycle__ladder=ladder, cycle__tallied_at__isnull=False)
    stored = CycleTally.objects.filter(counted, where).values(*COLUMNS).order_by()
    uncounted = Proposal.objects.filter(cycle__ladder=ladder, cycle__tallied_at__isnull=True)
    return list(stored.union(count_proposals(uncounted.filter(where)), all=True))
