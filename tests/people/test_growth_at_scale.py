"""Issue 13's rule at scale: the team view, where I stand, the evidence log and Home
read as many queries for a manager of 50 reports with three years of history as for
a manager of 5 with a single check-in each. Each page is asked through HTTP at both
sizes and the counts compared; a difference names the queries that repeat."""

import re
from collections import Counter
from datetime import date, timedelta

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from people.models import LogEntry
from people.services.checkins import check_in_rate, check_in_start
from people.services.evidence_log import log_entries_freeze, log_entry_add, log_entry_redact
from people.services.levels import person_set_level
from tests.builders import agreed_check_in, ladder_data, level, moment, publish
from tests.factories import PersonFactory

HIRED = date(2023, 6, 1)
# Twelve quarterly check-ins, January 2024 to October 2026: three years of history.
QUARTERS = tuple(date(2024 + i // 4, 1 + 3 * (i % 4), 15) for i in range(12))
RATINGS = ("not_yet", "meets", "beyond")


def body(response):
    return response.content.decode()


def shape(sql: str) -> str:
    """A query with its literals blanked: the same query for another row looks alike."""
    sql = re.sub(r"'[^']*'", "'?'", sql)
    sql = re.sub(r'"s\d+_x\d+"', '"savepoint"', sql)
    return re.sub(r"IN \([^)]*\)", "IN (...)", re.sub(r"\b\d+\b", "N", sql))


def measured(client, url):
    """The page at ``url`` (it must answer 200) and the queries it ran."""
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200, url
    return body(response), [query["sql"] for query in context.captured_queries]


def assert_same_count(small: list[str], large: list[str]):
    """The same number of queries; if not, which ones ran more often at the larger size."""
    more = Counter(map(shape, large)) - Counter(map(shape, small))
    fewer = Counter(map(shape, small)) - Counter(map(shape, large))
    assert len(small) == len(large), (
        f"{len(small)} queries at the small size, {len(large)} at the large one.\n"
        + "".join(f"\n+{n}x {sql}" for sql, n in more.most_common())
        + "".join(f"\n-{n}x {sql}" for sql, n in fewer.most_common())
    )


@pytest.fixture
def engineering(db):
    """Engineering version 1: IC1-IC3 and M1-M3 over comp-1, comp-2, comp-3."""
    return publish(ladder_data())


def hire(name, manager, version, code="IC1", *, since=HIRED):
    someone = PersonFactory(
        name=name, email=f"{name.lower().replace(' ', '.')}@example.com", manager=manager
    )
    person_set_level(
        person=someone, level=level(version, code), by=None, source="hr", at=moment(since)
    )
    someone.refresh_from_db()
    return someone


def agree_at(day, people, manager, ratings):
    """A check-in for each of ``people``, started and agreed on ``day``;
    ``ratings(person)`` gives its agreed ratings."""
    with time_machine.travel(moment(day), tick=False):
        for someone in people:
            agreed_check_in(someone, manager, ratings(someone))


def team(manager, version, size, *, quarters, entries, name="Report"):
    """``size`` reports of ``manager`` on IC1, named ``name`` and a number, each with an
    agreed check-in in each of ``quarters`` and ``entries`` log entries noted over the
    same years (one in four by the manager); every third report with a check-in open
    now, every sixth of them at the manager's turn."""
    reports = [hire(f"{name} {i:02}", manager, version) for i in range(size)]
    for q, day in enumerate(quarters):
        agree_at(
            day,
            reports,
            manager,
            lambda someone, q=q: [RATINGS[(someone.pk + q + c) % 3] for c in range(3)],
        )
    for someone in reports:
        for n in range(entries):
            log_entry_add(
                person=someone,
                author=manager if n % 4 == 3 else someone,
                happened_on=QUARTERS[-1] - timedelta(days=90 * n + 3),
                text=f"Shipped piece {n} of the billing work.",
                competencies=["comp-1", "comp-3"] if n % 2 else ["comp-2"],
            )
    for i, someone in enumerate(reports):
        if i % 3 == 0:
            check_in = check_in_start(person=someone, by=someone)
            if i % 6 == 0:
                rows = check_in.ratings.values_list("competency_id", flat=True)
                check_in_rate(
                    check_in=check_in,
                    by=someone,
                    revision=check_in.revision,
                    ratings={pk: ("meets", "") for pk in rows},
                )
    return reports


@pytest.fixture
def teams(director, manager, engineering):
    """Two managers on M2: Sam with 5 reports and one check-in each, one log entry each;
    Max with 50 reports, each with four check-ins over three years (January 2024, 2025
    and 2026, October 2026) and eight log entries."""
    small = PersonFactory(name="Sam Small", email="sam@example.com", manager=director)
    for boss in (small, manager):
        person_set_level(
            person=boss, level=level(engineering, "M2"), by=None, source="hr", at=moment(HIRED)
        )
        boss.refresh_from_db()
    team(small, engineering, 5, quarters=QUARTERS[-1:], entries=1, name="Small")
    team(manager, engineering, 50, quarters=QUARTERS[::4] + QUARTERS[-1:], entries=8)
    return small, manager


def team_rows(html):
    return re.findall(r'<th scope="row" class="team-person">\s*<a href="[^"]+">([^<]+)</a>', html)


def test_the_team_view_and_home_read_as_many_queries_for_50_reports_as_for_5(client_for, teams):
    """One test for both pages: the fifty reports take most of the file's time to build."""
    small, large = teams
    url = reverse("people:team_growth")
    small_html, small_queries = measured(client_for(small), url)
    large_html, large_queries = measured(client_for(large), url)
    print(f"team view: {len(small_queries)} queries for 5, {len(large_queries)} for 50")
    assert team_rows(small_html) == [f"Small {i:02}" for i in range(5)]
    assert team_rows(large_html) == [f"Report {i:02}" for i in range(50)]
    # Every row shows its latest agreed ratings (three), and a third a check-in open.
    assert large_html.count('<span class="rating rating-') == 50 * 3
    assert large_html.count("Check-in in progress") == 17
    assert_same_count(small_queries, large_queries)

    url = reverse("people:home")
    small_html, small_queries = measured(client_for(small), url)
    large_html, large_queries = measured(client_for(large), url)
    print(f"home: {len(small_queries)} queries for 5, {len(large_queries)} for 50")
    assert small_html.count("Nominate<span") == 5
    assert large_html.count("Nominate<span") == 50
    assert "50 direct reports" in large_html
    assert_same_count(small_queries, large_queries)


@pytest.fixture
def riya(manager, engineering):
    """Riya Report: twelve agreed check-ins over three years, on IC1 until her promotion
    to IC2 in July 2025. Competency 1 climbs again from not yet at each level, to
    beyond at IC2; Competency 2 stays at meets; Competency 3 is beyond throughout."""
    riya = hire("Riya Report", manager, engineering)
    first = ["not_yet"] * 4 + ["meets"] * 2 + ["not_yet"] + ["meets"] * 3 + ["beyond"] * 2
    for q, day in enumerate(QUARTERS):
        if day == date(2025, 7, 15):
            with time_machine.travel(moment(date(2025, 7, 1)), tick=False):
                person_set_level(
                    person=riya, level=level(engineering, "IC2"), by=None, source="cycle"
                )
            riya.refresh_from_db()
        agree_at(day, [riya], manager, lambda _, q=q: [first[q], "meets", "beyond"])
    return riya


def test_where_i_stand_reads_as_many_queries_after_three_years_as_after_one_check_in(
    client_for, manager, engineering, riya
):
    newcomer = hire("Nia Newcomer", manager, engineering)
    agree_at(QUARTERS[-1], [newcomer], manager, lambda _: ["meets", "meets", "beyond"])
    small_html, small_queries = measured(
        client_for(newcomer), reverse("people:growth", args=[newcomer.uid])
    )
    large_html, large_queries = measured(
        client_for(riya), reverse("people:growth", args=[riya.uid])
    )
    print(f"growth: {len(small_queries)} queries for 1 check-in, {len(large_queries)} for 12")
    assert small_html.count("IC1: Meets</span>") == 2
    standing = large_html.split('id="standing-heading"')[1].split("</section>")[0]
    # The last eight check-ins, oldest first: two at IC1 (January and April 2025), six
    # at IC2 from July 2025.
    first = standing.split("Competency 1</th>")[1].split("</tr>")[0]
    assert re.findall(r">(IC\d: [^<]+)</span>", first) == [
        "IC1: Meets",
        "IC1: Meets",
        "IC2: Not yet",
        "IC2: Meets",
        "IC2: Meets",
        "IC2: Meets",
        "IC2: Beyond",
        "IC2: Beyond",
    ]
    assert "1 of 3 not yet “beyond” IC2 (working as IC3 asks): Competency 2." in standing
    assert "agreed on <a" in standing and "15 Oct 2026</a>" in standing
    assert_same_count(small_queries, large_queries)


def entries_on(html):
    return len(re.findall(r'class="log-entry[ "]', html))


def log_of_size(name, manager, version, size):
    """``name`` with ``size`` log entries over the last three years, one in three by
    their manager; the two oldest used by a check-in (kept as they were), the third
    oldest redacted."""
    someone = hire(name, manager, version)
    today = QUARTERS[-1]
    for n in range(size):
        log_entry_add(
            person=someone,
            author=manager if n % 3 == 0 else someone,
            happened_on=today - timedelta(days=n * 1095 // size),
            text=f"Entry {n}: led the **incident** review.",
            competencies=["comp-1", "comp-2"] if n % 2 else ["comp-3"],
        )
    oldest = list(LogEntry.objects.filter(person=someone).order_by("happened_on", "pk")[:3])
    log_entries_freeze(entries=oldest[:2])
    log_entry_redact(entry=oldest[2], by=PersonFactory(is_hr=True), reason="Named a customer.")
    return someone


@pytest.mark.parametrize("viewer", ["themselves", "their manager"])
def test_the_log_reads_as_many_queries_with_200_entries_as_with_5(
    client_for, manager, engineering, viewer
):
    few = log_of_size("Fay Few", manager, engineering, 5)
    many = log_of_size("Manny Many", manager, engineering, 200)

    def seen(person, page=""):
        client = client_for(person if viewer == "themselves" else manager)
        return measured(client, reverse("people:log", args=[person.uid]) + page)

    small_html, small_queries = seen(few)
    large_html, large_queries = seen(many)
    last_html, last_queries = seen(many, "?page=10")
    print(
        f"log ({viewer}): {len(small_queries)} queries for 5 entries, "
        f"{len(large_queries)} for 200, {len(last_queries)} on its last page"
    )
    assert entries_on(small_html) == 5 and "5 entries." in small_html
    assert entries_on(large_html) == 20
    assert "200 entries, newest first: page 1 of 10." in large_html
    assert entries_on(last_html) == 20 and "page 10 of 10" in last_html
    assert "Named a customer." in last_html and "Kept as it was: in use" in last_html
    assert_same_count(small_queries, large_queries)
    assert_same_count(small_queries, last_queries)
