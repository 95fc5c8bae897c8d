"""HR opens a calibration cycle, finding its calibrators by name: without JavaScript
"Find" sends the form and brings it back as it was, with the people found."""

import re

import pytest
from playwright.sync_api import expect

from people.models import CalibrationCycle
from tests.builders import ladder_data, publish
from tests.factories import PersonFactory


@pytest.fixture
def engineering(transactional_db):
    return publish(ladder_data())


def test_hr_finds_and_ticks_calibrators_without_javascript(
    sign_in_without_javascript, hr, manager, engineering
):
    PersonFactory(name="Cleo Calibrator", email="cleo@example.com", manager=manager)
    page = sign_in_without_javascript(hr)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Calibration").click()
    page.get_by_role("button", name="Open a cycle").click()
    page.get_by_label("Name").fill("2027 H1")
    page.get_by_label("Starts on").fill("2027-01-04")
    page.get_by_label("Ends on").fill("2027-02-26")
    page.get_by_label("Effective on").fill("2027-04-01")

    page.get_by_label("Find a manager or HR person").fill("ma")
    page.get_by_role("button", name="Find").click()
    # What was typed is still there; Max manages Cleo, so may calibrate, and Cleo,
    # who manages nobody, is not offered.
    expect(page.get_by_label("Name")).to_have_value("2027 H1")
    expect(page.get_by_label("Effective on")).to_have_value("2027-04-01")
    found = page.get_by_role("list", name="People found for “ma”")
    expect(found.get_by_role("checkbox")).to_have_count(1)
    found.get_by_role("checkbox", name=re.compile("Max Manager")).check()

    page.get_by_label("Find a manager or HR person").fill("hana")
    page.get_by_role("button", name="Find").click()
    chosen = page.get_by_role("list", name="Chosen calibrators")
    expect(chosen.get_by_role("checkbox", name=re.compile("Max Manager"))).to_be_checked()
    page.get_by_role("checkbox", name=re.compile("Hana People")).check()

    page.get_by_role("button", name="Open the cycle").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("2027 H1")
    cycle = CalibrationCycle.objects.get()
    assert set(cycle.calibrators.values_list("name", flat=True)) == {"Max Manager", "Hana People"}
