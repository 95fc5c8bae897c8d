import re

import pytest
from playwright.sync_api import expect

from ladders.models import Competency, Ladder, Level
from ladders.services.versions import draft_start
from tests.builders import ladder_data, publish
from tests.factories import PASSWORD, PersonFactory

pytestmark = pytest.mark.browser

ORIGINAL = "At IC1, competency 1 means scope 1."


@pytest.fixture
def draft(transactional_db):
    """Engineering version 1 published (IC1-IC3, M1-M3, three competencies) and
    version 2, a draft copied from it."""
    return draft_start(ladder=publish(ladder_data()).ladder, user=None)


@pytest.fixture
def ladder(transactional_db):
    """Engineering version 1, published, with no draft."""
    return publish(ladder_data())


@pytest.fixture
def second_hr(transactional_db):
    return PersonFactory(name="Hugo Second", email="hugo@example.com", is_hr=True)


def cell(page, draft, code="IC1", key="comp-1"):
    """The grid cell of a level and competency, whether it shows its text or its form."""
    level = Level.objects.get(version=draft, code=code)
    competency = Competency.objects.get(version=draft, key=key)
    return page.locator(f"#cell-{level.pk}-{competency.pk}")


def signed_in_page(browser, live_server, person, **context_options):
    """A page in a browser context of its own, signed in through the form."""
    page = browser.new_context(**context_options).new_page()
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Email").fill(person.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{live_server.url}/")
    return page


def mark_page(page):
    """Set a window variable that a full page load would wipe out."""
    page.evaluate("window.notReloaded = true")


def assert_not_reloaded(page):
    assert page.evaluate("window.notReloaded") is True


def test_hr_edits_a_cell_in_place(page, live_server, sign_in, hr, draft, csp_violations):
    sign_in(hr)
    page.goto(f"{live_server.url}/ladders/engineering/draft/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Editing Engineering")
    target = cell(page, draft)
    expect(target).to_contain_text(ORIGINAL)
    mark_page(page)

    page.get_by_role("link", name="Edit IC1 · Competency 1").click()
    textarea = target.get_by_role("textbox", name="IC1 · Competency 1")
    expect(textarea).to_be_visible()
    expect(textarea).to_have_value(ORIGINAL)
    expect(textarea).to_be_focused()
    assert_not_reloaded(page)

    textarea.fill("Ships **bold** changes.")
    target.get_by_role("button", name="Save", exact=True).click()
    expect(target.locator("strong")).to_have_text("bold")
    expect(target).to_contain_text("Ships bold changes.")
    expect(target.get_by_role("textbox")).to_have_count(0)
    expect(page.locator("#status")).to_have_text("Saved IC1 · Competency 1.")
    edit_link = page.get_by_role("link", name="Edit IC1 · Competency 1")
    expect(edit_link).to_be_focused()
    assert_not_reloaded(page)

    # Cancel throws away what was typed and shows the cell as it was.
    edit_link.click()
    expect(textarea).to_have_value("Ships **bold** changes.")
    textarea.fill("Something I will not keep.")
    target.get_by_role("button", name="Cancel").click()
    expect(target.get_by_role("textbox")).to_have_count(0)
    expect(target.locator("strong")).to_have_text("bold")
    expect(target).not_to_contain_text("Something I will not keep.")
    assert_not_reloaded(page)

    page.reload()
    expect(target.locator("strong")).to_have_text("bold")
    expect(target).to_contain_text("Ships bold changes.")
    assert csp_violations == []


def test_a_conflicting_save_shows_the_other_text_and_keeps_mine(
    page, browser, live_server, sign_in, hr, second_hr, draft, csp_violations
):
    editor_url = f"{live_server.url}/ladders/engineering/draft/"
    first = sign_in(hr)
    second = signed_in_page(browser, live_server, second_hr)
    for each in (first, second):
        each.goto(editor_url)
        each.get_by_role("link", name="Edit IC1 · Competency 1").click()
        expect(each.get_by_role("textbox", name="IC1 · Competency 1")).to_have_value(ORIGINAL)

    first.get_by_role("textbox", name="IC1 · Competency 1").fill("Hana's version.")
    first.get_by_role("button", name="Save", exact=True).click()
    expect(first.locator("#status")).to_have_text("Saved IC1 · Competency 1.")

    target = cell(second, draft)
    mark_page(second)
    second.get_by_role("textbox", name="IC1 · Competency 1").fill("Hugo's version.")
    second.get_by_role("button", name="Save", exact=True).click()
    conflict = target.get_by_role("alert")
    expect(conflict).to_contain_text(
        re.compile(r"Hana People changed this cell at \d\d:\d\d, since you opened it\.")
    )
    expect(conflict).to_contain_text("Hana's version.")
    expect(second.get_by_role("textbox", name="IC1 · Competency 1")).to_have_value(
        "Hugo's version."
    )
    assert_not_reloaded(second)

    second.get_by_role("button", name="Save", exact=True).click()
    expect(second.locator("#status")).to_have_text("Saved IC1 · Competency 1.")
    expect(target).to_contain_text("Hugo's version.")
    expect(target.get_by_role("alert")).to_have_count(0)

    first.reload()
    expect(cell(first, draft)).to_contain_text("Hugo's version.")
    second.context.close()
    assert csp_violations == []


def test_a_cell_can_be_edited_without_javascript(browser, live_server, hr, draft):
    page = signed_in_page(browser, live_server, hr, java_script_enabled=False)
    page.goto(f"{live_server.url}/ladders/engineering/draft/")
    page.get_by_role("link", name="Edit IC1 · Competency 1").click()
    expect(page).to_have_url(re.compile(r"/ladders/engineering/draft/edit-cell/comp-1/IC1/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("IC1 IC title 1 · Competency 1")
    textarea = page.get_by_role("textbox", name="IC1 · Competency 1")
    expect(textarea).to_have_value(ORIGINAL)

    textarea.fill("Written with **no** scripts.")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page).to_have_url(re.compile(r"/ladders/engineering/draft/\?track=ic#cell-\d+-\d+$"))
    expect(page.locator("#status")).to_have_text("Saved IC1 · Competency 1.")
    target = cell(page, draft)
    expect(target).to_contain_text("Written with no scripts.")
    expect(target.locator("strong")).to_have_text("no")
    page.context.close()


def test_a_reader_switches_the_compared_levels_in_place(
    page, live_server, sign_in, report, ladder, csp_violations
):
    sign_in(report)
    page.goto(f"{live_server.url}/ladders/engineering/compare/?a=IC1&b=IC2")
    heading = page.locator("#comparison-heading")
    # Each label wraps its select, so the select's name starts with the label's word.
    from_level = page.get_by_role("combobox", name=re.compile(r"^From\b"))
    to_level = page.get_by_role("combobox", name=re.compile(r"^To\b"))
    expect(heading).to_have_text("IC1 IC title 1 → IC2 IC title 2")
    mark_page(page)

    to_level.select_option("IC3")
    expect(heading).to_have_text("IC1 IC title 1 → IC3 IC title 3")
    comparison = page.locator("#comparison")
    expect(comparison).to_contain_text("a promotion of 2 grades")
    # IC1's and IC3's texts differ by two words: IC3's are marked as added.
    row = comparison.get_by_role("row", name=re.compile("^Competency 1"))
    target = row.get_by_role("cell").nth(1)
    expect(target.get_by_role("insertion")).to_have_text(["added: IC3,", "added: 3."])
    expect(row).to_contain_text("Adds IC3, 3.")
    expect(page).to_have_url(re.compile(r"/ladders/engineering/compare/\?a=IC1&b=IC3$"))
    assert_not_reloaded(page)

    # The address is shareable: loading it shows the same comparison.
    page.reload()
    expect(heading).to_have_text("IC1 IC title 1 → IC3 IC title 3")
    expect(from_level).to_have_value("IC1")
    expect(to_level).to_have_value("IC3")
    mark_page(page)

    # IC2 and M1 share grade 2 on different tracks.
    from_level.select_option("IC2")
    expect(heading).to_have_text("IC2 IC title 2 → IC3 IC title 3")
    to_level.select_option("M1")
    expect(heading).to_have_text("IC2 IC title 2 → M1 M title 1")
    expect(comparison.locator(".move")).to_contain_text(
        "From Individual contributor grade 2 to Management 1 grade 2: a lateral move"
    )
    expect(page).to_have_url(re.compile(r"/ladders/engineering/compare/\?a=IC2&b=M1$"))
    assert_not_reloaded(page)
    assert csp_violations == []


def test_hr_previews_and_publishes_a_draft(
    page, browser, live_server, sign_in, hr, report, draft, csp_violations
):
    sign_in(hr)
    page.goto(f"{live_server.url}/ladders/engineering/draft/")
    page.get_by_role("link", name="Edit IC2 · Competency 3").click()
    page.get_by_role("textbox", name="IC2 · Competency 3").fill("Leads *design* reviews.")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator("#status")).to_have_text("Saved IC2 · Competency 3.")

    page.get_by_role("button", name="Preview and publish").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Preview and publish draft version 2")
    changes = page.locator("section", has=page.get_by_role("heading", name="What changes"))
    expect(changes.get_by_role("heading", level=2)).to_have_text("What changes from version 1")
    expect(changes).to_contain_text("0 added, 0 removed, 1 changed.")
    change = changes.locator("li.change")
    expect(change).to_have_count(1)
    expect(change).to_contain_text("IC2 · Competency 3")
    # Shown as read: the Markdown's asterisks are no words.
    expect(change).to_contain_text("Leads design reviews.")

    page.get_by_role("button", name="Publish version 2").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Preview and publish draft version 2")
    note = page.get_by_label("Change note")
    expect(page.locator("#id_note_error")).to_have_text("This field is required.")
    expect(note).to_be_visible()

    note.fill("Design reviews at IC2.")
    page.get_by_role("button", name="Publish version 2").click()
    expect(page).to_have_url(f"{live_server.url}/ladders/engineering/")
    expect(page.locator("#status")).to_have_text("Version 2 of Engineering is published.")

    page.get_by_role("link", name="Version history").click()
    versions = page.locator(".version-list > li")
    expect(versions).to_have_count(2)
    expect(versions.first.get_by_role("heading", level=2)).to_contain_text("Version 2")
    expect(versions.first.get_by_role("heading", level=2)).to_contain_text("Current")
    expect(versions.first).to_contain_text("Published")
    expect(versions.first).to_contain_text("by Hana People")
    expect(versions.first.locator(".change-note")).to_have_text("Design reviews at IC2.")
    assert csp_violations == []

    reader = signed_in_page(browser, live_server, report)
    reader.goto(f"{live_server.url}/ladders/engineering/levels/IC2/")
    expectations = reader.locator("dl.expectations")
    expect(expectations.locator("em")).to_have_text("design")
    expect(expectations).to_contain_text("Leads design reviews.")
    expect(reader.locator(".version-banner")).to_have_count(0)
    reader.context.close()


# A small ladder in the file format (docs/ladder-format.md): two tracks side by side
# from grade 2, two competencies.
PLATFORM_YAML = """\
format: career-ladder/1
ladder:
  slug: platform
  name: Platform engineering
  description: How platform engineers grow here.
competencies:
  - {key: reliability, name: Reliability, group: Craft}
  - {key: enablement, name: Enablement, group: Impact}
tracks:
  - key: ic
    name: Platform IC
    kind: ic
    levels:
      - code: P1
        title: Platform Engineer
        grade: 1
        expectations:
          reliability: Keeps their own services up.
      - code: P2
        title: Senior Platform Engineer
        grade: 2
        expectations:
          reliability: Keeps the team's services up.
          enablement: Makes other teams faster.
  - key: management
    name: Platform management
    kind: management
    levels:
      - code: PM1
        title: Platform Lead
        grade: 2
        expectations:
          enablement: Grows the people who make other teams faster.
"""


def test_hr_imports_a_ladder_starting_from_the_ladder_list(
    page, live_server, sign_in, hr, ladder, tmp_path, csp_violations
):
    refused = tmp_path / "broken.yaml"
    refused.write_text("format: career-ladder/1\nladder: [unclosed\n")
    platform = tmp_path / "platform.yaml"
    platform.write_text(PLATFORM_YAML)

    sign_in(hr)
    ladders_link = page.get_by_role("navigation", name="Main").get_by_role(
        "link", name="Ladders", exact=True
    )
    ladders_link.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Ladders")
    page.get_by_role("button", name="Import a ladder file").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Import a ladder")

    # A file that is not YAML: refused on the page, nothing imported.
    page.get_by_label("Ladder file").set_input_files(refused)
    with page.expect_response(re.compile(r"/ladders/import/$")) as answer:
        page.get_by_role("button", name="Import as a draft").click()
    assert answer.value.status == 422
    problems = page.get_by_role("alert")
    expect(problems.get_by_role("heading")).to_have_text("1 problem: nothing was imported")
    expect(problems).to_contain_text("line 3, column 1: is not valid YAML")
    expect(page.get_by_role("heading", level=1)).to_have_text("Import a ladder")
    assert not Ladder.objects.filter(slug="platform").exists()

    page.get_by_label("Ladder file").set_input_files(platform)
    page.get_by_role("button", name="Import as a draft").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Editing Platform engineering")
    expect(page.locator("#status")).to_have_text(
        "Imported as draft version 1 of Platform engineering. Review it, then preview and publish."
    )
    tracks = page.get_by_role("navigation", name="Tracks")
    expect(tracks.get_by_role("link")).to_have_text(["Platform IC", "Platform management"])

    page.get_by_role("button", name="Preview and publish").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Preview and publish draft version 1")
    page.get_by_label("Change note").fill("Imported from the platform team's file.")
    page.get_by_role("button", name="Publish version 1").click()
    expect(page.locator("#status")).to_have_text("Version 1 of Platform engineering is published.")
    expect(page.get_by_role("heading", level=1)).to_have_text("Platform engineering")
    grid = page.get_by_role("table", name="Levels by grade")
    expect(grid.get_by_role("columnheader")).to_have_text(
        ["Grade", re.compile("Platform IC"), re.compile("Platform management")]
    )
    # Grade 2 holds both tracks: Senior Platform Engineer beside Platform Lead.
    grade_2 = grid.get_by_role("row").filter(has=page.get_by_role("rowheader", name="2"))
    expect(grade_2.get_by_role("link")).to_have_text(
        [re.compile("P2 Senior Platform Engineer"), re.compile("PM1 Platform Lead")]
    )

    # Back on the list, beside the ladder that was there.
    ladders_link.click()
    expect(page.get_by_role("heading", level=2)).to_have_text(
        ["Engineering", "Platform engineering"]
    )
    assert csp_violations == []
