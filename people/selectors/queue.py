"""A calibration cycle's queue: its filters, sorts, pages and counters."""

from operator import itemgetter

from django.core.paginator import Page, Paginator
from django.db.models import Count, Q
from django.db.models.functions import Lower

from ladders.published import levels_by_pk
from people.models import Proposal

PAGE_SIZE = 50
# What a row of the queue shows and decides by, read as values: fifty rows of eight
# model objects cost more to build, and to look into from the template (each lookup on
# a model fails as a dictionary's first), than the query that reads them.
ROW_VALUES = (
    *("pk", "uid", "person_id", "author_id", "kind", "state", "revision", "is_big_jump"),
    *("level_since", "decided_at", "person__name", "person__manager__name", "decided_by__name"),
    *("cycle__uid", "current_level_id", "target_level_id"),
)
# A row's levels, taken from those the process keeps (``levels_by_pk``).
_LEVELS = itemgetter("current_level_id", "target_level_id")

SORTS = {
    "name": (Lower("person__name"), "pk"),
    "time": ("level_since", "pk"),  # longest in level first
    "grade": ("-target_level__grade", Lower("person__name")),
    "state": ("state", Lower("person__name")),
}


def queue_for(cycle, *, q="", track="", grade="", manager="", state="", sort="name"):
    """The cycle's proposals, filtered (by values a CycleFilterForm checked) and sorted."""
    proposals = cycle.proposals.all()
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


def queue_page(cycle, number, *, total=None, **filters) -> Page:
    """Runs three queries (two given ``total``, the number of proposals the filters
    keep, which an unfiltered queue's counters know). Page ``number`` of the queue
    (``queue_for``'s filters and sort), each proposal as its row (``queue_rows``). The
    page's proposals are picked from the proposals alone, then read by key: asked in
    one query, the planner joins the whole queue's rows (thousands) before it sorts
    them and keeps fifty, and spends longer planning the joins than reading."""
    pks = queue_for(cycle, **filters).values_list("pk", flat=True)
    paginator = Paginator(pks, PAGE_SIZE)
    if total is not None:
        paginator.count = total
    page = paginator.get_page(number)
    page.object_list = queue_rows(list(page.object_list))
    return page


def queue_rows(pks) -> list[dict]:
    """Runs one query, and one more for levels this process has not read yet
    (``levels_by_pk``). The queue's rows of the proposals ``pks``, in that order: what
    each shows (its person, manager, levels, time in level, state, decider) and what
    deciding it reads (whose it is, its state, its revision)."""
    found = {row["pk"]: row for row in Proposal.objects.filter(pk__in=pks).values(*ROW_VALUES)}
    levels = levels_by_pk(pk for row in found.values() for pk in _LEVELS(row))
    return [_row(found[pk], levels) for pk in pks if pk in found]


# Read as they are: whose row it is, its state and revision, and its time in level.
AS_READ = ("pk", "uid", "person_id", "author_id", "state", "revision", "level_since", "decided_at")


def _row(values: dict, levels: dict) -> dict:
    target = levels[values["target_level_id"]]
    return {
        **{key: values[key] for key in AS_READ},
        "state_label": Proposal.State(values["state"]).label,
        "kind_label": Proposal.Kind(values["kind"]).label,
        "lateral": values["kind"] == Proposal.Kind.LATERAL,
        "jump": values["is_big_jump"],
        "name": values["person__name"],
        "manager": values["person__manager__name"] or "",
        "decided_by": values["decided_by__name"] or "",
        "cycle_uid": values["cycle__uid"],
        "current": levels[values["current_level_id"]],
        "target": target,
        "target_code": target.code,
        "track": target.track.name,
    }


def queue_counters(cycle):
    return cycle.proposals.aggregate(
        total=Count("pk"),
        undecided=Count("pk", filter=Q(state=Proposal.State.IN_CALIBRATION)),
        approved=Count("pk", filter=Q(state=Proposal.State.APPROVED)),
        not_approved=Count("pk", filter=Q(state=Proposal.State.NOT_APPROVED)),
    )
