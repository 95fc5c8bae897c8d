"""Calibration cycles and their queues: HR opens and closes cycles; calibrators
work through the queue, filtering it and deciding proposals in place."""

import uuid

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.db.models.functions import Lower
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django.views.decorators.vary import vary_on_headers

from config.access import hr_required, person_required
from config.htmx import wants_fragment
from ladders.models import Ladder, LadderVersion, Track
from people.models import CalibrationCycle, Person, Proposal
from people.proposal_access import (
    available_actions,
    decidable_in_queue,
    get_proposal_for,
    require,
)
from people.proposal_forms import RevisionForm, per_competency
from people.proposal_views import detail_page, rubric_rows
from people.workflow import WorkflowError, cycle_close, cycle_open, proposal_decide

QUEUE_PAGE_SIZE = 50
SORTS = {
    "name": (Lower("person__name"), "pk"),
    "time": ("level_since", "pk"),  # longest in level first
    "grade": ("-target_level__grade", Lower("person__name")),
    "state": ("state", Lower("person__name")),
}


class CycleForm(forms.Form):
    name = forms.CharField(max_length=120, help_text="For example: “2027 H1 promotions”.")
    ladder = forms.ModelChoiceField(queryset=Ladder.objects.none(), empty_label=None)
    starts_on = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))
    ends_on = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))
    effective_on = forms.DateField(
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text="Approved people take their new level on this date.",
    )
    calibrators = forms.ModelMultipleChoiceField(
        queryset=Person.objects.none(),
        widget=forms.SelectMultiple(attrs={"size": 10}),
        help_text="Managers and HR people who decide this cycle's proposals.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        published = LadderVersion.objects.published().values("ladder_id")
        self.fields["ladder"].queryset = Ladder.objects.filter(pk__in=published).order_by("slug")
        self.fields["calibrators"].queryset = (
            Person.objects.with_roles()
            .filter(Q(is_hr=True) | Q(has_reports=True))
            .order_by(Lower("name"))
        )

    def clean(self):
        cleaned = super().clean()
        if (
            cleaned.get("starts_on")
            and cleaned.get("ends_on")
            and cleaned["ends_on"] < cleaned["starts_on"]
        ):
            self.add_error("ends_on", "The cycle must end on or after the day it starts.")
        return cleaned


def _cycles_for(person):
    cycles = CalibrationCycle.objects.select_related("ladder")
    return cycles if person.is_hr else cycles.filter(calibrators=person)


@require_GET
@person_required
def cycle_list(request):
    cycles = (
        _cycles_for(request.person)
        .annotate(
            total=Count("proposals"),
            undecided=Count("proposals", filter=Q(proposals__state=Proposal.State.IN_CALIBRATION)),
        )
        .order_by("-opened_at")
    )
    if not request.person.is_hr and not cycles.exists():
        raise Http404("No cycles for you.")
    return render(request, "people/cycles/list.html", {"cycles": cycles})


@require_http_methods(["GET", "POST"])
@hr_required
def cycle_new(request):
    form = CycleForm(request.POST if request.method == "POST" else None)
    if form.is_bound and form.is_valid():
        try:
            cycle = cycle_open(by=request.person, **form.cleaned_data)
        except WorkflowError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, f"{cycle.name} is open: endorsed proposals are in its queue.")
            return redirect("people:cycle", uid=cycle.uid)
    return render(
        request, "people/cycles/new.html", {"form": form}, status=422 if form.is_bound else 200
    )


def _get_cycle(person, uid):
    return get_object_or_404(_cycles_for(person), uid=uid)


def _queue(cycle, params):
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


def _without_page(params) -> str:
    params = params.copy()
    params.pop("page", None)
    return params.urlencode()


def _counters(cycle):
    return cycle.proposals.aggregate(
        total=Count("pk"),
        undecided=Count("pk", filter=Q(state=Proposal.State.IN_CALIBRATION)),
        approved=Count("pk", filter=Q(state=Proposal.State.APPROVED)),
        not_approved=Count("pk", filter=Q(state=Proposal.State.NOT_APPROVED)),
    )


@require_GET
@vary_on_headers("HX-Request")
@person_required
def cycle_queue(request, uid):
    cycle = _get_cycle(request.person, uid)
    proposals, filters, sort = _queue(cycle, request.GET)
    page = Paginator(proposals, QUEUE_PAGE_SIZE).get_page(request.GET.get("page"))
    current = LadderVersion.objects.current().filter(ladder=cycle.ladder).values("pk")
    context = {
        "cycle": cycle,
        "page": page,
        "filters": filters,
        "sort": sort,
        "counters": _counters(cycle),
        "tracks": Track.objects.filter(version__in=current).order_by("position"),
        "grades": sorted(set(cycle.proposals.values_list("target_level__grade", flat=True))),
        "managers": Person.objects.filter(reports__proposals__cycle=cycle)
        .distinct()
        .order_by(Lower("name")),
        "states": Proposal.State.choices,
        "decidable": decidable_in_queue(request.person, cycle, page.object_list),
        "query": _without_page(request.GET),
    }
    template = "people/cycles/queue.html"
    if wants_fragment(request):
        template += "#queue"
    return render(request, template, context)


@require_POST
@person_required
def cycle_finish(request, uid):
    cycle = _get_cycle(request.person, uid)
    if not request.person.is_hr:
        # Its calibrators see the cycle (a 404 would pretend it does not exist).
        raise PermissionDenied("Only HR closes a calibration cycle.")
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


@require_http_methods(["GET", "POST"])
@vary_on_headers("HX-Request")
@person_required
def decide(request, uid):
    """Approve, or not approve with a reason per competency that fell short.

    From the queue (htmx), the row is swapped in place and the counters refreshed;
    GET there gives the inline "not approve" form. From the proposal page, a redirect."""
    proposal, roles = get_proposal_for(request.person, uid)
    require(roles, "decide")
    rows = rubric_rows(proposal)
    in_queue = bool(request.htmx) and request.GET.get("from") == "queue"
    if request.method == "GET":
        if not in_queue:
            return redirect(f"{proposal.get_absolute_url()}#decide")
        return _queue_row(request, proposal, roles, rows=rows, editing=True)
    form = RevisionForm(request.POST)
    error = None
    if not form.is_valid():
        error = "The form was incomplete: reload the page and try again."
    else:
        try:
            proposal = proposal_decide(
                proposal=proposal,
                actor=request.person,
                revision=form.cleaned_data["revision"],
                approve=request.POST.get("decision") == "approve",
                note=request.POST.get("note", ""),
                reasons=per_competency(request.POST, "reason", [r["competency"].key for r in rows]),
            )
        except WorkflowError as refused:
            error = str(refused)
    if in_queue:
        proposal, roles = get_proposal_for(request.person, uid)
        return _queue_row(
            request,
            proposal,
            roles,
            rows=rows,
            error=error,
            editing=bool(error and proposal.state == "in_calibration"),
            status=409 if error else 200,
        )
    if error:
        return detail_page(request, proposal, roles, status=409, forms={"error": error})
    messages.success(request, f"Decision recorded: {proposal.get_state_display().lower()}.")
    return redirect("people:proposal", uid=proposal.uid)


def _queue_row(request, proposal, roles, *, rows, editing=False, error=None, status=200):
    proposal = (
        proposal.cycle.proposals.select_related(
            "person__manager", "current_level", "target_level__track"
        )
        .with_level_since()
        .get(pk=proposal.pk)
    )
    context = {
        "cycle": proposal.cycle,
        "p": proposal,
        "rows": rows,
        "editing": editing,
        "error": error,
        "decidable": {proposal.pk} if available_actions(proposal, roles)["decide"] else set(),
        "counters": _counters(proposal.cycle),
        "oob": True,
    }
    return render(request, "people/cycles/queue.html#row", context, status=status)
