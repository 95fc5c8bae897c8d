"""Layout on a laptop and on a phone. At 1280 px and at 390 px no key page scrolls
sideways, and no content hides in a sideways scroll box (a table in an overflow box
hides half of itself on a phone as surely as a page that scrolls); at 390 px, where
tables reflow into cards, axe still finds no serious or critical violation. The
header is a bar on a laptop and folds into a menu on a phone, without JavaScript."""

import pytest
from playwright.sync_api import expect

from tests.browser import test_accessibility as accessibility
from tests.browser.test_accessibility import PAGES, axe_violations, describe

pytestmark = pytest.mark.browser

# The demo world and the key pages, each seen by the role that uses it, are the
# accessibility tests': one list of key pages for both. Their fixtures, used here too.
world = accessibility.world
visit = accessibility.visit
axe_source = accessibility.axe_source

LAPTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}

# What overflows sideways: the page itself, and every box whose content is wider than
# it is while it clips or scrolls (tables included). Boxes of a pixel or two are the
# visually hidden texts, clipped on purpose; form controls scroll their own text.
SIDEWAYS = """() => {
  const root = document.scrollingElement;
  const boxes = [...document.querySelectorAll('body *')].filter(e => {
    const s = getComputedStyle(e);
    return e.scrollWidth > e.clientWidth + 1 && e.clientWidth > 2
      && ['auto', 'scroll', 'hidden', 'clip'].includes(s.overflowX)
      && !['TEXTAREA', 'SELECT', 'INPUT'].includes(e.tagName);
  }).map(e => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '')
    + (typeof e.className === 'string' && e.className.trim()
       ? '.' + e.className.trim().split(/\\s+/).join('.') : '')
    + ` (${e.scrollWidth}px of content in ${e.clientWidth}px)`);
  return {page: root.scrollWidth, viewport: window.innerWidth, boxes};
}"""


def sideways(page):
    """What scrolls sideways on the page as it is now, in words (empty: nothing)."""
    found = page.evaluate(SIDEWAYS)
    problems = []
    if found["page"] > found["viewport"]:
        problems.append(f"the page is {found['page']}px wide in {found['viewport']}px")
    problems += [f"hidden in a sideways box: {box}" for box in found["boxes"]]
    return problems


def test_no_key_page_scrolls_sideways_on_a_laptop_or_a_phone(page, visit, world, axe_source):
    # One visit per page and width, every problem gathered: one failure lists them all.
    problems = []
    for size in (LAPTOP, PHONE):
        page.set_viewport_size(size)
        for name, persona, path, status in PAGES:
            response = visit(persona, path(world))
            where = f"{name} at {size['width']}px ({path(world)})"
            if response.status != status:
                problems.append(f"{where}: answered {response.status}, not {status}")
                continue
            problems += [f"{where}: {problem}" for problem in sideways(page)]
            if size is PHONE:
                violations = axe_violations(page, axe_source)
                if violations:
                    problems.append(describe(violations, where))
    assert not problems, "\n".join(problems)


def test_tables_reflowed_on_a_phone_keep_their_meaning(page, visit, world):
    page.set_viewport_size(PHONE)
    visit("hr", "/people/")
    table = page.get_by_role("table")
    # Still a table to assistive technology, its header row still naming the columns.
    expect(table.get_by_role("columnheader", name="Email")).to_have_count(1)
    first = table.get_by_role("row").nth(1)
    expect(first.get_by_role("rowheader")).to_have_count(1)
    expect(first.get_by_role("cell").first).to_be_visible()
    # Each cell shows its column's name, from data-label, above its value.
    label = first.locator("td[data-label=Email]").evaluate(
        "(cell) => getComputedStyle(cell, '::before').content"
    )
    assert "Email" in label


def test_the_ladder_grid_is_a_card_per_grade_with_both_tracks_on_a_phone(page, visit, world):
    page.set_viewport_size(PHONE)
    visit("engineer", "/ladders/engineering/")
    grade = page.get_by_role("row").filter(has=page.get_by_role("rowheader", name="3"))
    # Both tracks of the grade, each with its chip, stacked in one card.
    ic3 = grade.get_by_role("link", name="IC3 Senior Software Engineer")
    m1 = grade.get_by_role("link", name="M1 Engineering Manager")
    expect(ic3).to_be_visible()
    expect(m1).to_be_visible()
    expect(ic3.locator(".chip-ic")).to_be_visible()
    expect(m1.locator(".chip-management")).to_be_visible()
    ic3_box, m1_box = ic3.bounding_box(), m1.bounding_box()
    assert m1_box["y"] > ic3_box["y"] + ic3_box["height"], "stacked, not side by side"


def test_the_header_is_a_menu_on_a_phone_and_a_bar_on_a_laptop(page, visit, world):
    page.set_viewport_size(PHONE)
    visit("engineer", "/")
    nav = page.get_by_role("navigation", name="Main")
    ladders = nav.get_by_role("link", name="Ladders", exact=True)
    expect(ladders).to_be_hidden()
    # The keyboard opens it: skip link, brand, then the menu's summary.
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    expect(nav.locator("summary")).to_be_focused()
    expect(nav.locator("summary")).to_have_text("Menu")
    page.keyboard.press("Enter")
    expect(ladders).to_be_visible()
    expect(nav.get_by_role("button", name="Sign out")).to_be_visible()
    assert sideways(page) == []

    page.set_viewport_size(LAPTOP)
    visit("engineer", "/")
    expect(nav.locator("summary")).to_be_hidden()
    expect(ladders).to_be_visible()
    expect(nav.get_by_role("button", name="Sign out")).to_be_visible()
