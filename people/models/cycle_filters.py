"""The triggers that count up ``CalibrationCycle.filters_version``.

A cycle's filters offer the grades its proposals target and the managers of the
people proposed (``selectors/cycle_choices.py``); the version names what they offered
when they were read. Statement-level triggers, so that a bulk write (an
import, the demo) counts once per statement, not once per row, and a write that
changes none of it (a decision, a check-in dating its person) counts nothing: its
cycles' rows are not even locked.
"""

import pgtrigger


def _count_up(cycles: str) -> str:
    # Built from this module's own SQL, never from input.
    return f"""
        UPDATE people_calibrationcycle SET filters_version = filters_version + 1
        WHERE id IN ({cycles});
        RETURN NULL;
    """  # noqa: S608


def _after(name, operation, cycles, **referencing) -> pgtrigger.Trigger:
    return pgtrigger.Trigger(
        name=name,
        operation=operation,
        when=pgtrigger.After,
        level=pgtrigger.Statement,
        referencing=pgtrigger.Referencing(**referencing),
        func=_count_up(cycles),
    )


PROPOSALS_CHANGE_FILTERS = [
    _after("proposals_join_cycles", pgtrigger.Insert, "SELECT cycle_id FROM added", new="added"),
    _after(
        "proposals_move_in_cycles",
        pgtrigger.Update,
        """SELECT unnest(ARRAY[was.cycle_id, now.cycle_id])
        FROM was JOIN now USING (id)
        WHERE was.cycle_id IS DISTINCT FROM now.cycle_id
            OR was.person_id IS DISTINCT FROM now.person_id
            OR was.target_level_id IS DISTINCT FROM now.target_level_id""",
        old="was",
        new="now",
    ),
    _after("proposals_leave_cycles", pgtrigger.Delete, "SELECT cycle_id FROM gone", old="gone"),
]

# A person who changes manager moves in the managers their cycles offer; a manager
# renamed is offered under the new name in the cycles of the people they manage. Any
# update of people runs this (a check-in dating its person, a line walked down a
# tree): the proposals are looked into only when a manager or a name has changed.
PEOPLE_CHANGE_FILTERS = [
    pgtrigger.Trigger(
        name="people_change_cycle_filters",
        operation=pgtrigger.Update,
        when=pgtrigger.After,
        level=pgtrigger.Statement,
        referencing=pgtrigger.Referencing(old="was", new="now"),
        declare=[("changed", "bigint[]")],
        func="""
            SELECT array_agg(id) INTO changed FROM was JOIN now USING (id)
            WHERE was.manager_id IS DISTINCT FROM now.manager_id OR was.name <> now.name;
            IF changed IS NOT NULL THEN
                UPDATE people_calibrationcycle SET filters_version = filters_version + 1
                WHERE id IN (
                    SELECT proposal.cycle_id FROM people_proposal AS proposal
                    JOIN people_person AS person ON person.id = proposal.person_id
                    WHERE proposal.person_id = ANY(changed) OR person.manager_id = ANY(changed)
                );
            END IF;
            RETURN NULL;
        """,
    ),
]
