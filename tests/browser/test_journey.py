"""The promotion journey in a real browser: request with evidence, review, calibration
in the queue (filters and inline decisions), and the level that follows."""

import re
from datetime import date

import pytest
from playwright.sync_api import expect

from ladders.models import Level
from people.models import Proposal
from people.services.workflow import (
    cycle_open,
    evidence_save,
    proposal_create,
    proposal_decide,
    proposal_endorse,
    proposal_submit,
)
from tests.browser.decisions import refuse_a_not_approve_without_reasons
from tests.builders import ladder_data, publish
from tests.factories import PASSWORD, PersonFactory

pytestmark = pytest.mark.browser

SAVED_AT = re.compile(r"^Saved at \d\d:\d\d\.\s*$")
COMPETENCIES = {"comp-1": "Competency 1", "comp-2": "Competency 2", "comp-3": "Competency 3"}


@pytest.fixture
def engineering(transactional_db):
    """Engineering version 1, published: IC1-IC3, M1-M3, three competencies."""
    return publish(ladder_data())


def give_level(person, version, code):
    person.level = Level.objects.get(version=version, code=code)
    person.save()
    return person


@pytest.fixture
def engineer(report, engineering):
    """Riya Report, IC1 of Engineering, reporting to Max Manager."""
    return give_level(report, engineering, "IC1")


@pytest.fixture
def calibrator(top):
    """A manager of another team: Cleo leads one engineer and calibrates."""
    cleo = PersonFactory(name="Cleo Calibrator", email="cleo@example.com", manager=top)
    PersonFactory(name="Theo Teammate", email="theo@example.com", manager=cleo)
    return cleo


def endorsed_proposal(person, version, *, target="IC2", texts=None):
    """A promotion of ``person`` written, submitted and endorsed through the services."""
    proposal = proposal_create(
        person=person,
        author=person,
        kind=Proposal.Kind.PROMOTION,
        target=Level.objects.get(version=version, code=target),
    )
    for key, name in COMPETENCIES.items():
        text = (texts or {}).get(key, f"What {person.name} did for {name}.")
        evidence_save(proposal=proposal, key=key, text=text)
    proposal = proposal_submit(proposal=proposal, actor=person, revision=proposal.revision)
    return proposal_endorse(
        proposal=proposal, actor=person.manager, revision=proposal.revision, note="Ready."
    )


def open_cycle(version, calibrators, by):
    return cycle_open(
        ladder=version.ladder,
        name="2026 H1 promotions",
        starts_on=date(2026, 1, 1),
        ends_on=date(2026, 2, 1),
        effective_on=date(2026, 3, 1),
        calibrators=calibrators,
        by=by,
    )


def watch_csp(page):
    """Console errors raised by the Content Security Policy on ``page``."""
    violations = []
    page.on(
        "console",
        lambda message: (
            violations.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    return violations


def signed_in_page(browser, live_server, person):
    """A page in a browser context of its own, signed in through the form."""
    page = browser.new_context().new_page()
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


def status(page):
    return page.locator("#status")


def evidence_cell(page, competency):
    """The evidence column of a competency's row on the proposal page."""
    return (
        page.locator(".evidence-table tbody tr", has=page.get_by_role("rowheader", name=competency))
        .locator("td")
        .nth(1)
    )


def counter(page, label):
    """One counter of the queue, e.g. "1 approved"; ``label`` as in the page."""
    return page.locator("#queue-counters span").filter(has_text=re.compile(rf"^\s*\d+ {label}\s*$"))


def queue_rows(page):
    return page.locator("#queue tbody tr")


def test_the_whole_journey(
    page, browser, live_server, sign_in, engineer, manager, hr, calibrator, csp_violations
):
    # The engineer asks for IC2 and writes the evidence; each field saves itself.
    sign_in(engineer)
    page.get_by_role("button", name="Request a promotion or a lateral move").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Request a move")
    page.get_by_role("radio", name=re.compile(r"^Promotion to IC2")).check()
    page.get_by_role("button", name="Start the draft").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Evidence for IC2 · IC title 2")
    evidence_url = page.url
    for key, name in COMPETENCIES.items():
        field = page.get_by_role("textbox", name=f"Your evidence for {name}")
        saved = page.locator(f"#status-{key}")
        expect(saved).to_have_text("")
        field.fill(f"For {name}, I led the *{key}* work.")
        expect(saved).to_have_text(SAVED_AT)

    page.reload()
    for key, name in COMPETENCIES.items():
        expect(page.get_by_role("textbox", name=f"Your evidence for {name}")).to_have_value(
            f"For {name}, I led the *{key}* work."
        )
    page.get_by_role("link", name="Back to the proposal").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Promotion: Riya Report to IC2 · IC title 2"
    )
    page.get_by_role("button", name="Submit", exact=True).click()
    expect(status(page)).to_have_text("Submitted: submitted.")
    proposal_url = page.url

    # The manager finds it waiting on Home and returns it with a comment.
    boss = signed_in_page(browser, live_server, manager)
    to_review = boss.locator(
        "section.waiting table",
        has=boss.get_by_role("rowheader", name="Riya Report"),
    )
    expect(boss.get_by_role("heading", name="To review: your reports' proposals")).to_be_visible()
    expect(to_review).to_contain_text("IC1 → IC2")
    to_review.get_by_role("link", name="Riya Report").click()
    expect(boss).to_have_url(proposal_url)
    boss.get_by_role("textbox", name="On Competency 2").fill("Say more about the design.")
    boss.get_by_role("button", name="Return with comments").click()
    expect(status(boss)).to_have_text("Returned to the author with your comments.")

    # The engineer reads the comment beside that competency, edits and resubmits.
    page.goto(proposal_url)
    expect(page.locator(".state")).to_have_text("Returned to author")
    expect(evidence_cell(page, "Competency 2")).to_contain_text(
        "Max Manager asked: Say more about the design."
    )
    expect(evidence_cell(page, "Competency 1")).not_to_contain_text("asked")
    page.get_by_role("button", name="Edit the evidence").click()
    expect(page).to_have_url(evidence_url)
    with page.expect_response(
        lambda response: response.url.endswith("/evidence/comp-2/") and response.ok
    ):
        page.get_by_role("textbox", name="Your evidence for Competency 2").fill(
            "I designed the queue: see the design doc."
        )
    expect(page.locator("#status-comp-2")).to_have_text(SAVED_AT)
    page.get_by_role("link", name="Back to the proposal").click()
    expect(evidence_cell(page, "Competency 2")).to_contain_text(
        "I designed the queue: see the design doc."
    )
    page.get_by_role("button", name="Resubmit").click()
    expect(status(page)).to_have_text("Submitted: submitted.")

    # The manager endorses it with a note.
    boss.goto(proposal_url)
    boss.get_by_role("textbox", name="Your endorsement").fill("Riya runs the queue work.")
    boss.get_by_role("button", name="Endorse").click()
    expect(status(boss)).to_have_text("Endorsed: endorsed.")
    expect(boss.locator("blockquote")).to_contain_text("Riya runs the queue work.")
    boss.context.close()

    # HR opens a cycle whose effective date has passed: approvals apply on closing.
    people = signed_in_page(browser, live_server, hr)
    people.goto(f"{live_server.url}/cycles/new/")
    expect(people.get_by_role("heading", level=1)).to_have_text("Open a calibration cycle")
    people.get_by_label("Name").fill("2020 promotions")
    people.get_by_label("Ladder").select_option(label="Engineering")
    people.get_by_label("Starts on").fill("2019-12-01")
    people.get_by_label("Ends on").fill("2019-12-20")
    people.get_by_label("Effective on").fill("2020-01-01")
    # The calibrators are found by name as HR types, and ticked.
    for name in ("Cleo Calibrator", "Hana People"):
        people.get_by_label("Find a manager or HR person").fill(name[:4].lower())
        people.get_by_role("checkbox", name=re.compile(name)).check()
        chosen = people.get_by_role("list", name="Chosen calibrators")
        expect(chosen.get_by_role("checkbox", name=re.compile(name))).to_be_checked()
    # Enter in a field opens the cycle, as its main button would.
    people.get_by_label("Effective on").press("Enter")
    expect(people.get_by_role("heading", level=1)).to_have_text("2020 promotions")
    expect(status(people)).to_have_text(
        "2020 promotions is open: endorsed proposals are in its queue."
    )
    cycle_url = people.url

    # The calibrator filters the queue and approves in place.
    cleo = signed_in_page(browser, live_server, calibrator)
    cleo_violations = watch_csp(cleo)
    cleo.get_by_role("navigation", name="Main").get_by_role("link", name="Calibration").click()
    cleo.get_by_role("link", name="2020 promotions").click()
    expect(cleo).to_have_url(cycle_url)
    expect(queue_rows(cleo)).to_have_count(1)
    mark_page(cleo)
    cleo.get_by_label("Person").press_sequentially("riy", delay=30)
    expect(cleo).to_have_url(re.compile(r"[?&]q=riy(&|$)"))
    # Clicked with the mouse, as a person does; leaving the search field also matters
    # for the bug shown in test_approving_right_after_typing_a_search_updates_the_row.
    cleo.get_by_label("Track").click()
    cleo.get_by_label("Track").select_option(label="Individual contributor")
    expect(cleo).to_have_url(re.compile(r"[?&]track=ic(&|$)"))
    row = queue_rows(cleo).filter(has=cleo.get_by_role("rowheader", name="Riya Report"))
    expect(queue_rows(cleo)).to_have_count(1)
    expect(row).to_contain_text("IC1")
    expect(row).to_contain_text("IC2")
    expect(row).to_contain_text("Max Manager")
    expect(row.locator(".state")).to_have_text("In calibration")
    expect(counter(cleo, "undecided")).to_have_text(re.compile(r"^\s*1 undecided\s*$"))
    assert_not_reloaded(cleo)

    row.get_by_role("button", name="Decide Riya Report").click()
    row.get_by_role("button", name="Approve Riya Report").click()
    row.get_by_role("button", name="Confirm the approval of Riya Report").click()
    expect(row.locator(".state")).to_have_text("Approved")
    expect(row).to_contain_text("by Cleo Calibrator")
    expect(row.get_by_role("button")).to_have_count(0)
    expect(row.get_by_role("link", name="Riya Report")).to_be_focused()
    expect(status(cleo)).to_have_text("Riya Report: approved.")
    expect(counter(cleo, "approved")).to_have_text(re.compile(r"^\s*1 approved\s*$"))
    expect(counter(cleo, "undecided")).to_have_text(re.compile(r"^\s*0 undecided\s*$"))
    assert_not_reloaded(cleo)
    assert cleo_violations == []
    cleo.context.close()

    # HR closes the cycle.
    people.reload()
    people.get_by_text("Close the cycle…").click()
    people.get_by_role("button", name="Close 2020 promotions").click()
    expect(status(people)).to_have_text("2020 promotions is closed. Level changes applied now: 1.")
    people.context.close()

    # The engineer is IC2 now, and the proposal says why.
    page.goto(f"{live_server.url}/people/{engineer.uid}/")
    expect(page.locator(".person-level").get_by_role("link")).to_have_text("IC2 IC title 2")
    history = page.locator("table.history tbody tr")
    expect(history).to_have_count(1)
    expect(history.first).to_contain_text("1 Jan 2020")
    expect(history.first).to_contain_text("IC2")
    expect(history.first.locator("td").nth(2)).to_have_text("IC1")
    expect(history.first.locator("td").nth(3)).to_have_text("Promotion: 2020 promotions")
    expect(history.first.locator("td").nth(4)).to_have_text("Cleo Calibrator")

    page.goto(proposal_url)
    expect(page.locator(".state").first).to_have_text("Approved")
    decision = page.locator("section.decision")
    expect(decision.get_by_role("heading", level=2)).to_have_text("Decision: approved")
    expect(decision).to_contain_text("By Cleo Calibrator on")
    expect(decision).to_contain_text("The new level took effect on 1 Jan 2020.")
    expect(page.locator(".timeline")).to_contain_text("The new level took effect on")
    assert csp_violations == []


def test_an_engineer_picks_the_promotion_on_the_request_form(page, live_server, sign_in, engineer):
    sign_in(engineer)
    page.get_by_role("button", name="Request a promotion or a lateral move").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Request a move")
    expect(page.get_by_role("radio")).to_have_count(1, timeout=2000)
    page.get_by_role("radio", name=re.compile(r"^Promotion to IC2 ")).check()
    page.get_by_role("button", name="Start the draft").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Evidence for IC2 · IC title 2")
    expect(status(page)).to_have_text("Draft saved. Add your evidence, then submit it.")


@pytest.fixture
def in_calibration(engineer, engineering, hr, calibrator):
    """Riya's promotion to IC2, endorsed and in the open cycle Cleo calibrates."""
    proposal = endorsed_proposal(engineer, engineering)
    open_cycle(engineering, [calibrator, hr], hr)
    proposal.refresh_from_db()
    assert proposal.state == Proposal.State.IN_CALIBRATION
    return proposal


def test_a_calibrator_not_approves_inline_with_reasons(
    page, browser, live_server, sign_in, engineer, calibrator, in_calibration, csp_violations
):
    sign_in(calibrator)
    page.goto(f"{live_server.url}/cycles/{in_calibration.cycle.uid}/")
    row = page.locator(f"#row-{in_calibration.uid}")
    expect(row.locator(".state")).to_have_text("In calibration")
    mark_page(page)

    row.get_by_role("button", name="Decide Riya Report").click()
    row.get_by_role("link", name="Not approve… Riya Report").click()
    reasons = {name: row.get_by_role("textbox", name=name) for name in COMPETENCIES.values()}
    for field in reasons.values():
        expect(field).to_be_visible()
    expect(reasons["Competency 1"]).to_be_focused()
    assert_not_reloaded(page)

    # No reason at all: refused in the row, nothing changes.
    row.get_by_role("button", name="Not approve").click()
    expect(row.get_by_role("alert")).to_have_text(
        "Give a reason for each competency that fell short of the target level."
    )
    expect(row.locator(".state")).to_have_text("In calibration")
    for field in reasons.values():
        expect(field).to_be_visible()
    expect(counter(page, "undecided")).to_have_text(re.compile(r"^\s*1 undecided\s*$"))
    expect(status(page)).to_have_text("")
    in_calibration.refresh_from_db()
    assert in_calibration.state == Proposal.State.IN_CALIBRATION
    assert in_calibration.events.filter(action="not_approved").count() == 0

    # One reason is enough.
    reasons["Competency 2"].fill("The design work was led by someone else.")
    row.get_by_role("button", name="Not approve").click()
    expect(row.locator(".state")).to_have_text("Not approved")
    expect(row.get_by_role("alert")).to_have_count(0)
    expect(row.get_by_role("textbox")).to_have_count(0)
    expect(row).to_contain_text("by Cleo Calibrator")
    expect(status(page)).to_have_text("Riya Report: not approved.")
    expect(counter(page, "undecided")).to_have_text(re.compile(r"^\s*0 undecided\s*$"))
    expect(counter(page, "not approved")).to_have_text(re.compile(r"^\s*1 not approved\s*$"))
    assert_not_reloaded(page)
    assert csp_violations == []

    # The engineer reads the reason beside the competency that fell short.
    riya = signed_in_page(browser, live_server, engineer)
    riya_violations = watch_csp(riya)
    riya.goto(f"{live_server.url}/proposals/{in_calibration.uid}/")
    expect(riya.get_by_role("heading", name="Decision: not approved")).to_be_visible()
    expect(evidence_cell(riya, "Competency 2")).to_contain_text(
        "Fell short: The design work was led by someone else."
    )
    expect(evidence_cell(riya, "Competency 1")).not_to_contain_text("Fell short")
    expect(evidence_cell(riya, "Competency 3")).not_to_contain_text("Fell short")
    assert riya_violations == []
    riya.context.close()


@pytest.fixture
def busy_queue(engineer, engineering, manager, hr, calibrator, top):
    """A cycle with five proposals from two teams: Max's (Riya, Bo, Cy) and Otto's
    (Ola, Pia). Bo is approved, Ola not approved, the rest undecided."""
    otto = PersonFactory(name="Otto Elsewhere", email="otto@example.com", manager=top)
    people = {
        "Riya Report": engineer,
        "Bo Builder": PersonFactory(name="Bo Builder", manager=manager),
        "Cy Coder": PersonFactory(name="Cy Coder", manager=manager),
        "Ola Other": PersonFactory(name="Ola Other", manager=otto),
        "Pia Peer": PersonFactory(name="Pia Peer", manager=otto),
    }
    for person in people.values():
        give_level(person, engineering, "IC1")
    proposals = {name: endorsed_proposal(person, engineering) for name, person in people.items()}
    cycle = open_cycle(engineering, [calibrator, hr], hr)
    for name, approve, reasons in (
        ("Bo Builder", True, None),
        ("Ola Other", False, {"comp-1": "Not yet."}),
    ):
        proposal = Proposal.objects.get(pk=proposals[name].pk)
        proposal_decide(
            proposal=proposal,
            actor=hr,
            revision=proposal.revision,
            approve=approve,
            reasons=reasons,
        )
    return cycle, otto


def row_names(page):
    return queue_rows(page).get_by_role("rowheader")


def test_the_queue_filters_update_in_place_and_in_the_url(
    page, live_server, sign_in, calibrator, busy_queue, csp_violations
):
    cycle, otto = busy_queue
    sign_in(calibrator)
    page.goto(f"{live_server.url}/cycles/{cycle.uid}/")
    expect(row_names(page)).to_have_text(
        ["Bo Builder", "Cy Coder", "Ola Other", "Pia Peer", "Riya Report"]
    )
    expect(page.locator("#queue")).to_contain_text("5 shown.")
    mark_page(page)

    page.get_by_label("State").select_option(label="In calibration")
    expect(row_names(page)).to_have_text(["Cy Coder", "Pia Peer", "Riya Report"])
    expect(page.locator("#queue")).to_contain_text("3 shown.")
    expect(page).to_have_url(re.compile(r"[?&]state=in_calibration(&|$)"))
    # The counters are the cycle's, not the filtered list's.
    expect(counter(page, "proposals")).to_have_text(re.compile(r"^\s*5 proposals\s*$"))
    expect(counter(page, "undecided")).to_have_text(re.compile(r"^\s*3 undecided\s*$"))
    assert_not_reloaded(page)

    page.get_by_label("Manager").select_option(label="Otto Elsewhere")
    expect(row_names(page)).to_have_text(["Pia Peer"])
    expect(queue_rows(page)).to_contain_text("Otto Elsewhere")
    expect(page).to_have_url(re.compile(r"[?&]state=in_calibration(&|$)"))
    expect(page).to_have_url(re.compile(rf"[?&]manager={otto.uid}(&|$)"))
    assert_not_reloaded(page)

    # The address is shareable: loading it gives the same list and filters.
    page.reload()
    expect(page.get_by_label("State")).to_have_value("in_calibration")
    expect(page.get_by_label("Manager")).to_have_value(str(otto.uid))
    expect(row_names(page)).to_have_text(["Pia Peer"])

    mark_page(page)
    page.get_by_label("Manager").select_option(label="Max Manager")
    page.get_by_label("State").select_option(label="Any state")
    expect(row_names(page)).to_have_text(["Bo Builder", "Cy Coder", "Riya Report"])
    expect(page.get_by_role("rowheader", name="Ola Other")).to_have_count(0)
    assert_not_reloaded(page)
    assert csp_violations == []


def test_approving_in_the_queue_asks_for_confirmation_first(
    page, live_server, sign_in, calibrator, in_calibration, csp_violations
):
    sign_in(calibrator)
    page.goto(f"{live_server.url}/cycles/{in_calibration.cycle.uid}/")
    mark_page(page)
    row = page.locator(f"#row-{in_calibration.uid}")
    # The row is light: its decision controls load when asked for.
    expect(row.get_by_role("button", name="Approve Riya Report")).to_have_count(0)
    row.get_by_role("button", name="Decide Riya Report").click()
    expect(row.get_by_role("button", name="Approve Riya Report")).to_be_focused()

    # The first click asks; nothing is decided.
    row.get_by_role("button", name="Approve Riya Report").click()
    expect(
        row.get_by_text("Approve Riya Report's promotion to IC2? This is final.")
    ).to_be_visible()
    expect(
        row.get_by_role("button", name="Confirm the approval of Riya Report")
    ).to_have_accessible_description("Approve Riya Report's promotion to IC2? This is final.")
    expect(row.locator(".state")).to_have_text("In calibration")
    expect(counter(page, "undecided")).to_have_text(re.compile(r"^\s*1 undecided\s*$"))
    assert Proposal.objects.get(pk=in_calibration.pk).state == Proposal.State.IN_CALIBRATION

    # Cancel takes the question back; nothing is decided either.
    row.get_by_role("link", name="Cancel").click()
    expect(row.get_by_role("button", name="Approve Riya Report")).to_be_visible()
    assert in_calibration.events.filter(action="approved").count() == 0

    row.get_by_role("button", name="Approve Riya Report").click()
    row.get_by_role("button", name="Confirm the approval of Riya Report").click()
    expect(row.locator(".state")).to_have_text("Approved")
    expect(status(page)).to_have_text("Riya Report: approved.")
    assert_not_reloaded(page)
    assert in_calibration.events.filter(action="approved").count() == 1
    assert csp_violations == []


def test_a_calibrators_refused_not_approve_keeps_what_was_typed(
    page, live_server, sign_in, calibrator, in_calibration, csp_violations
):
    sign_in(calibrator)
    page.goto(f"{live_server.url}/proposals/{in_calibration.uid}/")
    panel = page.get_by_role("complementary", name="Decision")
    reason = page.get_by_role("textbox", name="Where “Competency 2” fell short")
    # Reasons are asked for on each competency's row, once "Not approve" is chosen.
    expect(reason).to_be_hidden()
    panel.get_by_role("radio", name="Not approve").check()
    expect(reason).to_be_visible()

    # Refused: no reason given. Everything typed is still there, the choice too.
    panel = refuse_a_not_approve_without_reasons(page, "Close, but the scope is one team.")
    expect(reason).to_be_visible()
    in_calibration.refresh_from_db()
    assert in_calibration.state == Proposal.State.IN_CALIBRATION

    reason.fill("The design work was led by someone else.")
    panel.get_by_role("button", name="Record the decision").click()
    expect(status(page)).to_have_text("Decision recorded: not approved.")
    expect(evidence_cell(page, "Competency 2")).to_contain_text(
        "Fell short: The design work was led by someone else."
    )
    assert csp_violations == []


def test_approving_right_after_typing_a_search_updates_the_row(
    page, live_server, sign_in, calibrator, in_calibration
):
    sign_in(calibrator)
    page.goto(f"{live_server.url}/cycles/{in_calibration.cycle.uid}/")
    page.get_by_label("Person").press_sequentially("riy", delay=30)
    expect(page).to_have_url(re.compile(r"[?&]q=riy(&|$)"))
    row = page.locator(f"#row-{in_calibration.uid}")
    row.get_by_role("button", name="Decide Riya Report").click()
    row.get_by_role("button", name="Approve Riya Report").click()
    row.get_by_role("button", name="Confirm the approval of Riya Report").click()
    expect(row.locator(".state")).to_have_text("Approved", timeout=2000)
    expect(counter(page, "undecided")).to_have_text(re.compile(r"^\s*0 undecided\s*$"))


def test_the_evidence_page_promises_autosave_only_where_it_happens(
    browser, page, live_server, sign_in, engineer, engineering
):
    draft = proposal_create(
        person=engineer,
        author=engineer,
        kind=Proposal.Kind.PROMOTION,
        target=Level.objects.get(version=engineering, code="IC2"),
    )
    url = f"{live_server.url}/proposals/{draft.uid}/evidence/"
    sign_in(engineer)
    page.goto(url)
    expect(page.get_by_text("Each field saves itself as you type")).to_be_visible()

    context = browser.new_context(java_script_enabled=False)
    plain = context.new_page()
    plain.goto(f"{live_server.url}/accounts/login/")
    plain.get_by_label("Email").fill(engineer.email)
    plain.get_by_label("Password").fill(PASSWORD)
    plain.get_by_role("button", name="Sign in").click()
    plain.goto(url)
    expect(plain.get_by_text("Each field saves itself as you type")).to_be_hidden()
    expect(plain.get_by_text("“Save all” keeps what you wrote.")).to_be_visible()
    plain.get_by_label("Your evidence for Competency 1").fill("Shipped the migration.")
    plain.get_by_role("button", name="Save all").click()
    expect(plain.get_by_label("Your evidence for Competency 1")).to_have_value(
        "Shipped the migration."
    )
    context.close()


@pytest.mark.parametrize(
    ("failure", "said"),
    [
        ("503", "The service is unavailable for a moment: nothing was changed."),
        ("network", "The server could not be reached: nothing was changed."),
    ],
)
def test_a_decision_that_does_not_go_through_says_so(
    page, live_server, sign_in, calibrator, in_calibration, failure, said
):
    sign_in(calibrator)
    page.goto(f"{live_server.url}/cycles/{in_calibration.cycle.uid}/")

    def fail(route):
        if failure == "503":
            route.fulfill(status=503, body="Unavailable", headers={"Retry-After": "30"})
        else:
            route.abort("connectionrefused")

    row = page.locator(f"#row-{in_calibration.uid}")
    row.get_by_role("button", name="Decide Riya Report").click()
    row.get_by_role("button", name="Approve Riya Report").click()
    page.route("**/decide/**", fail)
    row.get_by_role("button", name="Confirm the approval of Riya Report").click()
    expect(page.get_by_role("alert")).to_contain_text(said)
    expect(row.locator(".state")).to_have_text("In calibration")
    assert Proposal.objects.get(pk=in_calibration.pk).state == "in_calibration"


def test_going_back_shows_the_previous_filters_with_their_rows(
    page, live_server, sign_in, calibrator, busy_queue
):
    cycle, _ = busy_queue
    sign_in(calibrator)
    page.goto(f"{live_server.url}/cycles/{cycle.uid}/")
    page.get_by_label("State").select_option(label="In calibration")
    expect(row_names(page)).to_have_text(["Cy Coder", "Pia Peer", "Riya Report"])
    page.get_by_label("Manager").select_option(label="Otto Elsewhere")
    expect(row_names(page)).to_have_text(["Pia Peer"])

    page.go_back()
    expect(page).to_have_url(re.compile(r"[?&]state=in_calibration&sort=name$"))
    expect(row_names(page)).to_have_text(["Cy Coder", "Pia Peer", "Riya Report"])
    expect(page.get_by_label("Manager")).to_have_value("")
    expect(page.get_by_label("State")).to_have_value("in_calibration", timeout=2000)
