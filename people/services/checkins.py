"""Check-ins: starting one, the person's ratings, the manager's, the agreed ones that
close it, cancelling; and cancelling those a new manager or level has outdated."""

import pgtrigger
from django.db import IntegrityError, connection, transaction
from django.db.models import Q
from django.utils import timezone

from config.text import has_control_characters
from people.models import CheckIn, CheckInEvent, CheckInRating, LogEntry, Person
from people.models.checkins import RATE_LATEST_AGREED, Rating
from people.selectors.checkins import rated_competencies
from people.selectors.targets import current_level_of
from people.services.evidence_log import log_entries_freeze

State = CheckIn.State
Action = CheckInEvent.Action
NOTE_MAX = 2000
REASON_MAX = 500


class CheckInError(Exception):
    """A change refused for a reason the person can act on; nothing was written."""


def _event(check_in: CheckIn, actor, action, from_state, note=""):
    CheckInEvent.objects.create(
        check_in=check_in,
        actor=actor,
        action=action,
        from_state=from_state,
        to_state=check_in.state,
        note=note,
    )


def _locked(check_in: CheckIn, revision: int | None) -> CheckIn:
    """The check-in's row, locked until the transaction ends, checked for staleness."""
    locked = CheckIn.objects.select_for_update().get(pk=check_in.pk)
    if revision is not None and locked.revision != revision:
        raise CheckInError(
            f"This check-in changed since you opened it: it is now “{locked.get_state_display()}”. "
            "Nothing was saved; reload to see the latest."
        )
    return locked


def _move(check_in: CheckIn, to_state: str, by: Person | None, action: str, note="", **fields):
    from_state = check_in.state
    check_in.state = to_state
    check_in.revision += 1
    check_in.step_since = timezone.now()
    for name, value in fields.items():
        setattr(check_in, name, value)
    check_in.save(update_fields=["state", "revision", "step_since", *fields])
    _event(check_in, by, action, from_state, note)


def _holders(manager: Person | None, person_id: int, hr) -> list[Person]:
    if manager is not None:
        return [manager]
    if hr is None:
        hr = Person.objects.still_here().filter(is_hr=True)
    return [someone for someone in hr if someone.pk != person_id]


def manager_side(check_in: CheckIn, *, hr=None) -> list[Person]:
    """Whom the manager's steps fall to: the manager, or every HR person but the
    person themselves for someone without one (``hr``, when read already)."""
    return _holders(check_in.manager, check_in.person_id, hr)


def manager_side_of(person: Person, *, hr=None) -> list[Person]:
    """Who would hold a check-in started with ``person`` now: as ``manager_side``."""
    return _holders(person.reviewing_manager, person.pk, hr)


def check_in_start(*, person: Person, by: Person) -> CheckIn:
    """Open a check-in of ``person`` against the rubric published now, at their level,
    with their manager (or HR, for someone without one). One open at a time."""
    with transaction.atomic():
        # Under a lock of the person's row, as departures, level and manager changes
        # take it: none of them slips between reading the person and starting.
        person = (
            Person.objects.select_for_update(of=("self",))
            .select_related("manager", "level__track", "level__version__ladder")
            .get(pk=person.pk)
        )
        if person.has_left:
            raise CheckInError(f"{person.name} has left the company.")
        level = current_level_of(person)
        if level is None:
            raise CheckInError(f"{person.name} has no level yet: HR sets it first.")
        competencies = rated_competencies(level)
        if not competencies:
            raise CheckInError(
                f"{level.code} states no expectation to rate: HR completes the rubric."
            )
        try:
            with transaction.atomic():
                check_in = CheckIn.objects.create(
                    person=person,
                    manager=person.reviewing_manager,
                    version=level.version,
                    level=level,
                    started_by=by,
                )
                CheckInRating.objects.bulk_create(
                    CheckInRating(check_in=check_in, competency=competency)
                    for competency in competencies
                )
                _event(check_in, by, Action.STARTED, "")
        except IntegrityError:
            raise CheckInError(
                f"{person.name} already has an open check-in: finish or cancel it first."
            ) from None
    return check_in


def _checked_ratings(check_in: CheckIn, ratings: dict, *, with_notes: bool) -> dict:
    """``ratings``: competency pk -> (rating, note). Every competency rated, each note
    one that can be stored."""
    ratings_rows = check_in.ratings.select_related("competency").order_by("competency__position")
    rows = {row.competency_id: row for row in ratings_rows}
    missing = [
        rows[pk].competency.name for pk in rows if ratings.get(pk, ("", ""))[0] not in Rating.values
    ]
    if missing:
        raise CheckInError(f"Rate every competency; still to rate: {', '.join(missing)}.")
    notes = [note for _, note in ratings.values()] if with_notes else []
    if any(len(note) > NOTE_MAX for note in notes):
        raise CheckInError(f"Keep each note under {NOTE_MAX} characters.")
    if any("\0" in note for note in notes):
        raise CheckInError("A note contains a NUL character (\\0), which cannot be stored.")
    return rows


def check_in_rate(
    *,
    check_in: CheckIn,
    by: Person,
    revision: int,
    ratings: dict,
    entries: list[LogEntry] | tuple = (),
) -> CheckIn:
    """The person's ratings (step 1, with log entries to attach, which are kept as they
    were from then on), or the manager's (step 2): each competency's rating and note."""
    with transaction.atomic():
        check_in = _locked(check_in, revision)
        if check_in.state not in (State.PERSON, State.MANAGER):
            raise CheckInError(f"This check-in is “{check_in.get_state_display()}”: no rating now.")
        rows = _checked_ratings(check_in, ratings, with_notes=True)
        side = "person" if check_in.state == State.PERSON else "manager"
        # A row whose notes HR redacted keeps none (the database holds it to that).
        redacted = [
            row.competency.name
            for pk, row in rows.items()
            if row.redacted_at and ratings[pk][1].strip()
        ]
        if redacted:
            raise CheckInError(
                f"HR redacted the notes on {', '.join(redacted)}: leave "
                f"{'its note' if len(redacted) == 1 else 'their notes'} empty."
            )
        for pk, row in rows.items():
            rating, note = ratings[pk]
            setattr(row, f"{side}_rating", rating)
            setattr(row, f"{side}_note", note.strip())
        CheckInRating.objects.bulk_update(rows.values(), [f"{side}_rating", f"{side}_note"])
        if side == "person":
            if any(entry.person_id != check_in.person_id for entry in entries):
                raise CheckInError("Attach entries of this person's own log.")
            check_in.entries.add(*entries)
            log_entries_freeze(entries=entries)
            _move(check_in, State.MANAGER, by, Action.PERSON_RATED)
        else:
            _move(check_in, State.AGREEING, by, Action.MANAGER_RATED)
    return check_in


def check_in_agree(*, check_in: CheckIn, by: Person, revision: int, agreed: dict) -> CheckIn:
    """The agreed rating of each competency (``agreed``: competency pk -> rating):
    the check-in is closed and kept as it was from then on."""
    with transaction.atomic():
        # The person's row first, as a change of manager takes it before their
        # check-ins: agreeing writes the date on it (Person.last_agreed_at). Not a key
        # lock: the events written meanwhile (their actor) still go through.
        people = Person.objects.select_for_update(no_key=True).filter(pk=check_in.person_id)
        list(people.values_list("pk"))
        check_in = _locked(check_in, revision)
        if check_in.state != State.AGREEING:
            raise CheckInError(
                f"This check-in is “{check_in.get_state_display()}”: nothing to agree now."
            )
        rows = _checked_ratings(
            check_in, {pk: (rating, "") for pk, rating in agreed.items()}, with_notes=False
        )
        for pk, row in rows.items():
            row.agreed_rating = agreed[pk]
        CheckInRating.objects.bulk_update(rows.values(), ["agreed_rating"])
        _move(check_in, State.CLOSED, by, Action.AGREED, ended_at=timezone.now(), ended_by=by)
    return check_in


def _checked_reason(reason: str) -> str:
    reason = reason.strip()
    if not reason:
        raise CheckInError("Say why the check-in is cancelled: both of you will read it.")
    if len(reason) > REASON_MAX or has_control_characters(reason):
        raise CheckInError(f"Give the reason in one line of at most {REASON_MAX} characters.")
    return reason


def check_in_cancel(*, check_in: CheckIn, by: Person | None, revision: int | None, reason: str):
    """End an open check-in without agreeing, saying why."""
    reason = _checked_reason(reason)
    with transaction.atomic():
        check_in = _locked(check_in, revision)
        if not check_in.is_open:
            raise CheckInError(f"This check-in is already “{check_in.get_state_display()}”.")
        _move(
            check_in,
            State.CANCELLED,
            by,
            Action.CANCELLED,
            reason,
            ended_at=timezone.now(),
            ended_by=by,
            cancel_reason=reason,
        )
    return check_in


def _why_outdated(check_in: CheckIn) -> str:
    """Why an open check-in no longer fits its person ("" if it still does)."""
    person = check_in.person
    if person.has_left:
        return f"{person.name} left the company."
    manager = person.reviewing_manager
    if (manager.pk if manager else None) != check_in.manager_id:
        who = manager.name if manager else "nobody (HR holds their check-ins)"
        return f"{person.name}'s manager changed to {who}: start a new check-in together."
    level, was = person.level, check_in.level
    if level is None or (level.track.key, level.code) != (was.track.key, was.code):
        now = level.code if level else "no level"
        return f"{person.name}'s level changed from {was.code} to {now}: what is rated changed."
    return ""


def check_ins_cancel_outdated(*, involving) -> int:
    """Cancel the open check-ins about or held by the people ``involving`` (pks) whose
    person left, or whose manager or level changed since they started, each saying
    why. Called in the transaction that made the change; how many it cancelled."""
    involving = list(involving)
    # Locked as they are read: one a step closes meanwhile is waited for and then no
    # longer open, instead of failing the change that called this.
    open_ones = (
        CheckIn.objects.select_for_update(of=("self",))
        .filter(state__in=CheckIn.OPEN_STATES)
        .filter(Q(person_id__in=involving) | Q(manager_id__in=involving))
        .select_related("person__manager", "person__level__track", "level__track")
        .order_by("pk")
    )
    cancelled = 0
    for check_in in open_ones:
        reason = _why_outdated(check_in)
        if reason:
            check_in_cancel(check_in=check_in, by=None, revision=None, reason=reason)
            cancelled += 1
    return cancelled


def check_in_notes_redact(*, rating: CheckInRating, by: Person, reason: str) -> CheckInRating:
    """HR empties one competency's notes of a check-in, ended or not (written about
    the wrong person, or holding what must not be kept): who, when and why are kept
    in their place and in its history. The ratings stay."""
    reason = reason.strip()
    if not reason:
        raise CheckInError("Say why the notes are redacted: everyone who reads it sees why.")
    if len(reason) > REASON_MAX or has_control_characters(reason):
        raise CheckInError(f"Give the reason in one line of at most {REASON_MAX} characters.")
    with transaction.atomic():
        # The check-in's row first, as every step locks it: a step writing these notes
        # and this redaction then go one after the other, never into a deadlock.
        check_in = CheckIn.objects.select_for_update().get(pk=rating.check_in_id)
        rating = CheckInRating.objects.select_for_update().get(pk=rating.pk)
        if rating.redacted_at is not None:
            raise CheckInError("These notes were redacted already: nothing was changed.")
        rating.person_note = rating.manager_note = ""
        rating.redacted_at, rating.redacted_by, rating.redaction_reason = timezone.now(), by, reason
        rating.save(
            update_fields=[
                "person_note",
                "manager_note",
                "redacted_at",
                "redacted_by",
                "redaction_reason",
            ]
        )
        _event(check_in, by, Action.REDACTED, check_in.state, reason)
    return rating


def check_ins_rate_people() -> None:
    """Write each person's ``last_agreed_beyond_all`` again from their latest agreed
    check-in, by the rule agreeing one applies: for check-ins written outside the
    workflow with their ratings after them (the demo's year of history), or a repair.
    Only the database's triggers write that column; this steps past the one that
    keeps saves of a stale Person from changing it."""
    with (
        transaction.atomic(),
        pgtrigger.ignore("people.Person:person_kept_columns"),
        connection.cursor() as cursor,
    ):
        # Statistics first: ratings written in bulk a moment ago may still look like an
        # empty table to the planner, which would then read them all for each person.
        cursor.execute("ANALYZE people_checkinrating")
        cursor.execute(RATE_LATEST_AGREED.format(where="p.last_agreed_at IS NOT NULL"))
