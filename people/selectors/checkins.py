"""Reads of check-ins that pages share."""

from dataclasses import dataclass

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
