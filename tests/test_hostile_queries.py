"""Nothing a person sends in a URL answers 5xx: every routed page, asked as every role
that may open it, plain and as htmx, with hostile values for every query parameter
any page reads. A bad value is ignored or refused with a 4xx, never a server error.

The guard enumerates the URL resolver: a page added without a row here fails."""

from urllib.parse import quote_from_bytes

import pytest
from django.db import transaction
from django.test import Client
from django.urls import reverse

from ladders.services.versions import draft_start
from people.services.check_in_mail import stop_token
from tests.builders import IN_CALIBRATION, build_world, routed_names, walk
from tests.factories import UserFactory

# Every query parameter a page of the app reads.
PARAMETERS = (
    "q", "page", "state", "track", "grade", "manager", "sort", "attribute", "ladder",
    "download", "person", "version", "a", "b", "from", "to", "format", "next", "competency",
)  # fmt: skip
# Values a person can type, paste, mangle or craft.
HOSTILE = (
    "", "x", "-1", "²", "٣", "9" * 30, "a\x00b", "\ud83d", "%", "' OR 1=1 --",
    "\r\nX: y", "2025-13-45", "y" * 5000, "in_calibration",
)  # fmt: skip
# The nastiest few, sent one parameter at a time so none hides behind another.
NASTIEST = ("²", "a\x00b")

# The pages (routes answering GET), with the URL arguments they take. The admin has
# its own tests; the password reset link is a separate guard's.
PAGES = {
    "people:home": {},
    "people:directory": {},
    "people:detail": {"uid": "{report}"},
    "people:growth": {"uid": "{report}"},
    "people:log": {"uid": "{report}"},
    "people:check_ins": {"uid": "{report}"},
    "people:team_growth": {},
    "people:reminders": {"token": "{stop}"},
    "people:check_in": {"uid": "{check_in}"},
    "people:log_entry_edit": {"uid": "{report}", "entry_uid": "{entry}"},
    "people:log_entry_redact": {"uid": "{report}", "entry_uid": "{entry}"},
    "people:import": {},
    "people:proposals": {},
    "people:proposal_new": {},
    "people:proposal": {"uid": "{proposal}"},
    "people:proposal_evidence": {"uid": "{proposal}"},
    "people:proposal_decide": {"uid": "{proposal}"},
    "people:cycles": {},
    "people:cycle_new": {},
    "people:cycle": {"uid": "{cycle}"},
    "people:cycle_insights": {"uid": "{cycle}"},
    "people:parity": {},
    "people:check_in_insights": {},
    "ladders:list": {},
    "ladders:detail": {"slug": "engineering"},
    "ladders:level": {"slug": "engineering", "code": "IC2"},
    "ladders:competency": {"slug": "engineering", "key": "comp-1"},
    "ladders:compare": {"slug": "engineering"},
    "ladders:history": {"slug": "engineering"},
    "ladders:diff": {"slug": "engineering"},
    "ladders:export": {"slug": "engineering"},
    "ladders:new": {},
    "ladders:import": {},
    "ladders:editor": {"slug": "engineering"},
    "ladders:cell": {"slug": "engineering", "key": "comp-1", "code": "IC2"},
    "ladders:cell_edit": {"slug": "engineering", "key": "comp-1", "code": "IC2"},
    "ladders:item_edit": {"slug": "engineering", "kind": "competencies", "ident": "comp-1"},
    "ladders:preview": {"slug": "engineering"},
    "login": {},
    "password_change": {},
    "password_change_done": {},
    "password_reset": {},
    "password_reset_done": {},
    "password_reset_confirm": {"uidb64": "MQ", "token": "bad-token"},
    "password_reset_complete": {},
    "healthz": {},
}
ROLES = ("report", "calibrator", "hr")


@pytest.fixture
def world(top, director, manager, report, outsider, hr):
    world = build_world(
        top=top, director=director, manager=manager, report=report, outsider=outsider, hr=hr
    )
    walk(world, IN_CALIBRATION)
    draft_start(ladder=world.engineering.ladder, user=hr.user)
    world.people["nobody"] = UserFactory(username="nobody@example.com")
    return world


@pytest.fixture
def clients(world):
    clients = {}
    for role in ROLES:
        clients[role] = Client()
        clients[role].force_login(world.people[role].user)
    return clients


def page_url(world, name):
    values = {
        "report": world.people["report"].uid,
        "proposal": world.proposal.uid,
        "cycle": world.cycle.uid,
        "entry": world.extra["entry"].uid,
        "check_in": world.extra["check_in"].uid,
        "stop": stop_token(world.people["report"]),
    }
    kwargs = {key: value.format(**values) for key, value in PAGES[name].items()}
    return reverse(name, kwargs=kwargs)


def query_string(params: dict) -> str:
    """Percent-encoded as a browser would send it, lone surrogates as the invalid UTF-8
    bytes they become."""
    return "&".join(
        f"{name}={quote_from_bytes(value.encode('utf-8', 'surrogatepass'))}"
        for name, value in params.items()
    )


def ask(client, url, params, *, htmx):
    """One GET in a savepoint rolled back after it: a request that failed in the
    database must not poison the next, and a page must not write anyway."""
    headers = {"HTTP_HX_REQUEST": "true"} if htmx else {}
    with transaction.atomic():
        response = client.get(f"{url}?{query_string(params)}", **headers)
        transaction.set_rollback(True)
    return response.status_code


# Routes that answer POST only (tests/test_access.py proves the 405 for GET).
POST_ONLY = {
    "people:change_manager", "people:set_level", "people:deactivate", "people:reactivate",
    "people:evidence_autosave", "people:check_in_start", "people:check_in_rate",
    "people:check_in_cancel", "people:check_in_redact", "people:check_in_cadence",
    "people:proposal_submit", "people:proposal_withdraw", "people:proposal_endorse",
    "people:proposal_return", "people:proposal_comment", "people:cycle_close",
    "ladders:start_draft", "ladders:details", "ladders:item_add", "ladders:item_remove",
    "ladders:item_move", "ladders:publish", "ladders:discard", "logout",
}  # fmt: skip


def test_every_page_is_asked_with_hostile_values():
    routes = {name for name in routed_names() if not name.startswith("admin:")}
    assert routes - POST_ONLY == set(PAGES)


@pytest.mark.parametrize("name", sorted(PAGES))
def test_no_hostile_query_answers_a_server_error(world, clients, name):
    url = page_url(world, name)
    failures = []
    # Every parameter at once: as each role (htmx too for HR, whose pages are the most).
    for role, htmx in [*((role, False) for role in ROLES), ("hr", True)]:
        for value in HOSTILE:
            status = ask(clients[role], url, dict.fromkeys(PARAMETERS, value), htmx=htmx)
            if status >= 500:
                failures.append((role, htmx, "every parameter", value, status))
    for parameter in PARAMETERS:
        for value in NASTIEST:
            status = ask(clients["hr"], url, {parameter: value}, htmx=False)
            if status >= 500:
                failures.append(("hr", False, parameter, value, status))
    assert failures == []


# The pages whose filters are read from the URL.
FILTERED = ("people:directory", "people:proposals", "people:cycle", "people:cycle_insights")
FILTERED += ("people:parity", "people:log", "people:check_in_insights")


@pytest.mark.parametrize("name", FILTERED)
def test_a_filter_that_is_no_choice_shows_unset_not_as_an_error(world, clients, name):
    """Nobody submitted the form behind a link: a bad value in it filters nothing,
    and the page marks no field invalid (a search box keeps text it can search for)."""
    url = page_url(world, name)
    filters = [parameter for parameter in PARAMETERS if parameter != "download"]
    for value in ("²", "a\x00b", "y" * 5000, "no-such-thing"):
        response = clients["hr"].get(f"{url}?{query_string(dict.fromkeys(filters, value))}")
        html = response.content.decode()
        assert response.status_code == 200, (value, response.status_code)
        assert "aria-invalid" not in html, value
        assert "y" * 200 not in html, value
