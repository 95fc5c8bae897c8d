"""The people directory, a person's page, HR's changes to reporting lines and
levels, and the people import."""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models.functions import Lower
from django.shortcuts import redirect, render
from django.template.defaultfilters import pluralize
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django.views.decorators.vary import vary_on_headers

from config.access import hr_required, person_required
from config.htmx import wants_fragment
from ladders.models import Level
from people.forms.people import (
    DeactivateForm,
    DirectorySearchForm,
    LevelSetForm,
    ManagerChangeForm,
    PeopleImportForm,
)
from people.models import LevelChange
from people.permissions.people import (
    PersonRequest,
    decides_about,
    get_person_for,
    may_edit_people,
    nomination_rights,
    people_visible_to,
    require_decides_about,
    sees_growth_of,
)
from people.selectors.levels import current_levels
from people.selectors.standing import tree_size_of
from people.services.departures import DepartureError, person_deactivate, person_reactivate
from people.services.levels import person_set_level
from people.services.people_import import (
    PeopleImportError,
    PeopleImportNeedsConfirmation,
    people_import,
)
from people.services.reporting_lines import ReportingLineError, person_set_manager


@require_GET
@vary_on_headers("HX-Request")
@person_required
def directory(request: PersonRequest):
    form = DirectorySearchForm(request.GET)
    query = form.query()
    people = (
        people_visible_to(request.person)
        .search(query)
        .with_roles()
        .select_related("manager", "level__track", "level__version")
        .order_by(Lower("name"), "pk")
    )
    page = Paginator(people, settings.PEOPLE_PAGE_SIZE).get_page(request.GET.get("page"))
    template = "people/directory.html"
    if wants_fragment(request):
        template += "#results"
    return render(request, template, {"page": page, "query": query, "form": form})


@require_GET
@person_required
def person_detail(request: PersonRequest, uid):
    return _person_page(request, get_person_for(request.person, uid))


@require_POST
@person_required
def change_manager(request: PersonRequest, uid):
    person = get_person_for(request.person, uid)
    if not may_edit_people(request.person):
        raise PermissionDenied("Only HR changes reporting lines.")
    form = ManagerChangeForm(request.POST)
    if form.is_valid():
        manager = form.cleaned_data["manager_email"]
        try:
            person_set_manager(person=person, manager=manager)
        except ReportingLineError as error:
            form.add_error("manager_email", str(error))
        else:
            if manager:
                messages.success(request, f"{person.name} now reports to {manager.name}.")
            else:
                messages.success(request, f"{person.name} now reports to nobody.")
            return redirect("people:detail", uid=person.uid)
    return _person_page(request, person, manager_form=form, status=422)


@require_POST
@person_required
def set_level(request: PersonRequest, uid):
    person = get_person_for(request.person, uid)
    require_decides_about(
        request.person,
        person,
        only_hr="Only HR sets levels directly; promotions go through proposals.",
        not_own="change your own level",
    )
    form = LevelSetForm(request.POST, levels=current_levels())
    if form.is_valid():
        level = form.cleaned_data["level"]
        changed = person_set_level(
            person=person,
            level=level,
            by=request.user,
            source=LevelChange.Source.HR,
            note=form.cleaned_data["note"],
        )
        if changed:
            messages.success(request, f"{person.name} is now {level.code} · {level.title}.")
        else:
            messages.info(request, f"{person.name} already is {level.code} · {level.title}.")
        return redirect("people:detail", uid=person.uid)
    return _person_page(request, person, level_form=form, status=422)


@require_POST
@person_required
def deactivate(request: PersonRequest, uid):
    person = get_person_for(request.person, uid)
    require_decides_about(
        request.person,
        person,
        only_hr="Only HR records that someone left.",
        not_own="record your own departure",
    )
    form = DeactivateForm(request.POST)
    if form.is_valid():
        try:
            departure = person_deactivate(
                person=person, by=request.person, reason=form.cleaned_data["reason"]
            )
        except DepartureError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _departure_message(person, departure))
            return redirect("people:detail", uid=person.uid)
    return _person_page(request, person, leave_form=form, status=422)


def _departure_message(person, departure) -> str:
    message = (
        f"{person.name} has left: they can no longer sign in. "
        f"{departure.withdrawn} open proposal{pluralize(departure.withdrawn)} withdrawn, "
        f"{departure.seats} calibrator seat{pluralize(departure.seats)} given up."
    )
    if departure.reports:
        people = pluralize(departure.reports, "person,people")
        message += f" {departure.reports} {people} reported to them: give each a new manager."
    return message


@require_POST
@person_required
def reactivate(request: PersonRequest, uid):
    person = get_person_for(request.person, uid)
    require_decides_about(
        request.person, person, only_hr="Only HR reactivates people.", not_own="reactivate yourself"
    )
    try:
        person_reactivate(person=person)
    except DepartureError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, f"{person.name} is back: they can sign in again.")
    return redirect("people:detail", uid=person.uid)


def _person_page(
    request, person, *, manager_form=None, level_form=None, leave_form=None, status=200
):
    """Runs a fixed number of queries: chain, reports, tree size, equivalents, history,
    and for HR the levels to choose from."""
    viewer = request.person
    # Who left is in the directory, marked so; no longer in anyone's team or tree.
    reports = person.reports.still_here().with_roles().order_by(Lower("name"), "pk")
    level = person.level
    context = {
        "person": person,
        "chain": list(reversed(person.management_chain())),
        "reports": reports,
        "tree_size": tree_size_of(person),
        "equivalents": [],
        "history": None,
    }
    if level is not None:
        context["equivalents"] = (
            Level.objects.filter(version_id=level.version_id, grade=level.grade)
            .exclude(track_id=level.track_id)
            .select_related("track")
        )
    context["may_nominate"], context["may_nominate_reports"] = nomination_rights(viewer, person)
    if sees_growth_of(viewer, person):
        context["history"] = person.level_changes.select_related(
            "level__track", "previous_level__track", "changed_by__person"
        ).order_by("-changed_at", "-pk")
    if may_edit_people(viewer):
        context["manager_form"] = manager_form or ManagerChangeForm(
            initial={"manager_email": getattr(person.manager, "email", "")}
        )
    if decides_about(viewer, person):
        context["level_form"] = level_form or LevelSetForm(
            levels=current_levels(), initial={"level": person.level_id}
        )
        context["leave_form"] = leave_form or DeactivateForm()
    return render(request, "people/person_detail.html", context, status=status)


# A clean file that needs HR's confirmation waits in the session, so that confirming
# does not ask for the upload again. Any other answer forgets it.
KEPT_IMPORT = "people_import_kept"


@require_http_methods(["GET", "POST"])
@hr_required
def import_people(request: PersonRequest):
    kept = request.session.pop(KEPT_IMPORT, None)
    if request.method == "GET":
        return render(request, "people/import.html", _import_context(PeopleImportForm()))
    form = PeopleImportForm(request.POST, request.FILES, kept=kept and kept["name"])
    context = _import_context(form)
    if form.is_valid():
        upload = form.cleaned_data["file"]
        if upload:  # A new file is checked afresh, whatever was ticked.
            name, data, confirmed = upload.name, upload.read(), False
        else:
            name, data, confirmed = kept["name"], kept["text"].encode(), True
        try:
            summary = people_import(data=data, by=request.user, confirmed=confirmed)
        except PeopleImportError as error:
            context = _import_context(PeopleImportForm(), problems=error.problems)
        except PeopleImportNeedsConfirmation as question:
            # The file parsed as UTF-8 to get this far: it keeps as text.
            request.session[KEPT_IMPORT] = {"name": name, "text": data.decode()}
            context = _import_context(PeopleImportForm(kept=name), warnings=question.warnings)
        else:
            messages.success(request, f"People imported: {summary}")
            return redirect("people:directory")
    elif kept:
        request.session[KEPT_IMPORT] = kept  # Not answered yet: still waiting.
    return render(request, "people/import.html", context, status=400)


def _import_context(form, *, problems=(), warnings=()) -> dict:
    """The import page's: the form, every problem of a refused file, and what a clean
    file that takes HR away asks HR to confirm."""
    return {"form": form, "problems": list(problems), "warnings": list(warnings)}
