"""Who may open and do what with a proposal or a calibration cycle: every role x
every proposal and cycle URL of people/urls.py, in each state that matters. The
roles are those of tests/builders.py (build_world).

200 a page, 302 done (or refused with a message on the next page), 403 "may see
but not act", 404 "cannot see", 409 "allowed, but not in this state"."""

from dataclasses import dataclass

import pytest
from django.urls import reverse

from ladders.models import Level
from people import urls as people_urls
from people.services.workflow import (
    evidence_save,
    proposal_create,
    proposal_endorse,
    proposal_submit,
)
from tests.builders import (
    APPROVED,
    COMPETENCIES,
    DRAFT,
    IN_CALIBRATION,
    SUBMITTED,
    build_world,
    give_level,
    new_cycle_data,
    new_proposal_data,
    snapshot,
    walk,
)
from tests.factories import PersonFactory, UserFactory

HTMX = {"HTTP_HX_REQUEST": "true"}
ROLES = ("report", "manager", "director", "calibrator", "other_calibrator", "hr", "outsider")


@pytest.fixture
def world(top, director, manager, report, outsider, hr):
    return build_world(
        top=top, director=director, manager=manager, report=report, outsider=outsider, hr=hr
    )


@dataclass(frozen=True)
class Route:
    name: str
    method: str
    state: str | None
    # One status per role, in the order of ROLES.
    expect: tuple
    data: object = None  # a dict, or a function of the world giving one
    query: str = ""  # formatted with report=<Riya's uid>
    htmx: bool = False
    changes: bool = True  # does an allowed POST change something?

    def url(self, world):
        if self.name in ("proposals", "proposal_new", "cycles", "cycle_new"):
            kwargs = {}
        elif self.name.startswith("cycle"):
            kwargs = {"uid": world.cycle.uid}
        elif self.name == "evidence_autosave":
            kwargs = {"uid": world.proposal.uid, "key": "comp-1"}
        else:
            kwargs = {"uid": world.proposal.uid}
        query = self.query.format(report=world.people["report"].uid)
        return reverse(f"people:{self.name}", kwargs=kwargs) + query

    def prepare(self, world):
        """Walk the proposal to the route's state and build the payload: before the
        snapshot, so that only the request itself can change anything."""
        walk(world, self.state)
        world.extra["data"] = self.payload(world)

    def payload(self, world):
        return self.data(world) if callable(self.data) else dict(self.data or {})

    def call(self, client, world):
        headers = HTMX if self.htmx else {}
        if self.method == "get":
            return client.get(self.url(world), **headers)
        data = dict(world.extra["data"]) if "data" in world.extra else self.payload(world)
        if world.proposal is not None:
            data.setdefault("revision", world.proposal.revision)
        return client.post(self.url(world), data, **headers)

    def __str__(self):
        extra = self.query.replace("{report}", "riya")
        return (
            f"{self.method.upper()} {self.name}{extra}{' htmx' if self.htmx else ''} [{self.state}]"
        )


EVIDENCE = {f"evidence-{key}": f"New evidence for {key}." for key in COMPETENCIES}
# fmt: off
ROUTES = [
    #                                                         rep  mgr  dir  cal  oth  hr   out
    Route("proposals", "get", None,                          (200, 200, 200, 200, 200, 200, 200)),
    Route("proposal_new", "get", None,                       (200, 200, 200, 200, 200, 200, 200)),
    Route("proposal_new", "get", None,                       (200, 200, 200, 404, 404, 200, 404),
          query="?person={report}"),
    Route("proposal_new", "post", None,                      (302, 302, 302, 404, 404, 302, 404),
          data=new_proposal_data, query="?person={report}"),
    Route("proposal", "get", DRAFT,                          (200, 200, 200, 404, 404, 200, 404)),
    Route("proposal", "get", IN_CALIBRATION,                 (200, 200, 200, 200, 404, 200, 404)),
    Route("proposal_evidence", "get", DRAFT,                 (200, 403, 403, 404, 404, 403, 404)),
    Route("proposal_evidence", "post", DRAFT,                (302, 403, 403, 404, 404, 403, 404),
          data=EVIDENCE),
    # The author's save of a proposal that left the draft is refused with a message.
    Route("proposal_evidence", "post", IN_CALIBRATION,       (302, 403, 403, 403, 404, 403, 404),
          data=EVIDENCE, changes=False),
    Route("evidence_autosave", "post", DRAFT,                (200, 403, 403, 404, 404, 403, 404),
          data=EVIDENCE, htmx=True),
    Route("evidence_autosave", "post", IN_CALIBRATION,       (409, 403, 403, 403, 404, 403, 404),
          data=EVIDENCE, htmx=True),
    Route("proposal_submit", "post", DRAFT,                  (302, 403, 403, 404, 404, 403, 404)),
    Route("proposal_submit", "post", IN_CALIBRATION,         (409, 403, 403, 403, 404, 403, 404)),
    Route("proposal_withdraw", "post", SUBMITTED,            (302, 403, 403, 404, 404, 403, 404)),
    Route("proposal_withdraw", "post", IN_CALIBRATION,       (302, 403, 403, 403, 404, 403, 404)),
    # Only the direct manager endorses or returns; a skip-level manager, HR and
    # the calibrators see the proposal but may not.
    Route("proposal_endorse", "post", SUBMITTED,             (403, 302, 403, 404, 404, 403, 404),
          data={"note": "Ready for IC2."}),
    Route("proposal_endorse", "post", IN_CALIBRATION,        (403, 409, 403, 403, 404, 403, 404),
          data={"note": "Ready for IC2."}),
    Route("proposal_return", "post", SUBMITTED,              (403, 302, 403, 404, 404, 403, 404),
          data={"note": "", "comment-comp-2": "Say more."}),
    Route("proposal_return", "post", IN_CALIBRATION,         (403, 409, 403, 403, 404, 403, 404),
          data={"note": "Say more."}),
    Route("proposal_comment", "post", DRAFT,                 (302, 302, 302, 404, 404, 302, 404),
          data={"text": "A thought.", "visibility": "shared"}),
    Route("proposal_comment", "post", IN_CALIBRATION,        (302, 302, 302, 302, 404, 302, 404),
          data={"text": "A thought.", "visibility": "reviewers"}),
    # Only the cycle's calibrators and HR decide; managers see but may not.
    Route("proposal_decide", "get", IN_CALIBRATION,          (403, 403, 403, 302, 404, 302, 404)),
    Route("proposal_decide", "get", IN_CALIBRATION,          (403, 403, 403, 200, 404, 200, 404),
          query="?from=queue", htmx=True),
    Route("proposal_decide", "post", IN_CALIBRATION,         (403, 403, 403, 302, 404, 302, 404),
          data={"decision": "approve"}),
    Route("proposal_decide", "post", IN_CALIBRATION,         (403, 403, 403, 200, 404, 200, 404),
          data={"decision": "approve", "confirmed": "yes"}, query="?from=queue", htmx=True),
    # The queue's first Approve only asks "this is final?", in the row or on a page.
    Route("proposal_decide", "post", IN_CALIBRATION,         (403, 403, 403, 200, 404, 200, 404),
          data={"decision": "approve"}, query="?from=queue", htmx=True, changes=False),
    Route("proposal_decide", "post", IN_CALIBRATION,         (403, 403, 403, 200, 404, 200, 404),
          data={"decision": "approve"}, query="?from=queue", changes=False),
    Route("proposal_decide", "post", SUBMITTED,              (403, 403, 403, 404, 404, 409, 404),
          data={"decision": "approve"}),
    Route("cycles", "get", None,                             (404, 404, 404, 200, 200, 200, 404)),
    Route("cycle_new", "get", None,                          (404, 404, 404, 404, 404, 200, 404)),
    Route("cycle_new", "post", None,                         (404, 404, 404, 404, 404, 302, 404),
          data=new_cycle_data),
    Route("cycle", "get", IN_CALIBRATION,                    (404, 404, 404, 200, 404, 200, 404)),
    Route("cycle", "get", IN_CALIBRATION,                    (404, 404, 404, 200, 404, 200, 404),
          htmx=True),
    # A calibrator sees the cycle but only HR closes it.
    Route("cycle_close", "post", APPROVED,                   (404, 404, 404, 403, 404, 302, 404)),
]
# fmt: on
CASES = [
    pytest.param(route, role, code, id=f"{route} as {role}")
    for route in ROUTES
    for role, code in zip(ROLES, route.expect, strict=True)
]

# Routes of these families whose access is tested elsewhere, role by role.
TESTED_ELSEWHERE = {"cycle_insights"}  # tests/people/test_insight_views.py


def test_every_proposal_and_cycle_url_is_in_the_matrix():
    names = {
        pattern.name
        for pattern in people_urls.urlpatterns
        if pattern.name.startswith(("proposal", "cycle", "evidence"))
    } - TESTED_ELSEWHERE
    assert names == {route.name for route in ROUTES}


@pytest.mark.parametrize(("route", "role", "code"), CASES)
def test_role_matrix(client_for, world, route, role, code):
    route.prepare(world)
    before = snapshot(world)
    response = route.call(client_for(world.people[role]), world)
    assert response.status_code == code
    if code in (403, 404, 409):
        assert snapshot(world) == before, "a refused request changed something"
    elif route.method == "post":
        assert (snapshot(world) != before) == route.changes
    if code == 302 and route.method == "get":
        # A GET that redirects stays on the proposal (decide without htmx).
        assert response.url.startswith(world.proposal.get_absolute_url())


@pytest.mark.parametrize("route", ROUTES, ids=str)
def test_an_account_without_a_person_is_refused_everywhere(client, world, route):
    route.prepare(world)
    client.force_login(UserFactory(username="nobody@example.com"))
    before = snapshot(world)
    response = route.call(client, world)
    assert response.status_code == 403
    assert snapshot(world) == before


@pytest.mark.parametrize("route", ROUTES, ids=str)
def test_anonymous_visitors_are_sent_to_sign_in(client, world, route):
    route.prepare(world)
    before = snapshot(world)
    response = route.call(client, world)
    # A page is redirected; an htmx request is told to go there as a whole page.
    target = response.url if response.status_code == 302 else response["HX-Redirect"]
    assert response.status_code == (200 if route.htmx else 302)
    assert target.startswith(reverse("login") + "?next=")
    assert snapshot(world) == before


PROPOSAL_ROUTES = [
    route for route in ROUTES if route.state is not None and not route.name.startswith("cycle")
]


@pytest.mark.parametrize("route", PROPOSAL_ROUTES, ids=str)
def test_an_unknown_proposal_is_a_404_even_for_hr(client_for, world, route):
    route.prepare(world)
    world.proposal.uid = "00000000-0000-4000-8000-000000000000"
    response = route.call(client_for(world.people["hr"]), world)
    assert response.status_code == 404


# Nobody decides or endorses a proposal about themselves ----------------------


@pytest.fixture
def own_proposal_in_cycle(world, manager):
    """A proposal in the cycle about one of its calibrators: Cara, or an HR person."""

    def make(who):
        if who == "hr":
            subject = PersonFactory(
                name="Hal Hrengineer", email="hal@example.com", manager=manager, is_hr=True
            )
        else:
            subject = world.people["calibrator"]
            subject.manager = manager
            subject.save()
        world.cycle.calibrators.add(subject)
        give_level(subject, world.engineering, "IC1")
        ic2 = Level.objects.get(version=world.engineering, code="IC2")
        proposal = proposal_create(person=subject, author=subject, kind="promotion", target=ic2)
        for key in COMPETENCIES:
            evidence_save(proposal=proposal, key=key, text="Mine.")
        proposal = proposal_submit(proposal=proposal, actor=subject, revision=proposal.revision)
        proposal = proposal_endorse(
            proposal=proposal, actor=manager, revision=proposal.revision, note="Ready."
        )
        world.proposal = proposal
        return subject

    return make


@pytest.mark.parametrize("who", ["calibrator", "hr"])
@pytest.mark.parametrize(
    "route",
    [
        Route("proposal_decide", "post", None, (), data={"decision": "approve"}),
        Route(
            "proposal_decide",
            "post",
            None,
            (),
            data={"decision": "approve"},
            query="?from=queue",
            htmx=True,
        ),
        Route("proposal_decide", "get", None, (), query="?from=queue", htmx=True),
    ],
    ids=str,
)
def test_nobody_decides_their_own_proposal(client_for, world, own_proposal_in_cycle, who, route):
    subject = own_proposal_in_cycle(who)
    assert world.proposal.state == IN_CALIBRATION
    before = snapshot(world)
    client = client_for(subject)
    assert client.get(world.proposal.get_absolute_url()).status_code == 200
    response = route.call(client, world)
    assert response.status_code == 403
    assert snapshot(world) == before


@pytest.mark.parametrize("who", ["calibrator", "hr"])
def test_the_queue_offers_no_decision_on_ones_own_proposal(
    client_for, world, own_proposal_in_cycle, who
):
    subject = own_proposal_in_cycle(who)
    page = client_for(subject).get(reverse("people:cycle", args=[world.cycle.uid]))
    assert page.status_code == 200
    row = page.content.decode().split(f'id="row-{world.proposal.uid}"')[1].split("</tr>")[0]
    assert subject.name in row
    assert "proposal_decide" not in row and "/decide/" not in row


@pytest.mark.parametrize("action", ["proposal_endorse", "proposal_return"])
def test_a_manager_never_endorses_or_returns_their_own_proposal(client_for, world, manager, action):
    """Max manages Riya; his own request is his director's to review, not his."""
    give_level(manager, world.engineering, "IC1")
    ic2 = Level.objects.get(version=world.engineering, code="IC2")
    proposal = proposal_create(person=manager, author=manager, kind="promotion", target=ic2)
    for key in COMPETENCIES:
        evidence_save(proposal=proposal, key=key, text="Mine.")
    world.proposal = proposal_submit(proposal=proposal, actor=manager, revision=proposal.revision)
    before = snapshot(world)
    route = Route(action, "post", None, (), data={"note": "I am ready.", "comment-comp-1": "x"})
    assert route.call(client_for(manager), world).status_code == 403
    assert snapshot(world) == before
    assert route.call(client_for(world.people["director"]), world).status_code == 302
