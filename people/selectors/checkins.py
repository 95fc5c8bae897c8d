"""Reads of check-ins that pages share."""

from dataclasses import dataclass
from datetime import datetime

from django.core.cache import cache
from django.db.models import Count, Max, Q
from django.forms import BoundField

from ladders.models import Competency, Expectation, Level
from people.models import CheckIn, CheckInRating, Person
from people.models.checkins import Rating
from people.selectors.cadence import is_overdue, with_due
from people.selectors.standing import team_queryset

# Each rating's words, for ratings read as values (a blank one stays blank).
RATING_LABELS = dict(Rating.choices)


def rated_competencies(level: Level) -> list[Competency]:
    """Runs one query. The competencies ``level`` states an expectation for, in the
    rubric's order: what a check-in at that level rates."""
    return list(
        Competency.objects.filter(expectations__level=level).order_by("position", "pk").distinct()
    )


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
    ratings = list(
        check_in.ratings.select_related("competency", "redacted_by").order_by(
            "competency__position"
        )
    )
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


# How many agreed check-ins "where I stand" reads back: two years at a quarterly cadence.
STANDING_CHECK_INS = 8


@dataclass
class Move:
    """One agreed rating of a competency: when, at which level, which rating."""

    on: object  # a date
    level_code: str
    rating: str
    label: str


@dataclass
class CompetencyStanding:
    key: str
    name: str
    moves: list[Move]  # oldest first

    @property
    def latest(self) -> Move:
        return self.moves[-1]


@dataclass
class Standing:
    """Where a person stands per competency, from their agreed check-ins: each
    competency of the latest one with how its rating moved, and what is left before
    the next level (the competencies not yet "beyond")."""

    latest: CheckIn | None
    competencies: list[CompetencyStanding]
    following: Level | None = None
    # The latest agreed check-in rated a level the person has since left (a promotion):
    # it says nothing of readiness for the level after theirs.
    moved_on: bool = False

    @property
    def not_beyond(self) -> list[CompetencyStanding]:
        return [c for c in self.competencies if c.latest.rating != Rating.BEYOND]

    @property
    def looks_ready(self) -> bool:
        """Every competency "beyond" the level they hold, and a next level."""
        return (
            bool(self.competencies)
            and not self.not_beyond
            and self.following is not None
            and not self.moved_on
        )


def standing_by_competency(person) -> Standing:
    """Runs ``_read_standing``'s three queries the first time the process asks about
    ``person`` as their row now stands, none after (none either when they never agreed
    a check-in). Where they stand per competency (``_read_standing``).

    What it is read from never changes once written: agreed check-ins and their
    ratings are kept as they were (``models/checkins.py``), and their levels are
    published ones. What changes it is a newly agreed check-in, which moves the
    person's ``last_agreed_at`` (a trigger writes it as each is agreed), and a new
    level of their own, which may leave the latest check-in behind: both are in the
    person's row, which every page reads, and so in the key it is kept under."""
    if person.last_agreed_at is None:
        return Standing(latest=None, competencies=[])
    key = ":".join(
        str(part)
        for part in (
            "standing",
            person.pk,
            person.last_agreed_at.timestamp(),
            person.level_id,
        )
    )
    standing = cache.get(key)
    if standing is None:
        standing = _read_standing(person)
        # Kept for as long as there is room: a later state of the person has another key.
        cache.set(key, standing, timeout=None)
    return standing


def _read_standing(person) -> Standing:
    """Runs three queries (one when nothing was agreed yet). The competencies of the
    person's latest agreed check-in, each with its agreed ratings over the last
    ``STANDING_CHECK_INS`` agreed check-ins (a competency is followed by its key across
    versions and levels), and the level after the latest one's."""
    agreed = list(
        person.check_ins.filter(state=CheckIn.State.CLOSED)
        .select_related("level__track")
        .order_by("-ended_at", "-pk")[:STANDING_CHECK_INS]
    )
    if not agreed:
        return Standing(latest=None, competencies=[])
    latest = agreed[0]
    by_check_in = {check_in.pk: check_in for check_in in agreed}
    moves: dict[str, list[Move]] = {}
    # Values, not models: a year of check-ins is some eighty ratings, each with its
    # competency, and building those objects cost more than reading them.
    ratings = (
        CheckInRating.objects.filter(check_in__in=agreed)
        .order_by("check_in__ended_at", "check_in_id")
        .values_list(
            "check_in_id",
            "agreed_rating",
            "competency__key",
            "competency__position",
            "competency__name",
        )
    )
    names = {}
    for check_in_id, rating, key, position, name in ratings:
        check_in = by_check_in[check_in_id]
        moves.setdefault(key, []).append(
            Move(
                on=check_in.ended_at,
                level_code=check_in.level.code,
                rating=rating,
                label=RATING_LABELS.get(rating, rating),
            )
        )
        if check_in.pk == latest.pk:
            names[key] = (position, name)
    following = (
        Level.objects.filter(track=latest.level.track, grade__gt=latest.level.grade)
        .order_by("grade")
        .first()
    )
    competencies = [
        CompetencyStanding(key=key, name=name, moves=moves[key])
        for key, (_, name) in sorted(names.items(), key=lambda item: item[1])
    ]
    level = person.level
    moved_on = level is None or (level.track.key, level.code) != (
        latest.level.track.key,
        latest.level.code,
    )
    return Standing(
        latest=latest, competencies=competencies, following=following, moved_on=moved_on
    )


@dataclass
class TeamRow:
    """One report in their manager's team view: their latest agreed ratings in the
    order of the table's columns, when they were agreed, and any check-in open now."""

    person: Person
    # (competency name, rating value, its label; both "" where not rated) for each
    # column: the page writes each cell once, without looking for its rating among all
    # of them, and unpacks it (``rating.0`` in a template costs two exceptions a cell).
    cells: list[tuple[str, str, str]]
    agreed_on: object  # a datetime, or None
    open_one: CheckIn | None
    ready: bool
    due_at: datetime | None  # when a check-in is due by the ladder's cadence

    @property
    def overdue(self) -> bool:
        """Due by now, and none open."""
        return self.open_one is None and is_overdue(self.due_at)


@dataclass
class TeamLadder:
    """The reports on one ladder, with the competencies of its current version as the
    columns."""

    name: str
    competencies: list  # (key, name)
    rows: list[TeamRow]


def team_growth(manager: Person) -> list[TeamLadder]:
    """Runs six queries, whatever the team's size. ``manager``'s direct reports by
    ladder: each report's latest agreed check-in's ratings per competency, their open
    check-in and when their next is due. Someone looks ready when every competency
    they were rated on is "beyond" the level they hold now and their track has a next
    level."""
    reports = list(with_due(team_queryset(manager)))
    latest = {
        check_in.person_id: check_in
        for check_in in CheckIn.objects.filter(person__in=reports, state=CheckIn.State.CLOSED)
        .select_related("level__track")
        .order_by("person_id", "-ended_at", "-pk")
        .distinct("person_id")
    }
    ratings: dict[int, dict] = {}
    for check_in_id, key, rating in CheckInRating.objects.filter(
        check_in__in=latest.values()
    ).values_list("check_in_id", "competency__key", "agreed_rating"):
        ratings.setdefault(check_in_id, {})[key] = (rating, RATING_LABELS.get(rating, rating))
    open_ones = {
        check_in.person_id: check_in
        for check_in in CheckIn.objects.filter(person__in=reports, state__in=CheckIn.OPEN_STATES)
    }
    versions = {p.level.version_id for p in reports if p.level}
    tops = set(
        Level.objects.filter(version_id__in=versions)
        .values("track_id")
        .annotate(top=Max("grade"))
        .values_list("track_id", "top")
    )
    columns: dict[int, list] = {}
    for competency in Competency.objects.filter(version_id__in=versions).order_by("position"):
        columns.setdefault(competency.version_id, []).append((competency.key, competency.name))
    ladders: dict[str, TeamLadder] = {}
    for person in reports:
        if person.level is None:
            continue
        version = person.level.version
        table = ladders.setdefault(
            version.ladder.slug,
            TeamLadder(name=version.name, competencies=columns.get(version.pk, []), rows=[]),
        )
        check_in = latest.get(person.pk)
        rated = ratings.get(check_in.pk, {}) if check_in else {}
        at_top = (person.level.track_id, person.level.grade) in tops
        # "Beyond" the level they hold now, not one they have left since (by track key
        # and code: a new version of the ladder gives the same level a new row).
        at_their_level = check_in is not None and (
            check_in.level.track.key,
            check_in.level.code,
        ) == (person.level.track.key, person.level.code)
        table.rows.append(
            TeamRow(
                person=person,
                cells=[(name, *rated.get(key, ("", ""))) for key, name in table.competencies],
                agreed_on=check_in.ended_at if check_in else None,
                open_one=open_ones.get(person.pk),
                ready=bool(rated)
                and at_their_level
                and all(value == Rating.BEYOND for value, _ in rated.values())
                and not at_top,
                due_at=person.due_at,
            )
        )
    return list(ladders.values())


# Agreed check-ins a proposal's reviewers see: a year and more at a quarterly cadence.
PROPOSAL_CHECK_INS = 6


def agreed_history(person: Person) -> list[CheckIn]:
    """Runs one query. The person's latest agreed check-ins, newest first, each with how
    many competencies were agreed "beyond", "meets" and "not yet": what a proposal's
    reviewers (its calibrators among them) see of them, on the proposal's page."""

    def agreed(rating):
        return Count("ratings", filter=Q(ratings__agreed_rating=rating))

    return list(
        person.check_ins.filter(state=CheckIn.State.CLOSED)
        .select_related("level__track")
        .annotate(
            beyond=agreed(Rating.BEYOND), meets=agreed(Rating.MEETS), not_yet=agreed(Rating.NOT_YET)
        )
        .order_by("-ended_at", "-pk")[:PROPOSAL_CHECK_INS]
    )
