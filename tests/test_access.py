"""Who gets what, site-wide: every URL the project routes, asked by every role.

The guard below enumerates the URL resolver, so a route added without a row here
fails the suite. Each row states one request and the status each role gets:

    200 a page, fragment or download    302 done, or sent to sign in
    403 may see but not act             404 cannot see (or does not exist for them)
    405 wrong method (every route, in test_every_other_method_is_refused)

A refused request (403, 404, 405, or an anonymous visitor sent to sign in)
changes nothing; an allowed change changes something. The roles are those of
tests/builders.py (build_world) plus an anonymous visitor and an account with no person. The
state-by-state detail of proposals (409s, the director, last year's calibrator)
lives in tests/people/test_proposal_access.py; the ladder editor's in
tests/ladders/test_views.py."""

from dataclasses import dataclass
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import Client
from django.urls import resolve, reverse
from django.utils import timezone

from ladders.ladder_format import to_yaml
from ladders.models import Level
from ladders.services.versions import draft_start
from people.services.check_in_mail import stop_token
from tests.builders import (
    APPROVED,
    DRAFT,
    IN_CALIBRATION,
    SUBMITTED,
    build_world,
    check_in_ratings,
    ladder_data,
    new_cycle_data,
    new_proposal_data,
    routed_names,
    shown_draft,
    snapshot,
    walk,
)
from tests.factories import PASSWORD, UserFactory

ROLES = ("anonymous", "nobody", "report", "manager", "calibrator", "hr", "outsider")
HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def world(top, director, manager, report, outsider, hr):
    """The organisation of tests/builders.py's build_world, with version 2 of
    Engineering as HR's draft."""
    world = build_world(
        top=top, director=director, manager=manager, report=report, outsider=outsider, hr=hr
    )
    draft_start(ladder=world.engineering.ladder, user=hr.user)
    world.people["nobody"] = UserFactory(username="nobody@example.com")
    return world


# Payloads: what the role allowed to act posts to succeed ---------------------


def ladder_file(world):
    content = to_yaml(ladder_data(slug="design", name="Design")).encode()
    return {"file": SimpleUploadedFile("design.yaml", content, content_type="application/yaml")}


def people_file(world):
    content = b"email,name,manager_email,role\nlin@example.com,Lin Chen,hana@example.com,\n"
    return {"file": SimpleUploadedFile("people.csv", content, content_type="text/csv")}


def new_level(world):
    return {"level": Level.objects.get(version=world.engineering, code="IC2").pk, "note": "Set."}


def log_entry_data(**data):
    """A valid entry of Riya's log: yesterday's work, showing Competency 1."""
    day = (timezone.localdate() - timedelta(days=1)).isoformat()
    return {"happened_on": day, "text": "Paired on the outage.", "competencies": ["comp-1"]} | data


def new_password(world):
    return {
        "old_password": PASSWORD,
        "new_password1": "a much longer passphrase 42",
        "new_password2": "a much longer passphrase 42",
    }


@dataclass(frozen=True)
class Row:
    name: str
    method: str
    # One status per role, in the order of ROLES.
    expect: tuple
    kwargs: dict | None = None  # URL arguments, formatted with the world (see url())
    state: str | None = None  # where Riya's promotion is walked to first
    data: object = None  # a dict, or a function of the world giving one
    query: str = ""
    htmx: bool = False
    download: bool = False
    changes: bool = True  # does an allowed POST change something?

    def url(self, world):
        values = {
            "report": world.people["report"].uid,
            "proposal": world.proposal and world.proposal.uid,
            "cycle": world.cycle.uid,
            "entry": world.extra["entry"].uid,
            "check_in": world.extra["check_in"].uid,
            "stop": stop_token(world.people["report"]),
        }
        kwargs = {key: str(value).format(**values) for key, value in (self.kwargs or {}).items()}
        return reverse(self.name, kwargs=kwargs) + self.query.format(**values)

    def __str__(self):
        flags = " htmx" if self.htmx else ""
        return f"{self.method.upper()} {self.name}{self.query}{flags}" + (
            f" [{self.state}]" if self.state else ""
        )


PERSON = {"uid": "{report}"}
PROPOSAL = {"uid": "{proposal}"}
ENTRY = {"uid": "{report}", "entry_uid": "{entry}"}
CHECK_IN = {"uid": "{check_in}"}
CYCLE = {"uid": "{cycle}"}
ENG = {"slug": "engineering"}
CELL = ENG | {"key": "comp-1", "code": "IC2"}
COMPETENCY = ENG | {"kind": "competencies", "ident": "comp-1"}
RESET_CONFIRM = {"uidb64": "MQ", "token": "bad-token"}
EVIDENCE = {"evidence-comp-1": "New evidence.", "text": "New evidence."}

# Shorthands for the common rows, in the order of ROLES.
EVERYONE = (302, 403, 200, 200, 200, 200, 200)
HR_ONLY = (302, 403, 404, 404, 404, 200, 404)
HR_CHANGES = (302, 403, 404, 404, 404, 302, 404)
PUBLIC = (200, 200, 200, 200, 200, 200, 200)
ACCOUNT = (302, 200, 200, 200, 200, 200, 200)
STAFF_ONLY = (302,) * 7  # Django's admin sends everyone without is_staff to its sign-in

# fmt: off
ROWS = [
    #                                                 anon nobody rep  mgr  cal  hr   out
    # people/urls.py: the organisation
    Row("people:home", "get",                         EVERYONE),
    Row("people:directory", "get",                    EVERYONE),
    Row("people:directory", "get",                    EVERYONE, query="?q=riya", htmx=True),
    Row("people:detail", "get",                       (302, 403, 200, 200, 404, 200, 404), PERSON),
    Row("people:change_manager", "post",              (302, 403, 403, 403, 404, 302, 404), PERSON,
        data={"manager_email": "dana@example.com"}),
    Row("people:set_level", "post",                   (302, 403, 403, 403, 404, 302, 404), PERSON,
        data=new_level),
    Row("people:deactivate", "post",                  (302, 403, 403, 403, 404, 302, 404), PERSON,
        data={"reason": "Left the company.", "confirm": "on"}),
    Row("people:reactivate", "post",                  (302, 403, 403, 403, 404, 302, 404), PERSON,
        changes=False),
    Row("people:growth", "get",                       (302, 403, 200, 200, 404, 200, 404), PERSON),
    # people/urls.py: the evidence log (Riya's; the entry is her own)
    Row("people:log", "get",                          (302, 403, 200, 200, 404, 200, 404), PERSON),
    Row("people:log", "get",                          (302, 403, 200, 200, 404, 200, 404), PERSON,
        query="?competency=comp-1&page=2"),
    Row("people:log", "post",                         (302, 403, 302, 302, 404, 403, 404), PERSON,
        data=lambda world: log_entry_data()),
    Row("people:log_entry_edit", "get",               (302, 403, 200, 403, 404, 403, 404), ENTRY),
    Row("people:log_entry_edit", "post",              (302, 403, 302, 403, 404, 403, 404), ENTRY,
        data=lambda world: log_entry_data(text="Wrote and tested the runbook.", revision=1)),
    Row("people:log_entry_redact", "get",             (302, 403, 403, 403, 404, 200, 404), ENTRY),
    Row("people:log_entry_redact", "post",            (302, 403, 403, 403, 404, 302, 404), ENTRY,
        data={"reason": "Written about the wrong person."}),
    # people/urls.py: check-ins (Riya's, open at her turn; she has a manager, so HR
    # sees but does not act; she has one open, so starting another is refused)
    Row("people:check_ins", "get",                    (302, 403, 200, 200, 404, 200, 404), PERSON),
    Row("people:check_in_redact", "post",             (302, 403, 403, 403, 404, 302, 404),
        {"uid": "{check_in}", "key": "comp-1"}, data={"reason": "About someone else."}),
    Row("people:team_growth", "get",                  (302, 403, 404, 200, 200, 404, 404)),
    # The link in Riya's reminders: the signed token is the key, signed in or not.
    Row("people:reminders", "get",                    PUBLIC, {"token": "{stop}"}),
    Row("people:reminders", "post",                   (302,) * 7, {"token": "{stop}"},
        data={"reminders": "off"}),
    Row("people:check_in_start", "post",              (302, 403, 409, 409, 404, 403, 404), PERSON,
        changes=False),
    Row("people:check_in", "get",                     (302, 403, 200, 200, 404, 200, 404),
        CHECK_IN),
    Row("people:check_in_rate", "post",               (302, 403, 302, 403, 404, 403, 404), CHECK_IN,
        data=lambda world: check_in_ratings(world.extra["check_in"], ["meets"] * 3)),
    Row("people:check_in_cancel", "post",             (302, 403, 302, 302, 404, 403, 404), CHECK_IN,
        data={"revision": 1, "reason": "On leave until March."}),
    Row("people:import", "get",                       HR_ONLY),
    Row("people:import", "post",                      HR_CHANGES, data=people_file),
    # people/urls.py: proposals
    Row("people:proposals", "get",                    EVERYONE),
    Row("people:proposal_new", "get",                 EVERYONE),
    Row("people:proposal_new", "post",                (302, 403, 302, 302, 404, 302, 404),
        query="?person={report}", data=new_proposal_data),
    Row("people:proposal", "get",                     (302, 403, 200, 200, 200, 200, 404), PROPOSAL,
        state=IN_CALIBRATION),
    Row("people:proposal_evidence", "get",            (302, 403, 200, 403, 404, 403, 404), PROPOSAL,
        state=DRAFT),
    Row("people:proposal_evidence", "post",           (302, 403, 302, 403, 404, 403, 404), PROPOSAL,
        state=DRAFT, data={"evidence-comp-1": "New evidence."}),
    Row("people:evidence_autosave", "post",           (302, 403, 200, 403, 404, 403, 404),
        PROPOSAL | {"key": "comp-1"}, state=DRAFT, data=EVIDENCE, htmx=True),
    Row("people:proposal_submit", "post",             (302, 403, 302, 403, 404, 403, 404), PROPOSAL,
        state=DRAFT),
    Row("people:proposal_withdraw", "post",           (302, 403, 302, 403, 404, 403, 404), PROPOSAL,
        state=SUBMITTED),
    Row("people:proposal_endorse", "post",            (302, 403, 403, 302, 404, 403, 404), PROPOSAL,
        state=SUBMITTED, data={"note": "Ready for IC2."}),
    Row("people:proposal_return", "post",             (302, 403, 403, 302, 404, 403, 404), PROPOSAL,
        state=SUBMITTED, data={"note": "Say more."}),
    Row("people:proposal_comment", "post",            (302, 403, 302, 302, 302, 302, 404), PROPOSAL,
        state=IN_CALIBRATION, data={"text": "A thought.", "visibility": "reviewers"}),
    Row("people:proposal_decide", "get",              (302, 403, 403, 403, 302, 302, 404), PROPOSAL,
        state=IN_CALIBRATION),
    Row("people:proposal_decide", "get",              (302, 403, 403, 403, 200, 200, 404), PROPOSAL,
        state=IN_CALIBRATION, query="?from=queue", htmx=True),
    Row("people:proposal_decide", "post",             (302, 403, 403, 403, 302, 302, 404), PROPOSAL,
        state=IN_CALIBRATION, data={"decision": "approve"}),
    Row("people:proposal_decide", "post",             (302, 403, 403, 403, 200, 200, 404), PROPOSAL,
        state=IN_CALIBRATION, data={"decision": "approve", "confirmed": "yes"}, query="?from=queue",
        htmx=True),
    # The queue's first Approve only asks "this is final?", in the row or on a page.
    Row("people:proposal_decide", "post",             (302, 403, 403, 403, 200, 200, 404), PROPOSAL,
        state=IN_CALIBRATION, data={"decision": "approve"}, query="?from=queue", htmx=True,
        changes=False),
    Row("people:proposal_decide", "post",             (302, 403, 403, 403, 200, 200, 404), PROPOSAL,
        state=IN_CALIBRATION, data={"decision": "approve"}, query="?from=queue", changes=False),
    # people/urls.py: calibration and insights
    Row("people:cycles", "get",                       (302, 403, 404, 404, 200, 200, 404)),
    Row("people:cycle_new", "get",                    HR_ONLY),
    Row("people:cycle_new", "post",                   HR_CHANGES, data=new_cycle_data),
    Row("people:cycle", "get",                        (302, 403, 404, 404, 200, 200, 404), CYCLE,
        state=IN_CALIBRATION),
    Row("people:cycle", "get",                        (302, 403, 404, 404, 200, 200, 404), CYCLE,
        state=IN_CALIBRATION, query="?state=in_calibration", htmx=True),
    Row("people:cycle_close", "post",                 (302, 403, 404, 404, 403, 302, 404), CYCLE,
        state=APPROVED),
    Row("people:cycle_insights", "get",               (302, 403, 404, 404, 200, 200, 404), CYCLE),
    Row("people:cycle_insights", "get",               (302, 403, 404, 404, 200, 200, 404), CYCLE,
        htmx=True),
    Row("people:cycle_insights", "get",               (302, 403, 404, 404, 200, 200, 404), CYCLE,
        query="?download=by-state", download=True),
    Row("people:parity", "get",                       HR_ONLY),
    Row("people:parity", "get",                       HR_ONLY, htmx=True),
    Row("people:parity", "get",                       HR_ONLY, query="?download=headcount",
        download=True),
    Row("people:check_in_insights", "get",            HR_ONLY),
    Row("people:check_in_insights", "get",            HR_ONLY, query="?within=6", htmx=True),
    Row("people:check_in_insights", "get",            HR_ONLY, query="?download=teams",
        download=True),
    Row("people:check_in_cadence", "post",            HR_CHANGES,
        data={"ladder": "engineering", "months": "3"}),
    # ladders/urls.py: reading
    Row("ladders:list", "get",                        EVERYONE),
    Row("ladders:detail", "get",                      EVERYONE, ENG),
    Row("ladders:level", "get",                       EVERYONE, ENG | {"code": "IC2"}),
    Row("ladders:competency", "get",                  EVERYONE, ENG | {"key": "comp-1"}),
    Row("ladders:compare", "get",                     EVERYONE, ENG),
    Row("ladders:compare", "get",                     EVERYONE, ENG, query="?a=IC1&b=M1",
        htmx=True),
    Row("ladders:history", "get",                     EVERYONE, ENG),
    Row("ladders:diff", "get",                        EVERYONE, ENG),
    Row("ladders:export", "get",                      EVERYONE, ENG, download=True),
    Row("ladders:export", "get",                      EVERYONE, ENG, query="?format=csv",
        download=True),
    # ladders/urls.py: HR's editor (the draft is version 2)
    Row("ladders:new", "get",                         HR_ONLY),
    Row("ladders:new", "post",                        HR_CHANGES, data={"name": "Design",
                                                                        "slug": "design"}),
    Row("ladders:import", "get",                      HR_ONLY),
    Row("ladders:import", "post",                     HR_CHANGES, data=ladder_file),
    Row("ladders:start_draft", "post",                HR_CHANGES, ENG, changes=False),
    Row("ladders:editor", "get",                      HR_ONLY, ENG),
    Row("ladders:details", "post",                    HR_CHANGES, ENG,
        data={"name": "Engineering", "description": "Ours, renamed."}),
    Row("ladders:cell", "get",                        HR_ONLY, CELL, htmx=True),
    Row("ladders:cell", "post",                       HR_ONLY, CELL, htmx=True,
        data={"text": "Designs systems.", "revision": "1"}),
    Row("ladders:cell_edit", "get",                   HR_ONLY, CELL, htmx=True),
    Row("ladders:item_add", "post",                   HR_CHANGES, ENG | {"kind": "competencies"},
        data={"key": "new", "name": "New"}),
    Row("ladders:item_edit", "get",                   HR_ONLY, COMPETENCY),
    Row("ladders:item_edit", "post",                  HR_CHANGES, COMPETENCY,
        data={"name": "Renamed", "group": "", "description": ""}),
    Row("ladders:item_remove", "post",                HR_CHANGES, COMPETENCY),
    Row("ladders:item_move", "post",                  HR_CHANGES, COMPETENCY,
        data={"direction": "down"}),
    Row("ladders:preview", "get",                     HR_ONLY, ENG),
    Row("ladders:publish", "post",                    HR_CHANGES, ENG,
        data=lambda world: shown_draft(note="Version 2.")),
    Row("ladders:discard", "post",                    HR_CHANGES, ENG,
        data=lambda world: shown_draft()),
    # people/account_urls.py: signing in and out, passwords
    Row("login", "get",                               (200, 302, 302, 302, 302, 302, 302)),
    Row("login", "post",                              (200, 302, 302, 302, 302, 302, 302),
        data={"username": "riya@example.com", "password": "wrong"}, changes=False),
    Row("logout", "post",                             (302,) * 7, changes=False),
    Row("password_change", "get",                     ACCOUNT),
    Row("password_change", "post",                    (302, 302, 302, 302, 302, 302, 302),
        data=new_password),
    Row("password_change_done", "get",                ACCOUNT),
    Row("password_reset", "get",                      PUBLIC),
    Row("password_reset", "post",                     (302,) * 7,
        data={"email": "riya@example.com"}, changes=False),
    Row("password_reset_done", "get",                 PUBLIC),
    Row("password_reset_confirm", "get",              PUBLIC, RESET_CONFIRM),
    Row("password_reset_confirm", "post",             PUBLIC, RESET_CONFIRM, changes=False,
        data={"new_password1": "a much longer passphrase 42",
              "new_password2": "a much longer passphrase 42"}),
    Row("password_reset_complete", "get",             PUBLIC),
    # config/urls.py
    Row("healthz", "get",                             PUBLIC),
    Row("admin:index", "get",                         STAFF_ONLY),
    Row("admin:people_proposal_changelist", "get",    STAFF_ONLY),
]
# fmt: on

# What each route answers to; anything else is a 405.
METHODS = {
    "people:home": {"GET"},
    "people:directory": {"GET"},
    "people:detail": {"GET"},
    "people:change_manager": {"POST"},
    "people:set_level": {"POST"},
    "people:deactivate": {"POST"},
    "people:reactivate": {"POST"},
    "people:growth": {"GET"},
    "people:log": {"GET", "POST"},
    "people:check_ins": {"GET"},
    "people:team_growth": {"GET"},
    "people:check_in_redact": {"POST"},
    "people:reminders": {"GET", "POST"},
    "people:check_in_start": {"POST"},
    "people:check_in": {"GET"},
    "people:check_in_rate": {"POST"},
    "people:check_in_cancel": {"POST"},
    "people:log_entry_edit": {"GET", "POST"},
    "people:log_entry_redact": {"GET", "POST"},
    "people:import": {"GET", "POST"},
    "people:proposals": {"GET"},
    "people:proposal_new": {"GET", "POST"},
    "people:proposal": {"GET"},
    "people:proposal_evidence": {"GET", "POST"},
    "people:evidence_autosave": {"POST"},
    "people:proposal_submit": {"POST"},
    "people:proposal_withdraw": {"POST"},
    "people:proposal_endorse": {"POST"},
    "people:proposal_return": {"POST"},
    "people:proposal_comment": {"POST"},
    "people:proposal_decide": {"GET", "POST"},
    "people:cycles": {"GET"},
    "people:cycle_new": {"GET", "POST"},
    "people:cycle": {"GET"},
    "people:cycle_close": {"POST"},
    "people:cycle_insights": {"GET"},
    "people:parity": {"GET"},
    "people:check_in_insights": {"GET"},
    "people:check_in_cadence": {"POST"},
    "ladders:list": {"GET"},
    "ladders:detail": {"GET"},
    "ladders:level": {"GET"},
    "ladders:competency": {"GET"},
    "ladders:compare": {"GET"},
    "ladders:history": {"GET"},
    "ladders:diff": {"GET"},
    "ladders:export": {"GET"},
    "ladders:new": {"GET", "POST"},
    "ladders:import": {"GET", "POST"},
    "ladders:start_draft": {"POST"},
    "ladders:editor": {"GET"},
    "ladders:details": {"POST"},
    "ladders:cell": {"GET", "POST"},
    "ladders:cell_edit": {"GET"},
    "ladders:item_add": {"POST"},
    "ladders:item_edit": {"GET", "POST"},
    "ladders:item_remove": {"POST"},
    "ladders:item_move": {"POST"},
    "ladders:preview": {"GET"},
    "ladders:publish": {"POST"},
    "ladders:discard": {"POST"},
    # Django's class-based auth views also answer HEAD and OPTIONS, as every View does.
    "login": {"GET", "POST"},
    "logout": {"POST"},
    "password_change": {"GET", "POST"},
    "password_change_done": {"GET"},
    "password_reset": {"GET", "POST"},
    "password_reset_done": {"GET"},
    "password_reset_confirm": {"GET", "POST"},
    "password_reset_complete": {"GET"},
    "healthz": {"GET"},
}


def test_every_routed_url_is_in_the_matrix():
    routes = set(routed_names())
    # Django's admin guards every one of its pages with the same is_staff check;
    # the rows above prove it for its index and for our biggest table.
    ours = {name for name in routes if not name.startswith("admin:")}
    assert ours == set(METHODS), "a route without a row in METHODS"
    assert ours == {row.name for row in ROWS if not row.name.startswith("admin:")}
    for name, methods in METHODS.items():
        asked = {row.method.upper() for row in ROWS if row.name == name}
        assert asked == methods, name
    assert {row.name for row in ROWS if row.name.startswith("admin:")} <= routes


def client_as(world, role):
    client = Client()
    if role == "anonymous":
        return client
    who = world.people[role]
    client.force_login(getattr(who, "user", who))
    return client


def ask(client, row, world, data):
    headers = HTMX if row.htmx else {}
    if row.method == "get":
        return client.get(row.url(world), **headers)
    if world.proposal is not None:
        data = {"revision": world.proposal.revision, **data}
    return client.post(row.url(world), data, **headers)


def open_to_anyone(url):
    """Marked @login_not_required: the sign-in and password reset pages, /healthz."""
    return getattr(resolve(url.split("?")[0]).func, "login_required", True) is False


def sign_in_target(response):
    """Where a response sends the visitor to sign in, if it does: a 302, or for an htmx
    request an HX-Redirect, which the browser follows as a whole page."""
    if response.status_code == 302:
        return response.url
    return response.get("HX-Redirect")


def status(response):
    """The status as the matrix writes it: being sent to sign in is a 302 either way."""
    return 302 if response.get("HX-Redirect") else response.status_code


def refused(response, role):
    if response.status_code in (403, 404, 405):
        return True
    return role == "anonymous" and "login" in (sign_in_target(response) or "")


@pytest.mark.parametrize("row", ROWS, ids=str)
def test_every_role_gets_what_it_should(world, row):
    walk(world, row.state)
    answers, problems = {}, []
    for role in ROLES:
        # Each role asks the same world: its savepoint is rolled back afterwards.
        with transaction.atomic():
            data = row.data(world) if callable(row.data) else dict(row.data or {})
            before = snapshot(world)
            response = ask(client_as(world, role), row, world, data)
            answers[role] = status(response)
            changed = snapshot(world) != before
            if refused(response, role) and changed:
                problems.append(f"{role} was refused but something changed")
            elif row.method == "post" and not refused(response, role) and changed != row.changes:
                problems.append(f"{role}'s allowed {row.method.upper()} changed {changed}")
            if status(response) == 200 and row.htmx and b"<html" in response.content:
                problems.append(f"{role} got a whole page for an htmx request")
            download = response.get("Content-Disposition", "").startswith("attachment")
            if status(response) == 200 and download != row.download:
                problems.append(f"{role} got {'a' if download else 'no'} download")
            if (
                status(response) == 302
                and role == "anonymous"
                and not open_to_anyone(row.url(world))
            ):
                target = sign_in_target(response).split("?")[0]
                if target not in (reverse("login"), reverse("admin:login")):
                    problems.append(f"anonymous was sent to {target}, not to sign in")
            transaction.set_rollback(True)
    assert answers == dict(zip(ROLES, row.expect, strict=True))
    assert problems == []


WRONG_METHODS = [
    pytest.param(name, method, id=f"{method} {name}")
    for name, allowed in METHODS.items()
    for method in sorted({"GET", "POST", "PUT", "DELETE"} - allowed)
]


@pytest.mark.parametrize(("name", "method"), WRONG_METHODS)
def test_every_other_method_is_refused(world, name, method):
    """Asked by who may do the most (HR; a visitor for the sign-in page, which sends
    the signed-in home whatever they ask): the method is refused before anything else."""
    row = next(row for row in ROWS if row.name == name)
    walk(world, row.state)
    before = snapshot(world)
    role = "anonymous" if name == "login" else "hr"
    response = client_as(world, role).generic(method, row.url(world))
    assert response.status_code == 405
    assert METHODS[name] <= set(response["Allow"].split(", "))
    assert snapshot(world) == before


def test_a_superuser_opens_the_admin(world, client):
    client.force_login(UserFactory(username="root@example.com", is_staff=True, is_superuser=True))
    for name in {row.name for row in ROWS if row.name.startswith("admin:")}:
        assert client.get(reverse(name)).status_code == 200, name
