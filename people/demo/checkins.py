"""The demo's check-ins: a year of quarterly check-ins agreed with each person's manager
(the cadence HR asks on every ladder; every fourth person missed the last one),
the ratings growing from one to the next, so that where-I-stand is alive on first
sign-in; and a few open ones, so that Home has one waiting for the demo's engineer and
their manager.

The agreed ones are written in bulk, as if each step had happened on its day: the rows
are fixed and valid (the database's constraints still check each; its triggers only
guard changes to ended check-ins), and going through the services for every person
and quarter would make seed_demo several times slower."""

from datetime import datetime, time, timedelta

from django.utils import timezone

from ladders.models import Ladder
from people.models import CheckIn, CheckInCadence, CheckInEvent, CheckInRating, Person
from people.models.checkins import Rating
from people.selectors.checkins import rated_competencies
from people.selectors.targets import current_level_of
from people.services.checkins import check_in_rate, check_in_start, check_ins_rate_people

# Days ago each agreed check-in closed, oldest first: a year at a quarterly cadence.
AGREED_DAYS_AGO = (330, 240, 150, 60)
SCALE = [Rating.NOT_YET, Rating.MEETS, Rating.BEYOND]
Action = CheckInEvent.Action


def _agreed_step(person_number: int, competency_number: int, check_in_number: int) -> int:
    """Growth from one check-in to the next, as a step of ``SCALE``: each competency
    starts at "not yet" or "meets" and climbs; every seventh person is "beyond"
    everywhere by the last one."""
    if person_number % 7 == 0 and check_in_number == len(AGREED_DAYS_AGO) - 1:
        return 2
    start = 1 if (person_number + competency_number) % 3 == 0 else 0
    step = (check_in_number + (person_number + competency_number) % 2) // 2
    return min(2, start + step)


def _at(day) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(15)))


def seed_check_ins(*, today, engineer_email: str) -> int:
    """Write the demo's check-ins once; a second run finds them and changes nothing.
    Returns how many were written."""
    if CheckIn.objects.exists():
        return 0
    people = list(
        Person.objects.still_here()
        .filter(level__isnull=False)
        .select_related("manager", "level__track", "level__version__ladder")
        .order_by("pk")
    )
    competencies_of: dict[int, list] = {}
    check_ins, rated = [], []
    for n, person in enumerate(people):
        level = current_level_of(person)
        if level is None:
            continue
        if level.pk not in competencies_of:
            competencies_of[level.pk] = rated_competencies(level)
        competencies = competencies_of[level.pk]
        if not competencies:
            continue
        manager = person.manager if person.manager and not person.manager.has_left else None
        # Every fourth person missed the last quarter's: due again, by the cadence.
        agreed_days_ago = AGREED_DAYS_AGO[:-1] if n % 4 == 3 else AGREED_DAYS_AGO
        for k, days_ago in enumerate(agreed_days_ago):
            started = today - timedelta(days=days_ago + 14 + n % 5)
            ended = today - timedelta(days=days_ago + n % 5)
            check_in = CheckIn(
                person=person,
                manager=manager,
                version=level.version,
                level=level,
                started_by=person,
                started_at=_at(started),
                state=CheckIn.State.CLOSED,
                revision=4,
                step_since=_at(ended),
                ended_at=_at(ended),
                ended_by=manager or person,
            )
            check_ins.append(check_in)
            for c, competency in enumerate(competencies):
                agreed = _agreed_step(n, c, k)
                rated.append(
                    (
                        check_in,
                        CheckInRating(
                            competency=competency,
                            person_rating=SCALE[agreed],
                            # The manager sometimes saw it a step lower, before they agreed.
                            manager_rating=SCALE[max(0, agreed - (c + k) % 2)],
                            agreed_rating=SCALE[agreed],
                        ),
                    )
                )
    CheckIn.objects.bulk_create(check_ins)
    for check_in, rating in rated:
        rating.check_in = check_in
    CheckInRating.objects.bulk_create(rating for _, rating in rated)
    # Agreed before their ratings were written: who looks ready is read from them now.
    check_ins_rate_people()
    events = []
    for check_in in check_ins:
        steps = (
            (Action.STARTED, "", CheckIn.State.PERSON),
            (Action.PERSON_RATED, CheckIn.State.PERSON, CheckIn.State.MANAGER),
            (Action.MANAGER_RATED, CheckIn.State.MANAGER, CheckIn.State.AGREEING),
            (Action.AGREED, CheckIn.State.AGREEING, CheckIn.State.CLOSED),
        )
        for i, (action, before, after) in enumerate(steps):
            actor = check_in.person if i < 2 else (check_in.manager or check_in.person)
            # Spread over the fortnight from its start to its close (``step_since``).
            at = check_in.started_at + (check_in.step_since - check_in.started_at) * i / 3
            events.append(
                CheckInEvent(
                    check_in=check_in,
                    actor=actor,
                    action=action,
                    from_state=before,
                    to_state=after,
                    at=at,
                )
            )
    CheckInEvent.objects.bulk_create(events)
    _cadences(today)
    return len(check_ins) + _open_ones(engineer_email)


def _cadences(today) -> None:
    """HR asked every ladder's people for a check-in every quarter, a year ago."""
    hr = Person.objects.filter(is_hr=True).order_by("pk").first()
    CheckInCadence.objects.bulk_create(
        CheckInCadence(
            ladder=ladder,
            months=CheckInCadence.Every.QUARTER,
            set_by=hr,
            set_at=_at(today - timedelta(days=365)),
        )
        for ladder in Ladder.objects.order_by("pk")
    )


def _open_ones(engineer_email: str) -> int:
    """The engineer's own check-in, waiting for their ratings; and a teammate's,
    rated and waiting for their manager."""
    engineer = Person.objects.select_related("manager").get(email=engineer_email)
    check_in_start(person=engineer, by=engineer.manager or engineer)
    teammate = (
        Person.objects.still_here()
        .filter(manager=engineer.manager, level__isnull=False)
        .exclude(pk=engineer.pk)
        .order_by("name")
        .first()
    )
    if teammate is None:
        return 1
    waiting = check_in_start(person=teammate, by=teammate)
    check_in_rate(
        check_in=waiting,
        by=teammate,
        revision=waiting.revision,
        ratings={r.competency_id: (Rating.MEETS, "") for r in waiting.ratings.all()},
    )
    return 2
