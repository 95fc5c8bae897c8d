"""Writes to people and reporting lines: atomic, and serialised where they could race."""

from django.db import connection, transaction

from people.models import Person, reporting_line_problem
from people.services.checkins import check_ins_cancel_outdated

# Two concurrent manager changes (A under B, B under A) could each pass the cycle
# check on their own; one transaction-scoped advisory lock serialises every
# change to reporting lines so the check always sees the other's result.
REPORTING_LINES_LOCK = 0x1AD_DE25


class ReportingLineError(Exception):
    """A manager change that would break the organisation's tree."""


def lock_reporting_lines() -> None:
    """Hold the reporting-lines lock until the current transaction ends."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [REPORTING_LINES_LOCK])


def person_set_manager(*, person: Person, manager: Person | None) -> Person:
    with transaction.atomic():
        lock_reporting_lines()
        problem = reporting_line_problem(person, manager)
        if problem:
            raise ReportingLineError(problem)
        person.manager = manager
        person.save(update_fields=["manager", "updated_at"])
        check_ins_cancel_outdated(involving=[person.pk])
    return person
