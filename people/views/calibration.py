"""Calibration cycles and their queues: HR opens and closes cycles; calibrators
work through the queue, filtering it and deciding proposals in place."""

from django.contrib import messages
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django.views.decorators.vary import vary_on_headers

from config.access import hr_required, person_required
from config.htmx import wants_fragment
from people.forms.calibration import CycleFilterForm, CycleForm
from people.models import Proposal
from people.permissions.calibration import (
    calibrators_of,
    can_calibrate,
    cycles_visible_to,
    get_cycle_for,
    require_cycle_runner,
)
from people.permissions.proposals import (
    decidable_in_queue,
)
from people.selectors.queue import queue_counters, queue_page
from people.services.workflow import WorkflowError, cycle_close, cycle_open

QUEUE_FILTERS = ("q", "track", "grade", "manager", "state", "sort")


@require_GET
@person_required
def cycle_list(request):
    if not can_calibrate(request.person):
        raise Http404("No cycles for you.")
    cycles = (
        cycles_visible_to(request.person)
        .annotate(
            total=Count("proposals"),
            undecided=Count("proposals", filter=Q(proposals__state=Proposal.State.IN_CALIBRATION)),
        )
        .order_by("-opened_at")
    )
    return render(request, "people/cycles/list.html", {"cycles": cycles})


@require_http_methods(["GET", "POST"])
@hr_required
@vary_on_headers("HX-Request")
def cycle_new(request):
    if request.method == "GET" and wants_fragment(request):
        # The people found for the name being typed in the calibrator picker.
        form = CycleForm(picking=request.GET)
        return render(request, "people/cycles/new.html#matches", {"form": form})
    if request.method == "POST" and "find" in request.POST.getlist("action"):
        # Without JavaScript, "Find" sends the whole form: show it again as it was,
        # with the people found, and judge it only when it is sent to open the cycle.
        return render(request, "people/cycles/new.html", {"form": CycleForm.keeping(request.POST)})
    form = CycleForm(request.POST if request.method == "POST" else None)
    if form.is_bound and form.is_valid():
        try:
            cycle = cycle_open(by=request.person, **form.opening())
        except WorkflowError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, f"{cycle.name} is open: endorsed proposals are in its queue.")
            return redirect("people:cycle", uid=cycle.uid)
    return render(
        request, "people/cycles/new.html", {"form": form}, status=422 if form.is_bound else 200
    )


@require_GET
@vary_on_headers("HX-Request")
@person_required
def cycle_queue(request, uid):
    cycle = get_cycle_for(request.person, uid)
    form = CycleFilterForm(request.GET, cycle=cycle, fields=QUEUE_FILTERS, auto_id="queue-%s")
    counters = queue_counters(cycle)
    page = queue_page(
        cycle,
        request.GET.get("page"),
        **form.values(),
        sort=form.chosen_sort,
        total=None if form.is_filtered else counters["total"],
    )
    context = {
        "cycle": cycle,
        "page": page,
        "form": form,
        "counters": counters,
        "decidable": decidable_in_queue(request.person, cycle, page.object_list),
        "query": form.query_string(),
    }
    template = "people/cycles/queue.html"
    if wants_fragment(request):
        template += "#queue"
    else:
        context["calibrators"] = calibrators_of(cycle)
    return render(request, template, context)


@require_POST
@person_required
def cycle_finish(request, uid):
    cycle = get_cycle_for(request.person, uid)
    # Its calibrators see the cycle (a 404 would pretend it does not exist): a 403.
    require_cycle_runner(request.person)
    try:
        applied = cycle_close(cycle=cycle, by=request.person)
    except WorkflowError as error:
        messages.error(request, str(error))
    else:
        pending = cycle.proposals.filter(
            state=Proposal.State.APPROVED, applied_at__isnull=True
        ).count()
        later = f" {pending} more on {cycle.effective_on:%d %b %Y}." if pending else ""
        messages.success(
            request, f"{cycle.name} is closed. Level changes applied now: {applied}.{later}"
        )
    return redirect("people:cycle", uid=uid)
