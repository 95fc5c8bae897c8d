"""The numbers behind Insights, on hand-built scenarios: a cycle's dashboard (states,
approval rates, managers and their flags, time in level, the distribution before and
after), its filters, the parity report, the HR-only breakdowns that hide small groups,
and the people import's attribute columns."""

from datetime import date, timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from django.utils.timesince import timesince

from people.models import CalibrationCycle, Person, PersonAttribute, Proposal
from people.selectors import insights
from people.selectors.insights import (
    FLAG_DISTANCE,
    FLAG_MIN_DECIDED,
    Table,
    cycle_tables,
    parity_tables,
    percent,
    rate,
)
from people.services.departures import person_deactivate
from people.services.levels import person_set_level
from people.services.people_import import ImportSummary, PeopleImportError, Problem, people_import
from people.services.workflow import (
    cycle_close,
)
from people.templatetags.insights import table_rows
from tests.builders import (
    EFFECTIVE,
    ladder_data,
    level,
    moment,
    open_cycle,
    person,
    propose,
    publish,
)
from tests.factories import PersonFactory

STATES = ["Submitted", "Endorsed", "Returned to author", "In calibration", "Approved"]
STATES += ["Not approved", "Withdrawn"]
IC, M = "Individual contributor", "Management 1"
BOTH_TRACKS = ["Grade", f"{IC}: before", f"{IC}: after", f"{M}: before", f"{M}: after"]


def tables(cycle, **filters):
    return {table.key: table for table in cycle_tables(cycle, **filters)}


def states(*counts):
    return [[label, n] for label, n in zip(STATES, counts, strict=True)]


@pytest.fixture
def engineering(db):
    """IC1-IC3 (grades 1-3) on "Individual contributor", M1-M3 (grades 2-4) on
    "Management 1"; three competencies."""
    return publish(ladder_data())


# Approval rates, managers and their flags --------------------------------------------

# Per manager, each of their reports' single proposal: (level, target, outcome).
# 19 proposals: 16 decided, 12 approved, so the cycle's approval rate is 75%.
FAIRNESS = {
    # 4 of 4: 25 points above the cycle, flagged.
    "Mia Alpha": [
        ("IC1", "IC2", "yes"),
        ("IC1", "IC2", "yes"),
        ("M1", "M2", "yes"),
        ("IC2", "IC3", "yes"),
    ],
    # 2 of 4: 25 points below, flagged.
    "Ned Beta": [
        ("IC1", "IC2", "yes"),
        ("IC2", "IC3", "no"),
        ("M1", "M2", "yes"),
        ("M2", "M3", "no"),
    ],
    # 50% too, but over only 2 decisions: no flag.
    "Oli Gamma": [("IC1", "IC2", "no"), ("M1", "M2", "yes")],
    "Pia Delta": [("IC1", "IC2", "open"), ("M2", "M3", "open"), ("IC1", "IC2", "withdrawn")],
    # 100% over 2: no flag.
    "Quinn Epsilon": [("IC2", "IC3", "yes"), ("M2", "M3", "yes")],
    # 75%, the cycle's own.
    "Rae Zeta": [
        ("IC1", "IC2", "yes"),
        ("M1", "M2", "yes"),
        ("M2", "M3", "yes"),
        ("M2", "M3", "no"),
    ],
}


@pytest.fixture
def fairness(engineering, director, hr):
    cycle = open_cycle(engineering, hr)
    for manager_name, proposals in FAIRNESS.items():
        boss = person(manager_name, director)
        for i, (code, target, outcome) in enumerate(proposals):
            someone = person(f"{manager_name.split()[0]} Report {i}", boss, engineering, code)
            propose(someone, engineering, target, outcome, by=hr)
    return cycle


def test_proposals_are_counted_by_state(fairness):
    assert tables(fairness)["by-state"].rows == states(0, 0, 0, 2, 12, 4, 1)


def test_approval_rate_by_track_counts_a_tie_as_a_tie(fairness):
    by_track = tables(fairness)["by-track"]
    assert by_track.headers == ["Track", "Proposals", "Decided", "Approved", "Approval rate"]
    assert by_track.rows == [[IC, 10, 8, 6, "75%"], [M, 9, 8, 6, "75%"]]
    # The chart plots the rates, in percent, on an axis the page draws to 100%.
    assert by_track.chart == {
        "type": "bar",
        "labels": [IC, M],
        "series": {"Approval rate": [75, 75]},
        "unit": "%",
        "axes": {"x": "Track", "y": "Approval rate (% of decided proposals)"},
    }


def test_approval_rate_by_target_grade(fairness):
    by_grade = tables(fairness)["by-grade"]
    assert by_grade.rows == [
        ["Grade 2", 7, 5, 4, "80%"],
        ["Grade 3", 7, 7, 6, "86%"],
        ["Grade 4", 5, 4, 2, "50%"],
    ]
    # 4 of 5, 6 of 7 and 2 of 4, as whole percentages.
    assert by_grade.chart["series"] == {"Approval rate": [80, 86, 50]}


def test_a_group_with_no_decision_yet_has_no_rate_to_plot(engineering, director, hr):
    cycle = open_cycle(engineering, hr)
    someone = person("Waiting Report", director, engineering, "IC2")
    propose(someone, engineering, "IC3", "open", by=hr)
    by_track = tables(cycle)["by-track"]
    assert by_track.rows == [[IC, 1, 0, 0, "—"]]
    assert by_track.chart["series"] == {"Approval rate": [None]}


def test_managers_far_from_the_cycles_approval_rate_are_flagged_with_the_numbers(fairness):
    assert (FLAG_DISTANCE, FLAG_MIN_DECIDED) == (0.25, 3)
    managers = tables(fairness)["by-manager"]
    assert managers.headers == [
        "Manager",
        "Direct reports on the ladder",
        "Proposals",
        "Proposals per report",
        "Decided",
        "Approved",
        "Approval rate",
        "Flag",
    ]
    assert managers.rows == [
        # Exactly 25 points away, over 4 decisions: flagged, both ways.
        ["Mia Alpha", 4, 4, "100%", 4, 4, "100%", "approval 100% vs cycle 75%"],
        ["Ned Beta", 4, 4, "100%", 4, 2, "50%", "approval 50% vs cycle 75%"],
        # As far, but over 2 decisions: too few to mean something.
        ["Oli Gamma", 2, 2, "100%", 2, 1, "50%", ""],
        # Nothing decided yet: no rate, no flag; the withdrawn proposal still counts.
        ["Pia Delta", 3, 3, "100%", 0, 0, "—", ""],
        ["Quinn Epsilon", 2, 2, "100%", 2, 2, "100%", ""],
        ["Rae Zeta", 4, 4, "100%", 4, 3, "75%", ""],
    ]
    assert managers.note == (
        "Cycle: approval rate 75%, 100% of people put forward. Flagged: an approval rate 25% "
        "or more away from the cycle's over at least 3 decisions, or nominations as far from "
        "the cycle's in a team of at least 3."
    )


def test_the_cycles_rate_counts_the_proposals_of_people_without_a_manager(
    engineering, director, hr
):
    cycle = open_cycle(engineering, hr)
    kept = person("Kept Report", director, engineering, "IC1")
    alone = person("Alone Now", director, engineering, "IC1")
    propose(kept, engineering, "IC2", "no", by=hr)
    propose(alone, engineering, "IC2", "yes", by=hr)
    propose(person("Other", director, engineering, "IC1"), engineering, "IC2", "yes", by=hr)
    Person.objects.filter(pk=alone.pk).update(manager=None)  # their manager's row is gone
    managers = tables(cycle)["by-manager"]
    # The director's team: 2 decided, 1 approved (50%); the cycle: 3 decided, 2 approved.
    director_row = next(row for row in managers.rows if row[0] == director.name)
    assert director_row[2:7] == [2, "100%", 2, 1, "50%"]
    assert managers.note.startswith("Cycle: approval rate 67%, ")


def test_a_manager_filter_keeps_the_cycle_as_the_yardstick(fairness):
    mia = Person.objects.get(name="Mia Alpha")
    managers = tables(fairness, manager=str(mia.uid))["by-manager"]
    assert managers.rows == [
        ["Mia Alpha", 4, 4, "100%", 4, 4, "100%", "approval 100% vs cycle 75%"],
    ]


def test_nominations_per_report_flag_managers_far_from_the_cycle_either_way(
    engineering, director, hr
):
    """10 reports, 6 proposals: 60% of the cycle's teams were put forward."""
    cycle = open_cycle(engineering, hr)
    for manager_name, team, proposed in (
        ("Mia Alpha", 4, 4),
        ("Ned Beta", 4, 1),
        ("Oli Gamma", 2, 1),
    ):
        boss = person(manager_name, director)
        for i in range(team):
            someone = person(f"{manager_name.split()[0]} Report {i}", boss, engineering, "IC1")
            if i < proposed:
                propose(someone, engineering, "IC2", by=hr)
    assert tables(cycle)["by-manager"].rows == [
        ["Mia Alpha", 4, 4, "100%", 0, 0, "—", "nominations 100% of team vs 60%"],
        # Too few is flagged like too many: a team of four is enough to judge.
        ["Ned Beta", 4, 1, "25%", 0, 0, "—", "nominations 25% of team vs 60%"],
        ["Oli Gamma", 2, 1, "50%", 0, 0, "—", ""],  # 10 points away
    ]


def test_a_manager_who_put_nobody_forward_is_listed_and_flagged(engineering, director, hr):
    cycle = open_cycle(engineering, hr)
    for manager_name, team, proposed in (("Mia Alpha", 4, 4), ("Ned Beta", 4, 0)):
        boss = person(manager_name, director)
        for i in range(team):
            someone = person(f"{manager_name.split()[0]} Report {i}", boss, engineering, "IC1")
            if i < proposed:
                propose(someone, engineering, "IC2", by=hr)
    assert tables(cycle)["by-manager"].rows == [
        ["Mia Alpha", 4, 4, "100%", 0, 0, "—", "nominations 100% of team vs 50%"],
        ["Ned Beta", 4, 0, "0%", 0, 0, "—", "nominations 0% of team vs 50%"],
    ]


def test_a_large_organisation_sees_the_managers_to_look_at_first_and_downloads_all(
    fairness, monkeypatch
):
    monkeypatch.setattr(insights, "MANAGERS_ON_PAGE", 3)
    managers = tables(fairness)["by-manager"]
    assert [row[0] for row in managers.rows] == [
        "Mia Alpha", "Ned Beta", "Oli Gamma", "Pia Delta", "Quinn Epsilon", "Rae Zeta"
    ]  # fmt: skip
    # Flagged first, then the most proposals (Rae's 4 before Pia's 3), then by name.
    assert [row[0] for row in managers.shown] == ["Mia Alpha", "Ned Beta", "Rae Zeta"]
    assert managers.note.endswith(
        "Shown here: the flagged managers first, then those with the most proposals."
    )


def test_a_table_within_the_limit_is_shown_whole(fairness):
    managers = tables(fairness)["by-manager"]
    assert managers.on_page is None
    assert managers.shown == managers.rows


def test_table_rows_escape_every_cell_and_badge_only_what_is_flagged():
    """Cells hold people's names and HR's attribute values: user text, escaped; the
    badged column is flagged only where it says something."""
    table = Table(
        key="k",
        title="T",
        headers=["Manager", "A & B", "Flag"],
        rows=[["<b>Ann</b>", 3, "far off"], ["Bo", 0, ""]],
        badge="Flag",
    )
    assert table_rows(table) == (
        '<tr><th scope="row">&lt;b&gt;Ann&lt;/b&gt;</th><td data-label="A &amp; B">3</td>'
        '<td data-label="Flag"><span class="badge badge-flag">Flagged</span> far off</td></tr>'
        '<tr><th scope="row">Bo</th><td data-label="A &amp; B">0</td>'
        '<td data-label="Flag"></td></tr>'
    )


def test_rate_and_percent():
    assert rate(2, 3) == pytest.approx(2 / 3)
    assert rate(0, 0) is None
    assert percent(rate(2, 3)) == "67%"
    assert percent(0.0) == "0%"
    assert percent(None) == "—"
    # A half is rounded up, as by hand: 6 of 48, 1 of 8, 29 of 200.
    assert [percent(rate(*pair)) for pair in ((6, 48), (1, 8), (29, 200))] == ["13%", "13%", "15%"]
    assert percent(rate(1, 3)) == "33%"
    assert percent(1.0) == "100%"


# Time in level at promotion -------------------------------------------------------


@pytest.fixture
def promotions(engineering, manager, hr):
    """Approved promotions whose people held their level for a known number of days by
    the effective date (1 March 2026), plus proposals that must not count."""
    cycle = open_cycle(engineering, hr)

    def promoted(name, code, target, since, outcome="yes", kind="promotion"):
        someone = person(name, manager, engineering, code, since=since)
        propose(someone, engineering, target, outcome, by=hr, kind=kind)
        return someone

    promoted("Ana", "IC1", "IC2", date(2025, 1, 1))  # 424 days
    promoted("Ben", "IC1", "IC2", date(2025, 6, 2))  # 272 days
    cy = person("Cy", manager, engineering, "IC1", since=date(2024, 1, 1))
    # Cy's time counts from their last change before submitting: IC2 on 1 March 2025.
    person_set_level(
        person=cy,
        level=level(engineering, "IC2"),
        by=None,
        source="hr",
        at=moment(date(2025, 3, 1)),
    )
    cy.refresh_from_db()
    propose(cy, engineering, "IC3", "yes", by=hr)  # 365 days
    promoted("Gus", "M1", "M2", date(2024, 3, 1))  # 730 days
    promoted("Hal", "M2", "M3", date(2025, 9, 2))  # 180 days
    # Ivy's level predates the history: her time counts from when she joined.
    ivy = PersonFactory(
        name="Ivy", email="ivy@example.com", manager=manager, level=level(engineering, "M1")
    )
    Person.objects.filter(pk=ivy.pk).update(created_at=moment(date(2025, 2, 2)))
    propose(ivy, engineering, "M2", "yes", by=hr)  # 392 days
    # Neither a refusal nor a lateral move is a promotion.
    promoted("Dee", "IC1", "IC2", date(2023, 1, 1), outcome="no")
    promoted("Eve", "IC2", "M1", date(2023, 1, 1), kind="lateral")
    return cycle


def test_time_in_level_at_promotion_in_days_per_track(promotions):
    time_in_level = tables(promotions)["time-in-level"]
    assert time_in_level.headers == ["Track", "Promotions", "Median", "Shortest", "Longest"]
    assert time_in_level.rows == [[IC, 3, 365, 272, 424], [M, 3, 392, 180, 730]]
    assert time_in_level.chart["series"] == {"Median days": [365, 392]}


def test_parity_median_days_before_promotion_per_target_grade_and_track_kind(
    promotions, engineering
):
    table = {t.key: t for t in parity_tables(engineering.ladder)}["time-to-promotion"]
    assert table.headers == ["Promoted to", "Individual contributor", "Management"]
    assert table.rows == [
        ["Grade 2", 348, "—"],  # Ana 424 and Ben 272
        ["Grade 3", 365, 561],  # Cy 365; Gus 730 and Ivy 392
        ["Grade 4", "—", 180],  # Hal
    ]
    assert table.chart["series"] == {
        "Individual contributor": [348, 365, None],
        "Management": [None, 561, 180],
    }


def test_time_in_level_counts_calendar_days_where_the_company_is(
    engineering, manager, hr, settings
):
    """In Berlin, a level applied on 1 March 2025 starts at midnight there: 23:00 on
    28 February in UTC. A year later it is 365 days, not 366."""
    settings.TIME_ZONE = "Europe/Berlin"
    cy = person("Cy", manager, engineering, "IC1", since=date(2024, 1, 1))
    first = open_cycle(engineering, hr, name="Engineering 2025", effective_on=date(2025, 3, 1))
    propose(cy, engineering, "IC2", "yes", by=hr, on=date(2024, 11, 4))
    cycle_close(cycle=first, by=hr, today=date(2025, 3, 1))
    cy.refresh_from_db()
    second = open_cycle(engineering, hr)
    propose(cy, engineering, "IC3", "yes", by=hr)
    assert tables(second)["time-in-level"].rows == [[IC, 1, 365, 365, 365]]
    parity = {t.key: t for t in parity_tables(engineering.ladder)}["time-to-promotion"]
    assert parity.rows == [["Grade 2", 425, "—"], ["Grade 3", 365, "—"]]
    # Cy's 425 and 365 days; nobody promoted on the management track.
    assert parity.summary == (
        "Median time in level before promotion: IC 395 days (last 2 cycles); "
        "no management promotion."
    )


@pytest.mark.parametrize(
    ("since", "submitted", "effective", "days"),
    [
        # Hand-counted from the day the level was taken to the effective date.
        (date(2024, 3, 1), date(2025, 11, 3), date(2025, 10, 1), 579),  # effective before
        (date(2025, 1, 1), date(2025, 11, 3), date(2025, 11, 3), 306),  # on the day
        (date(2025, 1, 1), date(2025, 11, 3), date(2026, 3, 1), 424),  # after
    ],
    ids=["effective-before-submission", "effective-on-submission", "effective-after"],
)
def test_time_in_level_at_promotion_runs_from_the_level_held_to_the_effective_date(
    engineering, manager, hr, client_for, since, submitted, effective, days
):
    """Once the cycle closes, the promotion itself is in the level history, dated on
    the effective date: when that is before the submission it must not count as the
    level the person held (it read 0 days)."""
    ana = person("Ana", manager, engineering, "IC1", since=since)
    cycle = open_cycle(engineering, hr, effective_on=effective)
    propose(ana, engineering, "IC2", "yes", by=hr, on=submitted)
    cycle_close(cycle=cycle, by=hr, today=max(effective, submitted))
    assert Person.objects.get(pk=ana.pk).level.code == "IC2"  # applied, and dated

    assert tables(cycle)["time-in-level"].rows == [[IC, 1, days, days, days]]
    parity = {t.key: t for t in parity_tables(engineering.ladder)}["time-to-promotion"]
    assert parity.rows == [["Grade 2", days, "—"]]
    # The closed cycle's queue says how long Ana had held IC1 when it was decided,
    # not how long she has held IC2.
    decided = Proposal.objects.get(person=ana)
    queue = client_for(hr).get(reverse("people:cycle", args=[cycle.uid])).content.decode()
    in_level = timesince(moment(since), decided.decided_at)
    assert f'<td data-label="In level">{in_level}</td>' in queue


# Moves between grades and tracks: the distribution, filters, parity -----------------


@pytest.fixture(params=["pending", "applied"])
def moves(request, engineering, director, hr):
    """Mia's team: Ana IC1 -> IC2 (approved), Ben IC1 -> IC2 (not approved), Cy IC2 ->
    M1 (a lateral move, approved). Ned's: Dee M1 -> IC2 (lateral, approved), Eve M1 ->
    M2 (approved), Fay on IC3 without a proposal. Either still pending (the cycle open)
    or applied (closed on its effective date)."""
    cycle = open_cycle(engineering, hr)
    mia, ned = person("Mia Alpha", director), person("Ned Beta", director)
    for name, boss, code, target, outcome, kind in (
        ("Ana", mia, "IC1", "IC2", "yes", "promotion"),
        ("Ben", mia, "IC1", "IC2", "no", "promotion"),
        ("Cy", mia, "IC2", "M1", "yes", "lateral"),
        ("Dee", ned, "M1", "IC2", "yes", "lateral"),
        ("Eve", ned, "M1", "M2", "yes", "promotion"),
    ):
        propose(
            person(name, boss, engineering, code), engineering, target, outcome, by=hr, kind=kind
        )
    person("Fay", ned, engineering, "IC3")
    if request.param == "applied":
        assert cycle_close(cycle=cycle, by=hr, today=EFFECTIVE) == 4
        assert Proposal.objects.filter(applied_at__isnull=False).count() == 4
        cycle.refresh_from_db()
    else:
        assert not Proposal.objects.filter(applied_at__isnull=False).exists()
    return cycle


def test_the_distribution_counts_approvals_where_they_land_applied_or_not(moves):
    distribution = tables(moves)["distribution"]
    assert distribution.title == "People by grade and track, before and after 01 Mar 2026"
    assert distribution.headers == BOTH_TRACKS
    assert distribution.rows == [
        ["Grade 1", 2, 1, 0, 0],  # Ana leaves grade 1; Ben stays
        ["Grade 2", 1, 2, 2, 1],  # Cy to management, Dee to IC, Eve up, Ana in
        ["Grade 3", 1, 1, 0, 1],  # Fay stays; Eve arrives on management
    ]
    assert distribution.chart["series"][f"{M} (after)"] == [0, 1, 1]


def test_changes_on_the_effective_date_count_after_from_where_each_person_stood(
    engineering, director, hr
):
    """Gil joins on the day at IC2 (nowhere before); Hedy, at M1, is set to IC1 in the
    morning and to IC3 in the afternoon: she counts once, where she ended the day.
    Ivo's change the day after counts on neither side."""
    cycle = open_cycle(engineering, hr)
    team = person("Mia Alpha", director)
    person("Gil", team, engineering, "IC2", since=EFFECTIVE)
    hedy = person("Hedy", team, engineering, "M1")
    for code, hour in (("IC1", 9), ("IC3", 15)):
        person_set_level(
            person=hedy,
            level=level(engineering, code),
            by=None,
            source="hr",
            at=moment(EFFECTIVE).replace(hour=hour),
        )
    person("Ivo", team, engineering, "IC1", since=date(2026, 3, 2))
    assert tables(cycle)["distribution"].rows == [
        ["Grade 2", 0, 1, 1, 0],  # Gil arrives on IC; Hedy leaves M1
        ["Grade 3", 0, 1, 0, 0],  # Hedy ends the day at IC3
    ]


def test_a_day_still_ahead_counts_everyone_where_they_stand_today(moves):
    """The effective date moved past today: every change so far came before it, so the
    day before is today (each person's own level), and only approvals still to apply
    move anyone. Pending, as on 1 March; applied on 1 March, they stand where they
    landed, and nothing moves on the day."""
    ahead = timezone.localdate() + timedelta(days=40)
    CalibrationCycle.objects.filter(pk=moves.pk).update(effective_on=ahead)
    moves.refresh_from_db()
    distribution = tables(moves)["distribution"]
    assert distribution.title == f"People by grade and track, before and after {ahead:%d %b %Y}"
    if moves.is_open:
        assert distribution.rows == [
            ["Grade 1", 2, 1, 0, 0],  # Ana leaves grade 1; Ben stays
            ["Grade 2", 1, 2, 2, 1],  # Cy to management, Dee to IC, Eve up, Ana in
            ["Grade 3", 1, 1, 0, 1],  # Fay stays; Eve arrives on management
        ]
    else:
        assert distribution.rows == [
            ["Grade 1", 1, 1, 0, 0],  # Ben
            ["Grade 2", 2, 2, 1, 1],  # Ana and Dee on IC, Cy on management
            ["Grade 3", 1, 1, 1, 1],  # Fay, and Eve on management
        ]
    # Ned's team only: Dee, Eve and Fay.
    ned = Person.objects.get(name="Ned Beta")
    mine = tables(moves, manager=str(ned.uid))["distribution"].rows
    assert mine == (
        [["Grade 2", 0, 1, 2, 0], ["Grade 3", 1, 1, 0, 1]]
        if moves.is_open
        else [["Grade 2", 1, 1, 0, 0], ["Grade 3", 1, 1, 1, 1]]
    )


@pytest.mark.parametrize("ahead", [False, True], ids=["day-passed", "day-ahead"])
def test_someone_who_moved_to_another_ladder_counts_on_it_not_on_their_old_one(
    engineering, director, hr, ahead
):
    """Gus was IC2 on Engineering, then moved to Design in February: on Engineering's
    1 March (or a day still ahead) he counts nowhere; Hal, who stayed, counts."""
    design = publish(ladder_data(slug="design"))
    cycle = open_cycle(engineering, hr)
    team = person("Mia Alpha", director)
    gus = person("Gus", team, engineering, "IC2", since=date(2025, 6, 1))
    person_set_level(
        person=gus, level=level(design, "IC3"), by=None, source="hr", at=moment(date(2026, 2, 1))
    )
    person("Hal", team, engineering, "IC2", since=date(2025, 6, 1))
    if ahead:
        CalibrationCycle.objects.filter(pk=cycle.pk).update(
            effective_on=timezone.localdate() + timedelta(days=40)
        )
        cycle.refresh_from_db()
    assert tables(cycle)["distribution"].rows == [["Grade 2", 1, 1]]


def test_people_who_changed_track_count_on_their_new_track_and_as_laterals(moves):
    dashboard = tables(moves)
    # Lateral moves count for their target track and grade, and are no promotions.
    assert dashboard["by-track"].rows == [[IC, 3, 3, 2, "67%"], [M, 2, 2, 2, "100%"]]
    assert dashboard["by-grade"].rows == [["Grade 2", 4, 4, 3, "75%"], ["Grade 3", 1, 1, 1, "100%"]]
    assert dashboard["time-in-level"].rows == [[IC, 1, 424, 424, 424], [M, 1, 424, 424, 424]]
    parity = {t.key: t for t in parity_tables(moves.ladder)}
    assert parity["laterals"].rows == [
        ["Individual contributor → management", 1],
        ["Management → individual contributor", 1],
    ]


def test_parity_headcount_per_grade_and_track_is_as_people_stand_now(moves):
    headcount = {t.key: t for t in parity_tables(moves.ladder)}["headcount"]
    assert headcount.headers == [
        "Grade",
        "Individual contributor",
        "Management",
        "Share on the IC track",
    ]
    if moves.is_open:  # Nobody has moved yet.
        assert headcount.rows == [
            ["Grade 1", 2, 0, "100%"],
            ["Grade 2", 1, 2, "33%"],
            ["Grade 3", 1, 0, "100%"],
        ]
    else:
        assert headcount.rows == [
            ["Grade 1", 1, 0, "100%"],
            ["Grade 2", 2, 1, "67%"],
            ["Grade 3", 1, 1, "50%"],
        ]


@pytest.mark.parametrize("left_on", [date(2026, 2, 1), date(2026, 4, 1)])
def test_someone_who_left_no_longer_counts_and_counted_until_they_left(moves, hr, left_on):
    """Fay (IC3, Ned's team, no proposal) leaves before or after the effective date:
    from then on she is in no headcount; the cycle's teams and distribution, a picture
    of its effective date, count her only if she was still here on it."""
    fay = Person.objects.get(name="Fay")
    person_deactivate(person=fay, by=hr, reason="Moved on.", at=moment(left_on))
    parity = {t.key: t for t in parity_tables(moves.ladder)}
    if moves.is_open:
        assert parity["headcount"].rows == [["Grade 1", 2, 0, "100%"], ["Grade 2", 1, 2, "33%"]]
    else:
        assert parity["headcount"].rows == [
            ["Grade 1", 1, 0, "100%"],
            ["Grade 2", 2, 1, "67%"],
            ["Grade 3", 0, 1, "0%"],
        ]
    dashboard = tables(moves)
    if left_on > EFFECTIVE:  # Still on Ned's team that day, as before she left.
        assert dashboard["by-manager"].rows[1] == ["Ned Beta", 3, 2, "67%", 2, 2, "100%", ""]
        assert dashboard["by-manager"].note.startswith("Cycle: approval rate 80%, 83% of")
        assert dashboard["distribution"].rows[-1] == ["Grade 3", 1, 1, 0, 1]
    else:  # Ned's team was Dee and Eve, both put forward: 5 proposals over 5 people.
        assert dashboard["by-manager"].rows[1] == ["Ned Beta", 2, 2, "100%", 2, 2, "100%", ""]
        assert dashboard["by-manager"].note.startswith("Cycle: approval rate 80%, 100% of")
        assert dashboard["distribution"].rows[-1] == ["Grade 3", 0, 0, 0, 1]
    assert dashboard["by-manager"].rows[0] == ["Mia Alpha", 3, 3, "100%", 3, 2, "67%", ""]


def test_someone_approved_who_left_before_the_effective_date_counts_nowhere(moves, hr):
    """Ana (IC1 -> IC2, approved) leaves in February: her approval stays decided, but
    she is neither before nor after in the distribution, nor in Mia's team and its
    nominations (Ben and Cy: 2 proposals, 1 approved of 2 decided)."""
    ana = Person.objects.get(name="Ana")
    person_deactivate(person=ana, by=hr, reason="Moved on.", at=moment(date(2026, 2, 1)))
    dashboard = tables(moves)
    assert dashboard["distribution"].rows == [
        ["Grade 1", 1, 1, 0, 0],  # Ben, who stays
        ["Grade 2", 1, 1, 2, 1],  # Cy to management, Dee to IC, Eve up
        ["Grade 3", 1, 1, 0, 1],  # Fay stays; Eve arrives on management
    ]
    assert dashboard["by-manager"].rows[0] == ["Mia Alpha", 2, 2, "100%", 2, 1, "50%", ""]
    assert dashboard["by-state"].rows == states(0, 0, 0, 0, 4, 1, 0)  # still decided


def test_the_dashboard_unfiltered(moves):
    dashboard = tables(moves)
    assert dashboard["by-state"].rows == states(0, 0, 0, 0, 4, 1, 0)
    assert dashboard["by-manager"].rows == [
        ["Mia Alpha", 3, 3, "100%", 3, 2, "67%", ""],
        ["Ned Beta", 3, 2, "67%", 2, 2, "100%", ""],
    ]


# For each filter, every table of the dashboard, counted by hand.
FILTERED = {
    "track=ic": {
        "by-state": states(0, 0, 0, 0, 2, 1, 0),  # Ana, Ben, Dee (to IC2)
        "by-track": [[IC, 3, 3, 2, "67%"]],
        "by-grade": [["Grade 2", 3, 3, 2, "67%"]],
        "by-manager": [
            ["Mia Alpha", 3, 2, "67%", 2, 1, "50%", ""],
            ["Ned Beta", 3, 1, "33%", 1, 1, "100%", ""],
        ],
        "time-in-level": [[IC, 1, 424, 424, 424]],
        # People on the IC track: Cy leaves it, Ana and Dee arrive at grade 2.
        "distribution": (
            ["Grade", f"{IC}: before", f"{IC}: after"],
            [["Grade 1", 2, 1], ["Grade 2", 1, 2], ["Grade 3", 1, 1]],
        ),
    },
    "track=management": {
        "by-state": states(0, 0, 0, 0, 2, 0, 0),  # Cy (to M1), Eve
        "by-track": [[M, 2, 2, 2, "100%"]],
        "by-grade": [["Grade 2", 1, 1, 1, "100%"], ["Grade 3", 1, 1, 1, "100%"]],
        "by-manager": [
            ["Mia Alpha", 3, 1, "33%", 1, 1, "100%", ""],
            ["Ned Beta", 3, 1, "33%", 1, 1, "100%", ""],
        ],
        "time-in-level": [[M, 1, 424, 424, 424]],
        # People on the management track: Dee leaves it, Cy arrives, Eve goes up.
        "distribution": (
            ["Grade", f"{M}: before", f"{M}: after"],
            [["Grade 2", 2, 1], ["Grade 3", 0, 1]],
        ),
    },
    "grade=2": {
        "by-state": states(0, 0, 0, 0, 3, 1, 0),  # all but Eve
        "by-track": [[IC, 3, 3, 2, "67%"], [M, 1, 1, 1, "100%"]],
        "by-grade": [["Grade 2", 4, 4, 3, "75%"]],
        "by-manager": [
            ["Mia Alpha", 3, 3, "100%", 3, 2, "67%", "nominations 100% of team vs 67%"],
            ["Ned Beta", 3, 1, "33%", 1, 1, "100%", "nominations 33% of team vs 67%"],
        ],
        "time-in-level": [[IC, 1, 424, 424, 424]],
        "distribution": (BOTH_TRACKS, [["Grade 2", 1, 2, 2, 1]]),
    },
    "manager=Ned Beta": {
        "by-state": states(0, 0, 0, 0, 2, 0, 0),  # Dee, Eve
        "by-track": [[IC, 1, 1, 1, "100%"], [M, 1, 1, 1, "100%"]],
        "by-grade": [["Grade 2", 1, 1, 1, "100%"], ["Grade 3", 1, 1, 1, "100%"]],
        "by-manager": [["Ned Beta", 3, 2, "67%", 2, 2, "100%", ""]],
        "time-in-level": [[M, 1, 424, 424, 424]],
        # Ned's people only: Dee, Eve and Fay.
        "distribution": (BOTH_TRACKS, [["Grade 2", 0, 1, 2, 0], ["Grade 3", 1, 1, 0, 1]]),
    },
}


@pytest.mark.parametrize("given", sorted(FILTERED))
def test_filters_change_every_table_consistently(moves, given):
    name, value = given.split("=")
    if name == "manager":
        value = str(Person.objects.get(name=value).uid)
    dashboard = tables(moves, **{name: value})
    expected = FILTERED[given]
    headers, rows = expected["distribution"]
    assert (dashboard["distribution"].headers, dashboard["distribution"].rows) == (headers, rows)
    for key in ("by-state", "by-track", "by-grade", "by-manager", "time-in-level"):
        assert dashboard[key].rows == expected[key], key


def test_an_unknown_grade_filter_is_ignored(moves):
    assert tables(moves, grade="two")["by-grade"].rows == tables(moves)["by-grade"].rows


# Empty cycles -------------------------------------------------------------------


def test_a_cycle_without_proposals_has_empty_tables_and_the_people_as_they_stand(
    moves, engineering, hr
):
    if moves.is_open:
        cycle_close(cycle=moves, by=hr, today=EFFECTIVE)
    empty = open_cycle(engineering, hr, name="Engineering H2", effective_on=date(2026, 9, 1))
    dashboard = tables(empty, attribute="location")
    assert dashboard["by-state"].rows == states(0, 0, 0, 0, 0, 0, 0)
    for key in ("by-track", "by-grade", "time-in-level", "by-attribute"):
        assert dashboard[key].rows == [], key
    # Every manager of the ladder is listed, having put nobody forward yet.
    managers = dashboard["by-manager"].rows
    assert managers and all(row[2:7] == [0, "0%", 0, 0, "—"] for row in managers)
    assert dashboard["by-manager"].note.startswith("Cycle: approval rate —, 0% of people")
    assert dashboard["by-attribute"].note == "Groups of fewer than 5 people are not shown."
    assert dashboard["distribution"].rows == [
        ["Grade 1", 1, 1, 0, 0],
        ["Grade 2", 2, 2, 1, 1],
        ["Grade 3", 1, 1, 1, 1],
    ]


def test_an_empty_ladder_gives_empty_tables_everywhere(db, hr):
    version = publish(ladder_data(slug="design", name="Design"))
    dashboard = tables(open_cycle(version, hr))
    assert dashboard["by-state"].rows == states(0, 0, 0, 0, 0, 0, 0)
    for key in ("by-track", "by-grade", "by-manager", "time-in-level", "distribution"):
        assert dashboard[key].rows == [], key
    assert dashboard["distribution"].headers == ["Grade"]
    parity = {t.key: t for t in parity_tables(version.ladder, attribute="location")}
    for key in ("headcount", "time-to-promotion", "trend", "by-attribute"):
        assert parity[key].rows == [], key
    assert parity["laterals"].rows == [
        ["Individual contributor → management", 0],
        ["Management → individual contributor", 0],
    ]


# Parity: the approval-rate trend -------------------------------------------------


def in_cycle(cycle, subject, current, target, state, *, kind="promotion"):
    """An unsaved proposal of ``subject``'s, in ``cycle`` and in ``state`` (decided on its
    effective date, unless withdrawn)."""
    return Proposal(
        person=subject,
        author=subject,
        kind=kind,
        ladder=cycle.ladder,
        track_key=target.track.key,
        current_level=current,
        target_level=target,
        state=state,
        decided_at=moment(cycle.effective_on) if state != "withdrawn" else None,
        cycle=cycle,
    )


@pytest.mark.parametrize("tallied", [False, True], ids=["from-proposals", "from-tallies"])
def test_the_trend_shows_the_last_six_cycles_oldest_first(engineering, hr, tallied):
    ic1, ic2, m1, m2 = (level(engineering, code) for code in ("IC1", "IC2", "M1", "M2"))
    tia = person("Tia", None, engineering, "IC1")
    # (cycle, effective date, IC outcomes, management outcomes), made in no particular order.
    cycles = [
        ("2025 H1", date(2025, 3, 1), "yyyn", "ynnn"),
        ("2023 H1", date(2023, 3, 1), "y", "n"),  # the seventh from the end: left out
        ("2026 H1", date(2026, 3, 1), "y", "ynn"),
        ("2024 H1", date(2024, 3, 1), "yyn", ""),
        ("2023 H2", date(2023, 9, 1), "yn", "y"),
        ("2025 H2", date(2025, 9, 1), "w", "yy"),  # w: withdrawn, nothing decided
        ("2024 H2", date(2024, 9, 1), "n", "yn"),
    ]
    state_of = {"y": "approved", "n": "not_approved", "w": "withdrawn"}
    for name, effective_on, ic, mgmt in cycles:
        cycle = CalibrationCycle.objects.create(
            ladder=engineering.ladder,
            name=name,
            starts_on=effective_on,
            ends_on=effective_on,
            effective_on=effective_on,
            status="closed",
        )
        Proposal.objects.bulk_create(
            in_cycle(cycle, tia, current, target, state_of[outcome])
            for outcomes, current, target in ((ic, ic1, ic2), (mgmt, m1, m2))
            for outcome in outcomes
        )
    # Another ladder's cycle, and a proposal in none, change nothing.
    other = publish(ladder_data(slug="design", name="Design"))
    other_cycle = open_cycle(other, hr)
    designer = person("Dora", hr, other, "IC1")
    propose(designer, other, "IC2", "no", by=hr)
    assert other_cycle.proposals.count() == 1
    if tallied:  # as they are once counted (closing a cycle counts it)
        call_command("tally_cycles", stdout=StringIO())

    trend = {t.key: t for t in parity_tables(engineering.ladder)}["trend"]
    assert trend.headers == ["Cycle", "Individual contributor", "Management"]
    assert trend.rows == [
        ["2023 H2", "50%", "100%"],
        ["2024 H1", "67%", "—"],
        ["2024 H2", "0%", "50%"],
        ["2025 H1", "75%", "25%"],
        ["2025 H2", "—", "100%"],
        ["2026 H1", "100%", "33%"],
    ]
    assert trend.chart["series"] == {
        "Individual contributor": [50, 67, 0, 75, None, 100],
        "Management": [100, None, 50, 25, 100, 33],
    }
    assert trend.chart["unit"] == "%"

    # 7 of 11 IC decisions approved over those six cycles, 6 of 12 management ones.
    assert trend.summary == "Over the last 6 cycles: IC approval rate 64%, management 50%."


@pytest.mark.parametrize("tallied", [False, True], ids=["from-proposals", "from-tallies"])
def test_lateral_moves_count_from_every_cycle_the_trend_from_the_last_six(engineering, hr, tallied):
    ic1, m1 = level(engineering, "IC1"), level(engineering, "M1")
    tia = person("Tia", None, engineering, "IC1")

    def lateral(cycle, current, target, state):
        in_cycle(cycle, tia, current, target, state, kind="lateral").save()

    # Seven closed cycles, 2020 to 2026: the oldest is beyond the trend's last six.
    cycles = [
        CalibrationCycle.objects.create(
            ladder=engineering.ladder,
            name=f"{year}",
            starts_on=date(year, 3, 1),
            ends_on=date(year, 3, 1),
            effective_on=date(year, 3, 1),
            status="closed",
        )
        for year in range(2020, 2027)
    ]
    lateral(cycles[0], ic1, m1, "approved")  # IC to management, before the last six
    for cycle in cycles[1:]:
        lateral(cycle, m1, ic1, "not_approved")  # counted by the trend, never a move
    lateral(cycles[-1], m1, ic1, "approved")  # management to IC, in the newest
    if tallied:
        call_command("tally_cycles", stdout=StringIO())

    parity = {t.key: t for t in parity_tables(engineering.ladder)}
    assert parity["laterals"].rows == [
        ["Individual contributor → management", 1],
        ["Management → individual contributor", 1],
    ]
    # The trend: 2021 to 2026, each a lateral to IC not approved, and 2026's approved one.
    assert [row[0] for row in parity["trend"].rows] == [str(y) for y in range(2021, 2027)]
    assert [row[1] for row in parity["trend"].rows] == ["0%"] * 5 + ["50%"]


# The headline: each table's number that matters, in a sentence ---------------------


def summaries(tables_by_key):
    return {key: table.summary for key, table in tables_by_key.items()}


def test_the_dashboards_headline_on_the_fairness_cycle(fairness):
    said = summaries(tables(fairness))
    # 12 approved + 4 not; Pia's two open, and her withdrawn one.
    assert said["by-state"] == "19 proposals: 16 decided, 2 still open, 1 withdrawn."
    # IC: 6 of 8 decided approved; management: 6 of 8.
    assert said["by-track"] == "IC approval rate 75%, management 75%."
    assert said["by-manager"] == "2 managers flagged: Mia Alpha, Ned Beta."
    assert said["by-grade"] == ""


def test_the_headline_says_which_track_has_no_decision_yet(engineering, director, hr):
    cycle = open_cycle(engineering, hr)
    propose(person("Ana", director, engineering, "IC1"), engineering, "IC2", "yes", by=hr)
    propose(person("Ben", director, engineering, "IC1"), engineering, "IC2", "no", by=hr)
    propose(person("Cy", director, engineering, "IC1"), engineering, "IC2", "yes", by=hr)
    propose(person("Gus", director, engineering, "M1"), engineering, "M2", "open", by=hr)
    said = summaries(tables(cycle))
    assert said["by-state"] == "4 proposals: 3 decided, 1 still open."
    assert said["by-track"] == "IC approval rate 67%; no management decision yet."
    # Filtered to one track, the other is not mentioned at all.
    assert tables(cycle, track="ic")["by-track"].summary == "IC approval rate 67%."
    assert tables(cycle, track="management")["by-track"].summary == "No decision yet."


def test_the_headline_gives_the_median_days_in_level_per_track_kind(promotions, engineering):
    # IC: Ana 424, Ben 272, Cy 365; management: Gus 730, Hal 180, Ivy 392.
    expected = "Median time in level before promotion: IC 365 days, management 392"
    assert tables(promotions)["time-in-level"].summary == expected + "."
    parity = {t.key: t for t in parity_tables(engineering.ladder)}
    assert parity["time-to-promotion"].summary == expected + " (last cycle)."
    assert parity["time-to-promotion"].title.endswith("by target grade (last cycle)")
    assert parity["trend"].title == "Approval rate by track over the last cycle"


def test_the_headline_names_the_grades_with_managers_and_no_ic(engineering, director):
    # IC1 (grade 1) and one manager at each of M2 (grade 3) and M3 (grade 4).
    person("Ana", director, engineering, "IC1")
    person("Gus", director, engineering, "M2")
    person("Hal", director, engineering, "M3")
    parity = {t.key: t for t in parity_tables(engineering.ladder)}
    assert parity["headcount"].summary == "No IC at grades 3-4; one manager each."
    person("Ivy", director, engineering, "M3")
    parity = {t.key: t for t in parity_tables(engineering.ladder)}
    assert parity["headcount"].summary == "No IC at grades 3-4; 3 managers."
    person("Jo", director, engineering, "IC3")
    parity = {t.key: t for t in parity_tables(engineering.ladder)}
    assert parity["headcount"].summary == "No IC at grade 4; 2 managers."


def test_the_headline_of_the_distribution_is_as_people_stand_after_the_cycle(
    engineering, director, hr
):
    """Gus M2 -> M3 approved: grade 4 has a manager and no IC after the cycle only."""
    cycle = open_cycle(engineering, hr)
    person("Ana", director, engineering, "IC3")
    propose(person("Gus", director, engineering, "M2"), engineering, "M3", "yes", by=hr)
    distribution = tables(cycle)["distribution"]
    assert distribution.summary == "After this cycle, no IC at grade 4; one manager."
    assert tables(cycle, grade="3")["distribution"].summary == ""


def test_the_headline_counts_lateral_moves_each_way(moves):
    parity = {t.key: t for t in parity_tables(moves.ladder)}
    assert parity["laterals"].summary == (
        "Lateral moves approved: 1 from IC to management, 1 the other way."
    )
    assert parity["headcount"].summary == ""
    assert tables(moves)["distribution"].summary == ""


def test_an_empty_chart_is_a_sentence_but_a_zero_rate_is_drawn(db):
    version = publish(ladder_data(slug="design", name="Design"))
    laterals = {t.key: t for t in parity_tables(version.ladder)}["laterals"]
    assert laterals.rows and not laterals.drawable
    assert laterals.summary == "No lateral move approved yet, either way."
    assert laterals.nothing_to_draw == "No lateral move approved yet: nothing to draw."
    # No one approved out of two decided: 0% is a result to draw, a count of 0 is not.
    zero = {"type": "bar", "labels": ["IC"], "series": {"Approval rate": [0]}}
    assert Table("r", "Rates", ["Track"], [["IC"]], chart=zero | {"unit": "%"}).drawable
    assert not Table("c", "Counts", ["Track"], [["IC"]], chart=zero).drawable
    assert not Table(
        "n", "None", ["Track"], [["IC"]], chart=zero | {"series": {"r": [None]}}
    ).drawable


def test_the_distribution_pairs_before_and_after_of_each_track(moves):
    chart = tables(moves)["distribution"].chart
    assert chart["paired"] is True
    assert list(chart["series"]) == [
        f"{IC} (before)",
        f"{IC} (after)",
        f"{M} (before)",
        f"{M} (after)",
    ]


# Breakdowns by HR attributes: small groups hidden ----------------------------------


@pytest.fixture
def located(engineering, manager, hr):
    """Eight proposals: Berlin 5 (3 approved), Lisbon 2 (1 approved), one person with
    no location recorded (approved)."""
    cycle = open_cycle(engineering, hr)
    for i, (place, outcome) in enumerate(
        [("Berlin", "yes")] * 3
        + [("Berlin", "no")] * 2
        + [("Lisbon", "yes"), ("Lisbon", "no"), ("", "yes")]
    ):
        someone = person(f"Person {i}", manager, engineering, "IC1")
        if place:
            PersonAttribute.objects.create(person=someone, name="location", value=place)
        PersonAttribute.objects.create(person=someone, name="department", value="Platform")
        propose(someone, engineering, "IC2", outcome, by=hr)
    return cycle


def test_no_breakdown_unless_asked(located):
    assert "by-attribute" not in tables(located)


def test_groups_under_the_threshold_are_not_shown_and_the_note_says_how_many(located):
    breakdown = tables(located, attribute="location")["by-attribute"]
    assert breakdown.title == "Approval rate by location"
    assert breakdown.headers == ["Location", "Proposals", "Decided", "Approved", "Approval rate"]
    assert breakdown.rows == [["Berlin", 5, 5, 3, "60%"]]
    assert breakdown.note == "Groups of fewer than 5 people are not shown (3 people left out)."
    assert breakdown.chart["labels"] == ["Berlin"]


@pytest.mark.parametrize(
    ("threshold", "rows", "note"),
    [
        (
            2,
            [["Berlin", 5, 5, 3, "60%"], ["Lisbon", 2, 2, 1, "50%"]],
            "Groups of fewer than 2 people are not shown (1 person left out).",
        ),
        (6, [], "Groups of fewer than 6 people are not shown (8 people left out)."),
    ],
)
def test_the_threshold_is_a_setting(located, settings, threshold, rows, note):
    settings.INSIGHTS_MIN_GROUP = threshold
    breakdown = tables(located, attribute="location")["by-attribute"]
    assert (breakdown.rows, breakdown.note) == (rows, note)


def test_a_group_large_enough_is_shown_whole(located):
    breakdown = tables(located, attribute="department")["by-attribute"]
    assert (breakdown.rows, breakdown.note) == (
        [["Platform", 8, 8, 5, "63%"]],  # 5 of 8: 62.5%, a half rounded up
        "Groups of fewer than 5 people are not shown.",
    )


def test_a_group_is_sized_by_people_not_proposals(located, manager, engineering, hr):
    """One person in Oslo withdraws and tries again five times: five proposals, but a
    rate that would point at her."""
    olga = person("Olga", manager, engineering, "IC1")
    PersonAttribute.objects.create(person=olga, name="location", value="Oslo")
    for _ in range(4):
        propose(olga, engineering, "IC2", "withdrawn", by=hr)
    propose(olga, engineering, "IC2", "yes", by=hr)
    assert located.proposals.filter(person=olga).count() == 5
    breakdown = tables(located, attribute="location")["by-attribute"]
    assert breakdown.rows == [["Berlin", 5, 5, 3, "60%"]]
    assert breakdown.note == "Groups of fewer than 5 people are not shown (4 people left out)."


def test_the_breakdown_follows_the_filters(located, manager):
    elsewhere = located.proposals.filter(person__name="Person 0").get()
    Person.objects.filter(pk=elsewhere.person_id).update(manager=person("Other Boss"))
    breakdown = tables(located, attribute="location", manager=str(manager.uid))["by-attribute"]
    # Berlin is down to 4 people: hidden with the rest.
    assert (breakdown.rows, breakdown.note) == (
        [],
        "Groups of fewer than 5 people are not shown (7 people left out).",
    )


def test_parity_breaks_tracks_down_by_an_attribute_hiding_small_groups(engineering):
    places = [("Berlin", "IC2")] * 3 + [("Berlin", "M1")] * 2 + [("Lisbon", "IC2")] * 2
    for i, (place, code) in enumerate([*places, ("", "M1")]):
        someone = person(f"Person {i}", None, engineering, code)
        if place:
            PersonAttribute.objects.create(person=someone, name="location", value=place)
    tracks = {t.key: t for t in parity_tables(engineering.ladder, attribute="location")}
    breakdown = tracks["by-attribute"]
    assert breakdown.title == "Tracks by location"
    assert breakdown.headers == [
        "Location",
        "People",
        "Individual contributor",
        "Management",
        "Share on the IC track",
    ]
    assert breakdown.rows == [["Berlin", 5, 3, 2, "60%"]]
    assert breakdown.note == "Groups of fewer than 5 people are not shown (3 people left out)."
    assert "by-attribute" not in {t.key for t in parity_tables(engineering.ladder)}


# The people import's attribute columns ------------------------------------------------


def csv_bytes(*lines: str) -> bytes:
    return ("\n".join(lines) + "\n").encode()


def attributes() -> dict[tuple[str, str], str]:
    return {
        (a.person.email, a.name): a.value for a in PersonAttribute.objects.select_related("person")
    }


FIRST = csv_bytes(
    "email,name,attr:Location,attr:department",
    "ana@example.com,Ana,Berlin,Platform",
    "ben@example.com,Ben,Lisbon,",
)


def test_the_import_records_attributes_from_attr_columns(db):
    assert people_import(data=FIRST) == ImportSummary(created=2, updated=0, unchanged=0)
    assert attributes() == {
        ("ana@example.com", "location"): "Berlin",
        ("ana@example.com", "department"): "Platform",
        ("ben@example.com", "location"): "Lisbon",
    }


def test_the_import_changes_and_removes_attributes(db):
    people_import(data=FIRST)
    summary = people_import(
        data=csv_bytes(
            "email,name,attr:location,attr:department",
            "ana@example.com,Ana,Lisbon,",  # moved; no department any more
            "ben@example.com,Ben,Lisbon,",
        )
    )
    assert summary == ImportSummary(created=0, updated=1, unchanged=1)
    assert attributes() == {
        ("ana@example.com", "location"): "Lisbon",
        ("ben@example.com", "location"): "Lisbon",
    }


def test_importing_again_changes_no_attribute(db):
    people_import(data=FIRST)
    before = list(PersonAttribute.objects.order_by("pk").values_list("pk", "name", "value"))
    assert people_import(data=FIRST) == ImportSummary(created=0, updated=0, unchanged=2)
    assert list(PersonAttribute.objects.order_by("pk").values_list("pk", "name", "value")) == (
        before
    )


def test_a_file_without_an_attribute_column_leaves_that_attribute_alone(db):
    people_import(data=FIRST)
    people_import(data=csv_bytes("email,name,attr:department", "ana@example.com,Ana,Sales"))
    assert attributes() == {
        ("ana@example.com", "location"): "Berlin",
        ("ana@example.com", "department"): "Sales",
        ("ben@example.com", "location"): "Lisbon",
    }


@pytest.mark.parametrize(
    "column", ["attr:", "attr:lo/cation", "attr:-location", "attr:" + "x" * 41]
)
def test_a_badly_named_attribute_column_is_refused(db, column):
    with pytest.raises(PeopleImportError) as caught:
        people_import(data=csv_bytes(f"email,name,{column}", "ana@example.com,Ana,Berlin"))
    assert caught.value.problems == [
        Problem(
            1,
            f"The attribute column '{column}' needs a name of 1 to 40 letters, digits, "
            "spaces, '-' or '_' after 'attr:', e.g. attr:location.",
        )
    ]
    assert not Person.objects.exists()


def test_an_attribute_value_over_120_characters_is_refused_with_its_line(db):
    people_import(data=FIRST)
    with pytest.raises(PeopleImportError) as caught:
        people_import(
            data=csv_bytes(
                "email,name,attr:location",
                "ana@example.com,Ana," + "x" * 120,
                "ben@example.com,Ben," + "x" * 121,
                "cy@example.com,Cy," + "y" * 200,
            )
        )
    assert caught.value.problems == [
        Problem(3, "At most 120 characters.", "attr:location"),
        Problem(4, "At most 120 characters.", "attr:location"),
    ]
    # All or nothing: Ana's acceptable value was not written either.
    assert attributes()[("ana@example.com", "location")] == "Berlin"
    assert not Person.objects.filter(email="cy@example.com").exists()
