"""Home: where I stand and what waits for me."""

from django.shortcuts import render
from django.views.decorators.http import require_GET

from config.access import person_required
from people.models import Person, Proposal
from people.permissions.people import (
    PersonRequest,
    may_edit_people,
    nomination_rights,
    sees_organisation,
)
from people.selectors.cadence import next_check_in
from people.selectors.checkins import check_ins_waiting_for, standing_by_competency
from people.selectors.proposals import WAITING_SHOWN, waiting_for, who_holds
from people.selectors.standing import standing_of, team_of, tree_size_of


@require_GET
@person_required
def home(request: PersonRequest):
    person = request.person
    context: dict[str, object] = {
        "person": person,
        "manager": person.manager,
        "standing": standing_of(person),
        "in_preparation": Proposal.objects.being_prepared_for(person).select_related(
            "author", "target_level__track"
        ),
    }
    if context["standing"]:
        context["competencies"] = standing_by_competency(person)
        context["next_check_in"] = next_check_in(person)
    if person.is_manager:
        context["team"] = team_of(person)
        context["tree_size"] = tree_size_of(person)
        # Whether I may nominate my own direct reports (no query: asked about myself).
        context["may_nominate_team"] = nomination_rights(person, person)[1]
    if sees_organisation(person):
        context["organisation_size"] = Person.objects.still_here().count()
    waiting = waiting_for(person)
    context.update(waiting)
    context["mine"] = [(p, who_holds(p, person)) for p in waiting["mine"]]
    context["check_ins"] = check_ins_waiting_for(person)
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
