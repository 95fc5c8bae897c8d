"""Numbers about calibration and dual-track parity.

Each function returns ``Table``s: the same rows feed the chart, the accessible
table beneath it and the CSV download. Counting happens in PostgreSQL with a
fixed number of queries whatever the organisation's size; medians are taken in
Python over one column."""

import math
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from statistics import median

from django.conf import settings
from django.db.models import Count, Exists, F, OuterRef, Q, Subquery
from django.utils import timezone

from ladders.models import Level, Track
from people.models import (
    CalibrationCycle,
    LevelChange,
    Person,
    PersonAttribute,
    Proposal,
)
from people.selectors.tallies import days_in_level, tallies
from people.selectors.wrapped import rows_around

DECIDED = Q(state__in=Proposal.DECIDED_STATES)
APPROVED = Q(state=Proposal.State.APPROVED)
# A manager's rate this far (in points) from the cycle's, over enough decisions, is flagged.
IC, MANAGEMENT = Track.Kind.IC, Track.Kind.MANAGEMENT
FLAG_DISTANCE = 0.25
FLAG_MIN_DECIDED = 3


@dataclass
class Table:
    key: str
    title: str
    headers: list[str]
    rows: list[list] = field(default_factory=list)
    # {"type": "bar", "labels": [...], "series": {name: [...]}}, with "unit": "%" for rates.
    chart: dict | None = None
    note: str = ""
    # The rows the page shows when not all of them (the CSV download has every row).
    on_page: list[list] | None = None
    # The table's number that matters, in a sentence: the page's headline leads with it.
    summary: str = ""
    # A column whose non-empty cells are badged (the managers' "Flag").
    badge: str = ""
    # Said instead of a chart with nothing to draw, over a table of zeros.
    nothing_to_draw: str = "Nothing to draw: every number below is zero or missing."
    # Said instead of a table without rows ("" for the page's own words).
    empty: str = ""

    @property
    def shown(self) -> list[list]:
        return self.rows if self.on_page is None else self.on_page

    @property
    def drawable(self) -> bool:
        """Whether the chart has a bar or point to draw: a rate of 0% is one, a count
        of 0 is none."""
        if not self.chart:
            return False
        values = [v for series in self.chart["series"].values() for v in series]
        if self.chart.get("unit") == "%":
            return any(v is not None for v in values)
        return any(values)


def rate(approved: int, decided: int) -> float | None:
    return approved / decided if decided else None


def percent(value: float | None) -> str:
    """A share as a whole percentage, a half rounded up as people do by hand (12.5%
    is 13%; Python's own formatting rounds it to the even 12%)."""
    if value is None:
        return "—"
    # Rounded first to nine places, so 0.145 (14.499999999999998 in binary) is 15%.
    # Plain floats: the managers' table calls this thousands of times (Decimal took 3x).
    return f"{math.floor(round(value * 100, 9) + 0.5)}%"


SHORT = {IC: "IC", MANAGEMENT: "management"}


def _sentence(text: str) -> str:
    return text[:1].upper() + text[1:] + "."


def _rates_sentence(by_kind: dict[str, tuple[int, int]], prefix="") -> str:
    """Says "IC approval rate 67%, management 50%" from ``{kind: (approved, decided)}``;
    a kind without proposals is left out, one without a decision says so."""
    present = [k for k in (IC, MANAGEMENT) if k in by_kind]
    rated = [k for k in present if by_kind[k][1]]
    if not present:
        return ""
    if not rated:
        return _sentence(prefix + "no decision yet")
    rates = [f"{SHORT[k]} {percent(rate(*by_kind[k]))}" for k in rated]
    text = f"{SHORT[rated[0]]} approval rate {percent(rate(*by_kind[rated[0]]))}"
    text += "".join(f", {r}" for r in rates[1:])
    text += "".join(f"; no {SHORT[k]} decision yet" for k in present if k not in rated)
    return _sentence(prefix + text)


def _days_sentence(days: dict[str, list[int]], suffix="", *, both=False) -> str:
    """Says "Median time in level before promotion: IC 580 days, management 400" from
    the days of each promotion per track kind; ``both``: also which kind had none."""
    medians = [(k, round(median(days[k]))) for k in (IC, MANAGEMENT) if days.get(k)]
    if not medians:
        return ""
    parts = [f"{SHORT[k]} {d}" + (" days" if i == 0 else "") for i, (k, d) in enumerate(medians)]
    missing = [k for k in (IC, MANAGEMENT) if both and not days.get(k)]
    text = "Median time in level before promotion: " + ", ".join(parts) + suffix
    return _sentence(text + "".join(f"; no {SHORT[k]} promotion" for k in missing))


def _grades(grades: list[int]) -> str:
    """[2, 6, 7] -> "grades 2, 6-7"; [6] -> "grade 6"."""
    runs: list[list[int]] = []
    for g in grades:
        if runs and g == runs[-1][-1] + 1:
            runs[-1].append(g)
        else:
            runs.append([g])
    text = ", ".join(str(r[0]) if len(r) == 1 else f"{r[0]}-{r[-1]}" for r in runs)
    return f"grade{'s' if len(grades) > 1 else ''} {text}"


def _people(n: int, word: str) -> str:
    return f"{'one' if n == 1 else n} {word}{'' if n == 1 else 's'}"


def _gaps_sentence(counts: dict[tuple[int, str], int], prefix="") -> str:
    """Where the IC track stops short: grades with managers and no IC, from
    ``{(grade, kind): people}``; "" when every such grade has ICs too."""
    gaps = sorted(
        {g for g, _ in counts if counts.get((g, MANAGEMENT), 0) and not counts.get((g, IC), 0)}
    )
    if not gaps:
        return ""
    managers = [counts[(g, MANAGEMENT)] for g in gaps]
    if len(gaps) > 1 and len(set(managers)) == 1:
        there = _people(managers[0], "manager") + " each"
    else:
        there = _people(sum(managers), "manager")
    return _sentence(f"{prefix}no IC at {_grades(gaps)}; {there}")


def _rate_rows(grouped, label):
    rows = []
    for group in grouped:
        r = rate(group["approved"], group["decided"])
        rows.append([label(group), group["total"], group["decided"], group["approved"], percent(r)])
    return rows


def _rate_table(key, title, proposals, group_by, label, first_header, summary=None):
    """``summary``, if given, makes the headline's sentence from the grouped counts."""
    grouped = list(
        proposals.values(*group_by)
        .annotate(
            total=Count("pk"),
            decided=Count("pk", filter=DECIDED),
            approved=Count("pk", filter=APPROVED),
        )
        .order_by(*group_by)
    )
    rows = _rate_rows(grouped, label)
    return Table(
        key=key,
        title=title,
        headers=[first_header, "Proposals", "Decided", "Approved", "Approval rate"],
        rows=rows,
        chart=_approvals_chart(rows, x=first_header),
        summary=summary(grouped) if summary else "",
    )


def _rates_by_kind(grouped) -> str:
    by_kind: dict[str, tuple[int, int]] = {}
    for g in grouped:
        approved, decided = by_kind.get(g["target_level__track__kind"], (0, 0))
        by_kind[g["target_level__track__kind"]] = (
            approved + g["approved"],
            decided + g["decided"],
        )
    return _rates_sentence(by_kind)


def as_points(value: float | None) -> int | None:
    """A rate as a whole percentage for a chart; no decision is no point, not 0."""
    return None if value is None else round(value * 100)


def _approvals_chart(rows, *, x) -> dict:
    """Approval rates, in percent on an axis to 100, from rows made by ``_rate_rows``.
    The counts behind each rate stand in the table beneath."""
    return {
        "type": "bar",
        "labels": [row[0] for row in rows],
        "series": {"Approval rate": [as_points(rate(row[3], row[2])) for row in rows]},
        "unit": "%",
        "axes": {"x": x, "y": "Approval rate (% of decided proposals)"},
    }


def _suppressed_note(hidden: int) -> str:
    note = f"Groups of fewer than {min_group()} people are not shown"
    return note + (
        f" ({hidden} {'person' if hidden == 1 else 'people'} left out)." if hidden else "."
    )


def filter_cycle_proposals(cycle, *, track="", grade="", manager=""):
    proposals = cycle.proposals.all()
    if track:
        proposals = proposals.filter(track_key=track)
    if str(grade).isdigit():
        proposals = proposals.filter(target_level__grade=int(grade))
    if manager:
        proposals = proposals.filter(person__manager__uid=manager)
    return proposals


def cycle_tables(cycle, *, track="", grade="", manager="", attribute="") -> list[Table]:
    """The calibration dashboard of one cycle, filtered."""
    proposals = filter_cycle_proposals(cycle, track=track, grade=grade, manager=manager)
    tables = [_states(proposals)]
    tables.append(
        _rate_table(
            "by-track",
            "Approval rate by track",
            proposals,
            # The kind rides along (a track has one) for the headline's IC and management.
            ["target_level__track__name", "target_level__track__kind"],
            lambda g: g["target_level__track__name"],
            "Track",
            summary=_rates_by_kind,
        )
    )
    tables.append(
        _rate_table(
            "by-grade",
            "Approval rate by target grade",
            proposals,
            ["target_level__grade"],
            lambda g: f"Grade {g['target_level__grade']}",
            "Target grade",
        )
    )
    # Managers are measured against the cycle as the other filters shape it: filtering
    # on one manager must not make them their own yardstick.
    baseline = filter_cycle_proposals(cycle, track=track, grade=grade)
    tables.append(_managers(cycle, baseline, only=manager))
    tables.append(_time_in_level(proposals))
    tables.append(_distribution(cycle, track=track, grade=grade, manager=manager))
    if attribute:
        tables.append(_attribute_breakdown(proposals, attribute))
    return tables


def _states(proposals) -> Table:
    counts = dict(proposals.values_list("state").annotate(n=Count("pk")).order_by())
    rows = [
        [label, counts.get(value, 0)] for value, label in Proposal.State.choices if value != "draft"
    ]
    total = sum(r[1] for r in rows)
    decided = sum(counts.get(state, 0) for state in Proposal.DECIDED_STATES)
    withdrawn = counts.get(Proposal.State.WITHDRAWN, 0)
    if total:
        summary = f"{_people(total, 'proposal')}: {decided} decided, {total - decided - withdrawn} "
        summary += "still open" + (f", {withdrawn} withdrawn" if withdrawn else "")
    else:
        summary = "no proposal yet"
    return Table(
        key="by-state",
        title="Proposals by state",
        headers=["State", "Proposals"],
        rows=rows,
        chart={
            "type": "bar",
            "labels": [r[0] for r in rows],
            "series": {"Proposals": [r[1] for r in rows]},
            "axes": {"x": "State", "y": "Proposals"},
        },
        summary=_sentence(summary),
    )


MANAGERS_ON_PAGE = 50


def _effective_start(cycle) -> datetime:
    """The start of the day the cycle's level changes take effect, where the company is."""
    return timezone.make_aware(datetime.combine(cycle.effective_on, time()))


def _gone_by(moment):
    """The keys of the people who had left the company before ``moment``: few, so they
    are ruled out by key (joining everyone's row to read who left doubled the cost of
    the distribution's count)."""
    return Person.objects.filter(left_at__lt=moment).values("pk")


def _managers(cycle, proposals, *, only="") -> Table:
    """Per manager of people on the cycle's ladder, including those who put nobody
    forward: nominations (proposals per direct report on the ladder) and approval
    rate, each beside the cycle's, flagged when far from it with enough behind it.
    ``only``: show just this manager's row (still measured against everyone). A team
    is the people with the company on the cycle's effective date, and only their
    proposals count: one who had left counts neither as a report nor a nomination."""
    gone = _gone_by(_effective_start(cycle))
    proposals = proposals.exclude(person__in=gone)
    grouped = {
        g["person__manager"]: g
        for g in proposals.values("person__manager").annotate(
            total=Count("pk"),
            decided=Count("pk", filter=DECIDED),
            approved=Count("pk", filter=APPROVED),
        )
    }
    sizes = (
        Person.objects.exclude(pk__in=gone)
        .filter(level__version__ladder=cycle.ladder, manager__isnull=False)
        .values("manager")
        .annotate(size=Count("pk"))
        .order_by()
    )
    # Each team's manager joined once its people are counted: grouped by the
    # manager's name, PostgreSQL sorted everyone's rows by it (7 ms to 5 ms at 10,000).
    teams = [
        {"manager": pk, "manager__uid": uid, "manager__name": name, "size": size}
        for pk, uid, name, size in rows_around(
            sizes,
            """SELECT manager.id, manager.uid, manager.name, team.size
            FROM ({inner}) AS team
            JOIN people_person AS manager ON manager.id = team.manager
            ORDER BY manager.name, manager.uid""",
        )
    ]
    # The cycle's totals are its teams' (people without a manager grouped under None).
    totals = {
        column: sum(group[column] for group in grouped.values())
        for column in ("decided", "approved", "total")
    }
    cycle_rate = rate(totals["approved"], totals["decided"])
    cycle_nomination = totals["total"] / (sum(t["size"] for t in teams) or 1)
    empty = {"total": 0, "decided": 0, "approved": 0}
    rows = []
    for team in teams:
        if only and str(team["manager__uid"]) != str(only):
            continue
        g = grouped.get(team["manager"], empty)
        nomination = g["total"] / team["size"]
        r = rate(g["approved"], g["decided"])
        flags = []
        if (
            g["decided"] >= FLAG_MIN_DECIDED
            and r is not None
            and cycle_rate is not None
            and abs(r - cycle_rate) >= FLAG_DISTANCE
        ):
            flags.append(f"approval {percent(r)} vs cycle {percent(cycle_rate)}")
        # Judged over the team, so a manager who puts forward few of many is flagged too.
        if team["size"] >= FLAG_MIN_DECIDED and abs(nomination - cycle_nomination) >= FLAG_DISTANCE:
            flags.append(
                f"nominations {percent(nomination)} of team vs {percent(cycle_nomination)}"
            )
        rows.append(
            [
                team["manager__name"],
                team["size"],
                g["total"],
                percent(nomination),
                g["decided"],
                g["approved"],
                percent(r),
                "; ".join(flags),
            ]
        )
    on_page, order = None, ""
    if len(rows) > MANAGERS_ON_PAGE:
        # A large organisation has a manager per handful of people: the page leads
        # with those to look at (flagged, then the most proposals), the CSV has all.
        on_page = sorted(rows, key=lambda row: (not row[-1], -row[2], row[0]))
        on_page = on_page[:MANAGERS_ON_PAGE]
        order = " Shown here: the flagged managers first, then those with the most proposals."
    flagged = [row[0] for row in rows if row[-1]]
    if flagged:
        names = ", ".join(flagged[:3]) + (
            f" and {len(flagged) - 3} more" if len(flagged) > 3 else ""
        )
        summary = f"{_people(len(flagged), 'manager')} flagged: {names}"
    else:
        summary = "no manager flagged" if rows else ""
    return Table(
        key="by-manager",
        title="Managers: nominations and approvals",
        on_page=on_page,
        summary=_sentence(summary) if summary else "",
        badge="Flag",
        headers=[
            "Manager",
            "Direct reports on the ladder",
            "Proposals",
            "Proposals per report",
            "Decided",
            "Approved",
            "Approval rate",
            "Flag",
        ],
        rows=rows,
        note=f"Cycle: approval rate {percent(cycle_rate)}, {percent(cycle_nomination)} of people "
        f"put forward. Flagged: an approval rate {FLAG_DISTANCE:.0%} or more away from the cycle's "
        f"over at least {FLAG_MIN_DECIDED} decisions, or nominations as far from the cycle's "
        f"in a team of at least {FLAG_MIN_DECIDED}.{order}",
    )


def _time_in_level(proposals) -> Table:
    """Days people had been at their level when promoted, per target track."""
    approved = (
        proposals.filter(APPROVED, kind=Proposal.Kind.PROMOTION, level_since__isnull=False)
        .annotate(held=days_in_level())
        .values_list("target_level__track__name", "target_level__track__kind", "held")
    )
    days: dict[str, list[int]] = {}
    by_kind: dict[str, list[int]] = {}
    for track, kind, held in approved:
        days.setdefault(track, []).append(held)
        by_kind.setdefault(kind, []).append(held)
    rows = [
        [track, len(values), round(median(values)), min(values), max(values)]
        for track, values in sorted(days.items())
    ]
    return Table(
        key="time-in-level",
        title="Time in level at promotion (days)",
        headers=["Track", "Promotions", "Median", "Shortest", "Longest"],
        rows=rows,
        chart={
            "type": "bar",
            "labels": [r[0] for r in rows],
            "series": {"Median days": [r[2] for r in rows]},
            "axes": {"x": "Track promoted on", "y": "Median days in level"},
        },
        summary=_days_sentence(by_kind),
    )


def _levels_of(ladder) -> dict[int, tuple]:
    """Runs one query. Each level of any version of ``ladder``, by key: (grade, track
    name, track key, track kind). The history below is read as level keys and named
    here, which spares each of its queries the joins and PostgreSQL the wider rows."""
    return {
        pk: (grade, name, key, kind)
        for pk, grade, name, key, kind in Level.objects.filter(version__ladder=ladder).values_list(
            "pk", "grade", "track__name", "track__key", "track__kind"
        )
    }


def _standing_before(changes, moment) -> list[tuple[int, int]]:
    """Runs one query. Where everyone stood just before ``moment`` by their latest of
    ``changes``: (level key, people) per level, counted in PostgreSQL (a row per
    level, not one per person)."""
    latest = (
        changes.filter(changed_at__lt=moment)
        .order_by("person_id", "-changed_at", "-pk")
        .distinct("person_id")
        .values("level_id")
    )
    # Counted straight over each person's latest level: joined back by key, as the ORM
    # would, it took twice as long (26 ms to 14 ms at 10,000 people).
    return rows_around(
        latest, "SELECT latest.level_id, COUNT(*) FROM ({inner}) AS latest GROUP BY 1"
    )


def _changed_on(changes, day_start):
    """Runs one query. Each person whose level changed on the day from ``day_start``:
    (the key of their level before it, None if they had none; of their last of the
    day)."""
    earlier = changes.filter(person=OuterRef("person_id"), changed_at__lt=day_start).order_by(
        "-changed_at", "-pk"
    )
    return (
        changes.filter(changed_at__gte=day_start, changed_at__lt=day_start + timedelta(days=1))
        .order_by("person_id", "-changed_at", "-pk")
        .distinct("person_id")
        .annotate(was=Subquery(earlier.values("level_id")[:1]))
        .values_list("was", "level_id")
    )


def _standing_now(levels, moment, manager) -> list[tuple[int, int]]:
    """Runs one query. Where everyone who will still be here at ``moment`` stands now,
    on one of ``levels``: (level key, people) per level, from each person's own level."""
    people = Person.objects.filter(level_id__in=list(levels)).exclude(left_at__lt=moment)
    if manager:
        people = people.filter(manager__uid=manager)
    return list(people.values_list("level_id").annotate(n=Count("pk")).order_by())


def _before_and_after(cycle, *, track="", manager=""):
    """Runs three or four queries. People of the cycle's ladder per (grade, track
    name), the day before its effective date and on it; approvals not applied yet are
    counted where they will land. Who had left the company by then is not counted.
    Also each track's kind, by its name."""
    start = _effective_start(cycle)
    levels = _levels_of(cycle.ladder)
    kinds: dict[str, str] = {}  # track name -> kind, for the headline

    def counted(level_id):
        """(grade, track name) where a person at ``level_id`` counts; None: nowhere
        (no level, or one of another ladder, or of a track the filter leaves out)."""
        if level_id not in levels:
            return None
        g, t, key, kind = levels[level_id]
        kinds[t] = kind
        return (g, t) if not track or key == track else None

    gone = _gone_by(start)
    if start > timezone.now():
        # The day is ahead (an open cycle's, as a rule): no level change is dated
        # after the moment it is made, so the day before stands as today, and each
        # person's level says where (one pass over everyone, not their history).
        standing, changed_on_the_day = _standing_now(levels, start, manager), []
    else:
        # Read over every ladder: someone who moved to another ladder has left this one.
        changes = LevelChange.objects.exclude(person__in=gone)
        if manager:
            changes = changes.filter(person__manager__uid=manager)
        standing, changed_on_the_day = _standing_before(changes, start), _changed_on(changes, start)

    # The track filter applies to where each person stands: someone who left the
    # track is no longer on it.
    before: dict[tuple, int] = {}
    for level_id, n in standing:
        if (where := counted(level_id)) is not None:
            before[where] = before.get(where, 0) + n

    # On the day, from there: those whose level changed that day, and the approvals
    # still to apply, from their current level to their target.
    pending = cycle.proposals.filter(APPROVED, applied_at__isnull=True).exclude(person__in=gone)
    if manager:
        pending = pending.filter(person__manager__uid=manager)
    after = dict(before)
    for old, new in [
        *changed_on_the_day,
        *pending.values_list("current_level_id", "target_level_id"),
    ]:
        if (where := counted(old)) is not None:
            after[where] = after.get(where, 0) - 1
        if (where := counted(new)) is not None:
            after[where] = after.get(where, 0) + 1
    return before, after, kinds


def _distribution(cycle, *, track="", grade="", manager="") -> Table:
    """Runs three or four queries (``_before_and_after``): the distribution as a table."""
    before, after, kinds = _before_and_after(cycle, track=track, manager=manager)
    # IC tracks first, as on every other chart, so each track keeps its colour.
    tracks = sorted(
        {t for _, t in before} | {t for _, t in after}, key=lambda t: (kinds[t] != IC, t)
    )
    grades = sorted({g for g, _ in before} | {g for g, _ in after})
    if str(grade).isdigit():
        grades = [g for g in grades if g == int(grade)]
    rows = [
        [f"Grade {g}"]
        + [value for t in tracks for value in (before.get((g, t), 0), after.get((g, t), 0))]
        for g in grades
    ]
    headers = ["Grade"] + [f"{t}: {when}" for t in tracks for when in ("before", "after")]
    series = {
        f"{t} ({when})": [row[1 + 2 * i + j] for row in rows]
        for i, t in enumerate(tracks)
        for j, when in enumerate(("before", "after"))
    }
    after_by_kind: dict[tuple[int, str], int] = {}
    for (g, t), n in after.items():
        if g in grades:
            after_by_kind[(g, kinds[t])] = after_by_kind.get((g, kinds[t]), 0) + n
    return Table(
        key="distribution",
        title=f"People by grade and track, before and after {cycle.effective_on:%d %b %Y}",
        headers=headers,
        rows=rows,
        # Each track's before and after are one hue, light then dark (charts.js).
        chart={
            "type": "bar",
            "labels": [r[0] for r in rows],
            "series": series,
            "paired": True,
            "axes": {"x": "Grade", "y": "People"},
        },
        summary=_gaps_sentence(after_by_kind, prefix="after this cycle, "),
    )


def min_group() -> int:
    return settings.INSIGHTS_MIN_GROUP


def _attribute_breakdown(proposals, name: str) -> Table:
    """Approval rate by an HR attribute. Groups of fewer people than the threshold are
    not shown (counted in people, not proposals: one person may have several), so no
    row can point at a person; how many were left out is said."""
    value = PersonAttribute.objects.filter(person=OuterRef("person"), name=name).values("value")[:1]
    grouped = list(
        proposals.annotate(group=Subquery(value))
        .values("group")
        .annotate(
            total=Count("pk"),
            people=Count("person", distinct=True),
            decided=Count("pk", filter=DECIDED),
            approved=Count("pk", filter=APPROVED),
        )
        .order_by("group")
    )
    shown = [g for g in grouped if g["people"] >= min_group()]
    hidden = sum(g["people"] for g in grouped if g["people"] < min_group())
    rows = _rate_rows(shown, lambda g: g["group"] or "Not recorded")
    note = _suppressed_note(hidden)
    return Table(
        key="by-attribute",
        title=f"Approval rate by {name}",
        headers=[name.capitalize(), "Proposals", "Decided", "Approved", "Approval rate"],
        rows=rows,
        note=note,
        chart=_approvals_chart(rows, x=name.capitalize()),
    )


# Parity -------------------------------------------------------------------------


def parity_tables(ladder, *, attribute="") -> list[Table]:
    """Can people reach the senior grades without becoming managers, as often and as
    fast? Headcount per grade and track, time to promotion and approval rates over
    the last cycles, and lateral moves each way."""
    recent = _recent_cycles(ladder)
    in_recent = {cycle["pk"] for cycle in recent}
    lateral = {"kind": Proposal.Kind.LATERAL, "state": Proposal.State.APPROVED}
    # The recent cycles' groups and every approved lateral move's, in one pass (each
    # pass counts the open cycle's proposals anew), then told apart.
    groups = tallies(ladder, Q(cycle_id__in=in_recent) | Q(**lateral))
    counted = [group for group in groups if group["cycle_id"] in in_recent]
    laterals = [group for group in groups if all(group[k] == v for k, v in lateral.items())]
    tables = [
        _headcount(ladder),
        _time_to_promotion(counted, _last_cycles(recent)),
        _trend(recent, counted),
        _laterals(laterals),
        _ready_not_proposed(ladder),
    ]
    if attribute:
        tables.append(_headcount_by_attribute(ladder, attribute))
    return tables


# Parity looks at this many of the ladder's latest cycles (those with proposals): recent
# enough to say how things stand, and bounded however long the history grows.
TREND_CYCLES = 6


def _recent_cycles(ladder):
    """Runs one query. The last cycles of the ladder that had proposals, oldest first."""
    has_proposals = Exists(Proposal.objects.filter(cycle=OuterRef("pk")))
    latest = (
        CalibrationCycle.objects.filter(has_proposals, ladder=ladder)
        .order_by("-effective_on", "-pk")
        .values("pk", "name")[:TREND_CYCLES]
    )
    return list(latest)[::-1]


def _headcount(ladder) -> Table:
    counts = (
        Person.objects.still_here()
        .filter(level__version__ladder=ladder)
        .values_list("level__grade", "level__track__kind")
        .annotate(n=Count("pk"))
        .order_by()
    )
    by = {(g, k): n for g, k, n in counts}
    grades = sorted({g for g, _ in by})
    rows = []
    for g in grades:
        ic, mgmt = by.get((g, IC), 0), by.get((g, MANAGEMENT), 0)
        share = ic / (ic + mgmt) if ic + mgmt else None
        rows.append([f"Grade {g}", ic, mgmt, percent(share)])
    return Table(
        key="headcount",
        title="People at each grade, by track",
        headers=["Grade", "Individual contributor", "Management", "Share on the IC track"],
        rows=rows,
        chart={
            "type": "bar",
            "labels": [r[0] for r in rows],
            "series": {
                "Individual contributor": [r[1] for r in rows],
                "Management": [r[2] for r in rows],
            },
            "axes": {"x": "Grade", "y": "People"},
        },
        summary=_gaps_sentence(by),
    )


def _last_cycles(recent) -> str:
    """ "last 3 cycles": as many as there are, up to ``TREND_CYCLES``."""
    if len(recent) == 1:
        return "last cycle"
    return f"last {len(recent) or TREND_CYCLES} cycles"


def _time_to_promotion(counted, last_cycles: str) -> Table:
    """Median days in level before an approved promotion in the last cycles (their
    ``tallies``; ``last_cycles`` says how many), per track kind and target grade."""
    days: dict[tuple, list[int]] = {}
    by_kind: dict[str, list[int]] = {}
    for group in counted:
        if (group["kind"], group["state"]) != (Proposal.Kind.PROMOTION, Proposal.State.APPROVED):
            continue
        held = group["days_in_level"]
        days.setdefault((group["to_grade"], group["to_kind"]), []).extend(held)
        by_kind.setdefault(group["to_kind"], []).extend(held)
    grades = sorted({g for g, _ in days})

    def cell(grade, kind):
        values = days.get((grade, kind))
        return round(median(values)) if values else "—"

    rows = [[f"Grade {g}", cell(g, IC), cell(g, MANAGEMENT)] for g in grades]
    return Table(
        key="time-to-promotion",
        title=f"Median days in level before promotion, by target grade ({last_cycles})",
        headers=["Promoted to", "Individual contributor", "Management"],
        rows=rows,
        chart={
            "type": "bar",
            "labels": [r[0] for r in rows],
            "series": {
                "Individual contributor": [r[1] if r[1] != "—" else None for r in rows],
                "Management": [r[2] if r[2] != "—" else None for r in rows],
            },
            "axes": {"x": "Promoted to", "y": "Median days in level"},
        },
        summary=_days_sentence(by_kind, suffix=f" ({last_cycles})", both=True),
    )


def _trend(recent, counted) -> Table:
    """Approval rate per track kind in each of the last cycles (``recent``, oldest
    first), from their ``tallies``."""
    counts: dict[tuple[int, str], tuple[int, int]] = {}
    for group in counted:
        key = (group["cycle_id"], group["to_kind"])
        approved, decided = counts.get(key, (0, 0))
        if group["state"] in Proposal.DECIDED_STATES:
            decided += group["proposals"]
            approved += group["proposals"] if group["state"] == Proposal.State.APPROVED else 0
        counts[key] = (approved, decided)
    totals: dict[str, tuple[int, int]] = {}
    for (_, kind), (approved, decided) in counts.items():
        all_approved, all_decided = totals.get(kind, (0, 0))
        totals[kind] = (all_approved + approved, all_decided + decided)

    def rate_of(cycle, kind):
        return rate(*counts[(cycle["pk"], kind)]) if (cycle["pk"], kind) in counts else None

    rows = [[c["name"], percent(rate_of(c, IC)), percent(rate_of(c, MANAGEMENT))] for c in recent]
    return Table(
        key="trend",
        title=f"Approval rate by track over the {_last_cycles(recent)}",
        headers=["Cycle", "Individual contributor", "Management"],
        rows=rows,
        chart={
            "type": "line",
            "labels": [r[0] for r in rows],
            "series": {
                "Individual contributor": [as_points(rate_of(c, IC)) for c in recent],
                "Management": [as_points(rate_of(c, MANAGEMENT)) for c in recent],
            },
            "unit": "%",
            "axes": {"x": "Cycle", "y": "Approval rate (% of decided proposals)"},
        },
        summary=_rates_sentence(totals, prefix=f"over the {_last_cycles(recent)}: ")
        if recent
        else "",
    )


def _laterals(approved) -> Table:
    """Approved lateral moves each way, from their ``tallies``."""
    moves: dict[str, int] = {}
    for group in approved:
        moves[group["from_kind"]] = moves.get(group["from_kind"], 0) + group["proposals"]
    rows = [
        ["Individual contributor → management", moves.get(IC, 0)],
        ["Management → individual contributor", moves.get(MANAGEMENT, 0)],
    ]
    to_management, to_ic = moves.get(IC, 0), moves.get(MANAGEMENT, 0)
    if to_management or to_ic:
        summary = (
            f"lateral moves approved: {to_management} from IC to management, {to_ic} the other way"
        )
    else:
        summary = "no lateral move approved yet, either way"
    return Table(
        key="laterals",
        title="Approved lateral moves, each way",
        headers=["Move", "People"],
        rows=rows,
        chart={
            "type": "bar",
            "labels": [r[0] for r in rows],
            "series": {"People": [r[1] for r in rows]},
            "axes": {"x": "Move", "y": "People"},
        },
        summary=_sentence(summary),
        nothing_to_draw="No lateral move approved yet: nothing to draw.",
    )


def _ready_not_proposed(ladder) -> Table:
    """Runs one query. Who looks ready by their latest agreed check-in (every
    competency "beyond" their current level, below the top of their track), by grade and
    track kind, and how many of them have a proposal open: are ICs who look ready put
    forward as often as managers who do? Groups of fewer people than the threshold are
    not shown, so no row points at a person."""
    higher = Level.objects.filter(
        track_id=OuterRef("level__track_id"), grade__gt=OuterRef("level__grade")
    )
    proposal_open = Proposal.objects.filter(person=OuterRef("pk"), state__in=Proposal.OPEN_STATES)
    # What each person's latest agreed check-in said, and at which level, is kept on the
    # person by the database (``last_agreed_beyond_all``, ``last_agreed_level``): that
    # level must be the one they hold now (the same code on the same track: a newer
    # version of the rubric may have been published since).
    ready = Person.objects.still_here().filter(
        Exists(higher),
        last_agreed_beyond_all=True,
        level__version__ladder=ladder,
        last_agreed_level__code=F("level__code"),
        last_agreed_level__track__key=F("level__track__key"),
    )
    groups = {
        (row["grade"], row["kind"]): (row["n"], row["put_forward"])
        for row in ready.values(grade=F("level__grade"), kind=F("level__track__kind"))
        .annotate(n=Count("pk"), put_forward=Count("pk", filter=Exists(proposal_open)))
        .order_by()
    }
    rows, hidden = [], 0
    for (grade, kind), (n, put_forward) in sorted(groups.items()):
        if n < min_group():
            hidden += n
            continue
        track = "Individual contributor" if kind == IC else "Management"
        rows.append([f"Grade {grade}", track, n, put_forward, n - put_forward])
    by_kind: dict[str, list[int]] = {IC: [0, 0], MANAGEMENT: [0, 0]}
    for (_, kind), (n, put_forward) in groups.items():
        by_kind[kind][0] += n
        by_kind[kind][1] += put_forward
    said = []
    for kind, word in ((IC, "IC"), (MANAGEMENT, "manager")):
        n, put_forward = by_kind[kind]
        if n == 0:
            said.append(f"no {word} looks ready")
        elif n < min_group():
            said.append(f"fewer than {min_group()} {word}s look ready")
        else:
            said.append(f"{n - put_forward} of {n} {word}s who look ready not yet proposed")
    return Table(
        key="ready",
        title="Ready by their last check-in, and proposed or not",
        headers=["Grade", "Track", "Look ready", "Proposed", "Not yet proposed"],
        rows=rows,
        note="Ready: every competency agreed “beyond” their level at their latest check-in, "
        "below the top of their track; proposed: a proposal open now. " + _suppressed_note(hidden),
        summary=_sentence("; ".join(said)),
        empty="Nobody looks ready yet."
        if not groups
        else f"Every group is smaller than {min_group()}: none is shown.",
    )


def _headcount_by_attribute(ladder, name: str) -> Table:
    """The IC share of the senior grades per attribute value (HR only, small groups hidden)."""
    value = PersonAttribute.objects.filter(person=OuterRef("pk"), name=name).values("value")[:1]
    grouped = list(
        Person.objects.still_here()
        .filter(level__version__ladder=ladder)
        .annotate(group=Subquery(value))
        .values("group")
        .annotate(
            total=Count("pk"),
            ic=Count("pk", filter=Q(level__track__kind=IC)),
            management=Count("pk", filter=Q(level__track__kind=MANAGEMENT)),
        )
        .order_by("group")
    )
    shown = [g for g in grouped if g["total"] >= min_group()]
    hidden = sum(g["total"] for g in grouped if g["total"] < min_group())
    rows = [
        [
            g["group"] or "Not recorded",
            g["total"],
            g["ic"],
            g["management"],
            percent(rate(g["ic"], g["total"])),
        ]
        for g in shown
    ]
    note = _suppressed_note(hidden)
    return Table(
        key="by-attribute",
        title=f"Tracks by {name}",
        headers=[
            name.capitalize(),
            "People",
            "Individual contributor",
            "Management",
            "Share on the IC track",
        ],
        rows=rows,
        note=note,
    )
