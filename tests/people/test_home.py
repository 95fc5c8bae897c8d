"""Home, "where I stand": my level and since when, the next level and the other
track's, who holds my proposals, a manager's team with time in level and Nominate; a
nomination in preparation shown to its subject by who and what, never by its text; the
queue's calibrators; people badged by ladder and track."""

from datetime import UTC, date, datetime

import pytest
import time_machine
from django.urls import reverse

from people.models import Person
from people.services.levels import person_set_level
from people.services.workflow import (
    cycle_open,
    evidence_save,
    proposal_create,
    proposal_endorse,
    proposal_submit,
)
from tests.builders import COMPETENCIES, SIGNED_IN, ladder_data, level, publish
from tests.factories import PersonFactory

NBSP = "\xa0"


def at(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 9, tzinfo=UTC)


def body(response) -> str:
    assert response.status_code == 200
    return response.content.decode()


def set_level(person, version, code, since):
    person_set_level(person=person, level=level(version, code), by=None, source="hr", at=at(since))
    person.refresh_from_db()
    return person


@pytest.fixture
def engineering(db):
    """Engineering version 1: IC1-IC3 (grades 1-3), M1-M3 (grades 2-4)."""
    return publish(ladder_data())


@pytest.fixture
def now():
    with time_machine.travel(at(date(2026, 5, 1)), tick=False):
        yield


def compare_link(a, b):
    return f'href="/ladders/engineering/compare/?a={a}&amp;b={b}"'


# Where I stand ------------------------------------------------------------------------


def test_home_shows_my_level_since_when_the_next_level_and_the_other_track(
    client_for, report, engineering, now
):
    set_level(report, engineering, "IC2", since=date(2025, 3, 1))
    html = body(client_for(report).get("/"))
    assert "IC2</span> IC title 2" in html
    # 1 March 2025 to 1 May 2026: one year and two months.
    assert (
        f'Since <time datetime="2025-03-01">1 March 2025</time>: 1{NBSP}year, 2{NBSP}months' in html
    )
    assert "Next on Individual contributor" in html
    assert "IC3</span> IC title 3" in html
    assert compare_link("IC2", "IC3") in html
    assert "M1</span> M title 1" in html
    assert "Management 1, grade 2: a lateral move, not a promotion." in html
    assert compare_link("IC2", "M1") in html


def test_at_the_top_of_the_track_home_says_there_is_no_next_level(
    client_for, report, engineering, now
):
    set_level(report, engineering, "IC3", since=date(2026, 4, 1))
    html = body(client_for(report).get("/"))
    assert "IC3 is the top of Individual contributor: there is no next level" in html
    assert compare_link("IC3", "M2") in html
    assert "Compare IC3 with IC" not in html


def test_where_a_lower_grade_has_no_other_track_home_says_so(client_for, report, engineering):
    set_level(report, engineering, "IC1", since=date(2025, 1, 1))
    assert "No other track has a level at grade 1." in body(client_for(report).get("/"))


def test_my_proposals_say_who_holds_each_now(client_for, report, manager, engineering):
    set_level(report, engineering, "IC1", since=date(2025, 1, 1))
    proposal = proposal_create(
        person=report, author=report, kind="promotion", target=level(engineering, "IC2")
    )
    client = client_for(report)
    assert "With you, writing the evidence" in body(client.get("/"))
    for key in COMPETENCIES:
        evidence_save(proposal=proposal, key=key, text="Done.")
    proposal = proposal_submit(proposal=proposal, actor=report, revision=proposal.revision)
    assert "With Max Manager, to review" in body(client.get("/"))
    names = ("Cleo Calibrator", "Ana Arbiter", "Dev Decider", "Bo Balance")
    calibrators = [PersonFactory(name=name, is_hr=True) for name in names]
    cycle_open(
        ladder=engineering.ladder,
        name="Engineering H1",
        starts_on=date(2026, 1, 1),
        ends_on=date(2026, 2, 1),
        effective_on=date(2026, 3, 1),
        calibrators=calibrators,
        by=calibrators[0],
    )
    proposal_endorse(proposal=proposal, actor=manager, revision=proposal.revision, note="Yes.")
    # The first three by name, and how many more.
    said = "With the calibrators of Engineering H1: Ana Arbiter, Bo Balance, Cleo Calibrator"
    assert f"{said} and 1 more" in body(client.get("/"))


# A manager's team -------------------------------------------------------------------------


def test_a_manager_sees_each_report_with_level_track_time_in_level_and_nominate(
    client_for, manager, report, engineering, now
):
    set_level(report, engineering, "M1", since=date(2025, 1, 15))
    PersonFactory(name="Nia Newcomer", manager=manager)
    html = body(client_for(manager).get("/"))
    row = html[html.index(">Riya Report</a>") :].split("</tr>")[0]
    assert "M1</span> M title 1" in row
    assert '<td data-label="Track">Management 1</td>' in row
    # 15 January 2025 to 1 May 2026: one year and three months.
    assert f"1{NBSP}year, 3{NBSP}months" in row and "since 15 Jan 2025" in row
    assert f'href="/proposals/new/?person={report.uid}"' in row
    assert f'href="/people/{report.uid}/log/">Evidence log' in row
    newcomer_row = html[html.index(">Nia Newcomer</a>") :].split("</tr>")[0]
    assert "No level yet" in newcomer_row and "Nominate" not in newcomer_row


def test_an_engineer_has_no_team_list(client_for, report, engineering):
    set_level(report, engineering, "IC1", since=date(2025, 1, 1))
    assert "Your team" not in body(client_for(report).get("/"))


@pytest.mark.parametrize("reports", [2, 15])
def test_the_home_page_queries_do_not_grow_with_the_team(
    client_for, manager, engineering, django_assert_num_queries, reports
):
    set_level(manager, engineering, "M2", since=date(2024, 1, 1))
    for i in range(reports):
        set_level(
            PersonFactory(name=f"Team Member {i:02}", manager=manager),
            engineering,
            "IC1",
            since=date(2025, 1, 1),
        )
    client = client_for(manager)
    # Any signed-in request (SIGNED_IN, their manager with them); their standing (newest
    # version, the levels above and beside theirs: 2; since when is kept on the
    # person); nominations in preparation; the team with levels and time in level; the
    # tree's size; the first of waiting_for's three lists, in one query (none to
    # decide: they calibrate nothing), all empty; the check-ins waiting; when their
    # next check-in is due: 8. (Their row says they never agreed one: none is read.)
    with django_assert_num_queries(SIGNED_IN + 8):
        html = body(client.get("/"))
    assert html.count("Nominate<span") == reports


# A nomination in preparation --------------------------------------------------------------


@pytest.fixture
def nomination(report, manager, engineering):
    """Max's draft nomination of Riya for IC2, with evidence Riya must not read yet."""
    set_level(report, engineering, "IC1", since=date(2025, 1, 1))
    proposal = proposal_create(
        person=report, author=manager, kind="promotion", target=level(engineering, "IC2")
    )
    for key in COMPETENCIES:
        evidence_save(proposal=proposal, key=key, text=f"Secret draft about {key}.")
    return proposal


def test_the_person_sees_their_manager_prepares_a_nomination_not_its_contents(
    client_for, report, nomination
):
    client = client_for(report)
    html = body(client.get("/"))
    assert "Max Manager, your manager, is preparing a nomination for you:" in html
    assert "promotion to IC2 · IC title 2 (Individual contributor)" in html
    assert "Secret draft" not in html
    assert str(nomination.uid) not in html  # not in "Your move", nor in "Your proposals"
    assert str(nomination.uid) not in body(client.get(reverse("people:proposals")))
    for name in ("proposal", "proposal_evidence"):
        assert client.get(reverse(f"people:{name}", args=[nomination.uid])).status_code == 404
    assert client.get(reverse("people:growth", args=[report.uid])).status_code == 200
    assert str(nomination.uid) not in body(client.get(reverse("people:growth", args=[report.uid])))


def test_the_new_proposal_page_says_the_manager_prepares_that_track(client_for, report, nomination):
    html = body(client_for(report).get(reverse("people:proposal_new")))
    assert "Max Manager, your manager, is preparing a nomination for you:" in html
    assert "nothing to request on Individual contributor" in html
    assert str(nomination.uid) not in html


def test_the_nomination_opens_to_the_person_once_submitted(client_for, report, manager, nomination):
    proposal_submit(proposal=nomination, actor=manager, revision=nomination.revision)
    client = client_for(report)
    assert "Secret draft about comp-1." in body(client.get(nomination.get_absolute_url()))
    assert "is preparing a nomination" not in body(client.get("/"))


def test_its_author_and_the_managers_above_still_see_the_draft(
    client_for, manager, director, nomination
):
    for person in (manager, director):
        assert client_for(person).get(nomination.get_absolute_url()).status_code == 200


# The queue's calibrators; badges --------------------------------------------------------


def test_the_queue_names_its_calibrators(client_for, hr, engineering):
    cara = PersonFactory(name="Cara Calibrator", email="cara@example.com")
    cycle = cycle_open(
        ladder=engineering.ladder,
        name="Engineering H1",
        starts_on=date(2026, 1, 1),
        ends_on=date(2026, 2, 1),
        effective_on=date(2026, 3, 1),
        calibrators=[hr, cara],
        by=hr,
    )
    html = body(client_for(hr).get(reverse("people:cycle", args=[cycle.uid])))
    assert "<p>Calibrators: Cara Calibrator, Hana People</p>" in html


def test_people_are_badged_by_their_ladder_and_track_not_as_engineers(
    client_for, hr, report, engineering
):
    design = publish(ladder_data(slug="design", name="Design"))
    designer = set_level(
        PersonFactory(name="Dee Designer", email="dee@example.com"), design, "M1", date(2025, 1, 1)
    )
    set_level(report, engineering, "IC1", since=date(2025, 1, 1))
    people = {p.name: p for p in Person.objects.with_roles()}
    assert people["Dee Designer"].role_labels == ["Design", "Management 1"]
    assert people["Riya Report"].role_labels == ["Engineering", "Individual contributor"]
    assert people["Hana People"].role_labels == ["HR"]
    html = body(client_for(hr).get(reverse("people:directory")))
    assert ">Design</span>" in html and ">Management 1</span>" in html
    assert ">Engineer</span>" not in html
    assert designer.name in html
