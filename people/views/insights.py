"""Insights: a cycle's calibration dashboard (HR and its calibrators), the parity
report (HR), and a person's growth page. Every table downloads as CSV."""

from django.http import Http404
from django.shortcuts import render
from django.utils.text import slugify
from django.views.decorators.http import require_GET
from django.views.decorators.vary import vary_on_headers

from config.access import hr_required, person_required
from config.htmx import wants_fragment
from config.spreadsheets import csv_download
from ladders.published import with_levels
from people.forms.calibration import CycleFilterForm
from people.forms.insights import ParityFilterForm
from people.models import PersonAttribute
from people.permissions.calibration import get_cycle_for, sees_breakdowns
from people.permissions.people import get_growth_person_for
from people.selectors.checkins import standing_by_competency
from people.selectors.insights import cycle_tables, parity_tables
from people.selectors.targets import current_level_of, moves_from


def _csv(tables, key, filename):
    table = next((t for t in tables if t.key == key), None)
    if table is None:
        raise Http404("No such table.")
    return csv_download(f"{filename}-{key}.csv", table.headers, table.rows)


def _attribute_names():
    """Runs one query. The attributes HR has recorded, to break numbers down by."""
    return list(PersonAttribute.objects.values_list("name", flat=True).distinct().order_by("name"))


@require_GET
@vary_on_headers("HX-Request")
@person_required
def cycle_insights(request, uid):
    person = request.person
    cycle = get_cycle_for(person, uid)
    # Attributes and the breakdowns by them are HR's: for anyone else the filter is absent.
    breakdowns = sees_breakdowns(person)
    form = CycleFilterForm(
        request.GET,
        cycle=cycle,
        fields=("track", "grade", "manager", *(("attribute",) if breakdowns else ())),
        attributes=_attribute_names() if breakdowns else (),
        auto_id="f-%s",
    )
    tables = cycle_tables(cycle, **form.values())
    if request.GET.get("download"):
        return _csv(tables, request.GET["download"], slugify(cycle.name) or "cycle")
    context = {
        "cycle": cycle,
        "tables": tables,
        "form": form,
        "query": form.query_string(),
    }
    template = "people/insights/cycle.html" + ("#insights" if wants_fragment(request) else "")
    return render(request, template, context)


@require_GET
@vary_on_headers("HX-Request")
@hr_required
def parity(request):
    form = ParityFilterForm(request.GET, attributes=_attribute_names())
    ladder, attribute = form.values()
    if ladder is None:
        return render(request, "people/insights/parity.html", {"form": None, "tables": []})
    tables = parity_tables(ladder, attribute=attribute)
    if request.GET.get("download"):
        return _csv(tables, request.GET["download"], f"parity-{ladder.slug}")
    context = {
        "ladder": ladder,
        "form": form,
        "tables": tables,
        "query": form.query_string(),
    }
    template = "people/insights/parity.html" + ("#insights" if wants_fragment(request) else "")
    return render(request, template, context)


@require_GET
@person_required
def growth(request, uid):
    """A person's growth: their levels over time, their proposals, and what the next
    level (and the equivalent on the other track) asks. Theirs, their managers', HR's."""
    person = get_growth_person_for(request.person, uid)
    history = list(person.level_changes.order_by("changed_at", "pk"))
    level = current_level_of(person)
    promotions, laterals = moves_from(level) if level else ([], [])
    nexts = [target for target, _ in promotions[:1]]
    for target in [*nexts, *laterals]:
        # All of the same version as ``level``, whose ladder is loaded: the compare links
        # need no two queries per target.
        target.version = level.version
    standing = standing_by_competency(person)
    proposals = list(
        person.proposals.hiding_preparations_from(request.person)
        .select_related("cycle")
        .order_by("-created_at")
    )
    moves = [(p, level) for p in proposals for level in ("current_level", "target_level")]
    with_levels(history, "level", also=moves)
    chart = {
        "type": "line",
        "labels": [change.changed_at.strftime("%Y-%m-%d") for change in history],
        "series": {"Grade": [change.level.grade for change in history]},
        "step": True,
        "axes": {"x": "Date of the change", "y": "Grade"},
    }
    return render(
        request,
        "people/insights/growth.html",
        {
            "person": person,
            "history": history,
            "level": level,
            "nexts": nexts,
            "laterals": laterals,
            "standing": standing,
            "proposals": proposals,
            "chart": chart,
        },
    )
