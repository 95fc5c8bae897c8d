"""Home: where I stand and what waits for me."""

from django.shortcuts import render
from django.views.decorators.http import require_GET

from config.access import person_required
from people.models import Person
from people.permissions.people import PersonRequest, may_edit_people, sees_organisation
from people.selectors.proposals import WAITING_SHOWN, waiting_for


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
    if may_edit_people(person):
        context.update(_whose_manager_left())
    return render(request, "people/home.html", context)


def _whose_manager_left() -> dict:
    """Runs one query (two when there are more than fit). For HR: the first people whose
    manager left, to give each a new one, and how many there are in all."""
    people = Person.objects.whose_manager_left().select_related("manager")
    shown = list(people.order_by("manager__name", "name")[: WAITING_SHOWN + 1])
    total = len(shown) if len(shown) <= WAITING_SHOWN else people.count()
    return {"manager_left": shown[:WAITING_SHOWN], "manager_left_total": total}
