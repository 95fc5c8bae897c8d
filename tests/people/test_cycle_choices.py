"""What a cycle's filters offer stays true while it is kept: each change the database
counts (``filters_version``) makes the next page read the choices afresh."""

import re

import pytest
from django.urls import reverse

from people.models import CalibrationCycle, Person, Proposal
from people.services.people_import import people_import
from people.services.reporting_lines import person_set_manager
from tests.builders import ladder_data, open_cycle, person, propose, publish
from tests.factories import PersonFactory


@pytest.fixture
def engineering(db):
    return publish(ladder_data())


@pytest.fixture
def calibrator(top):
    return PersonFactory(name="Cara Calibrator", email="cara@example.com", manager=top)


@pytest.fixture
def cycle(engineering, hr, calibrator, manager):
    """Riya (Max's) proposed for IC2 in the open cycle."""
    cycle = open_cycle(engineering, hr, calibrators=[calibrator])
    riya = person("Riya Report", manager, engineering, "IC1")
    propose(riya, engineering, "IC2", by=calibrator)
    return cycle


def offered(client, cycle, name) -> list[str]:
    """The options of filter ``name`` on the cycle's queue, as a person sees them."""
    html = client.get(reverse("people:cycle", args=[cycle.uid])).content.decode()
    select = re.search(rf'<select name="{name}".*?</select>', html, re.S)
    assert select, name
    return re.findall(r"<option [^>]*>([^<]*)</option>", select.group(0))


def version(cycle) -> int:
    return CalibrationCycle.objects.get(pk=cycle.pk).filters_version


def test_a_manager_who_takes_on_someone_proposed_is_offered_at_once(
    client_for, cycle, calibrator, manager, director
):
    client = client_for(calibrator)
    assert offered(client, cycle, "manager") == ["Any manager", "Max Manager"]
    riya = Person.objects.get(name="Riya Report")
    person_set_manager(person=riya, manager=director)
    assert offered(client, cycle, "manager") == ["Any manager", "Dana Director"]


def test_a_renamed_manager_is_offered_under_the_new_name(client_for, cycle, calibrator, manager):
    client = client_for(calibrator)
    assert "Max Manager" in offered(client, cycle, "manager")
    manager.name = "Maxine Manager"
    manager.save()
    assert offered(client, cycle, "manager") == ["Any manager", "Maxine Manager"]


def test_a_proposal_entering_the_cycle_brings_its_grade_and_manager(
    client_for, cycle, calibrator, engineering, outsider
):
    client = client_for(calibrator)
    assert offered(client, cycle, "grade") == ["Any grade", "2"]
    olga = person("Olga Two", outsider.manager, engineering, "IC2")
    propose(olga, engineering, "IC3", by=calibrator)
    assert offered(client, cycle, "grade") == ["Any grade", "2", "3"]
    assert offered(client, cycle, "manager") == ["Any manager", "Max Manager", "Otto Elsewhere"]


def test_a_decision_leaves_the_count_as_it_is(cycle, calibrator, engineering, manager):
    before = version(cycle)
    someone = person("Sam Second", manager, engineering, "IC1")
    propose(someone, engineering, "IC2", "yes", by=calibrator)
    # Entering the cycle counts once; the decision after it, not at all.
    assert version(cycle) == before + 1
    Proposal.objects.filter(cycle=cycle).update(revision=99)
    assert version(cycle) == before + 1


def test_a_stale_cycle_saved_keeps_the_count(cycle, manager):
    stale = CalibrationCycle.objects.get(pk=cycle.pk)
    manager.name = "Maxine Manager"
    manager.save()
    stale.name = "Engineering H1, renamed"
    stale.save()
    assert version(cycle) == stale.filters_version + 1


def test_an_import_that_moves_and_renames_people_is_offered_at_once(
    client_for, cycle, calibrator, hr
):
    client = client_for(calibrator)
    assert offered(client, cycle, "manager") == ["Any manager", "Max Manager"]
    # One statement writes both lines (bulk_update): counted once, seen at once.
    people_import(
        data=b"email,name,manager_email\n"
        b"riya.report@example.com,Riya Report,dana@example.com\n"
        b"dana@example.com,Dana Lead,\n",
        by=hr.user,
        confirmed=True,
    )
    assert offered(client, cycle, "manager") == ["Any manager", "Dana Lead"]
