"""Insights through HTTP: who may open a cycle's dashboard, the parity report and a
person's growth page (and who gets a 404), the HR-only breakdowns, CSV downloads,
htmx fragments, one <h1> per page, and a fixed number of queries as the
organisation grows."""

import csv
import io
import re
from datetime import UTC, date, datetime, timedelta

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone

from people.models import LevelChange, Person, PersonAttribute, Proposal
from people.selectors import insights
from people.services.levels import person_set_level
from people.services.workflow import cycle_open
from tests.builders import LEVELS_READ, SIGNED_IN, ladder_data, level, open_cycle, propose, publish
from tests.factories import PersonFactory

HTMX = {"HTTP_HX_REQUEST": "true"}


def body(response):
    return response.content.decode()


def h1_count(response):
    return len(re.findall(r"<h1[\s>]", body(response)))


def url(name, *args):
    return reverse(f"people:{name}", args=args)


def csv_rows(response):
    """The rows of a download, which starts with UTF-8's byte-order mark for Excel."""
    assert response.content.startswith(b"\xef\xbb\xbf")
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


@pytest.fixture
def engineering(db):
    """IC1-IC3 (grades 1-3), M1-M3 (grades 2-4)."""
    return publish(ladder_data())


@pytest.fixture
def calibrator(top):
    """A manager on another branch who calibrates the Engineering cycle."""
    person = PersonFactory(name="Cara Calibrator", email="cara@example.com", manager=top)
    PersonFactory(manager=person)
    return person


@pytest.fixture
def other_calibrator(top, hr):
    """Calibrates the Design ladder's cycle, not Engineering's."""
    person = PersonFactory(name="Carl Design", email="carl@example.com", manager=top)
    design = publish(ladder_data(slug="design", name="Design"))
    cycle_open(
        ladder=design.ladder,
        name="Design H1",
        starts_on=date(2026, 1, 1),
        ends_on=date(2026, 2, 1),
        effective_on=date(2026, 3, 1),
        calibrators=[person],
        by=hr,
    )
    return person


@pytest.fixture
def peer(manager):
    """Riya's colleague: same manager, no business with Riya's growth."""
    return PersonFactory(name="Pete Peer", email="pete@example.com", manager=manager)


@pytest.fixture
def cycle(engineering, report, manager, calibrator, hr):
    """Engineering H1, calibrated by Cara: Riya IC1 -> IC2 approved, and five more of
    Max's team in Berlin (three approved, two not), so the Berlin group is shown."""
    cycle = cycle_open(
        ladder=engineering.ladder,
        name="Engineering H1",
        starts_on=date(2026, 1, 1),
        ends_on=date(2026, 2, 1),
        effective_on=date(2026, 3, 1),
        calibrators=[calibrator],
        by=hr,
    )
    person_set_level(person=report, level=level(engineering, "IC1"), by=None, source="hr")
    report.refresh_from_db()
    propose(report, engineering, "IC2", "yes", by=calibrator)
    PersonAttribute.objects.create(person=report, name="location", value="Lisbon")
    for i, outcome in enumerate(["yes", "yes", "yes", "no", "no"]):
        someone = PersonFactory(name=f"Berliner {i}", manager=manager)
        person_set_level(person=someone, level=level(engineering, "IC1"), by=None, source="hr")
        someone.refresh_from_db()
        PersonAttribute.objects.create(person=someone, name="location", value="Berlin")
        propose(someone, engineering, "IC2", outcome, by=calibrator)
    return cycle


# Who sees a cycle's dashboard ---------------------------------------------------


@pytest.mark.parametrize("viewer", ["hr", "calibrator"])
def test_hr_and_the_cycles_calibrators_see_its_insights(request, client_for, cycle, viewer):
    response = client_for(request.getfixturevalue(viewer)).get(url("cycle_insights", cycle.uid))
    assert response.status_code == 200
    html = body(response)
    assert h1_count(response) == 1
    assert "<h1>Insights: Engineering H1</h1>" in html
    assert "Approval rate by track" in html
    assert "Max Manager" in html  # the managers' table


@pytest.mark.parametrize("viewer", ["other_calibrator", "manager", "director", "report"])
def test_nobody_else_finds_a_cycles_insights(request, client_for, cycle, viewer):
    response = client_for(request.getfixturevalue(viewer)).get(url("cycle_insights", cycle.uid))
    assert response.status_code == 404


def test_hr_breaks_the_dashboard_down_by_an_attribute(client_for, cycle, hr):
    response = client_for(hr).get(url("cycle_insights", cycle.uid), {"attribute": "location"})
    html = body(response)
    assert 'id="f-attribute"' in html
    assert '<option value="location" selected>location</option>' in html
    assert "Approval rate by location" in html
    assert '<th scope="row">Berlin</th>' in html
    assert "Lisbon" not in html  # a group of one
    assert "Groups of fewer than 5 people are not shown (1 person left out)." in html


def test_calibrators_never_see_attributes_even_when_the_url_asks(client_for, cycle, calibrator):
    response = client_for(calibrator).get(
        url("cycle_insights", cycle.uid), {"attribute": "location"}
    )
    assert response.status_code == 200
    html = body(response)
    assert 'id="f-attribute"' not in html
    assert "Approval rate by location" not in html
    assert "Berlin" not in html
    assert "left out" not in html


def test_the_dashboard_leads_with_its_headline_then_hidden_charts_then_tables(
    client_for, cycle, hr
):
    html = body(client_for(hr).get(url("cycle_insights", cycle.uid)))
    headline = html.index('<h2 id="headline-heading">In short</h2>')
    # Six proposals, all decided; 4 of 6 IC ones approved.
    assert "<li>6 proposals: 6 decided, 0 still open.</li>" in html
    assert "<li>IC approval rate 67%.</li>" in html
    assert headline < html.index('<figure class="chart" hidden>') < html.index("<table")
    # Without JavaScript no chart box shows: charts.js unhides a figure it draws in.
    assert '<figure class="chart">' not in html
    assert '<td data-label="Approval rate">67%</td>' in html


def test_flagged_managers_are_badged(client_for, cycle, hr, engineering, director):
    """Max put all six of his reports forward; Nia none of her four: 60% of the
    cycle's people, so both are 40 points off."""
    nia = PersonFactory(name="Nia Nobody", email="nia@example.com", manager=director)
    for i in range(4):
        PersonFactory(name=f"Nia Report {i}", manager=nia, level=level(engineering, "IC1"))
    html = body(client_for(hr).get(url("cycle_insights", cycle.uid)))
    assert (
        '<td data-label="Flag"><span class="badge badge-flag">Flagged</span> '
        "nominations 0% of team vs 60%</td>"
    ) in html
    assert "<li>2 managers flagged: Max Manager, Nia Nobody.</li>" in html
    assert '<td data-label="Flag"></td>' not in html


# The parity report and the growth page ------------------------------------------


def test_hr_sees_the_parity_report(client_for, cycle, hr):
    response = client_for(hr).get(url("parity"), {"ladder": "engineering"})
    assert response.status_code == 200
    assert h1_count(response) == 1
    html = body(response)
    assert "<h1>Dual-track parity</h1>" in html
    assert "People at each grade, by track" in html
    assert "Approved lateral moves, each way" in html
    # No lateral move yet: a sentence, not an empty chart.
    assert "<li>No lateral move approved yet, either way.</li>" in html
    assert '<p class="chart-empty">No lateral move approved yet: nothing to draw.</p>' in html
    assert 'data-chart="chart-laterals"' not in html


def test_hr_breaks_parity_down_by_an_attribute(client_for, cycle, hr):
    html = body(client_for(hr).get(url("parity"), {"attribute": "location"}))
    assert "Tracks by location" in html
    assert '<th scope="row">Berlin</th>' in html
    assert "Groups of fewer than 5 people are not shown (1 person left out)." in html


@pytest.mark.parametrize("viewer", ["calibrator", "manager", "director", "report"])
def test_nobody_but_hr_finds_the_parity_report(request, client_for, cycle, viewer):
    response = client_for(request.getfixturevalue(viewer)).get(url("parity"))
    assert response.status_code == 404


@pytest.mark.parametrize("value", ["no-such-ladder", "", "a\x00b"])
def test_parity_for_an_unknown_ladder_shows_the_first_published_one(client_for, cycle, hr, value):
    response = client_for(hr).get(url("parity"), {"ladder": value, "attribute": "unknown"})
    assert response.status_code == 200
    html = body(response)
    # Shown unset (the select's first choice), not as an error nobody made.
    assert "aria-invalid" not in html
    assert '<option value="engineering">Engineering</option>' in html
    assert "People at each grade, by track" in html
    assert "Tracks by" not in html


def test_parity_shows_the_ladder_chosen_and_by_default_the_first_by_name(client_for, cycle, hr):
    publish(ladder_data(slug="zeta", name="Zeta platform"))
    publish(ladder_data(slug="design", name="Design"))
    client = client_for(hr)
    chosen = body(client.get(url("parity"), {"ladder": "zeta"}))
    assert '<option value="zeta" selected>Zeta platform</option>' in chosen
    # Zeta's people: nobody holds one of its levels, so its headcount is empty.
    assert '<th scope="row">Grade 2</th>' not in chosen
    default = body(client.get(url("parity")))
    select = default.split('id="f-ladder"')[1].split("</select>")[0]
    assert re.findall(r'<option value="([a-z]+)"', select) == ["design", "engineering", "zeta"]
    assert " selected>" not in select
    # Design is first by name, and nobody holds one of its levels either.
    assert '<th scope="row">Grade 2</th>' not in default
    engineering = body(client.get(url("parity"), {"ladder": "engineering"}))
    assert '<th scope="row">Grade 2</th>' in engineering


def test_parity_without_a_published_ladder_says_so(client_for, hr):
    response = client_for(hr).get(url("parity"))
    assert response.status_code == 200
    assert h1_count(response) == 1
    assert "No ladder is published yet." in body(response)


@pytest.mark.parametrize("viewer", ["report", "manager", "director", "top", "hr"])
def test_a_person_their_managers_and_hr_see_their_growth(request, client_for, cycle, viewer):
    report = request.getfixturevalue("report")
    response = client_for(request.getfixturevalue(viewer)).get(url("growth", report.uid))
    assert response.status_code == 200
    assert h1_count(response) == 1
    html = body(response)
    assert "<h1>Riya Report's growth</h1>" in html
    assert "Now IC1 · IC title 1" in html
    assert "Next on Individual contributor" in html
    assert "The same grade on" not in html  # IC1 has no equal on the management track


@pytest.mark.parametrize("viewer", ["peer", "outsider", "calibrator"])
def test_nobody_else_finds_a_persons_growth(request, client_for, cycle, report, viewer):
    response = client_for(request.getfixturevalue(viewer)).get(url("growth", report.uid))
    assert response.status_code == 404


def test_a_report_does_not_see_their_managers_growth(client_for, report, manager):
    """Riya sees Max on his page (he is in her chain), but not his growth."""
    client = client_for(report)
    assert client.get(url("detail", manager.uid)).status_code == 200
    assert client.get(url("growth", manager.uid)).status_code == 404


@pytest.mark.parametrize("page", ["cycle_insights", "parity", "growth"])
def test_posting_to_an_insights_page_is_not_allowed(client_for, cycle, hr, report, page):
    args = {"cycle_insights": [cycle.uid], "parity": [], "growth": [report.uid]}[page]
    assert client_for(hr).post(url(page, *args)).status_code == 405


@pytest.mark.parametrize("page", ["cycle_insights", "parity", "growth"])
def test_anonymous_visitors_are_sent_to_sign_in(client, cycle, report, page):
    args = {"cycle_insights": [cycle.uid], "parity": [], "growth": [report.uid]}[page]
    address = url(page, *args)
    response = client.get(address)
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('login')}?next={address}"


# CSV downloads --------------------------------------------------------------------


def test_every_dashboard_table_downloads_as_csv(client_for, cycle, hr):
    response = client_for(hr).get(url("cycle_insights", cycle.uid), {"download": "by-track"})
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == ('attachment; filename="engineering-h1-by-track.csv"')
    assert csv_rows(response) == [
        ["Track", "Proposals", "Decided", "Approved", "Approval rate"],
        ["Individual contributor", "6", "6", "4", "67%"],
    ]
    states = csv_rows(
        client_for(hr).get(url("cycle_insights", cycle.uid), {"download": "by-state"})
    )
    assert states[0] == ["State", "Proposals"]
    assert ["Approved", "4"] in states and ["Not approved", "2"] in states


def test_a_download_follows_the_filters(client_for, cycle, hr, manager):
    response = client_for(hr).get(
        url("cycle_insights", cycle.uid),
        {"track": "management", "manager": str(manager.uid), "download": "by-manager"},
    )
    header, *rows = csv_rows(response)
    assert header == [
        "Manager",
        "Direct reports on the ladder",
        "Proposals",
        "Proposals per report",
        "Decided",
        "Approved",
        "Approval rate",
        "Flag",
    ]
    # Only the filtered manager, with none of their proposals on the management track.
    assert [(row[0], row[2]) for row in rows] == [("Max Manager", "0")]


def test_downloads_write_what_a_spreadsheet_would_run_as_text(client_for, cycle, hr, manager):
    manager.name = '=HYPERLINK("http://evil","Max")'
    manager.save()
    cycle.name = "H1\r\nSet-Cookie: x=1"
    cycle.save()
    response = client_for(hr).get(url("cycle_insights", cycle.uid), {"download": "by-manager"})
    assert (
        response["Content-Disposition"] == 'attachment; filename="h1-set-cookie-x1-by-manager.csv"'
    )
    header, *rows = csv_rows(response)
    assert header[0] == "Manager"  # headers as they are
    (row,) = [row for row in rows if "HYPERLINK" in row[0]]
    assert row[0] == '\'=HYPERLINK("http://evil","Max")'
    assert row[2].isdigit()  # numbers stay numbers


def test_a_header_made_of_a_tracks_name_is_written_as_text_too(client_for, hr, report):
    """The distribution's columns are named after the ladder's tracks, which HR names."""
    design = ladder_data(slug="design", name="Design")
    design.tracks[0].name = "@SUM(1+1)"
    version = publish(design)
    person_set_level(person=report, level=level(version, "IC1"), by=None, source="hr")
    cycle = open_cycle(version, hr, name="Design H1", effective_on=date(2027, 3, 1))
    response = client_for(hr).get(url("cycle_insights", cycle.uid), {"download": "distribution"})
    header, *_ = csv_rows(response)
    assert header[:3] == ["Grade", "'@SUM(1+1): before", "'@SUM(1+1): after"]


def test_a_long_managers_table_shows_part_on_the_page_and_downloads_whole(
    client_for, cycle, hr, monkeypatch
):
    zed = PersonFactory(name="Zed Other")  # a second manager, with nobody put forward
    version = cycle.ladder.versions.order_by("-number").first()
    someone = PersonFactory(manager=zed)
    person_set_level(person=someone, level=level(version, "IC1"), by=None, source="hr")
    client = client_for(hr)
    everyone = csv_rows(client.get(url("cycle_insights", cycle.uid), {"download": "by-manager"}))
    monkeypatch.setattr(insights, "MANAGERS_ON_PAGE", 1)
    html = body(client.get(url("cycle_insights", cycle.uid)))
    managers = html.split('id="t-by-manager"')[1].split("</section>")[0]
    assert managers.count('<th scope="row">') == 1
    assert len(everyone) - 1 == 2
    assert "Showing 1 of 2 rows; the CSV download has them all." in managers
    again = csv_rows(client.get(url("cycle_insights", cycle.uid), {"download": "by-manager"}))
    assert again == everyone


def test_the_page_links_each_table_to_its_download_with_the_filters(client_for, cycle, hr):
    html = body(client_for(hr).get(url("cycle_insights", cycle.uid), {"track": "ic"}))
    assert 'href="?track=ic&amp;download=by-grade"' in html


def test_parity_tables_download_as_csv(client_for, cycle, hr):
    response = client_for(hr).get(url("parity"), {"ladder": "engineering", "download": "laterals"})
    assert response["Content-Disposition"] == (
        'attachment; filename="parity-engineering-laterals.csv"'
    )
    assert csv_rows(response) == [
        ["Move", "People"],
        ["Individual contributor → management", "0"],
        ["Management → individual contributor", "0"],
    ]


@pytest.mark.parametrize("page", ["cycle_insights", "parity"])
def test_an_unknown_table_is_not_found(client_for, cycle, hr, page):
    args = [cycle.uid] if page == "cycle_insights" else []
    assert client_for(hr).get(url(page, *args), {"download": "salaries"}).status_code == 404


def test_hr_downloads_the_breakdown_and_a_calibrator_cannot(client_for, cycle, hr, calibrator):
    query = {"attribute": "location", "download": "by-attribute"}
    response = client_for(hr).get(url("cycle_insights", cycle.uid), query)
    assert response.status_code == 200
    assert csv_rows(response) == [
        ["Location", "Proposals", "Decided", "Approved", "Approval rate"],
        ["Berlin", "5", "5", "3", "60%"],
    ]
    response = client_for(calibrator).get(url("cycle_insights", cycle.uid), query)
    assert response.status_code == 404


# htmx -------------------------------------------------------------------------------


@pytest.mark.parametrize("page", ["cycle_insights", "parity"])
def test_htmx_gets_only_the_tables(client_for, cycle, hr, page):
    args = [cycle.uid] if page == "cycle_insights" else []
    client = client_for(hr)
    fragment = client.get(url(page, *args), **HTMX)
    assert fragment.status_code == 200
    assert body(fragment).lstrip().startswith('<div id="insights">')
    assert h1_count(fragment) == 0
    assert "<html" not in body(fragment)
    assert "HX-Request" in fragment["Vary"]
    whole = client.get(url(page, *args))
    assert "HX-Request" in whole["Vary"]
    assert h1_count(whole) == 1


def test_htmx_filtering_swaps_the_filtered_tables(client_for, cycle, hr):
    fragment = body(
        client_for(hr).get(url("cycle_insights", cycle.uid), {"track": "management"}, **HTMX)
    )
    # Nothing on the management track in this cycle: every rate table says so.
    assert "Approval rate by track" in fragment
    assert '<th scope="row">Individual contributor</th>' not in fragment
    assert "No data for these filters yet." in fragment


def test_a_history_restore_gets_the_whole_page(client_for, cycle, hr):
    response = client_for(hr).get(
        url("cycle_insights", cycle.uid), HTTP_HX_HISTORY_RESTORE_REQUEST="true", **HTMX
    )
    assert h1_count(response) == 1


# A fixed number of queries as the organisation grows ------------------------------

LEVELLED = datetime(2025, 1, 1, 9, tzinfo=UTC)


def grow(version, cycle, size, managers, decider):
    """``size`` more people on the ladder, each with a level history, a location (ten
    places), and a proposal in ``cycle``: a third approved, a third not, a third waiting."""
    ic1, ic2 = level(version, "IC1"), level(version, "IC2")
    m1, m2 = level(version, "M1"), level(version, "M2")
    User = get_user_model()
    start = Person.objects.count()
    users = User.objects.bulk_create(
        User(username=f"grown{start + i}@example.com") for i in range(size)
    )
    people = Person.objects.bulk_create(
        Person(
            user=user,
            name=f"Grown Person {start + i:04}",
            email=user.username,
            manager=managers[i % len(managers)],
            level=ic1 if i % 2 else m1,
        )
        for i, user in enumerate(users)
    )
    LevelChange.objects.bulk_create(
        LevelChange(person=p, level=p.level, source="hr", changed_at=LEVELLED) for p in people
    )
    PersonAttribute.objects.bulk_create(
        PersonAttribute(person=p, name="location", value=f"Place {i % 10}")
        for i, p in enumerate(people)
    )
    states = ["approved", "not_approved", "in_calibration"]
    Proposal.objects.bulk_create(
        Proposal(
            person=p,
            author=p,
            kind="promotion",
            ladder=version.ladder,
            track_key="ic" if p.level == ic1 else "management",
            current_level=p.level,
            target_level=ic2 if p.level == ic1 else m2,
            pinned_version=version,
            state=states[i % 3],
            decided_at=LEVELLED if i % 3 < 2 else None,
            decided_by=decider if i % 3 < 2 else None,
            cycle=cycle,
            submitted_at=LEVELLED,
            level_since=LEVELLED,
        )
        for i, p in enumerate(people)
    )


@pytest.fixture
def growing(cycle, engineering, director, calibrator):
    """Grows Engineering H1 by ``size`` people with proposals, over five managers."""
    managers = [
        PersonFactory(name=f"Manager {i}", email=f"manager{i}@example.com", manager=director)
        for i in range(5)
    ]

    def to(size):
        grow(engineering, cycle, size, managers, calibrator)
        return cycle

    return to


# The cycle (1); the six tables: states, track, grade (3), managers with their team
# sizes (the cycle's totals are their teams' summed) (2), time in level (1), the
# distribution: the ladder's levels, before, on the day and the approvals still to
# apply (4; 3 when the day is still ahead: before is everyone's own level, and nothing
# has changed on the day); then the page's filters: the ladder's current track list,
# the target grades, the managers (3). The grades and managers are kept while they
# hold: the same page again reads neither.
DASHBOARD = 1 + 3 + 2 + 1 + 4 + 3


@pytest.mark.parametrize(
    ("viewer", "query", "htmx", "ahead", "queries", "kept"),
    [
        ("hr", {}, False, False, DASHBOARD + 1, 2),  # + the attribute names for the HR select
        ("hr", {"attribute": "location"}, False, False, DASHBOARD + 2, 2),  # + the breakdown
        ("calibrator", {"attribute": "location"}, False, False, DASHBOARD, 2),  # ignored
        ("calibrator", {}, False, True, DASHBOARD - 1, 2),
        # The fragment renders no filter: it reads the track and grade choices only to
        # check the values given, and never the managers'.
        ("hr", {"track": "ic", "grade": "2"}, True, False, DASHBOARD + 1 - 1, 1),
    ],
    ids=["hr", "hr-attribute", "calibrator", "day-ahead", "htmx"],
)
@pytest.mark.parametrize("size", [10, 60])
def test_the_dashboard_runs_a_fixed_number_of_queries(
    request,
    client_for,
    growing,
    django_assert_num_queries,
    size,
    viewer,
    query,
    htmx,
    ahead,
    queries,
    kept,
):
    cycle = growing(size)
    if ahead:
        cycle.effective_on = timezone.localdate() + timedelta(days=40)
        cycle.save(update_fields=["effective_on"])
    client = client_for(request.getfixturevalue(viewer))

    def the_dashboard():
        return client.get(url("cycle_insights", cycle.uid), query, **(HTMX if htmx else {}))

    with django_assert_num_queries(SIGNED_IN + queries):
        the_dashboard()
    with django_assert_num_queries(SIGNED_IN + queries - kept):
        response = the_dashboard()
    assert response.status_code == 200
    assert '<th scope="row">Manager 4</th>' in body(response)


# The published ladders, for the select, the one asked for and the default (1); the last
# cycles and the headcount (2); the last cycles' proposals and the approved lateral
# moves counted, for the time to promotion, the trend and the moves (1: the closed
# cycles' tallies and the others' proposals counted, in one UNION); who looks ready by
# their last check-in, counted with those of them proposed (1); the attribute names for
# the select (1).
PARITY = 1 + 2 + 1 + 1 + 1


@pytest.mark.parametrize(
    ("query", "htmx", "queries"),
    [
        ({}, False, PARITY),
        ({"attribute": "location"}, False, PARITY + 1),  # + the breakdown
        ({"attribute": "location"}, True, PARITY + 1),
    ],
    ids=["page", "attribute", "htmx"],
)
@pytest.mark.parametrize("size", [10, 60])
def test_the_parity_page_runs_a_fixed_number_of_queries(
    client_for, growing, hr, django_assert_num_queries, size, query, htmx, queries
):
    growing(size)
    client = client_for(hr)
    with django_assert_num_queries(SIGNED_IN + queries) as captured:
        response = client.get(url("parity"), query, **(HTMX if htmx else {}))
    assert response.status_code == 200
    assert '<th scope="row">Grade 2</th>' in body(response)
    # No page query is a server-side cursor: it counts as one query here but costs three
    # round trips (DECLARE, FETCH, CLOSE).
    assert not [q["sql"] for q in captured.captured_queries if q["sql"].startswith("DECLARE")]


# The person (1); their level history (1); the ladder's newest published version, to
# read their level in it (1); the next level and the same grade on other tracks, read
# together (1); their proposals (1). Their agreed check-ins are read only when their
# row says they have one (none here). A manager's view adds one: is the person in
# their tree. The levels of their history and their proposals are read by the first
# visit (``LEVELS_READ``), then kept.
GROWTH = 1 + 1 + 1 + 1 + 1


@pytest.mark.parametrize(("viewer", "queries"), [("report", GROWTH), ("director", GROWTH + 1)])
@pytest.mark.parametrize("size", [1, 12])
def test_the_growth_page_runs_a_fixed_number_of_queries(
    request,
    client_for,
    growing,
    report,
    engineering,
    django_assert_num_queries,
    size,
    viewer,
    queries,
):
    """``size`` more entries in Riya's history and ``size`` more past proposals, in an
    organisation grown by ``5 * size`` people."""
    growing(5 * size)
    ic1, ic2 = level(engineering, "IC1"), level(engineering, "IC2")
    LevelChange.objects.bulk_create(
        LevelChange(
            person=report,
            level=ic2 if i % 2 else ic1,
            source="hr",
            changed_at=datetime(2020, 1, 1 + i, tzinfo=UTC),
        )
        for i in range(size)
    )
    Proposal.objects.bulk_create(
        Proposal(
            person=report,
            author=report,
            kind="promotion",
            ladder=engineering.ladder,
            track_key="ic",
            current_level=ic1,
            target_level=ic2,
            state="withdrawn",
        )
        for _ in range(size)
    )
    client = client_for(request.getfixturevalue(viewer))
    with django_assert_num_queries(SIGNED_IN + LEVELS_READ + queries):
        response = client.get(url("growth", report.uid))
    assert response.status_code == 200
    assert body(response).count('<span class="state state-withdrawn">') == size


@pytest.mark.parametrize("tracks", [2, 4])
def test_the_growth_pages_queries_do_not_grow_with_the_tracks_to_move_to(
    client_for, report, django_assert_num_queries, tracks
):
    """At IC2, Riya could move to grade 2 of every other track: one on two tracks,
    three on four. Each links to the comparison with her level."""
    version = publish(ladder_data(tracks=tracks))
    person_set_level(person=report, level=level(version, "IC2"), by=None, source="hr")
    client = client_for(report)
    with django_assert_num_queries(SIGNED_IN + LEVELS_READ + GROWTH):
        response = client.get(url("growth", report.uid))
    html = body(response)
    assert html.count("The same grade on ") == tracks - 1
    compare = reverse("ladders:compare", args=["engineering"])
    assert f'href="{compare}?a=IC2&amp;b=M1"' in html
    assert f'href="{compare}?a=IC2&amp;b=IC3"' in html
