import re

import pytest
from playwright.sync_api import expect

from tests.factories import PersonFactory

pytestmark = pytest.mark.browser


@pytest.fixture
def team(manager):
    """A manager with five reports, two of whom share the letters 'ri'."""
    names = ["Riya Report", "Brian Stone", "Chen Wu", "Dora Lake", "Emil Frost"]
    return [PersonFactory(name=name, manager=manager) for name in names]


def test_sign_in_then_sign_out(page, live_server, sign_in, report, csp_violations):
    sign_in(report)
    expect(page.get_by_role("heading", level=1)).to_have_text("Hello, Riya Report")
    expect(page.get_by_role("navigation", name="Main")).to_contain_text("People")

    page.get_by_role("button", name="Sign out").click()
    expect(page).to_have_url(re.compile(r"/accounts/login/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in")
    page.goto(f"{live_server.url}/people/")
    expect(page).to_have_url(re.compile(r"/accounts/login/\?next=/people/$"))
    assert csp_violations == []


def test_a_wrong_password_is_explained(page, live_server, report):
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Email").fill(report.email)
    page.get_by_label("Password").fill("not the password")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("alert")).to_contain_text("do not match an account")


def test_the_directory_filters_as_you_type(
    page, live_server, sign_in, manager, team, csp_violations
):
    sign_in(manager)
    page.get_by_role("link", name="People", exact=True).click()
    rows = page.locator("#directory-results tbody tr")
    # The manager, their chain (2) and their five reports.
    expect(rows).to_have_count(8)
    page.evaluate("window.fullLoads = (window.fullLoads || 0) + 1")

    search = page.get_by_label("Search by name or email")
    search.press_sequentially("ri", delay=30)
    expect(rows).to_have_count(2)
    expect(rows.nth(0)).to_contain_text("Brian Stone")
    expect(rows.nth(1)).to_contain_text("Riya Report")
    expect(page.locator("#result-count")).to_have_text("2 people match “ri”.")
    expect(page).to_have_url(re.compile(r"/people/\?q=ri$"))
    # Swapped in place: the page did not reload, and typing focus stayed put.
    assert page.evaluate("window.fullLoads") == 1
    expect(search).to_be_focused()

    search.press_sequentially("ya", delay=30)
    expect(rows).to_have_count(1)
    search.fill("zzz")
    expect(page.get_by_text("Nobody you can see matches “zzz”")).to_be_visible()
    assert csp_violations == []


def test_the_directory_search_works_without_javascript(browser, live_server, manager, team):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Email").fill(manager.email)
    page.get_by_label("Password").fill("correct horse battery staple")
    page.get_by_role("button", name="Sign in").click()
    page.goto(f"{live_server.url}/people/")
    page.get_by_label("Search by name or email").fill("chen")
    page.get_by_label("Search by name or email").press("Enter")
    expect(page).to_have_url(re.compile(r"/people/\?q=chen$"))
    expect(page.locator("#directory-results tbody tr")).to_have_count(1)
    context.close()
