from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models.functions import Lower
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django.views.decorators.vary import vary_on_headers

from people.access import PersonRequest, get_person_for, hr_required, person_required
from people.forms import ManagerChangeForm, PeopleImportForm
from people.models import Person
from people.people_import import PeopleImportError, people_import
from people.services import ReportingLineError, person_set_manager


@require_GET
@person_required
def home(request: PersonRequest):
    person = request.person
    context = {"person": person, "manager": person.manager}
    if person.is_manager:
        context["direct_reports"] = person.reports.count()
        context["tree_size"] = Person.objects.reporting_tree_of(person).count()
    if person.is_hr:
        context["organisation_size"] = Person.objects.count()
    return render(request, "people/home.html", context)


@require_GET
@vary_on_headers("HX-Request")
@person_required
def directory(request: PersonRequest):
    query = request.GET.get("q", "").strip()[:100]
    people = (
        Person.objects.visible_to(request.person)
        .search(query)
        .with_roles()
        .select_related("manager")
        .order_by(Lower("name"), "pk")
    )
    page = Paginator(people, settings.PEOPLE_PAGE_SIZE).get_page(request.GET.get("page"))
    template = "people/directory.html"
    if request.htmx:
        template += "#results"
    return render(request, template, {"page": page, "query": query})


@require_GET
@person_required
def person_detail(request: PersonRequest, uid):
    person = get_person_for(request.person, uid)
    form = None
    if request.person.is_hr:
        form = ManagerChangeForm(initial={"manager_email": getattr(person.manager, "email", "")})
    return _person_page(request, person, form)


@require_POST
@person_required
def change_manager(request: PersonRequest, uid):
    person = get_person_for(request.person, uid)
    if not request.person.is_hr:
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
    return _person_page(request, person, form, status=400)


def _person_page(request, person, form, status=200):
    reports = person.reports.with_roles().order_by(Lower("name"), "pk")
    context = {
        "person": person,
        "chain": list(reversed(person.management_chain())),
        "reports": reports,
        "tree_size": Person.objects.reporting_tree_of(person).count(),
        "manager_form": form,
    }
    return render(request, "people/person_detail.html", context, status=status)


@require_http_methods(["GET", "POST"])
@hr_required
def import_people(request: PersonRequest):
    problems = []
    if request.method == "GET":
        form = PeopleImportForm()
    else:
        form = PeopleImportForm(request.POST, request.FILES)
    if form.is_bound and form.is_valid():
        try:
            summary = people_import(data=form.cleaned_data["file"].read())
        except PeopleImportError as error:
            problems = error.problems
        else:
            messages.success(request, f"People imported: {summary}")
            return redirect("people:directory")
    status = 400 if request.method == "POST" else 200
    return render(
        request, "people/import.html", {"form": form, "problems": problems}, status=status
    )
