"""Growth between promotions in a real browser, by what a person sees: an engineer logs
work, starts a check-in and rates; their manager, on a phone, rates beside her answers
and records what they agreed; the closed check-in no longer changes; her growth page
shows where she stands; her promotion request starts from that record."""

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


def status(page):
    return page.locator("#status")


def competency(page, name):
    """A check-in's row of one competency, by its heading."""
    return page.get_by_role("listitem").filter(has=page.get_by_role("heading", name=name))


def rate(page, ratings):
    for name, rating in ratings.items():
        competency(page, name).get_by_role("radio", name=rating, exact=True).check()


def test_from_the_log_through_a_check_in_to_a_promotion_request(
    page, sign_in, sign_in_on_a_phone, engineer, manager, csp_violations
):
    yesterday = timezone.localdate() - timedelta(days=1)
    sign_in(engineer)
    page.get_by_role("button", name="Log work").click()
    page.get_by_label("When").fill(yesterday.isoformat())
    page.get_by_label("What you did").fill("Led the incident review of the billing outage.")
    page.get_by_role("checkbox", name="Competency 1").check()
    page.get_by_role("button", name="Add to the log").click()
    expect(status(page)).to_have_text("Added to your log.")

    # She starts a check-in from Home and rates each competency of IC1.
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Home").click()
    page.get_by_role("button", name="Check-ins").click()
    expect(page.get_by_text("No check-in yet.")).to_be_visible()
    page.get_by_role("button", name="Start a check-in").click()
    expect(status(page)).to_have_text("Check-in started: you rate first.")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Check-in: Riya Report")
    page.get_by_role("button", name="Send my ratings").click()
    expect(page.get_by_text("Rate “Competency 1”.")).to_be_visible()
    rate(page, {"Competency 1": "Beyond", "Competency 2": "Meets", "Competency 3": "Not yet"})
    page.get_by_label("Note on Competency 1").fill("I led the outage review end to end.")
    page.get_by_role("checkbox", name=re.compile("Led the incident review")).check()
    page.get_by_role("button", name="Send my ratings").click()
    expect(status(page)).to_have_text("Your ratings are sent: it is your manager's turn.")
    expect(page.get_by_text("It is Max Manager's turn.")).to_be_visible()

    # Her manager, on a phone, finds it waiting on Home and rates beside her answers.
    boss = sign_in_on_a_phone(manager)
    boss.get_by_role("link", name=re.compile("Riya Report's check-in")).click()
    first = competency(boss, "Competency 1")
    expect(first).to_contain_text("I led the outage review end to end.")
    expect(first.locator(".rating")).to_have_text("Beyond")
    rate(boss, {"Competency 1": "Meets", "Competency 2": "Meets", "Competency 3": "Not yet"})
    boss.get_by_role("button", name="Send my ratings").click()
    expect(status(boss)).to_have_text(
        "Your ratings are saved: record what you agree together to close it."
    )
    # The agreed ratings start from his; they settle on Beyond for Competency 1.
    expect(
        competency(boss, "Competency 2").get_by_role("radio", name="Meets", exact=True)
    ).to_be_checked()
    rate(boss, {"Competency 1": "Beyond"})
    boss.get_by_role("button", name="Agree and close the check-in").click()
    expect(status(boss)).to_have_text("Agreed: the check-in is closed and kept as it is.")
    expect(boss.get_by_text("kept as it is, nobody can change it")).to_be_visible()
    expect(boss.get_by_role("button", name=re.compile("Agree|Send"))).to_have_count(0)

    # Her growth page shows where she stands, and what is left before IC2.
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Home").click()
    page.get_by_role("button", name="Your growth and level history").click()
    standing = page.get_by_role("region", name=re.compile("Where you stand"))
    expect(standing).to_contain_text(
        "2 of 3 not yet “beyond” IC1 (working as IC2 asks): Competency 2, Competency 3."
    )
    row = standing.get_by_role("row").filter(has_text="Competency 1")
    expect(row.get_by_role("cell").first).to_have_text("Beyond")

    # Her promotion request starts from her log and the agreed check-in.
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Home").click()
    page.get_by_role("button", name="Request a promotion or a lateral move").click()
    page.get_by_role("radio", name=re.compile(r"^Promotion to IC2 ")).check()
    page.get_by_role("button", name="Start the draft").click()
    evidence = page.get_by_label("Your evidence for Competency 1")
    expect(evidence).to_have_value(re.compile("Led the incident review of the billing outage."))
    expect(evidence).to_have_value(re.compile(r"Agreed at the check-in of .*: Beyond\."))
    assert csp_violations == []
