import pytest

from tests.factories import PASSWORD

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    """Debian's Chromium: Playwright cannot download its own build here."""
    return {
        **browser_type_launch_args,
        "executable_path": "/usr/bin/chromium",
        "args": CHROMIUM_ARGS,
    }


@pytest.fixture
def csp_violations(page):
    """Console errors raised by the Content Security Policy; tests assert there are none."""
    violations = []
    page.on(
        "console",
        lambda message: (
            violations.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    return violations


def _signed_in(page, base_url, person, password):
    page.goto(f"{base_url}/accounts/login/")
    page.get_by_label("Email").fill(person.email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{base_url}/")
    return page


@pytest.fixture
def sign_in(page, live_server):
    def sign_in_as(person, password=PASSWORD):
        return _signed_in(page, live_server.url, person, password)

    return sign_in_as


@pytest.fixture
def sign_in_on_a_phone(browser, live_server):
    """Another person, signed in on a phone (390 px) beside the first: their own page."""

    def sign_in_as(person, password=PASSWORD):
        phone = browser.new_context(viewport={"width": 390, "height": 844}).new_page()
        return _signed_in(phone, live_server.url, person, password)

    return sign_in_as


@pytest.fixture
def sign_in_without_javascript(browser, live_server):
    """Someone signed in in a browser of their own with JavaScript off."""

    def sign_in_as(person, password=PASSWORD):
        page = browser.new_context(java_script_enabled=False).new_page()
        return _signed_in(page, live_server.url, person, password)

    return sign_in_as
