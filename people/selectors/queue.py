"""A calibration cycle's queue: its filters, sorts and counters."""

import uuid

from django.db.models import Count, Q
from django.db.models.functions import Lower

from people.models import Proposal

SORTS = {
    "name": (Lower("person__name"), "pk"),
    "time": ("level_since", "pk"),  # longest in level first
    "grade": ("-target_level__grade", Lower("person__name")),
    "state": ("state", Lower("person__name")),
}


def queue_for(cycle, params):
    """The filtered, sorted queue with what the page needs to render it."""
    proposals = cycle.proposals.select_related(
        "person__manager", "current_level", "target_level__track", "decided_by"
    ).with_level_since()
    filters = {
        "track": params.get("track", ""),
        "grade": params.get("grade", ""),
        "manager": params.get("manager", ""),
        "state": params.get("state", ""),
        "q": params.get("q", "").strip()[:100],
    }
    if filters["track"]:
        proposals = proposals.filter(track_key=filters["track"])
    if filters["grade"].isdigit():
        proposals = proposals.filter(target_level__grade=int(filters["grade"]))
    if filters["manager"]:
        proposals = proposals.filter(person__manager__uid__in=_uuid_or_none(filters["manager"]))
    if filters["state"] in Proposal.State.values:
        proposals = proposals.filter(state=filters["state"])
    if filters["q"]:
        proposals = proposals.filter(person__name__icontains=filters["q"])
    sort = params.get("sort", "name")
    sort = sort if sort in SORTS else "name"
    return proposals.order_by(*SORTS[sort]), filters, sort


def _uuid_or_none(text):
    """A filter value that is not a UUID matches nobody rather than erroring."""
    try:
        return [uuid.UUID(text)]
    except ValueError:
        return []


def query_without_page(params) -> str:
    params = params.copy()
    params.pop("page", None)
    return params.urlencode()


def queue_counters(cycle):
    return cycle.proposals.aggregate(
        total=Count("pk"),
        undecided=Count("pk", filter=Q(state=Proposal.State.IN_CALIBRATION)),
        approved=Count("pk", filter=Q(state=Proposal.State.APPROVED)),
        not_approved=Count("pk", filter=Q(state=Proposal.State.NOT_APPROVED)),
    )
