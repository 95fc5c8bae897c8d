"""When a check-in is due: HR asks the people on a ladder for one every so many months
(their ladder's newest cadence), counted from their last agreed check-in or, before
their first, from when they took their level. The one home of that rule."""

from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from django.conf import settings
from django.db.models import (
    Case,
    Count,
    DateTimeField,
    Exists,
    F,
    Func,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Cast, Coalesce
from django.utils import timezone

from ladders.models import Ladder, LadderVersion
from people.models import CheckIn, CheckInCadence, Person, PersonQuerySet
from people.selectors.wrapped import rows_around


class PlusMonths(Func):
    """``moment`` plus so many calendar months, on the company's calendar
    (``TIME_ZONE``, not the database session's UTC): 31 Jan plus one month is 28 or
    29 Feb, and a level taken at midnight on 1 March is a month old at midnight on 1
    April, wherever the company is."""

    output_field = DateTimeField()

    def __init__(self, moment, months):
        super().__init__(moment, months, Value(settings.TIME_ZONE))

    def as_sql(self, compiler, connection, **extra_context):
        (moment, moment_params), (months, months_params), (zone, zone_params) = (
            compiler.compile(expression) for expression in self.get_source_expressions()
        )
        sql = (
            f"((({moment}) AT TIME ZONE {zone}) + make_interval(months => {months})) "
            f"AT TIME ZONE {zone}"
        )
        return sql, (*moment_params, *zone_params, *months_params, *zone_params)


def cadence_of(ladder_ref) -> Subquery:
    """The months between check-ins asked on the ladder ``ladder_ref`` points to (an
    OuterRef), or NULL where none is asked."""
    newest = CheckInCadence.objects.filter(ladder_id=ladder_ref).newest_first()
    return Subquery(newest.values("months")[:1])


def current_cadences() -> dict[int, int | None]:
    """Runs one query. Each ladder's newest cadence (months, or None), by ladder pk."""
    newest = CheckInCadence.objects.newest_per_ladder()
    return dict(newest.values_list("ladder_id", "months"))


def with_due(people: PersonQuerySet, *, cadences: dict[int, int | None] | None = None) -> QuerySet:
    """Annotate, in the same one query: ``check_in_every`` (months, or None),
    ``level_since``, ``due_at`` (None where no cadence is asked or they have no level)
    and ``has_open_check_in``; ``last_agreed_at`` is a column the database keeps.
    ``cadences`` (``current_cadences``), for many people at once: each ladder's cadence
    written into the query instead of looked up for every person."""
    if "level_since" not in people.query.annotations:
        people = people.with_level_since()
    ladder = "level__version__ladder_id"
    every: Subquery | Cast
    if cadences is None:
        every = cadence_of(OuterRef(ladder))
    else:
        asked = [When(**{ladder: pk}, then=Value(months)) for pk, months in cadences.items()]
        # Cast: with no ladder asking, the CASE is a bare NULL of no type.
        every = Cast(Case(*asked, default=None), IntegerField())
    open_ones = CheckIn.objects.filter(person=OuterRef("pk"), state__in=CheckIn.OPEN_STATES)
    return people.annotate(check_in_every=every, has_open_check_in=Exists(open_ones)).annotate(
        due_at=PlusMonths(Coalesce(F("last_agreed_at"), F("level_since")), F("check_in_every"))
    )


def due(people: PersonQuerySet, *, now=None) -> QuerySet:
    """Those of ``people`` still here whose check-in is due by ``now``, with none open."""
    return with_due(people.still_here()).filter(
        Q(due_at__lte=now or timezone.now()),
        level__isnull=False,
        has_open_check_in=False,
    )


@dataclass
class LadderCadence:
    ladder: Ladder  # with its name
    newest: CheckInCadence | None  # who set it, when; None: never set


def ladder_cadences() -> list[LadderCadence]:
    """Runs two queries. Each published ladder, by name, with its newest cadence."""
    published = LadderVersion.objects.published().values("ladder_id")
    ladders = list(Ladder.objects.filter(pk__in=published).with_name().order_by("name", "pk"))
    newest = {
        cadence.ladder_id: cadence
        for cadence in CheckInCadence.objects.filter(ladder__in=ladders)
        .select_related("set_by")
        .newest_per_ladder()
    }
    return [LadderCadence(ladder, newest.get(ladder.pk)) for ladder in ladders]


@dataclass
class TeamCheckIns:
    manager_uid: UUID | None  # None: people without a manager, who hold theirs with HR
    manager_name: str
    people: int  # still here, with a level
    agreed: int  # of them, with a check-in agreed within the window
    open: int  # with one open now
    due: int  # due by their ladder's cadence, none open

    NO_MANAGER = "No manager (with HR)"

    @property
    def name(self) -> str:
        return self.manager_name if self.manager_uid else self.NO_MANAGER


TOTALLED = ("people", "agreed", "open", "due")


def company_totals(teams: list[TeamCheckIns]) -> dict[str, int]:
    """The teams' counts added up: the whole company's (no one is in two teams)."""
    return {name: sum(getattr(team, name) for team in teams) for name in TOTALLED}


def check_ins_by_team(*, within_months: int, now=None) -> list[TeamCheckIns]:
    """Runs two queries, whatever the company's size. Each team (a manager's direct
    reports still here, with a level): how many agreed a check-in in the last
    ``within_months`` months, have one open, or are due one. The most due first."""
    now = now or timezone.now()
    # Calendar months, counted as the cadence is.
    since = PlusMonths(Value(now), Value(-within_months))
    # Reports of a manager who left hold their check-ins with HR: counted there.
    team = Case(When(manager__left_at__isnull=True, then=F("manager_id")), default=None)
    counts = (
        with_due(
            Person.objects.still_here().filter(level__isnull=False),
            cadences=current_cadences(),
        )
        .order_by()
        .annotate(team=team)
        .values("team")
        .annotate(
            people=Count("pk"),
            agreed=Count("pk", filter=Q(last_agreed_at__gte=since)),
            open=Count("pk", filter=Q(has_open_check_in=True)),
            due=Count("pk", filter=Q(due_at__lte=now, has_open_check_in=False)),
        )
    )
    # Each team's manager, joined once the people are counted (a company has
    # thousands of managers: asked for by key apart, they were a query as long as
    # the list).
    sql = """
        SELECT manager.uid, COALESCE(manager.name, ''), team.people, team.agreed, team.open,
            team.due
        FROM ({inner}) AS team
        LEFT JOIN people_person AS manager ON manager.id = team.team
    """
    teams = [TeamCheckIns(*row) for row in rows_around(counts, sql)]
    # The most due first, then by name (and uid, for two managers of one name);
    # the people without a manager before any manager of theirs.
    return sorted(
        teams, key=lambda team: (-team.due, team.manager_name.lower(), str(team.manager_uid or ""))
    )


def is_overdue(due_at: datetime | None) -> bool:
    """Whether a check-in due at ``due_at`` (None: none asked) should have been held by
    now; whether one is open already is for the caller to rule out."""
    return due_at is not None and due_at <= timezone.now()


@dataclass
class NextCheckIn:
    due_at: datetime
    every: str  # "every quarter"

    @property
    def overdue(self) -> bool:
        return is_overdue(self.due_at)


def next_check_in(person: Person) -> NextCheckIn | None:
    """Runs one query. When ``person``'s next check-in is due by their ladder's
    cadence; None where none is asked, they have no level, have left or one is open."""
    row = (
        with_due(Person.objects.still_here().filter(pk=person.pk))
        .values("due_at", "check_in_every", "has_open_check_in")
        .first()
    )
    if row is None or row["due_at"] is None or row["has_open_check_in"]:
        return None
    return NextCheckIn(row["due_at"], every_words(row["check_in_every"]))


def every_words(months: int) -> str:
    """ "every quarter", for a cadence of 3 months."""
    return CheckInCadence.Every(months).label.lower()
