"""People who leave the company, and come back: HR records it, on the person's page
or through the people import. Nothing of their history is deleted; what they leave
open is closed so that nothing waits for them for ever."""

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from people.models import CalibrationCycle, Person
from people.services.checkins import check_ins_cancel_outdated
from people.services.workflow import proposals_withdraw_left


class DepartureError(Exception):
    """A departure or return refused, with the reason; nothing was written."""


@dataclass(frozen=True)
class Departure:
    withdrawn: int  # open proposals withdrawn
    seats: int  # calibrator seats of open cycles given up
    reports: int  # direct reports who now need a new manager


def person_deactivate(*, person: Person, by: Person | None, reason: str, at=None) -> Departure:
    """Record that ``person`` left: their account can no longer sign in (sessions
    they have open stop working at their next request), their open proposals are
    withdrawn with ``reason``, and they leave the calibrator seats of open cycles.
    Their reports keep them as manager until HR gives each a new one; meanwhile HR
    endorses or returns those reports' requests (see ``Person.reviewing_manager``)."""
    reason = reason.strip()
    if not reason:
        raise DepartureError("Say why they left: the reason goes with their withdrawn proposals.")
    if by is not None and by.pk == person.pk:
        # Nobody decides about themselves; and the last HR person cannot lock HR out.
        raise DepartureError("You cannot record your own departure: another HR person does it.")
    with transaction.atomic():
        person = Person.objects.select_for_update().get(pk=person.pk)
        if person.has_left:
            raise DepartureError(
                f"{person.name} already left on {timezone.localdate(person.left_at):%d %b %Y}: "
                "nothing was changed."
            )
        person.left_at, person.left_reason = at or timezone.now(), reason
        person.save(update_fields=["left_at", "left_reason", "updated_at"])
        # An inactive account fails Django's authentication backend, so the sessions
        # it holds log it out at once; the password reset ignores it too.
        get_user_model().objects.filter(pk=person.user_id).update(is_active=False)
        seats, _ = CalibrationCycle.calibrators.through.objects.filter(
            person_id=person.pk, calibrationcycle__status=CalibrationCycle.Status.OPEN
        ).delete()
        withdrawn = proposals_withdraw_left(person=person, actor=by, reason=reason)
        # Theirs, and those they held as manager: HR holds their reports' from now.
        check_ins_cancel_outdated(involving=[person.pk])
    return Departure(withdrawn=withdrawn, seats=seats, reports=person.reports.count())


def person_reactivate(*, person: Person) -> Person:
    """Someone who left comes back: they can sign in again. What was withdrawn stays
    withdrawn, and HR gives back calibrator seats and reports as it sees fit."""
    with transaction.atomic():
        person = Person.objects.select_for_update().get(pk=person.pk)
        if not person.has_left:
            raise DepartureError(f"{person.name} has not left: nothing was changed.")
        person.left_at, person.left_reason = None, ""
        person.save(update_fields=["left_at", "left_reason", "updated_at"])
        get_user_model().objects.filter(pk=person.user_id).update(is_active=True)
        # Their reports' check-ins held by HR meanwhile go back to them.
        check_ins_cancel_outdated(involving=person.reports.values_list("pk", flat=True))
    return person
