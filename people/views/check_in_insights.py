"""HR's check-ins page: the cadence asked on each ladder, and check-ins done, open and
due per team."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST
from django.views.decorators.vary import vary_on_headers

from config.access import hr_required
from config.htmx import wants_fragment
from config.spreadsheets import csv_download
from people.forms.checkins import CadenceForm, CheckInInsightsForm
from people.selectors.cadence import check_ins_by_team, company_totals, ladder_cadences
from people.services.cadence import StaleCadence, check_in_cadence_set

TEAMS_PER_PAGE = 50


def _csv(teams, within):
    return csv_download(
        "check-ins-by-team.csv",
        ["Team", "People", f"Agreed in {within} months", "Open now", "Due"],
        ([team.name, team.people, team.agreed, team.open, team.due] for team in teams),
    )


def _cadence_rows(refused):
    """Each published ladder's cadence with its form: the form refused on its own row,
    with what was sent and why it was refused."""
    rows = []
    for row in ladder_cadences():
        form = CadenceForm.showing(row)
        if refused is not None and refused.data.get("ladder") == row.ladder.slug:
            refused.auto_id, form = form.auto_id, refused
        rows.append((row, form))
    return rows


def _page(request, *, refused=None, status=200, fragment=True):
    form = CheckInInsightsForm(request.GET, auto_id="f-%s")
    within = form.months()
    teams = check_ins_by_team(within_months=within)
    context = {
        "form": form,
        "within": within,
        "cadences": _cadence_rows(refused),
        "refused": refused,
        "page": Paginator(teams, TEAMS_PER_PAGE).get_page(request.GET.get("page")),
        "totals": company_totals(teams),
        "query": form.query_string(),
    }
    if request.GET.get("download") == "teams":
        return _csv(teams, within)
    in_place = fragment and wants_fragment(request)
    template = "people/insights/check_ins.html" + ("#teams" if in_place else "")
    return render(request, template, context, status=status)


@require_GET
@vary_on_headers("HX-Request")
@hr_required
def check_in_insights(request):
    return _page(request)


@require_POST
@hr_required
def set_cadence(request):
    form = CadenceForm(request.POST)
    if not form.is_valid():
        # The whole page, whoever asked: the message is on the ladder's row (at the
        # top for a ladder that has none), not in the teams.
        return _page(request, refused=form, status=422, fragment=False)
    ladder, months = form.cleaned_data["ladder"], form.cleaned_data["months"]
    labels = dict(form.fields["months"].choices)
    label = labels[months or ""]
    # The page's form always sends what it showed (empty: never set); a post without
    # it is not checked for changes made in between.
    seen = form.cleaned_data["seen"] if "seen" in request.POST else ...
    try:
        changed = check_in_cadence_set(ladder=ladder, months=months, by=request.person, seen=seen)
    except StaleCadence as stale:
        theirs = stale.newest
        messages.warning(
            request,
            f"{theirs.set_by.name} set check-ins on {ladder} to "
            f"{labels[theirs.months or ''].lower()} after you opened this page, so yours "
            f"({label.lower()}) was not saved. The page shows theirs now: save yours again "
            "if it should still change.",
        )
        return redirect("people:check_in_insights")
    if changed:
        messages.success(request, f"Check-ins on {ladder}: {label.lower()}.")
    else:
        messages.info(request, f"Check-ins on {ladder} were already {label.lower()}.")
    return redirect("people:check_in_insights")
