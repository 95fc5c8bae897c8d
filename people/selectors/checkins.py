"""Reads of check-ins that pages share."""

from dataclasses import dataclass

from django.db.models import Q
from django.forms import BoundField

from ladders.models import Expectation, Level
from people.models import CheckIn, CheckInRating


@dataclass
class RatedRow:
    """One competency of a check-in, with what its level expects and what the next
    level on the track expects (what "beyond" means); the fields of the step's form
    that stand on its row, when there is one."""

    rating: CheckInRating
    expects: str
    next_expects: str
    rating_field: BoundField | None = None
    note_field: BoundField | None = None


def check_in_rows(check_in: CheckIn) -> tuple[Level | None, list[RatedRow]]:
    """Runs three queries. The next level on the check-in's track (None at the top),
    and its competencies in the rubric's order."""
    ratings = list(check_in.ratings.select_related("competency").order_by("competency__position"))
    level = check_in.level
    following = (
        Level.objects.filter(track=level.track, grade__gt=level.grade).order_by("grade").first()
    )
    texts = {
        (e.level_id, e.competency_id): e.text
        for e in Expectation.objects.filter(level__in=[level, *([following] if following else [])])
    }
    rows = [
        RatedRow(
            rating=rating,
            expects=texts.get((level.pk, rating.competency_id), ""),
            next_expects=texts.get((following.pk, rating.competency_id), "") if following else "",
        )
        for rating in ratings
    ]
    return following, rows


CHECK_INS_SHOWN = 10


def check_ins_waiting_for(person) -> list[CheckIn]:
    """Runs one query. The open check-ins whose next step is ``person``'s, oldest step
    first: their own to rate, those they hold as manager to rate or agree, and for HR
    those of people without a manager (never their own)."""
    manager_side = Q(state__in=(CheckIn.State.MANAGER, CheckIn.State.AGREEING))
    theirs = Q(manager=person)
    if person.is_hr:
        theirs |= Q(manager__isnull=True) & ~Q(person=person)
    own = Q(person=person, state=CheckIn.State.PERSON)
    return list(
        CheckIn.objects.filter(own | (manager_side & theirs))
        .select_related("person", "level__track")
        .order_by("step_since", "pk")[:CHECK_INS_SHOWN]
    )
