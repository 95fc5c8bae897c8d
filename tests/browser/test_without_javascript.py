"""The key journeys with JavaScript off: every step a plain link or form post, driven
by what a person sees. A manager nominates a report from Home's team list; a calibrator
decides from the queue (an approval confirmed on a page of its own), and a refused
"Not approve" keeps what was typed; an engineer requests a promotion from Home and
saves the evidence."""

import re

import pytest
from playwright.sync_api import expect

from people.models import Proposal
from tests.browser.decisions import refuse_a_not_approve_without_reasons
from tests.builders import give_level, ladder_data, open_cycle, propose, publish
from tests.factories import PASSWORD, PersonFactory

pytestmark = pytest.mark.browser


@pytest.fixture
def engineering(transactional_db):
    """Engineering version 1, published: IC1-IC3, M1-M3, three competencies."""
    return publish(ladder_data())


@pytest.fixture
def engineer(report, engineering):
    """Riya Report, IC1 of Engineering, reporting to Max Manager."""
    give_level(report, engineering, "IC1")
    return report


@pytest.fixture
def without_javascript(new_context, live_server):
    """Sign ``person`` in through the form in a browser context without JavaScript."""

    def sign_in(person):
        page = new_context(java_script_enabled=False).new_page()
        page.goto(f"{live_server.url}/accounts/login/")
        page.get_by_label("Email").fill(person.email)
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        expect(page).to_have_url(f"{live_server.url}/")
        return page

    return sign_in


def status(page):
    return page.locator("#status")


def test_a_manager_nominates_a_report_from_home_without_javascript(
    without_javascript, manager, engineer
):
    page = without_javascript(manager)
    team = page.get_by_role("region", name="Your team")
    team.get_by_role("link", name="Nominate Riya Report").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Nominate Riya Report")
    page.get_by_role("radio", name=re.compile(r"^Promotion to IC2 ")).check()
    page.get_by_role("button", name="Start the draft").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Evidence for IC2 · IC title 2")
    expect(page.get_by_text("“Save all” keeps what you wrote.")).to_be_visible()
    for n in (1, 2, 3):
        page.get_by_role("textbox", name=f"Your evidence for Competency {n}").fill(
            f"Riya led the work on competency {n}."
        )
    page.get_by_role("button", name="Save all").click()
    expect(page.get_by_role("textbox", name="Your evidence for Competency 2")).to_have_value(
        "Riya led the work on competency 2."
    )

    page.get_by_role("link", name="Back to the proposal").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Promotion: Riya Report to IC2 · IC title 2"
    )
    page.get_by_role("button", name="Submit", exact=True).click()
    # A nomination by the direct manager carries their endorsement.
    expect(status(page)).to_have_text("Submitted: endorsed.")
    proposal = Proposal.objects.get(person=engineer)
    assert (proposal.author, proposal.state) == (manager, Proposal.State.ENDORSED)


def test_an_engineer_requests_a_promotion_from_home_without_javascript(
    without_javascript, engineer
):
    page = without_javascript(engineer)
    page.get_by_role("button", name="Request a promotion or a lateral move").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Request a move")
    page.get_by_role("radio", name=re.compile(r"^Promotion to IC2 ")).check()
    page.get_by_role("button", name="Start the draft").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Evidence for IC2 · IC title 2")
    expect(status(page)).to_have_text("Draft saved. Add your evidence, then submit it.")
    expect(page.get_by_text("Each field saves itself as you type")).to_be_hidden()
    field = page.get_by_role("textbox", name="Your evidence for Competency 1")
    field.fill("I moved the billing jobs to the queue.")
    page.get_by_role("button", name="Save all").click()
    expect(field).to_have_value("I moved the billing jobs to the queue.")

    page.get_by_role("link", name="Back to the proposal").click()
    expect(page.get_by_text("I moved the billing jobs to the queue.")).to_be_visible()


@pytest.fixture
def queue(engineering, engineer, manager, hr, top):
    """A cycle Cleo calibrates, with the promotions of Riya and Bo to IC2 in its queue."""
    cleo = PersonFactory(name="Cleo Calibrator", email="cleo@example.com", manager=top)
    PersonFactory(name="Theo Teammate", manager=cleo)
    bo = PersonFactory(name="Bo Builder", email="bo@example.com", manager=manager)
    give_level(bo, engineering, "IC1")
    cycle = open_cycle(engineering, hr, name="2026 H1 promotions", calibrators=[cleo])
    proposals = {
        someone.name: propose(someone, engineering, "IC2", by=cleo) for someone in (engineer, bo)
    }
    return cleo, cycle, proposals


def test_a_calibrator_decides_from_the_queue_without_javascript(without_javascript, queue):
    cleo, cycle, proposals = queue
    page = without_javascript(cleo)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Calibration").click()
    page.get_by_role("link", name="2026 H1 promotions").click()
    queue_url = f"{page.url.split('/cycles/')[0]}/cycles/{cycle.uid}/"
    expect(page).to_have_url(queue_url)
    rows = page.locator("#queue tbody tr")
    expect(rows.get_by_role("rowheader")).to_have_text(["Bo Builder", "Riya Report"])

    # Approve Bo: the queue asks on a page of its own, then takes the calibrator back.
    rows.filter(has_text="Bo Builder").get_by_role("button", name="Decide Bo Builder").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(re.compile(r"^Promotion: Bo Builder"))
    panel = page.get_by_role("complementary", name="Decision")
    panel.get_by_role("radio", name="Approve", exact=True).check()
    panel.get_by_role("button", name="Record the decision").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Approve Bo Builder's promotion to IC2?"
    )
    expect(page.get_by_text("This is final")).to_be_visible()
    assert Proposal.objects.get(pk=proposals["Bo Builder"].pk).state == (
        Proposal.State.IN_CALIBRATION
    )
    page.get_by_role("button", name="Confirm: approve Bo Builder").click()
    expect(page).to_have_url(queue_url)
    expect(status(page)).to_have_text("Decision recorded: approved.")
    expect(rows.filter(has_text="Bo Builder").locator(".state")).to_have_text("Approved")

    # Not approve Riya: refused without a reason, and what was typed stays.
    rows.filter(has_text="Riya Report").get_by_role("button", name="Decide Riya Report").click()
    panel = refuse_a_not_approve_without_reasons(page, "Close, but the scope is one team.")
    riya = Proposal.objects.get(pk=proposals["Riya Report"].pk)
    assert riya.state == Proposal.State.IN_CALIBRATION

    page.get_by_role("textbox", name="Where “Competency 2” fell short").fill(
        "The design work was led by someone else."
    )
    panel.get_by_role("button", name="Record the decision").click()
    expect(page).to_have_url(queue_url)
    expect(status(page)).to_have_text("Decision recorded: not approved.")
    expect(rows.filter(has_text="Riya Report").locator(".state")).to_have_text("Not approved")
    assert riya.events.filter(action="not_approved").count() == 1
