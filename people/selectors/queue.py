"""A calibration cycle's queue: its filters, sorts and counters."""

from django.db.models import Count, Q
from django.db.models.functions import Lower

from people.models import Proposal

SORTS = {
    "name": (Lower("person__name"), "pk"),
    "time": ("level_since", "pk"),  # longest in level first
    "grade": ("-target_level__grade", Lower("person__name")),
    "state": ("state", Lower("person__name")),
}


def queue_for(cycle, *, q="", track="", grade="", manager="", state="", sort="name"):
    """The cycle's proposals, filtered (by values a CycleFilterForm checked) and sorted."""
    proposals = cycle.proposals.select_related(
        "person__manager", "current_level__track", "target_level__track", "decided_by"
    )
    if track:
        proposals = proposals.filter(track_key=track)
    if grade != "":
        proposals = proposals.filter(target_level__grade=grade)
    if manager:
        proposals = proposals.filter(person__manager__uid=manager)
    if state:
        proposals = proposals.filter(state=state)
    if q:
        proposals = proposals.filter(person__name__icontains=q)
    return proposals.order_by(*SORTS[sort])


def queue_counters(cycle):
    return cycle.proposals.aggregate(
        total=Count("pk"),
        undecided=Count("pk", filter=Q(state=Proposal.State.IN_CALIBRATION)),
        approved=Count("pk", filter=Q(state=Proposal.State.APPROVED)),
        not_approved=Count("pk", filter=Q(state=Proposal.State.NOT_APPROVED)),
    )
