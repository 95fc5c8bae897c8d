"""Home in a real browser: a manager nominates a report from their team list, and the
report sees who prepares it without reading it; nothing scrolls sideways on a phone."""

import re
from datetime import UTC, datetime

import pytest
from playwright.sync_api import expect

from tests.builders import give_level, ladder_data, publish

pytestmark = pytest.mark.browser


@pytest.fixture
def engineer(transactional_db, report):
    """Riya Report, IC1 of Engineering since 1 January 2025, reporting to Max Manager."""
    return give_level(report, publish(ladder_data()), "IC1", at=datetime(2025, 1, 1, 9, tzinfo=UTC))


def test_a_manager_nominates_a_report_from_the_team_list_on_home(
    page, sign_in, sign_in_on_a_phone, engineer, manager, csp_violations
):
    sign_in(manager)
    team = page.get_by_role("region", name="Your team")
    expect(team.get_by_role("row", name=re.compile("Riya Report"))).to_contain_text(
        "IC1 IC title 1"
    )
    expect(team).to_contain_text("since 1 Jan 2025")
    team.get_by_role("link", name="Nominate Riya Report").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Nominate Riya Report")
    page.get_by_role("radio", name=re.compile(r"^Promotion to IC2 ")).check()
    page.get_by_role("button", name="Start the draft").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Evidence for IC2 · IC title 2")
    page.get_by_role("textbox", name="Your evidence for Competency 1").fill("Riya led the move.")
    page.get_by_role("button", name="Save all").click()

    riya = sign_in_on_a_phone(engineer)
    standing = riya.get_by_role("region", name="Where you stand")
    expect(standing).to_contain_text(
        "Max Manager, your manager, is preparing a nomination for you: "
        "promotion to IC2 · IC title 2 (Individual contributor)."
    )
    expect(riya.get_by_text("Riya led the move.")).to_have_count(0)
    expect(standing.get_by_role("link", name="Compare IC1 with IC2")).to_be_visible()
    assert riya.evaluate("document.documentElement.scrollWidth") <= 390
    assert csp_violations == []
