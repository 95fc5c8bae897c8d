"""HR's check-in cadence in a real browser, by what each person sees: HR opens
Check-ins from the menu and asks Engineering for a check-in every quarter; a manager
whose report is overdue finds it from Home on their team's growth page and starts one."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from people.models import Person
from people.selectors.cadence import next_check_in
from tests.builders import give_level, ladder_data, publish

pytestmark = pytest.mark.browser


@pytest.fixture
def overdue_report(transactional_db, report):
    """Riya Report, IC1 of Engineering for 200 days, reporting to Max Manager, with no
    check-in agreed: overdue once Engineering asks for one every quarter."""
    return give_level(
        report, publish(ladder_data()), "IC1", at=timezone.now() - timedelta(days=200)
    )


def status(page):
    return page.locator("#status")


def test_hr_asks_for_quarterly_check_ins_and_a_manager_sees_a_report_overdue(
    page, sign_in, sign_in_on_a_phone, overdue_report, manager, hr, csp_violations
):
    sign_in(hr)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Check-ins").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Check-ins")
    engineering = page.get_by_role("row").filter(
        has=page.get_by_role("rowheader", name="Engineering")
    )
    expect(engineering).to_contain_text("Never set")
    engineering.get_by_label("Check-in cadence of Engineering").select_option(label="Every quarter")
    engineering.get_by_role("button", name="Save the cadence of Engineering").click()
    expect(status(page)).to_contain_text(re.compile(r"Check-ins on \w+: every quarter\."))
    expect(engineering.get_by_label("Check-in cadence of Engineering")).to_have_value("3")
    today = timezone.localdate()
    expect(engineering).to_contain_text(f"{today:%-d %b %Y} by Hana People")
    # Riya is due: HR's table says so for Max's team.
    expect(page.get_by_role("row").filter(has_text="Max Manager's team")).to_contain_text("1 due")
    # Over a year instead of a quarter: the teams change in place, the figures are read out.
    page.evaluate("window.notReloaded = true")
    page.get_by_label("Agreed within the last").select_option(label="12 months")
    expect(page).to_have_url(re.compile(r"[?&]within=12(&|$)"))
    expect(page.get_by_role("status").filter(has_text="people agreed")).to_have_text(
        re.compile(r"^0 of 1 people agreed a check-in in the last 12 months; .* 1 is due one")
    )
    expect(page.get_by_role("columnheader", name="Agreed in 12 months")).to_be_visible()
    assert page.evaluate("window.notReloaded") is True

    due_on = timezone.localdate(next_check_in(Person.objects.get(pk=overdue_report.pk)).due_at)
    boss = sign_in_on_a_phone(manager)
    boss.get_by_role("link", name=re.compile(r"team's growth", re.IGNORECASE)).click()
    expect(boss.get_by_role("heading", level=1)).to_have_text("Your team's growth")
    riya = boss.get_by_role("row").filter(has=boss.get_by_role("link", name="Riya Report"))
    expect(riya).to_contain_text(f"Check-in due since {due_on:%-d %b %Y}")
    riya.get_by_role("button", name="Start a check-in with Riya Report").click()
    expect(status(boss)).to_have_text("Check-in started: Riya Report rates first.")
    expect(boss.get_by_role("heading", level=1)).to_contain_text("Check-in: Riya Report")
    assert csp_violations == []
