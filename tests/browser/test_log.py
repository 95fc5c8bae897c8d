"""The evidence log in a real browser: an engineer, starting from Home, notes a piece of
work tagged with a competency and sees it in their log; their manager finds it on a
phone, from their team on Home."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from people.services.levels import person_set_level
from tests.builders import ladder_data, level, publish

pytestmark = pytest.mark.browser


@pytest.fixture
def engineer(transactional_db, report):
    """Riya Report, IC1 of Engineering, reporting to Max Manager."""
    engineering = publish(ladder_data())
    person_set_level(person=report, level=level(engineering, "IC1"), by=None, source="hr")
    return report


def test_an_engineer_logs_work_and_their_manager_sees_it(
    page, sign_in, sign_in_on_a_phone, engineer, manager, csp_violations
):
    yesterday = timezone.localdate() - timedelta(days=1)
    sign_in(engineer)
    page.get_by_role("button", name="Log work").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your evidence log")
    expect(page.get_by_text("0 entries.")).to_be_visible()

    page.get_by_label("When").fill(yesterday.isoformat())
    page.get_by_label("What you did").fill(
        "Moved the **billing** jobs to the new queue; [runbook](https://example.com/runbook)."
    )
    page.get_by_role("checkbox", name="Competency 2").check()
    page.get_by_role("button", name="Add to the log").click()

    expect(page.get_by_role("status")).to_have_text("Added to your log.")
    expect(page.get_by_text("1 entry.")).to_be_visible()
    entry = page.get_by_role("article").filter(has_text="Moved the billing jobs")
    expect(entry).to_contain_text(f"{yesterday:%-d %b %Y} · by you")
    expect(entry.get_by_role("list", name="Competencies")).to_have_text("Competency 2")
    expect(entry.locator("strong")).to_have_text("billing")
    expect(entry.get_by_role("link", name="runbook")).to_have_attribute(
        "href", "https://example.com/runbook"
    )
    expect(entry.get_by_role("link", name=re.compile(r"^Edit"))).to_be_visible()

    max_page = sign_in_on_a_phone(manager)
    team = max_page.get_by_role("region", name="Your team")
    team.get_by_role("link", name="Evidence log of Riya Report").click()
    expect(max_page.get_by_role("heading", level=1)).to_have_text("Riya Report's evidence log")
    seen = max_page.get_by_role("article").filter(has_text="Moved the billing jobs")
    expect(seen).to_contain_text("by Riya Report")
    expect(seen.get_by_role("list", name="Competencies")).to_have_text("Competency 2")
    # Hers to edit, not his.
    expect(seen.get_by_role("link", name=re.compile(r"^Edit"))).to_have_count(0)
    assert max_page.evaluate("document.documentElement.scrollWidth") <= 390
    assert csp_violations == []
