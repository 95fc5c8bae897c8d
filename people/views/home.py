"""Home: where I stand and what waits for me."""

from django.shortcuts import render
from django.views.decorators.http import require_GET

from config.access import person_required
from people.models import Person
from people.permissions.people import PersonRequest, sees_organisation
from people.selectors.proposals import waiting_for


@require_GET
@person_required
def home(request: PersonRequest):
    person = request.person
    context: dict[str, object] = {"person": person, "manager": person.manager}
    if person.is_manager:
        context["direct_reports"] = person.reports.count()
        context["tree_size"] = Person.objects.reporting_tree_of(person).count()
    if sees_organisation(person):
        context["organisation_size"] = Person.objects.count()
    context.update(waiting_for(person))
    return render(request, "people/home.html", context)
