import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

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


# Each person's line of managers, which the database keeps (``Person.ancestors``)


def line_of(person) -> list[str]:
    """The names on ``person``'s kept line, from the top down."""
    ancestors = Person.objects.values_list("ancestors", flat=True).get(pk=person.pk)
    names = dict(Person.objects.filter(pk__in=ancestors).values_list("pk", "name"))
    return [names[pk] for pk in ancestors]


def test_a_line_runs_from_the_top_down_to_the_persons_manager(top, director, report):
    assert line_of(report) == ["Ada Top", "Dana Director", "Max Manager"]
    assert line_of(top) == []


def test_moving_a_manager_moves_everyone_below_them(top, director, manager, report, outsider):
    person_set_manager(person=manager, manager=outsider)

    assert line_of(manager) == ["Ada Top", "Otto Elsewhere", "Olga Outsider"]
    assert line_of(report) == ["Ada Top", "Otto Elsewhere", "Olga Outsider", "Max Manager"]
    assert not Person.objects.reporting_tree_of(director).exists()
    assert {p.name for p in Person.objects.reporting_tree_of(outsider)} == {
        "Max Manager",
        "Riya Report",
    }


def test_a_stale_save_cannot_put_an_old_line_back(top, director, manager, report):
    stale = Person.objects.get(pk=report.pk)
    person_set_manager(person=manager, manager=top)

    stale.name = "Riya Renamed"
    stale.save()

    assert line_of(stale) == ["Ada Top", "Max Manager"]
    assert Person.objects.reporting_tree_of(director).count() == 0


def test_a_line_cannot_be_written_by_hand(top, director, report):
    Person.objects.filter(pk=report.pk).update(ancestors=[top.pk])
    assert line_of(report) == ["Ada Top", "Dana Director", "Max Manager"]


# Reporting lines changed many at a time, in one statement (as an import does), in
# whatever order the rows lie: a report may be written before its new manager is.
SIZE = 9
RESHUFFLES = st.lists(
    st.lists(
        st.tuples(st.integers(0, SIZE - 1), st.one_of(st.none(), st.integers(0, SIZE - 1))),
        min_size=1,
        max_size=SIZE,
    ),
    min_size=1,
    max_size=4,
)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(reshuffles=RESHUFFLES)
def test_every_line_and_tree_holds_after_many_lines_change_at_once(each_example, reshuffles):
    with each_example():
        people = [PersonFactory(name=f"P{i}") for i in range(SIZE)]
        managers: dict[int, int | None] = dict.fromkeys(range(SIZE))
        for moves in reshuffles:
            for child, parent in moves:
                # A move that would close a loop is left out, as the app refuses it.
                above, loop = parent, False
                while above is not None:
                    loop = loop or above == child
                    above = managers[above]
                if not loop:
                    managers[child] = parent
            for i, person in enumerate(people):
                person.manager = None if managers[i] is None else people[managers[i]]
            Person.objects.bulk_update(people, ["manager"])

            chains = {}
            for i in range(SIZE):
                chain, above = [], managers[i]
                while above is not None:
                    chain.insert(0, f"P{above}")
                    above = managers[above]
                chains[f"P{i}"] = chain
            for person in people:
                assert line_of(person) == chains[person.name]
                tree = Person.objects.reporting_tree_of(person).values_list("name", flat=True)
                assert set(tree) == {name for name, chain in chains.items() if person.name in chain}
