"""Insights in a real browser: the cycle dashboard's filters redraw every chart and
table in place and live in the URL, the parity report follows its ladder select, and
a person's growth page draws their level history."""

import re
from datetime import UTC, date, datetime

import pytest
from playwright.sync_api import expect

from people.models import LevelChange, Proposal
from people.services.levels import person_set_level
from people.services.workflow import (
    cycle_open,
    evidence_save,
    proposal_create,
    proposal_decide,
    proposal_endorse,
    proposal_submit,
)
from tests.builders import ladder_data, level, publish
from tests.factories import PASSWORD, PersonFactory

pytestmark = pytest.mark.browser

COMPETENCIES = ("comp-1", "comp-2", "comp-3")
# Everyone got their level on this day; the cycle's levels take effect 730 days later.
LEVELLED_AT = datetime(2025, 1, 1, 12, tzinfo=UTC)
EFFECTIVE_ON = date(2027, 1, 1)
CYCLE_CHARTS = ("by-state", "by-track", "by-grade", "time-in-level", "distribution")


@pytest.fixture
def engineering(transactional_db):
    """Engineering version 1, published: IC1-IC3 (grades 1-3), M1-M3 (grades 2-4)."""
    return publish(ladder_data())


@pytest.fixture
def product(transactional_db):
    """A second published ladder, Product, with the same shape."""
    return publish(ladder_data(slug="product", name="Product"))


def set_level(person, version, code, *, at=LEVELLED_AT, source=LevelChange.Source.IMPORT):
    person_set_level(person=person, level=level(version, code), by=None, source=source, at=at)
    person.refresh_from_db()
    return person


def proposal_in_calibration(person, version, target):
    """A promotion of ``person`` to ``target``, written, submitted and endorsed."""
    proposal = proposal_create(
        person=person, author=person, kind=Proposal.Kind.PROMOTION, target=level(version, target)
    )
    for key in COMPETENCIES:
        evidence_save(proposal=proposal, key=key, text=f"What {person.name} did.")
    proposal = proposal_submit(proposal=proposal, actor=person, revision=proposal.revision)
    return proposal_endorse(
        proposal=proposal, actor=person.manager, revision=proposal.revision, note="Ready."
    )


@pytest.fixture
def decided_cycle(engineering, report, manager, hr, top):
    """A cycle of six promotions on both tracks from two teams.

    Max Manager's: Riya IC1→IC2 approved, Bo IC1→IC2 not approved, Mia M1→M2 approved.
    Otto Elsewhere's: Ola IC1→IC2 approved, Pia M1→M2 not approved, Quinn M1→M2 undecided.
    """
    otto = PersonFactory(name="Otto Elsewhere", email="otto@example.com", manager=top)
    team = {
        "Riya Report": (report, "IC1", "IC2", True),
        "Bo Builder": (PersonFactory(name="Bo Builder", manager=manager), "IC1", "IC2", False),
        "Mia Lead": (PersonFactory(name="Mia Lead", manager=manager), "M1", "M2", True),
        "Ola Other": (PersonFactory(name="Ola Other", manager=otto), "IC1", "IC2", True),
        "Pia Peer": (PersonFactory(name="Pia Peer", manager=otto), "M1", "M2", False),
        "Quinn Quiet": (PersonFactory(name="Quinn Quiet", manager=otto), "M1", "M2", None),
    }
    proposals = {}
    for name, (person, code, target, _) in team.items():
        set_level(person, engineering, code)
        proposals[name] = proposal_in_calibration(person, engineering, target)
    cycle = cycle_open(
        ladder=engineering.ladder,
        name="2026 H2 promotions",
        starts_on=date(2026, 11, 1),
        ends_on=date(2026, 12, 15),
        effective_on=EFFECTIVE_ON,
        calibrators=[hr],
        by=hr,
    )
    for name, (_, _, _, approve) in team.items():
        if approve is None:
            continue
        proposal = Proposal.objects.get(pk=proposals[name].pk)
        proposal_decide(
            proposal=proposal,
            actor=hr,
            revision=proposal.revision,
            approve=approve,
            reasons=None if approve else {"comp-1": "Not yet."},
        )
    return cycle, otto


def mark_page(page):
    """Set a window variable that a full page load would wipe out."""
    page.evaluate("window.notReloaded = true")


def assert_not_reloaded(page):
    assert page.evaluate("window.notReloaded") is True


def expect_table(page, title, rows):
    """The table under the heading ``title`` holds exactly ``rows``, cell by cell."""
    section = page.locator("section.insight", has=page.get_by_role("heading", name=title))
    body_rows = section.locator("tbody tr")
    expect(body_rows).to_have_count(len(rows))
    for i, row in enumerate(rows):
        expect(body_rows.nth(i).locator("th, td")).to_have_text(row)


def expect_no_data(page, title):
    section = page.locator("section.insight", has=page.get_by_role("heading", name=title))
    expect(section.locator("table")).to_have_count(0)
    expect(section).to_contain_text("No data for these filters yet.")


def expect_drawn(page, chart_ids):
    """Exactly these charts are on the page, and Chart.js has drawn (and shown) every one."""
    canvases = page.locator("canvas[data-chart]")
    expect(canvases).to_have_count(len(chart_ids))
    for chart_id in chart_ids:
        canvas = page.locator(f'canvas[data-chart="{chart_id}"]')
        expect(canvas).to_have_attribute("data-drawn", "1")
        expect(canvas).to_be_visible()


def headline(page):
    """The sentences the page leads with."""
    return page.locator("section", has=page.get_by_role("heading", name="In short")).get_by_role(
        "listitem"
    )


def chart_data(page, chart_id):
    """What Chart.js drew on a canvas: its labels and each series' values."""
    return page.evaluate(
        """(id) => {
            const chart = Chart.getChart(document.querySelector(`canvas[data-chart="${id}"]`));
            return {
                labels: chart.data.labels,
                series: Object.fromEntries(chart.data.datasets.map((d) => [d.label, d.data])),
            };
        }""",
        chart_id,
    )


def y_axis(page, chart_id):
    """The tick labels Chart.js drew on a chart's value axis, bottom to top."""
    return page.evaluate(
        """(id) => Chart.getChart(document.querySelector(`canvas[data-chart="${id}"]`))
            .scales.y.ticks.map((tick) => tick.label)""",
        chart_id,
    )


BY_TRACK = "Approval rate by track"
MANAGERS = "Managers: nominations and approvals"
DISTRIBUTION = "People by grade and track, before and after 01 Jan 2027"


def test_the_dashboard_filters_redraw_charts_and_tables_in_place(
    page, live_server, sign_in, hr, decided_cycle, csp_violations
):
    cycle, otto = decided_cycle
    sign_in(hr)
    page.goto(f"{live_server.url}/cycles/{cycle.uid}/insights/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Insights: 2026 H2 promotions")
    expect_drawn(page, [f"chart-{key}" for key in CYCLE_CHARTS])
    expect(headline(page)).to_have_text(
        [
            "6 proposals: 5 decided, 1 still open.",
            "IC approval rate 67%, management 50%.",
            "No manager flagged.",
            "Median time in level before promotion: IC 730 days, management 730.",
            # Mia goes up to M2, grade 3, where nobody is on the IC track.
            "After this cycle, no IC at grade 3; one manager.",
        ]
    )
    expect_table(
        page,
        "Proposals by state",
        [
            ["Submitted", "0"],
            ["Endorsed", "0"],
            ["Returned to author", "0"],
            ["In calibration", "1"],
            ["Approved", "3"],
            ["Not approved", "2"],
            ["Withdrawn", "0"],
        ],
    )
    expect_table(
        page,
        BY_TRACK,
        [
            ["Individual contributor", "3", "3", "2", "67%"],
            ["Management 1", "3", "2", "1", "50%"],
        ],
    )
    expect_table(
        page,
        "Approval rate by target grade",
        [["Grade 2", "3", "3", "2", "67%"], ["Grade 3", "3", "2", "1", "50%"]],
    )
    expect_table(
        page,
        MANAGERS,
        [
            ["Max Manager", "3", "3", "100%", "3", "2", "67%", ""],
            ["Otto Elsewhere", "3", "3", "100%", "2", "1", "50%", ""],
        ],
    )
    expect_table(
        page,
        "Time in level at promotion (days)",
        [
            ["Individual contributor", "2", "730", "730", "730"],
            ["Management 1", "1", "730", "730", "730"],
        ],
    )
    expect_table(
        page,
        DISTRIBUTION,
        [
            ["Grade 1", "3", "1", "0", "0"],
            ["Grade 2", "0", "2", "3", "2"],
            ["Grade 3", "0", "0", "0", "1"],
        ],
    )
    assert chart_data(page, "chart-by-track") == {
        "labels": ["Individual contributor", "Management 1"],
        "series": {"Approval rate": [67, 50]},
    }
    # Rates, drawn on an axis to 100%: 2 of 3 IC and 1 of 2 management approved.
    assert y_axis(page, "chart-by-track") == ["0%", "20%", "40%", "60%", "80%", "100%"]
    assert y_axis(page, "chart-by-grade")[-1] == "100%"
    mark_page(page)

    # Otto's team only: every table and chart follows, and the URL says so.
    page.get_by_role("combobox", name="Manager").select_option(label="Otto Elsewhere")
    expect(page).to_have_url(re.compile(rf"[?&]manager={otto.uid}(&|$)"))
    expect_table(
        page,
        BY_TRACK,
        [
            ["Individual contributor", "1", "1", "1", "100%"],
            ["Management 1", "2", "1", "0", "0%"],
        ],
    )
    expect_table(page, MANAGERS, [["Otto Elsewhere", "3", "3", "100%", "2", "1", "50%", ""]])
    expect(headline(page).nth(1)).to_have_text("IC approval rate 100%, management 0%.")
    expect_table(
        page,
        DISTRIBUTION,
        [["Grade 1", "1", "0", "0", "0"], ["Grade 2", "0", "1", "2", "2"]],
    )
    expect_drawn(page, [f"chart-{key}" for key in CYCLE_CHARTS])
    assert chart_data(page, "chart-by-track") == {
        "labels": ["Individual contributor", "Management 1"],
        "series": {"Approval rate": [100, 0]},
    }
    assert_not_reloaded(page)

    # And the management track only, on top of the manager.
    page.get_by_role("combobox", name="Track").select_option(label="Management 1")
    expect(page).to_have_url(re.compile(r"[?&]track=management(&|$)"))
    expect(page).to_have_url(re.compile(rf"[?&]manager={otto.uid}(&|$)"))
    expect_table(page, BY_TRACK, [["Management 1", "2", "1", "0", "0%"]])
    expect_table(page, "Approval rate by target grade", [["Grade 3", "2", "1", "0", "0%"]])
    # No approved promotion is left, so there is no time in level to chart.
    expect_no_data(page, "Time in level at promotion (days)")
    expect_drawn(page, ["chart-by-state", "chart-by-track", "chart-by-grade", "chart-distribution"])
    assert chart_data(page, "chart-by-track") == {
        "labels": ["Management 1"],
        "series": {"Approval rate": [0]},
    }
    assert_not_reloaded(page)

    # The address is shareable: loading it gives the same filters and numbers.
    page.reload()
    expect(page.get_by_role("combobox", name="Manager")).to_have_value(str(otto.uid))
    expect(page.get_by_role("combobox", name="Track")).to_have_value("management")
    expect_table(page, BY_TRACK, [["Management 1", "2", "1", "0", "0%"]])
    expect_drawn(page, ["chart-by-state", "chart-by-track", "chart-by-grade", "chart-distribution"])
    assert csp_violations == []


def test_the_parity_report_follows_the_ladder_select_in_place(
    page, live_server, sign_in, hr, decided_cycle, product, csp_violations
):
    set_level(PersonFactory(name="Pat Product"), product, "IC1")
    set_level(PersonFactory(name="Mo Product"), product, "M2")
    sign_in(hr)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Parity").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Dual-track parity")
    expect(page.get_by_label("Ladder")).to_have_value("engineering")
    headcount = "People at each grade, by track"
    expect_table(page, headcount, [["Grade 1", "3", "0", "100%"], ["Grade 2", "0", "3", "0%"]])
    expect_table(
        page,
        "Median days in level before promotion, by target grade",
        [["Grade 2", "730", "—"], ["Grade 3", "—", "730"]],
    )
    expect_table(
        page,
        "Approval rate by track over the last cycle",  # as many as there were, up to six
        [["2026 H2 promotions", "67%", "50%"]],
    )
    # No lateral move was approved: that chart is a sentence.
    expect_drawn(page, ["chart-headcount", "chart-time-to-promotion", "chart-trend"])
    laterals = page.locator(
        "section.insight", has=page.get_by_role("heading", name="Approved lateral moves, each way")
    )
    expect(laterals).to_contain_text("No lateral move approved yet: nothing to draw.")
    expect(headline(page)).to_have_text(
        [
            # Mia, Pia and Quinn on M1, grade 2; Riya, Bo and Ola are on IC1, grade 1.
            "No IC at grade 2; 3 managers.",
            "Median time in level before promotion: IC 730 days, management 730 (last cycle).",
            "Over the last cycle: IC approval rate 67%, management 50%.",
            "No lateral move approved yet, either way.",
            # Nobody here has an agreed check-in.
            "No IC looks ready; no manager looks ready.",
        ]
    )
    assert chart_data(page, "chart-trend")["series"] == {
        "Individual contributor": [67],
        "Management": [50],
    }
    assert y_axis(page, "chart-trend")[-1] == "100%"
    mark_page(page)

    page.get_by_label("Ladder").select_option(label="Product")
    expect(page).to_have_url(re.compile(r"[?&]ladder=product(&|$)"))
    expect_table(page, headcount, [["Grade 1", "1", "0", "100%"], ["Grade 3", "0", "1", "0%"]])
    expect_no_data(page, "Median days in level before promotion, by target grade")
    expect_no_data(page, "Approval rate by track over the last 6 cycles")
    expect_drawn(page, ["chart-headcount"])
    assert chart_data(page, "chart-headcount") == {
        "labels": ["Grade 1", "Grade 3"],
        "series": {"Individual contributor": [1, 0], "Management": [0, 1]},
    }
    assert_not_reloaded(page)

    page.reload()
    expect(page.get_by_label("Ladder")).to_have_value("product")
    expect_table(page, headcount, [["Grade 1", "1", "0", "100%"], ["Grade 3", "0", "1", "0%"]])
    assert csp_violations == []


def test_a_person_sees_their_level_history_drawn(
    page, live_server, sign_in, engineering, report, csp_violations
):
    set_level(report, engineering, "IC1", at=datetime(2023, 1, 10, 12, tzinfo=UTC))
    set_level(
        report,
        engineering,
        "IC2",
        at=datetime(2024, 2, 1, 12, tzinfo=UTC),
        source=LevelChange.Source.PROMOTION,
    )
    set_level(
        report,
        engineering,
        "M1",
        at=datetime(2025, 3, 1, 12, tzinfo=UTC),
        source=LevelChange.Source.LATERAL,
    )
    sign_in(report)
    page.get_by_role("link", name="your growth").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Riya Report's growth")
    history = page.locator("section[aria-labelledby=history-heading] tbody tr")
    expect(history).to_have_count(3)
    for row, cells in zip(
        (history.nth(0), history.nth(1), history.nth(2)),
        (
            ["10 Jan 2023", "IC1 · IC title 1", "Individual contributor", "1", "People import"],
            ["1 Feb 2024", "IC2 · IC title 2", "Individual contributor", "2", "Promotion"],
            ["1 Mar 2025", "M1 · M title 1", "Management 1", "2", "Lateral move"],
        ),
        strict=True,
    ):
        expect(row.locator("th, td")).to_have_text(cells)
    expect_drawn(page, ["chart-growth"])
    assert chart_data(page, "chart-growth") == {
        "labels": ["2023-01-10", "2024-02-01", "2025-03-01"],
        "series": {"Grade": [1, 2, 2]},
    }
    assert csp_violations == []


def test_a_single_level_change_is_a_table_without_a_chart(
    page, live_server, sign_in, engineering, report
):
    set_level(report, engineering, "IC1")
    sign_in(report)
    page.goto(f"{live_server.url}/people/{report.uid}/growth/")
    history = page.locator("section[aria-labelledby=history-heading] tbody tr")
    expect(history).to_have_count(1)
    expect(history.locator("th, td")).to_have_text(
        ["1 Jan 2025", "IC1 · IC title 1", "Individual contributor", "1", "People import"]
    )
    expect(page.locator("canvas[data-chart]")).to_have_count(0)


@pytest.mark.parametrize("path", ["cycle", "parity"])
def test_without_javascript_the_tables_are_the_content_and_no_chart_box_shows(
    browser, live_server, hr, decided_cycle, path
):
    cycle, _ = decided_cycle
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Email").fill(hr.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{live_server.url}/")
    page.goto(
        f"{live_server.url}/cycles/{cycle.uid}/insights/"
        if path == "cycle"
        else f"{live_server.url}/insights/parity/"
    )
    expect(headline(page).first).to_be_visible()
    figures = page.locator("figure.chart")
    assert figures.count() >= 3
    for i in range(figures.count()):
        expect(figures.nth(i)).to_be_hidden()
    expect(page.get_by_role("table").first).to_be_visible()
    context.close()
