from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models.functions import Lower
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods
from django.views.decorators.vary import vary_on_headers

from people.access import PersonRequest, get_person_for, hr_required, person_required
from people.forms import PeopleImportForm
from people.models import Person
from people.people_import import PeopleImportError, people_import


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
    reports = person.reports.with_roles().order_by(Lower("name"), "pk")
    return render(
        request,
        "people/person_detail.html",
        {
            "person": person,
            "chain": list(reversed(person.management_chain())),
            "reports": reports,
            "tree_size": Person.objects.reporting_tree_of(person).count(),
        },
    )


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
