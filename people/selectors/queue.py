"""A calibration cycle's queue: its filters, sorts, pages and counters."""

from django.core.paginator import Page, Paginator
from django.db.models import Count, Q
from django.db.models.functions import Lower

from people.models import Proposal

PAGE_SIZE = 50
# What a row shows of a level: its code in its track's chip, the track's name, the grade.
LEVEL = ("code", "grade", "track__kind", "track__name")
# What a row of the queue shows and decides by: the related rows, and of each only the
# columns read (building fifty rows' eight full objects was a quarter of the page).
ROW = ("person__manager", "current_level__track", "target_level__track", "decided_by")
ROW_FIELDS = (
    *("uid", "person", "author", "kind", "state", "revision", "is_big_jump", "cycle"),
    *("level_since", "decided_at", "person__name", "person__manager__name", "decided_by__name"),
    *(f"{level}__{field}" for level in ("current_level", "target_level") for field in LEVEL),
)

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
    (``queue_for``'s filters and sort), each proposal with what its row shows. The
    page's proposals are picked from the proposals alone, then read by key: asked in
    one query, the planner joins the whole queue's rows (thousands) before it sorts
    them and keeps fifty, and spends longer planning the joins than reading."""
    pks = queue_for(cycle, **filters).values_list("pk", flat=True)
    paginator = Paginator(pks, PAGE_SIZE)
    if total is not None:
        paginator.count = total
    page = paginator.get_page(number)
    shown = list(page.object_list)
    rows = Proposal.objects.select_related(*ROW).only(*ROW_FIELDS).in_bulk(shown)
    page.object_list = [rows[pk] for pk in shown]
    return page


def queue_counters(cycle):
    return cycle.proposals.aggregate(
        total=Count("pk"),
        undecided=Count("pk", filter=Q(state=Proposal.State.IN_CALIBRATION)),
        approved=Count("pk", filter=Q(state=Proposal.State.APPROVED)),
        not_approved=Count("pk", filter=Q(state=Proposal.State.NOT_APPROVED)),
    )
