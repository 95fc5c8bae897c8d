"""Accessibility in a real browser. axe-core finds no serious or critical WCAG 2.2 A/AA
violation on any key page, seen by the role that uses it, nor in the states htmx swaps
in; and the main journeys work with the keyboard alone, focus landing somewhere
sensible after every swap (never lost to <body>)."""

import io
import re
import uuid
from dataclasses import dataclass
from functools import partial
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import Client
from playwright.sync_api import expect

from ladders.ladder_format import LevelData
from ladders.models import Ladder
from ladders.services.versions import draft_start, ladder_data, ladder_import, version_publish
from people.demo import organisation as demo
from people.models import CalibrationCycle, CheckIn, Person, Proposal
from tests.snapshots import Snapshot

pytestmark = pytest.mark.browser

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
BLOCKING = ("serious", "critical")
MODEL_BACKEND = "people.auth.PersonBackend"


@pytest.fixture(scope="session")
def axe_source():
    if not AXE.exists():
        pytest.fail(f"axe-core is missing at {AXE}: `make browser` installs it (npm ci).")
    # A trailing value the protocol can return: the script's own last value is not.
    return AXE.read_text() + "\n;true"


# A page without JavaScript runs what page.evaluate sends and settles its promises, but
# fires no timer (nor queueMicrotask, nor a MutationObserver), and axe.run waits on
# setTimeout: its callbacks run as a promise's instead.
TIMERS_AS_PROMISES = """() => {
  window.setTimeout = (run, ms, ...args) => { Promise.resolve().then(() => run(...args)); };
  window.clearTimeout = () => {};
}"""


def axe_violations(page, axe_source, *, scripts=True):
    """axe-core's serious and critical WCAG A/AA violations on the page as it is now;
    ``scripts=False`` for a page in a context without JavaScript.

    The app's Content-Security-Policy allows no inline script, so page.add_script_tag
    (which inserts an inline <script>) is refused. page.evaluate runs through the
    DevTools protocol, which the policy does not govern: the page keeps its real CSP
    (no bypass_csp), and the console still reports any violation of the app's own."""
    if not page.evaluate("typeof window.axe === 'object'"):
        if not scripts:
            page.evaluate(TIMERS_AS_PROMISES)
        page.evaluate(axe_source)
    results = page.evaluate(
        "(tags) => axe.run(document, {runOnly: {type: 'tag', values: tags}})", WCAG_TAGS
    )
    return [v for v in results["violations"] if v["impact"] in BLOCKING]


def describe(violations, where):
    lines = [f"{len(violations)} serious or critical axe violation(s) on {where}:"]
    for v in violations:
        lines.append(f"- {v['id']} ({v['impact']}): {v['help']} <{v['helpUrl']}>")
        for node in v["nodes"][:8]:
            target = " ".join(" > ".join(t) if isinstance(t, list) else t for t in node["target"])
            lines.append(f"    at {target}: {node['failureSummary'].splitlines()[-1].strip()}")
        if len(v["nodes"]) > 8:
            lines.append(f"    … and {len(v['nodes']) - 8} more")
    return "\n".join(lines)


@pytest.fixture
def check_axe(page, axe_source):
    def check(where=""):
        violations = axe_violations(page, axe_source)
        assert not violations, describe(violations, where or page.url)

    return check


@dataclass
class World:
    """The demo organisation, with what the key pages need on top."""

    hr: Person  # Helen Brooks: HR, calibrates the open cycle
    engineer: Person  # Sam Patel: IC, a submitted proposal waits for Lin Chen
    drafter: Person  # Oliver Bennett: a draft proposal, its evidence written
    promoted: Person  # Grace Kim: promoted last summer, nothing open
    manager: Person  # Lin Chen: manages Sam, Oliver and Grace
    calibrator: Person  # Priya Raman: director, calibrates the open cycle
    draft: Proposal
    submitted: Proposal
    in_calibration: Proposal
    decided: Proposal
    open_cycle: CalibrationCycle
    closed_cycle: CalibrationCycle
    no_person: object  # an account linked to nobody: the 403 page


def by_name(name):
    return Person.objects.get(name=name)


def publish_second_version():
    """Engineering version 2: one expectation reworded, a level retitled, a level
    added; readers see it in the history and the diff."""
    ladder = Ladder.objects.get(slug="engineering")
    data = ladder_data(ladder.versions.published().get(number=1))
    ic = data.tracks[0]
    first_key = data.competencies[0].key
    ic.levels[0].expectations[first_key] += " Asks for help early, and says what they tried."
    ic.levels[1].title = "Engineer II"
    ic.levels.append(
        LevelData(
            code="IC8",
            title="Distinguished engineer",
            grade=ic.levels[-1].grade + 1,
            summary="Shapes the craft across the industry.",
            expectations={c.key: "Sets the bar for others." for c in data.competencies},
        )
    )
    version_publish(
        version=ladder_import(data=data, user=None), user=None, note="IC8, and clearer IC1."
    )
    return draft_start(ladder=ladder, user=None)


# Seeding the demo takes seconds; the first test of this process seeds it and the
# others copy its rows back in.
DEMO = Snapshot()


@pytest.fixture
def world(transactional_db):
    if DEMO:
        DEMO.restore()
    else:
        call_command("seed_demo", stdout=io.StringIO())
        publish_second_version()
        get_user_model().objects.create_user(
            username="nobody@example.com", email="nobody@example.com", password=demo.PASSWORD
        )
        DEMO.take()
    return World(
        hr=by_name("Helen Brooks"),
        engineer=by_name("Sam Patel"),
        drafter=by_name("Oliver Bennett"),
        promoted=by_name("Grace Kim"),
        manager=by_name("Lin Chen"),
        calibrator=by_name("Priya Raman"),
        draft=Proposal.objects.get(person__name="Oliver Bennett", state=Proposal.State.DRAFT),
        submitted=Proposal.objects.get(person__name="Sam Patel", state=Proposal.State.SUBMITTED),
        in_calibration=Proposal.objects.get(
            person__name="Diego Alvarez", state=Proposal.State.IN_CALIBRATION
        ),
        decided=Proposal.objects.get(
            person__name="Marco Bianchi", state=Proposal.State.NOT_APPROVED
        ),
        open_cycle=CalibrationCycle.objects.get(status=CalibrationCycle.Status.OPEN),
        closed_cycle=CalibrationCycle.objects.exclude(status=CalibrationCycle.Status.OPEN)
        .order_by("-effective_on")
        .first(),
        no_person=get_user_model().objects.get(username="nobody@example.com"),
    )


@pytest.fixture
def visit(page, live_server, world):
    """Open a path signed in as a persona of the world (None: signed out), in the
    test's page or in another one (``on``: a page without JavaScript, say).

    The session is made on the server and handed to the browser as its cookie: the
    sign-in form has tests of its own, and skipping it keeps these checks quick."""

    def go(persona, path, *, on=None):
        tab = on or page
        if persona is not None:
            account = world.no_person if persona == "no_person" else getattr(world, persona).user
            client = Client()
            client.force_login(account, backend=MODEL_BACKEND)
            cookie = client.cookies[settings.SESSION_COOKIE_NAME]
            tab.context.add_cookies(
                [{"name": cookie.key, "value": cookie.value, "url": live_server.url}]
            )
        return tab.goto(live_server.url + path)

    return go


def check_in_of(person, state):
    """The demo's check-in of ``person`` in ``state`` ("manager": one they hold)."""
    if state == "manager":
        check_in = CheckIn.objects.filter(manager=person, state=state).first()
    else:
        check_in = CheckIn.objects.filter(person=person, state=state).first()
    return check_in.get_absolute_url()


# (name, persona, path as a function of the world, HTTP status)
PAGES = [
    ("sign-in", None, lambda w: "/accounts/login/", 200),
    ("password reset", None, lambda w: "/accounts/password/reset/", 200),
    ("home, engineer", "engineer", lambda w: "/", 200),
    ("home, manager", "manager", lambda w: "/", 200),
    ("home, HR", "hr", lambda w: "/", 200),
    ("ladder list", "engineer", lambda w: "/ladders/", 200),
    ("ladder page", "engineer", lambda w: "/ladders/engineering/", 200),
    ("level page", "engineer", lambda w: "/ladders/engineering/levels/IC3/", 200),
    (
        "competency page",
        "engineer",
        lambda w: "/ladders/engineering/competencies/system-design/",
        200,
    ),
    ("compare", "engineer", lambda w: "/ladders/engineering/compare/?a=IC2&b=M1", 200),
    ("version history", "engineer", lambda w: "/ladders/engineering/versions/", 200),
    ("diff", "engineer", lambda w: "/ladders/engineering/versions/diff/?from=1&to=2", 200),
    ("ladder editor", "hr", lambda w: "/ladders/engineering/draft/", 200),
    (
        "cell edit page",
        "hr",
        lambda w: "/ladders/engineering/draft/edit-cell/system-design/IC3/",
        200,
    ),
    ("publish preview", "hr", lambda w: "/ladders/engineering/draft/preview/", 200),
    ("ladder import", "hr", lambda w: "/ladders/import/", 200),
    ("new ladder", "hr", lambda w: "/ladders/new/", 200),
    ("people import", "hr", lambda w: "/people/import/", 200),
    ("directory", "manager", lambda w: "/people/", 200),
    ("person profile", "engineer", lambda w: f"/people/{w.engineer.uid}/", 200),
    ("person profile, HR", "hr", lambda w: f"/people/{w.promoted.uid}/", 200),
    ("growth page", "promoted", lambda w: f"/people/{w.promoted.uid}/growth/", 200),
    ("evidence log", "engineer", lambda w: f"/people/{w.engineer.uid}/log/", 200),
    ("evidence log, manager", "manager", lambda w: f"/people/{w.engineer.uid}/log/", 200),
    ("evidence log, HR", "hr", lambda w: f"/people/{w.engineer.uid}/log/", 200),
    ("check-ins", "engineer", lambda w: f"/people/{w.engineer.uid}/check-ins/", 200),
    ("check-in, rating", "engineer", lambda w: check_in_of(w.engineer, "person"), 200),
    ("check-in, manager", "manager", lambda w: check_in_of(w.manager, "manager"), 200),
    ("check-in, agreed", "engineer", lambda w: check_in_of(w.engineer, "closed"), 200),
    ("team growth", "manager", lambda w: "/team/growth/", 200),
    ("proposals list", "manager", lambda w: "/proposals/", 200),
    ("new proposal", "promoted", lambda w: "/proposals/new/", 200),
    ("proposal page, draft", "drafter", lambda w: f"/proposals/{w.draft.uid}/", 200),
    ("evidence form", "drafter", lambda w: f"/proposals/{w.draft.uid}/evidence/", 200),
    ("proposal page, review", "manager", lambda w: f"/proposals/{w.submitted.uid}/", 200),
    (
        "proposal page, decision",
        "calibrator",
        lambda w: f"/proposals/{w.in_calibration.uid}/",
        200,
    ),
    ("proposal page, decided", "hr", lambda w: f"/proposals/{w.decided.uid}/", 200),
    ("calibration cycles", "hr", lambda w: "/cycles/", 200),
    ("new cycle", "hr", lambda w: "/cycles/new/", 200),
    ("calibration queue", "calibrator", lambda w: f"/cycles/{w.open_cycle.uid}/", 200),
    ("cycle insights", "hr", lambda w: f"/cycles/{w.closed_cycle.uid}/insights/", 200),
    ("parity report", "hr", lambda w: "/insights/parity/", 200),
    ("check-ins by team", "hr", lambda w: "/insights/check-ins/", 200),
    ("password change", "engineer", lambda w: "/accounts/password/", 200),
    ("403", "no_person", lambda w: "/", 403),
    ("404", "engineer", lambda w: f"/proposals/{uuid.uuid4()}/", 404),
]


# States that htmx swaps in, checked as they appear. Each function drives the page
# (the mouse is fine here: the keyboard has its own tests below) and calls
# ``check(state)`` in every state worth a look.


def queue_states(page, check):
    page.get_by_label("State").select_option(label="In calibration")
    expect(page).to_have_url(re.compile(r"[?&]state=in_calibration(&|$)"))
    page.get_by_label("Track").select_option(label="Individual contributor")
    expect(page).to_have_url(re.compile(r"[?&]track=ic(&|$)"))
    check("the queue, filtered")
    rows = page.locator("#queue tbody tr")
    first, second = rows.nth(0), rows.nth(1)
    first.get_by_role("button", name=re.compile(r"^Decide")).click()
    check("a row with its decision controls")
    first.get_by_role("link", name=re.compile(r"^Not approve…")).click()
    expect(first.get_by_role("textbox").first).to_be_focused()
    check("a row asking for reasons")
    first.get_by_role("button", name="Not approve").click()
    expect(first.get_by_role("alert")).to_be_visible()
    check("a row refusing a decision without reasons")
    second.get_by_role("button", name=re.compile(r"^Decide")).click()
    second.get_by_role("button", name=re.compile(r"^Approve")).click()
    check("a row asking to confirm an approval")
    second.get_by_role("button", name=re.compile(r"^Confirm")).click()
    expect(second.locator(".state")).to_have_text("Approved")
    check("a row decided, with its status message")


def editor_states(page, check):
    target = page.locator("td.cell").first
    target.get_by_role("link", name=re.compile(r"^Edit ")).click()
    textarea = target.get_by_role("textbox")
    expect(textarea).to_be_focused()
    check("a cell in edit mode")
    textarea.fill("Writes *tested* code.")
    target.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator("#status")).to_contain_text("Saved")
    check("a cell saved, with its status message")


def directory_states(page, check):
    page.get_by_label("Search by name or email").fill("an")
    expect(page).to_have_url(re.compile(r"[?&]q=an$"))
    check("the directory, searched")
    page.get_by_label("Search by name or email").fill("")
    expect(page.get_by_role("link", name="Next →")).to_be_visible()
    page.get_by_role("link", name="Next →").click()
    expect(page.get_by_text("Page 2 of")).to_be_visible()
    check("the directory, second page")


def compare_states(page, check):
    page.get_by_label("To").select_option("IC4")
    expect(page.locator("#comparison-heading")).to_contain_text("IC4")
    check("another comparison")


def evidence_states(page, check):
    field = page.get_by_role("textbox", name=re.compile(r"^Your evidence for")).first
    field.fill("I wrote the runbook, and the team uses it.")
    expect(page.locator(".save-status").first).to_have_text(re.compile(r"^Saved at"))
    check("a field saved")


def insights_states(page, check):
    page.get_by_role("combobox", name="Track").select_option(label="Individual contributor")
    expect(page).to_have_url(re.compile(r"[?&]track=ic(&|$)"))
    expect(page.locator("canvas[data-chart]").first).to_have_attribute("data-drawn", "1")
    check("the dashboard, filtered")


# (name, persona, path as a function of the world, what to do on it)
SWAPS = [
    ("calibration queue", "calibrator", lambda w: f"/cycles/{w.open_cycle.uid}/", queue_states),
    ("ladder editor", "hr", lambda w: "/ladders/engineering/draft/", editor_states),
    ("directory", "hr", lambda w: "/people/", directory_states),
    ("compare", "engineer", lambda w: "/ladders/engineering/compare/?a=IC2&b=IC3", compare_states),
    ("evidence form", "drafter", lambda w: f"/proposals/{w.draft.uid}/evidence/", evidence_states),
    ("cycle insights", "hr", lambda w: f"/cycles/{w.closed_cycle.uid}/insights/", insights_states),
]


@pytest.mark.parametrize(
    ("persona", "path", "states"),
    [pytest.param(persona, path, states, id=name) for name, persona, path, states in SWAPS],
)
def test_no_serious_violation_after_htmx_swaps(
    page, visit, world, check_axe, csp_violations, persona, path, states
):
    visit(persona, path(world))
    page.evaluate("window.notReloaded = true")
    states(page, lambda state: check_axe(f"{state} ({page.url})"))
    # Every state came by a swap, not a page load.
    assert page.evaluate("window.notReloaded") is True
    assert csp_violations == []


# Keyboard only: no clicks, no fills. Keys go to whatever has the focus, as they
# would for a person without a mouse.


def tab_to(page, locator, *, limit=120):
    """Press Tab until ``locator`` has the focus, as a person would; fail if it never
    gets there."""
    element = locator.element_handle()
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("(element) => document.activeElement === element", element):
            return locator
    raise AssertionError(f"{limit} Tab presses never reached {locator}; at {focused(page)}")


def focused(page):
    """What has the focus, in words, for failure messages."""
    return page.evaluate(
        """() => {
            const e = document.activeElement;
            if (!e || e === document.body) return "<body> (focus lost)";
            const name = e.getAttribute("aria-label") || e.labels?.[0]?.innerText || e.innerText;
            const tag = e.tagName.toLowerCase() + (e.id ? ` id=${e.id}` : "");
            return `<${tag}> ${(name || "").trim().slice(0, 60)}`;
        }"""
    )


def expect_focus_ring(page):
    """The focused element shows app.css's focus ring: a solid outline of 3px."""
    style = page.evaluate(
        """() => {
            const s = getComputedStyle(document.activeElement);
            return {style: s.outlineStyle, width: s.outlineWidth};
        }"""
    )
    assert style == {"style": "solid", "width": "3px"}, f"{focused(page)}: {style}"


def choose_with_arrows(page, select, label, *, limit=20):
    """Move a focused <select> down to the option ``label`` with the arrow key; each
    step is a change, as it is for a keyboard user."""
    for _ in range(limit):
        if select.evaluate("(s) => s.selectedOptions[0].label") == label:
            return
        page.keyboard.press("ArrowDown")
    raise AssertionError(f"ArrowDown never reached {label!r} in {select}")


def status(page):
    return page.locator("#status")


@pytest.mark.parametrize(
    ("persona", "path"),
    [
        # Not the sign-in page: its Email field takes the focus on load, inside main.
        pytest.param("engineer", "/", id="home"),
        pytest.param("engineer", "/ladders/engineering/", id="ladder page"),
    ],
)
def test_the_skip_link_is_the_first_tab_stop_and_moves_focus_to_main(page, visit, persona, path):
    visit(persona, path)
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to main content")
    expect(skip).to_be_focused()
    expect(skip).to_be_in_viewport()
    expect_focus_ring(page)
    page.keyboard.press("Enter")
    expect(page.locator("main")).to_be_focused()
    # The next stop is the first one in the main content, past the site's navigation.
    page.keyboard.press("Tab")
    assert page.evaluate("document.querySelector('main').contains(document.activeElement)"), (
        focused(page)
    )
    expect_focus_ring(page)


def test_an_engineer_writes_evidence_and_submits_with_the_keyboard(page, visit, csp_violations):
    visit("promoted", "/")
    tab_to(page, page.get_by_role("button", name="Request a promotion or a lateral move"))
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Request a move")

    promotion = page.get_by_role("radio", name=re.compile(r"^Promotion to ")).first
    tab_to(page, promotion)
    page.keyboard.press("Space")
    expect(promotion).to_be_checked()
    tab_to(page, page.get_by_role("button", name="Start the draft"))
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text(re.compile(r"^Evidence for "))
    page.evaluate("window.notReloaded = true")

    # Each field saves itself when the person moves on; the "Saved at" swap beside it
    # must not take the focus away from where they are typing.
    fields = page.get_by_role("textbox", name=re.compile(r"^Your evidence for "))
    saved = page.locator(".save-status")
    for i in range(fields.count()):
        tab_to(page, fields.nth(i))
        page.keyboard.type(f"Example {i + 1}: I led it, and here is the design doc.")
    expect(saved.last).to_have_text(re.compile(r"^Saved at"))
    expect(fields.last).to_be_focused()
    page.keyboard.press("Tab")  # leaving the last field saves it at once
    for i in range(fields.count()):
        expect(saved.nth(i)).to_have_text(re.compile(r"^Saved at"))
    assert page.evaluate("window.notReloaded") is True

    tab_to(page, page.get_by_role("link", name="Back to the proposal"))
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text(re.compile(r"^Promotion: Grace Kim"))
    tab_to(page, page.get_by_role("button", name="Submit", exact=True))
    page.keyboard.press("Enter")
    expect(status(page)).to_have_text("Submitted: submitted.")
    assert csp_violations == []


def test_a_calibrator_filters_the_queue_and_decides_with_the_keyboard(
    page, visit, world, csp_violations
):
    visit("calibrator", f"/cycles/{world.open_cycle.uid}/")
    page.evaluate("window.notReloaded = true")
    rows = page.locator("#queue tbody tr")

    # Filtering swaps the list; the focus stays in the filter being used.
    search = tab_to(page, page.get_by_role("searchbox", name="Person"))
    page.keyboard.type("o")
    expect(page).to_have_url(re.compile(r"[?&]q=o(&|$)"))
    expect(search).to_be_focused()
    state = tab_to(page, page.get_by_role("combobox", name="State"))
    choose_with_arrows(page, state, "In calibration")
    expect(page).to_have_url(re.compile(r"[?&]state=in_calibration(&|$)"))
    expect(state).to_be_focused()
    expect(rows.locator(".state").filter(has_not_text="In calibration")).to_have_count(0)
    names = rows.get_by_role("rowheader").all_inner_texts()
    assert len(names) >= 2, names

    # Approve the first: the row comes back decided, with the focus on its name.
    first = page.locator("#queue tbody tr", has=page.get_by_role("rowheader", name=names[0]))
    tab_to(page, first.get_by_role("button", name=f"Decide {names[0]}"))
    page.keyboard.press("Enter")
    expect(first.get_by_role("button", name=f"Approve {names[0]}")).to_be_focused()
    page.keyboard.press("Enter")
    # Asked to confirm: the focus on the question, the Confirm button one Tab away.
    expect(first.get_by_text("This is final.")).to_be_focused()
    page.keyboard.press("Tab")
    expect(first.get_by_role("button", name=f"Confirm the approval of {names[0]}")).to_be_focused()
    page.keyboard.press("Enter")
    expect(first.locator(".state")).to_have_text("Approved")
    expect(first.get_by_role("link", name=names[0])).to_be_focused()
    expect_focus_ring(page)
    expect(status(page)).to_have_text(f"{names[0]}: approved.")

    # Not approve the second: the row asks for reasons, focus on the first of them.
    second = page.locator("#queue tbody tr", has=page.get_by_role("rowheader", name=names[1]))
    tab_to(page, second.get_by_role("button", name=f"Decide {names[1]}"))
    page.keyboard.press("Enter")
    tab_to(page, second.get_by_role("link", name=f"Not approve… {names[1]}"))
    page.keyboard.press("Enter")
    reasons = second.get_by_role("textbox")
    expect(reasons.first).to_be_focused()
    page.keyboard.press("Tab")
    expect(reasons.nth(1)).to_be_focused()
    page.keyboard.type("The examples stay within the team.")
    tab_to(page, second.get_by_role("button", name="Not approve"))
    page.keyboard.press("Space")
    expect(second.locator(".state")).to_have_text("Not approved")
    expect(second.get_by_role("link", name=names[1])).to_be_focused()
    expect(status(page)).to_have_text(f"{names[1]}: not approved.")
    assert page.evaluate("window.notReloaded") is True
    assert csp_violations == []


def test_hr_edits_a_rubric_cell_in_place_with_the_keyboard(page, visit, csp_violations):
    visit("hr", "/ladders/engineering/draft/")
    page.evaluate("window.notReloaded = true")
    cell = page.locator("td.cell").first
    edit = cell.get_by_role("link", name="Edit IC1 · Technical craft")

    # On the way, a <summary> shown as a button has the same ring as the rest.
    tab_to(page, page.get_by_role("button", name="Discard draft…"))
    expect_focus_ring(page)
    tab_to(page, edit)
    page.keyboard.press("Enter")
    textarea = cell.get_by_role("textbox", name="IC1 · Technical craft")
    expect(textarea).to_be_focused()
    page.keyboard.press("Control+End")
    page.keyboard.type(" Writes the test first.")
    tab_to(page, cell.get_by_role("button", name="Save", exact=True))
    page.keyboard.press("Enter")
    expect(status(page)).to_have_text("Saved IC1 · Technical craft.")
    expect(cell).to_contain_text("Writes the test first.")
    expect(edit).to_be_focused()
    expect_focus_ring(page)

    # Cancel, with Space as on any button: the cell as it was, focus back on Edit.
    page.keyboard.press("Enter")
    expect(textarea).to_be_focused()
    page.keyboard.type(" Not kept.")
    tab_to(page, cell.get_by_role("button", name="Cancel"))
    page.keyboard.press("Space")
    expect(cell.get_by_role("textbox")).to_have_count(0)
    expect(cell).not_to_contain_text("Not kept.")
    expect(edit).to_be_focused()
    assert page.evaluate("window.notReloaded") is True
    assert csp_violations == []


def test_paging_the_directory_with_the_keyboard_keeps_the_focus_in_the_results(page, visit):
    visit("hr", "/people/")
    tab_to(page, page.get_by_role("link", name="Next →"))
    page.keyboard.press("Enter")
    expect(page.get_by_text("Page 2 of")).to_be_visible()
    # The link that had the focus is gone with the old page of results: the new
    # results take it, and the next Tab is the first person on the page.
    results = page.locator("#directory-results")
    expect(results).to_be_focused()
    expect_focus_ring(page)
    page.keyboard.press("Tab")
    expect(results.get_by_role("link").first).to_be_focused()


# Every key page on a laptop and on a phone -------------------------------------------
# At 1280 px and at 390 px, with JavaScript and without, every key page (PAGES, each
# seen by the role that uses it) answers as it should with one top-level heading and
# no Content Security Policy violation; axe finds no serious or critical violation
# (without JavaScript, at 390 px, where tables reflow into cards by data-label alone);
# nothing scrolls sideways, and no content hides in a sideways scroll box (a table in
# an overflow box hides half of itself on a phone as surely as a page that scrolls).
# The header is a bar on a laptop and folds into a menu on a phone.

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


# The tables of the main content whose body cells app.js would label from the header
# row (see labelTablesIn): read without JavaScript, where templates must have written
# data-label themselves, or the table stays a table on a phone instead of its cards.
UNLABELLED = """() => [...document.querySelectorAll('main table')].filter(table =>
  table.tHead && [...table.tBodies].some(body => [...body.rows].some(row =>
    [...row.cells].some(cell => cell.tagName === 'TD' && !cell.hasAttribute('data-label')))))
  .map(table => 'table' + (table.id ? '#' + table.id : '')
    + (table.className ? '.' + table.className.trim().split(/\\s+/).join('.') : '')
    + ' under "' + (table.closest('section')?.querySelector('h2')?.textContent.trim() ?? '') + '"')
"""


def note_csp_violation(problems, how, message):
    """A console message: a violation of the Content Security Policy is a problem."""
    if "Content Security Policy" in message.text:
        problems.append(f"{message.location['url']}{how}: {message.text}")


def test_every_key_page_is_accessible_and_fits_a_laptop_and_a_phone(
    page, new_context, visit, world, axe_source
):
    # One visit per page, width and way of browsing, every problem gathered: one
    # failure lists them all. Without JavaScript the header menu, the tables app.js
    # would label and the charts behave differently, so each page is seen both ways,
    # in one world: building the demo organisation once per page would cost more than
    # all the checks.
    plain = new_context(java_script_enabled=False).new_page()
    problems = []
    for tab, scripts in ((page, True), (plain, False)):
        how = "" if scripts else " without JavaScript"
        tab.on("console", partial(note_csp_violation, problems, how))
        for size in (LAPTOP, PHONE):
            tab.set_viewport_size(size)
            for name, persona, path, status in PAGES:
                response = visit(persona, path(world), on=tab)
                where = f"{name} at {size['width']}px{how} ({path(world)})"
                if response.status != status:
                    problems.append(f"{where}: answered {response.status}, not {status}")
                    continue
                headings = tab.get_by_role("heading", level=1).count()
                if headings != 1:
                    problems.append(f"{where}: {headings} top-level headings, not 1")
                problems += [f"{where}: {problem}" for problem in sideways(tab)]
                if scripts or size is PHONE:
                    violations = axe_violations(tab, axe_source, scripts=scripts)
                    if violations:
                        problems.append(describe(violations, where))
                if size is PHONE and not scripts:
                    problems += [
                        f"{where}: cells without data-label, a table on a phone: {table}"
                        for table in tab.evaluate(UNLABELLED)
                    ]
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
