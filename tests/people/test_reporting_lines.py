import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection

from people.models import Person
from people.services.reporting_lines import ReportingLineError, person_set_manager
from tests.factories import PersonFactory


def test_a_manager_change_is_saved(manager, outsider):
    person_set_manager(person=outsider, manager=manager)
    outsider.refresh_from_db()
    assert outsider.manager == manager


def test_nobody_may_manage_themselves(manager):
    with pytest.raises(ReportingLineError, match="cannot be their own manager"):
        person_set_manager(person=manager, manager=manager)


def test_a_change_that_would_close_a_loop_is_refused(top, director, report):
    with pytest.raises(ReportingLineError, match="Riya Report already reports to Ada Top"):
        person_set_manager(person=top, manager=report)
    top.refresh_from_db()
    assert top.manager is None


def test_clean_shows_the_cycle_next_to_the_manager_field(director, report):
    director.manager = report
    with pytest.raises(ValidationError) as error:
        director.full_clean()
    assert "would make a cycle" in error.value.message_dict["manager"][0]


def test_the_database_refuses_a_person_managing_themselves(manager):
    with pytest.raises(IntegrityError, match="person_not_own_manager"):
        Person.objects.filter(pk=manager.pk).update(manager=manager)


def test_the_database_refuses_the_same_email_in_another_case(manager):
    with pytest.raises(IntegrityError, match="person_email"):
        PersonFactory(email="MAX@example.com")


def test_the_management_chain_runs_from_the_manager_upwards(report):
    assert [p.name for p in report.management_chain()] == [
        "Max Manager",
        "Dana Director",
        "Ada Top",
    ]


def test_the_reporting_tree_holds_everyone_below(top, director, report, outsider):
    below = Person.objects.reporting_tree_of(director)
    assert {p.name for p in below} == {"Max Manager", "Riya Report"}
    assert Person.objects.reporting_tree_of(top).count() == 5


def test_roles_are_derived(hr, manager, report):
    people = {p.name: p for p in Person.objects.with_roles()}
    assert people["Hana People"].role_labels == ["HR"]
    assert people["Max Manager"].role_labels == ["Manager"]
    # No role word for someone without a role or a level: "Engineer" read as a track.
    assert people["Riya Report"].role_labels == []


@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_changes_cannot_build_a_loop_together():
    """A under B and B under A at once: each alone is fine; together they make a cycle."""
    a = PersonFactory(name="A")
    b = PersonFactory(name="B")
    start = threading.Barrier(2)
    outcomes = []

    def move(person, manager):
        start.wait()
        try:
            person_set_manager(person=person, manager=manager)
            outcomes.append("saved")
        except ReportingLineError:
            outcomes.append("refused")
        finally:
            connection.close()

    threads = [
        threading.Thread(target=move, args=(a, b)),
        threading.Thread(target=move, args=(b, a)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(outcomes) == ["refused", "saved"]
    a.refresh_from_db()
    b.refresh_from_db()
    assert (a.manager_id is None) != (b.manager_id is None)
