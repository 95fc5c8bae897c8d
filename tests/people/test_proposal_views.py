"""Proposals and calibration through HTTP: requesting and nominating, writing the
evidence, review, comments, decisions, the home page's "Waiting for you", the
calibration queue and closing a cycle; and a fixed number of queries per page."""

import re
from datetime import UTC, date, datetime, time, timedelta

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone
from pytest_django.asserts import assertContains

from ladders.models import Expectation
from ladders.services.versions import draft_start, version_publish
from people.models import (
    CalibrationCycle,
    Comment,
    Evidence,
    LevelChange,
    Person,
    Proposal,
)
from people.services.levels import person_set_level
from people.services.workflow import (
    apply_due_levels,
    comment_add,
    cycle_open,
    evidence_save,
    proposal_create,
    proposal_decide,
    proposal_endorse,
    proposal_return,
    proposal_submit,
    proposal_withdraw,
)
from tests.builders import LEVELS_READ, SIGNED_IN, agreed_check_in, ladder_data, level, publish
from tests.factories import PersonFactory

HTMX = {"HTTP_HX_REQUEST": "true"}
COMPETENCIES = ("comp-1", "comp-2", "comp-3")
TODAY = timezone.localdate()


def body(response):
    return response.content.decode()


def give_level(person, version, code, at=None):
    person_set_level(person=person, level=level(version, code), by=None, source="hr", at=at)
    person.refresh_from_db()
    return person


def fill(proposal, keys=COMPETENCIES):
    for key in keys:
        evidence_save(proposal=proposal, key=key, text=f"I did {key}.")


def promotion(person, version, code="IC2", *, state="draft", author=None, kind="promotion"):
    """``person``'s request for ``code``, walked through the services to ``state``."""
    proposal = proposal_create(
        person=person, author=author or person, kind=kind, target=level(version, code)
    )
    keys = version.competencies.values_list("key", flat=True)
    if state == "draft":
        return proposal
    fill(proposal, keys)
    proposal = proposal_submit(proposal=proposal, actor=person, revision=proposal.revision)
    if state in ("endorsed", "in_calibration", "approved"):
        proposal = proposal_endorse(
            proposal=proposal, actor=person.manager, revision=proposal.revision, note="Ready."
        )
    proposal.refresh_from_db()
    return proposal


def open_cycle(version, calibrators, by, *, effective_on=date(2026, 3, 1)):
    return cycle_open(
        ladder=version.ladder,
        name="Engineering H1",
        starts_on=min(effective_on, date(2026, 1, 1)),
        ends_on=min(effective_on, date(2026, 2, 1)),
        effective_on=effective_on,
        calibrators=calibrators,
        by=by,
    )


def url(name, *args):
    return reverse(f"people:{name}", args=args)


def row_of(html, competency_name):
    """The evidence table's row of one competency."""
    match = re.search(rf"<th scope=\"row\">{competency_name}</th>(.*?)</tr>", html, re.S)
    assert match, competency_name
    return match.group(1)


def section(html, heading):
    """What follows ``heading`` on the home page, up to the next heading."""
    match = re.search(rf"<h3>{re.escape(heading)}[^<]*</h3>(.*?)(?=<h3>|</section>)", html, re.S)
    return match.group(1) if match else ""


def queue_names(html):
    return re.findall(r'<tr id="row-[^"]+">\s*<th scope="row"><a [^>]+>([^<]+)</a>', html)


@pytest.fixture
def engineering(db):
    """Engineering version 1: IC1-IC3 (grades 1-3), M1-M3 (grades 2-4)."""
    return publish(ladder_data())


@pytest.fixture
def on_ic1(report, engineering):
    return give_level(report, engineering, "IC1")


@pytest.fixture
def calibrator(top):
    """A manager on another branch who calibrates the cycle."""
    person = PersonFactory(name="Cara Calibrator", email="cara@example.com", manager=top)
    PersonFactory(manager=person)
    return person


# Requesting and nominating ----------------------------------------------------


@pytest.fixture
def four_levels(report):
    """IC1-IC4 (grades 1-4), M1-M4 (grades 2-5); Riya is IC2."""
    version = publish(ladder_data(levels=4))
    give_level(report, version, "IC2")
    return version


def test_the_new_page_offers_the_next_level_and_a_lateral_move(client_for, report, four_levels):
    page = client_for(report).get(url("proposal_new"))
    assert page.status_code == 200
    html = body(page)
    assert "<h1>Request a move</h1>" in html
    assert "You are <strong>IC2 · IC title 2</strong>" in html
    offered = re.findall(r'<input type="radio" name="target" value="(\d+)"', html)
    assert offered == [str(level(four_levels, code).pk) for code in ("IC3", "M1")]
    assert "Promotion to IC3 · IC title 3 (grade 3)</label>" in html
    assert "Lateral move to M1 · M title 1 on Management 1 (same grade 2)</label>" in html
    assert "IC4" not in html  # one level at a time unless HR allows more
    assert "more than one level up" not in html


@pytest.mark.parametrize(
    ("code", "kind"),
    [("IC3", "promotion"), ("M1", "lateral"), ("IC4", None), ("IC1", None), ("M2", None)],
)
def test_the_form_accepts_only_what_the_page_offers(client_for, report, four_levels, code, kind):
    response = client_for(report).post(url("proposal_new"), {"target": level(four_levels, code).pk})
    if kind is None:  # a jump, a step down, or a promotion onto another track
        assert response.status_code == 422
        assert not Proposal.objects.exists()
    else:
        assert response.status_code == 302
        proposal = Proposal.objects.get()
        assert (proposal.kind, proposal.target_level.code, proposal.is_big_jump) == (
            kind,
            code,
            False,
        )


def test_a_lateral_move_is_a_move_never_a_promotion(client_for, report, four_levels):
    client = client_for(report)
    response = client.post(url("proposal_new"), {"target": level(four_levels, "M1").pk})
    proposal = Proposal.objects.get()
    assert response.status_code == 302
    assert response.url == url("proposal_evidence", proposal.uid)
    assert (proposal.kind, proposal.track_key, proposal.is_big_jump) == (
        "lateral",
        "management",
        False,
    )
    html = body(client.get(proposal.get_absolute_url()))
    assert "<h1>Lateral move: Riya Report to M1" in html
    assert "Same grade, another track" in html
    assert "Promotion:" not in html


def test_a_bigger_jump_is_offered_only_when_hr_allows_it_and_is_flagged(
    client_for, report, four_levels
):
    client = client_for(report)
    ic4 = level(four_levels, "IC4")
    refused = client.post(url("proposal_new"), {"target": ic4.pk})
    assert refused.status_code == 422
    assert not Proposal.objects.exists()

    four_levels.ladder.allow_multi_level_jumps = True
    four_levels.ladder.save()
    html = body(client.get(url("proposal_new")))
    assert "Promotion to IC3 · IC title 3 (grade 3)</label>" in html
    assert (
        "Promotion to IC4 · IC title 4 (grade 4): more than one level up, flagged for calibrators"
        "</label>" in html
    )
    assert client.post(url("proposal_new"), {"target": ic4.pk}).status_code == 302
    proposal = Proposal.objects.get()
    assert (proposal.target_level, proposal.is_big_jump) == (ic4, True)
    assert "More than one level up" in body(client.get(proposal.get_absolute_url()))


def test_a_manager_nominates_a_report(client_for, manager, on_ic1, engineering):
    client = client_for(manager)
    page = client.get(url("proposal_new") + f"?person={on_ic1.uid}")
    assert page.status_code == 200
    assert "<h1>Nominate Riya Report</h1>" in body(page)
    response = client.post(
        url("proposal_new") + f"?person={on_ic1.uid}", {"target": level(engineering, "IC2").pk}
    )
    assert response.status_code == 302
    proposal = Proposal.objects.get()
    assert (proposal.person, proposal.author, proposal.kind) == (on_ic1, manager, "promotion")
    assert "Max Manager (nomination)" in body(client.get(proposal.get_absolute_url()))


def test_a_manager_cannot_nominate_someone_outside_their_tree(
    client_for, manager, outsider, engineering
):
    give_level(outsider, engineering, "IC1")
    client = client_for(manager)
    target = {"target": level(engineering, "IC2").pk}
    assert client.get(url("proposal_new") + f"?person={outsider.uid}").status_code == 404
    assert client.post(url("proposal_new") + f"?person={outsider.uid}", target).status_code == 404
    assert not Proposal.objects.exists()


# Evidence ----------------------------------------------------------------------


def test_the_evidence_page_shows_each_expectation_beside_a_field(client_for, on_ic1, engineering):
    proposal = promotion(on_ic1, engineering)
    page = client_for(on_ic1).get(url("proposal_evidence", proposal.uid))
    assert page.status_code == 200
    rows = re.findall(r'<section class="evidence-row"(.*?)</textarea>', body(page), re.S)
    assert len(rows) == 3
    for n, row in enumerate(rows, start=1):
        # What the person's level asks now, beside what the target asks.
        now, asked = row.index("Now, IC1"), row.index("Asked, IC2")
        assert now < row.index(f"At IC1, competency {n} means scope 1.") < asked
        assert asked < row.index(f"At IC2, competency {n} means scope 2.")
        assert f'<label for="evidence-comp-{n}">Your evidence for Competency {n}</label>' in row
        assert f"When did you show competency {n} at this level?" in row
        assert f'aria-describedby="evidence-comp-{n}_helptext status-comp-{n}"' in row
        assert f'name="evidence-comp-{n}"' in row
        assert f'hx-post="{url("evidence_autosave", proposal.uid, f"comp-{n}")}"' in row


def progress(html):
    match = re.search(
        r'<span id="evidence-progress"[^>]*>\s*<strong>(\d+) of (\d+)</strong> written', html
    )
    assert match, "no progress count"
    return int(match[1]), int(match[2])


def test_the_evidence_page_counts_what_is_written(client_for, on_ic1, engineering):
    proposal = promotion(on_ic1, engineering)
    client = client_for(on_ic1)
    assert progress(body(client.get(url("proposal_evidence", proposal.uid)))) == (0, 3)
    evidence_save(proposal=proposal, key="comp-1", text="Led the migration.")
    evidence_save(proposal=proposal, key="comp-2", text="  \n ")  # blank: not written
    assert progress(body(client.get(url("proposal_evidence", proposal.uid)))) == (1, 3)
    # Each save as one types brings the count along (out of band).
    saved = client.post(
        url("evidence_autosave", proposal.uid, "comp-3"), {"evidence-comp-3": "Ran it."}, **HTMX
    )
    assert progress(body(saved)) == (2, 3)
    assert 'id="evidence-progress" hx-swap-oob="innerHTML"' in body(saved)


def test_submitting_from_the_evidence_page_links_to_what_is_missing(
    client_for, on_ic1, engineering
):
    proposal = promotion(on_ic1, engineering)
    response = client_for(on_ic1).post(
        url("proposal_evidence", proposal.uid),
        {
            "revision": proposal.revision,
            "and_submit": "yes",
            "evidence-comp-1": "",
            "evidence-comp-2": "Designed the queue.",
            "evidence-comp-3": "   ",
        },
    )
    html = body(response)
    assert response.status_code == 409
    problems = html.split('<div class="import-problems" role="alert"')[1].split("</div>")[0]
    assert "Not submitted yet: 2 competencies still lack evidence" in problems
    assert re.findall(r'<a href="([^"]+)">([^<]+)</a>', problems) == [
        ("#evidence-comp-1", "Competency 1"),
        ("#evidence-comp-3", "Competency 3"),
    ]
    # Everything typed is on the page again, and saved.
    assert ">\nDesigned the queue.</textarea>" in html
    assert progress(html) == (1, 3)
    assert Evidence.objects.get(competency_key="comp-2").text == "Designed the queue."
    assert Proposal.objects.get().state == "draft"


def test_submitting_from_the_evidence_page_saves_and_submits(client_for, on_ic1, engineering):
    proposal = promotion(on_ic1, engineering)
    data = {f"evidence-{key}": f"Evidence for {key}." for key in COMPETENCIES}
    response = client_for(on_ic1).post(
        url("proposal_evidence", proposal.uid),
        {"revision": proposal.revision, "and_submit": "yes", **data},
        follow=True,
    )
    assert response.redirect_chain == [(proposal.get_absolute_url(), 302)]
    assert "Submitted: submitted." in body(response)
    assert Proposal.objects.get().state == "submitted"
    assert Evidence.objects.filter(text__startswith="Evidence for").count() == 3


def test_autosave_saves_one_field_and_says_when(client_for, on_ic1, engineering):
    proposal = promotion(on_ic1, engineering)
    client = client_for(on_ic1)
    response = client.post(
        url("evidence_autosave", proposal.uid, "comp-2"),
        {"evidence-comp-2": "Designed the **billing** service.", "evidence-comp-1": "ignored"},
        **HTMX,
    )
    assert response.status_code == 200
    assert body(response).startswith("Saved at ")
    assert "<html" not in body(response)
    assert dict(Evidence.objects.values_list("competency_key", "text")) == {
        "comp-2": "Designed the **billing** service."
    }
    reloaded = body(client.get(url("proposal_evidence", proposal.uid)))
    assert "Designed the **billing** service.</textarea>" in reloaded


def test_autosave_of_a_competency_the_level_does_not_state_is_a_404(
    client_for, on_ic1, engineering
):
    proposal = promotion(on_ic1, engineering)
    response = client_for(on_ic1).post(
        url("evidence_autosave", proposal.uid, "nope"), {"evidence-nope": "x"}, **HTMX
    )
    assert response.status_code == 404
    assert not Evidence.objects.exists()


def test_a_plain_post_saves_every_field(client_for, on_ic1, engineering):
    proposal = promotion(on_ic1, engineering)
    client = client_for(on_ic1)
    data = {f"evidence-{key}": f"Evidence for {key}." for key in COMPETENCIES}
    response = client.post(url("proposal_evidence", proposal.uid), data, follow=True)
    assert response.redirect_chain == [(url("proposal_evidence", proposal.uid), 302)]
    assert "Evidence saved." in body(response)
    assert dict(Evidence.objects.values_list("competency_key", "text")) == {
        key: f"Evidence for {key}." for key in COMPETENCIES
    }


def test_submitting_without_evidence_names_each_missing_competency(client_for, on_ic1, engineering):
    proposal = promotion(on_ic1, engineering)
    fill(proposal, ["comp-2"])
    response = client_for(on_ic1).post(
        url("proposal_submit", proposal.uid), {"revision": proposal.revision}
    )
    assert response.status_code == 409
    assert "Missing: Competency 1; Competency 3." in body(response)
    after = Proposal.objects.get()
    assert (after.state, after.revision, after.pinned_version, after.submitted_at) == (
        "draft",
        proposal.revision,
        None,
        None,
    )
    assert list(after.events.values_list("action", flat=True)) == ["created"]


def test_submitting_pins_the_published_version(client_for, on_ic1, manager, engineering):
    proposal = promotion(on_ic1, engineering)
    fill(proposal)
    client = client_for(on_ic1)
    before = body(client.get(proposal.get_absolute_url()))
    assert "the current version, until it is submitted" in before
    response = client.post(
        url("proposal_submit", proposal.uid), {"revision": proposal.revision}, follow=True
    )
    assert "Submitted: submitted." in body(response)
    assert "Engineering version 1, as published when it was submitted" in body(response)
    proposal.refresh_from_db()
    assert (proposal.state, proposal.pinned_version) == ("submitted", engineering)


def test_a_newer_version_does_not_move_the_goalposts(client_for, on_ic1, engineering):
    proposal = promotion(on_ic1, engineering, state="submitted")
    draft = draft_start(ladder=engineering.ladder, user=None)
    Expectation.objects.filter(version=draft, level__code="IC2", competency__key="comp-1").update(
        text="At IC2, competency 1 now means running a whole area."
    )
    version_publish(version=draft, user=None, note="Raise the bar.")
    html = body(client_for(on_ic1).get(proposal.get_absolute_url()))
    assert "A newer version of the ladder (version 2) has been published since" in html
    assert "Engineering version 1, as published when it was submitted" in html
    assert "At IC2, competency 1 means scope 2." in row_of(html, "Competency 1")
    assert "running a whole area" not in html


# Review ------------------------------------------------------------------------


def test_endorsing_needs_a_note(client_for, on_ic1, manager, engineering):
    proposal = promotion(on_ic1, engineering, state="submitted")
    client = client_for(manager)
    refused = client.post(
        url("proposal_endorse", proposal.uid), {"revision": proposal.revision, "note": "  "}
    )
    assert refused.status_code == 409
    assert "Say why you endorse it" in body(refused)
    assert Proposal.objects.get().state == "submitted"

    response = client.post(
        url("proposal_endorse", proposal.uid),
        {"revision": proposal.revision, "note": "Leads the billing work."},
        follow=True,
    )
    assert "Endorsed: endorsed." in body(response)
    assert "Leads the billing work." in body(response)
    assert Proposal.objects.get().state == "endorsed"


def test_a_return_shows_each_comment_beside_the_evidence(client_for, on_ic1, manager, engineering):
    proposal = promotion(on_ic1, engineering, state="submitted")
    response = client_for(manager).post(
        url("proposal_return", proposal.uid),
        {
            "revision": proposal.revision,
            "note": "Nearly there.",
            "comment-comp-2": "Say more about the design review.",
        },
    )
    assert response.status_code == 302
    assert Proposal.objects.get().state == "returned"
    html = body(client_for(on_ic1).get(proposal.get_absolute_url()))
    comp_2 = row_of(html, "Competency 2")
    assert "I did comp-2." in comp_2
    assert "Max Manager asked:</strong> Say more about the design review." in comp_2
    assert "asked:" not in row_of(html, "Competency 1")
    assert "Resubmit" in html


def test_the_evidence_page_shows_the_return_comments_beside_their_fields(
    client_for, on_ic1, manager, engineering
):
    proposal = promotion(on_ic1, engineering, state="submitted")
    client_for(manager).post(
        url("proposal_return", proposal.uid),
        {"revision": proposal.revision, "comment-comp-2": "Which design review?"},
    )
    html = body(client_for(on_ic1).get(url("proposal_evidence", proposal.uid)))
    assert "Max Manager asked:</strong> Which design review?" in html
    assert html.index("Which design review?") < html.index('id="evidence-comp-2"')
    assert html.index('id="evidence-comp-1"') < html.index("Which design review?")


def test_the_evidence_page_of_a_submitted_proposal_leads_back_to_it(
    client_for, on_ic1, engineering
):
    proposal = promotion(on_ic1, engineering, state="submitted")
    response = client_for(on_ic1).get(url("proposal_evidence", proposal.uid), follow=True)
    assert response.redirect_chain == [(proposal.get_absolute_url(), 302)]
    assert "The evidence is settled once submitted" in body(response)


# Comments ----------------------------------------------------------------------


@pytest.fixture
def discussed(on_ic1, manager, engineering):
    proposal = promotion(on_ic1, engineering, state="submitted")
    comment_add(proposal=proposal, author=manager, text="Shared: well argued.", visibility="shared")
    comment_add(
        proposal=proposal, author=manager, text="Between us: salary band.", visibility="reviewers"
    )
    return proposal


def test_reviewer_only_comments_are_hidden_from_the_subject(client_for, discussed, on_ic1):
    html = body(client_for(on_ic1).get(discussed.get_absolute_url()))
    assert "Shared: well argued." in html
    assert "Between us" not in html
    assert "Reviewers only" not in html  # neither the comment nor the choice to write one


@pytest.mark.parametrize("viewer", ["manager", "director", "hr"])
def test_reviewer_only_comments_are_shown_to_reviewers(request, client_for, discussed, viewer):
    html = body(client_for(request.getfixturevalue(viewer)).get(discussed.get_absolute_url()))
    assert "Shared: well argued." in html
    assert "Between us: salary band." in html
    assert '<span class="badge badge-hr">Reviewers only</span>' in html


def test_the_subjects_reviewer_only_comment_is_stored_as_shared(client_for, discussed, on_ic1):
    client = client_for(on_ic1)
    response = client.post(
        url("proposal_comment", discussed.uid),
        {"text": "Keep this between reviewers?", "visibility": "reviewers"},
    )
    assert response.status_code == 302
    assert response.url == discussed.get_absolute_url() + "#comments"
    comment = Comment.objects.get(text="Keep this between reviewers?")
    assert (comment.author, comment.visibility) == (on_ic1, "shared")
    assert "Keep this between reviewers?" in body(client.get(discussed.get_absolute_url()))


# Refused transitions change nothing ----------------------------------------------


def state_of(proposal):
    proposal = Proposal.objects.get(pk=proposal.pk)
    return proposal.state, proposal.revision, proposal.events.count()


def test_endorsing_twice_is_refused(client_for, on_ic1, manager, engineering):
    proposal = promotion(on_ic1, engineering, state="endorsed")
    before = state_of(proposal)
    response = client_for(manager).post(
        url("proposal_endorse", proposal.uid), {"revision": proposal.revision, "note": "Again."}
    )
    assert response.status_code == 409
    assert "This proposal is “Endorsed”: it cannot be endorsed now." in body(response)
    assert state_of(proposal) == before


def test_deciding_a_withdrawn_proposal_is_refused(client_for, on_ic1, hr, calibrator, engineering):
    open_cycle(engineering, [calibrator], hr)
    proposal = promotion(on_ic1, engineering, state="in_calibration")
    proposal = proposal_withdraw(proposal=proposal, actor=on_ic1, revision=proposal.revision)
    before = state_of(proposal)
    response = client_for(calibrator).post(
        url("proposal_decide", proposal.uid), {"revision": proposal.revision, "decision": "approve"}
    )
    assert response.status_code == 409
    assert "This proposal is “Withdrawn”: it cannot be decided now." in body(response)
    assert state_of(proposal) == before


def test_a_stale_form_is_refused(client_for, on_ic1, manager, engineering):
    proposal = promotion(on_ic1, engineering, state="submitted")
    opened = proposal.revision  # the manager opens the page in one tab...
    # ...returns it from another; Riya resubmits: submitted again, not as that tab shows it.
    proposal = proposal_return(
        proposal=proposal, actor=manager, revision=opened, note="More.", comments={}
    )
    proposal = proposal_submit(proposal=proposal, actor=on_ic1, revision=proposal.revision)
    before = state_of(proposal)
    response = client_for(manager).post(
        url("proposal_endorse", proposal.uid), {"revision": opened, "note": "Ready."}
    )
    assert response.status_code == 409
    assert "This proposal changed since you opened it" in body(response)
    assert state_of(proposal) == before


def test_an_action_without_its_revision_is_refused(client_for, on_ic1, engineering):
    proposal = promotion(on_ic1, engineering)
    fill(proposal)
    before = state_of(proposal)
    response = client_for(on_ic1).post(url("proposal_submit", proposal.uid), {})
    assert response.status_code == 422
    assert "The form was incomplete" in body(response)
    assert state_of(proposal) == before


# The author's view: where it stands, a return, the timeline in words -----------

STEP = re.compile(
    r'<li class="step step-(?P<status>\w+)"(?P<current> aria-current="step")?>.*?'
    r'<span class="step-name">(?P<name>[^<]+)</span>.*?'
    r'(?:<time class="step-when"[^>]*>(?P<when>[^<]+)</time>)?\s*'
    r'(?:<span class="step-said">(?P<said>[^<]+)</span>)?\s*</li>',
    re.S,
)


def tracker(html):
    """The status tracker's steps: (name, status, date, what it says), ``current``
    marked by aria-current."""
    ol = html.split('<ol class="tracker"')[1].split("</ol>")[0]
    steps = []
    for match in STEP.finditer(ol):
        assert (match["status"] == "current") == bool(match["current"])
        steps.append((match["name"], match["status"], match["when"], match["said"]))
    assert len(steps) == 4
    return steps


def on(day, hour=9):
    return time_machine.travel(datetime(2026, 11, day, hour, tzinfo=UTC), tick=False)


def test_the_tracker_says_where_it_stands_when_and_who_holds_it(
    client_for, on_ic1, manager, hr, calibrator, engineering
):
    with on(2):
        proposal = promotion(on_ic1, engineering)
    client = client_for(on_ic1)
    assert tracker(body(client.get(proposal.get_absolute_url()))) == [
        ("Draft", "current", "2 Nov 2026", "With Riya Report, to finish and submit"),
        ("Manager review", "next", None, None),
        ("Calibration", "next", None, None),
        ("Decision", "next", None, None),
    ]
    fill(proposal)
    with on(3):
        proposal = proposal_submit(proposal=proposal, actor=on_ic1, revision=proposal.revision)
    assert tracker(body(client.get(proposal.get_absolute_url()))) == [
        ("Draft", "done", "2 Nov 2026", None),
        ("Manager review", "current", "3 Nov 2026", "With Max Manager, to endorse or return"),
        ("Calibration", "next", None, None),
        ("Decision", "next", None, None),
    ]
    open_cycle(engineering, [calibrator], hr)
    with on(5):
        proposal = proposal_endorse(
            proposal=proposal, actor=manager, revision=proposal.revision, note="Ready."
        )
    assert tracker(body(client.get(proposal.get_absolute_url())))[1:3] == [
        ("Manager review", "done", "3 Nov 2026", None),
        (
            "Calibration",
            "current",
            "5 Nov 2026",
            "With the calibrators of Engineering H1: Cara Calibrator",
        ),
    ]
    with on(9):
        proposal_decide(
            proposal=proposal, actor=calibrator, revision=proposal.revision, approve=True
        )
    html = body(client.get(proposal.get_absolute_url()))
    assert tracker(html) == [
        ("Draft", "done", "2 Nov 2026", None),
        ("Manager review", "done", "3 Nov 2026", None),
        ("Calibration", "done", "5 Nov 2026", None),
        ("Decision", "current", "9 Nov 2026", "Approved by Cara Calibrator"),
    ]
    # The timeline in words.
    timeline = html[html.index('id="timeline-heading"') :].split("</ol>")[0]
    items = re.findall(r"<li>(.*?)</li>", timeline)
    sentences = [re.sub(r"<[^>]+>", "", item).strip() for item in items]
    assert sentences == [
        "Riya Report started it on 2 Nov 2026",
        "Riya Report submitted it on 3 Nov 2026",
        "Max Manager endorsed it on 5 Nov 2026: Ready.",
        "It entered calibration on 5 Nov 2026: Engineering H1",
        "Cara Calibrator approved it on 9 Nov 2026",
    ]


def test_a_withdrawn_proposal_stops_where_it_was(client_for, on_ic1, engineering):
    with on(3):
        proposal = promotion(on_ic1, engineering, state="submitted")
    with on(4):
        proposal_withdraw(proposal=proposal, actor=on_ic1, revision=proposal.revision)
    steps = tracker(body(client_for(on_ic1).get(proposal.get_absolute_url())))
    assert steps[1] == ("Manager review", "current", "3 Nov 2026", "Withdrawn by Riya Report")
    assert [status for _, status, _, _ in steps] == ["done", "current", "next", "next"]


def test_a_returned_proposal_opens_with_what_to_revise(client_for, on_ic1, manager, engineering):
    with on(3):
        proposal = promotion(on_ic1, engineering, state="submitted")
    with on(4):
        proposal_return(
            proposal=proposal,
            actor=manager,
            revision=proposal.revision,
            note="Nearly there.",
            comments={"comp-3": "Which outage?", "comp-1": "Name the project."},
        )
    html = body(client_for(on_ic1).get(proposal.get_absolute_url()))
    banner = html.split('<section class="returned-banner"')[1].split("</section>")[0]
    assert "Returned by Max Manager: 2 competencies to revise</h2>" in banner
    assert "<p>Nearly there.</p>" in banner
    evidence = url("proposal_evidence", proposal.uid)
    assert re.findall(r'<a href="([^"]+)">([^<]+)</a>', banner) == [
        (f"{evidence}#evidence-comp-1", "Competency 1"),
        (f"{evidence}#evidence-comp-3", "Competency 3"),
    ]
    assert html.index("returned-banner") < html.index('class="tracker"')
    assert tracker(html)[:2] == [
        ("Draft", "current", "4 Nov 2026", "Returned by Max Manager: with Riya Report to revise"),
        ("Manager review", "next", None, None),
    ]
    # The manager who returned it reads the same, linking to the rows on the page.
    theirs = body(client_for(manager).get(proposal.get_absolute_url()))
    assert '<a href="#row-comp-1">Competency 1</a>' in theirs


# Decisions ---------------------------------------------------------------------


def test_the_subject_sees_the_reasons_of_a_not_approve(
    client_for, on_ic1, hr, calibrator, engineering
):
    open_cycle(engineering, [calibrator], hr)
    proposal = promotion(on_ic1, engineering, state="in_calibration")
    response = client_for(calibrator).post(
        url("proposal_decide", proposal.uid),
        {
            "revision": proposal.revision,
            "decision": "not_approve",
            "reason-comp-2": "Scope stayed within one team.",
        },
    )
    assert response.status_code == 302
    html = body(client_for(on_ic1).get(proposal.get_absolute_url()))
    assert "Decision: not approved" in html
    assert "By Cara Calibrator on" in html
    assert "Fell short:</strong> Scope stayed within one team." in row_of(html, "Competency 2")
    assert "Fell short" not in row_of(html, "Competency 1")
    timeline = html[html.index('id="timeline-heading"') :].split("</ol>")[0]
    assert "Cara Calibrator did not approve it on " in timeline
    assert "not_approved" not in timeline and "in_calibration" not in timeline


def test_a_refused_decision_keeps_what_was_typed(client_for, on_ic1, hr, calibrator, engineering):
    open_cycle(engineering, [calibrator], hr)
    proposal = promotion(on_ic1, engineering, state="in_calibration")
    response = client_for(calibrator).post(
        url("proposal_decide", proposal.uid),
        {
            "revision": proposal.revision,
            "decision": "not_approve",
            "note": "Close, but not yet.",
            "reason-comp-2": "x" * 5001,
        },
    )
    assert response.status_code == 422
    assertContains(
        response,
        '<textarea name="note" cols="40" rows="2" maxlength="5000" id="decide-note">'
        "\nClose, but not yet.</textarea>",
        html=True,
        status_code=422,
    )
    assert "Ensure this value has at most 5000 characters (it has 5001)." in body(response)
    assert Proposal.objects.get(pk=proposal.pk).state == "in_calibration"


# Waiting for you ---------------------------------------------------------------


def test_the_manager_has_a_submitted_proposal_to_review(client_for, on_ic1, manager, engineering):
    promotion(on_ic1, engineering, state="submitted")
    html = body(client_for(manager).get(url("home")))
    assert "Riya Report" in section(html, "To review")
    assert "Riya Report" not in section(html, "To decide")


def test_a_calibrator_has_proposals_in_calibration_to_decide(
    client_for, on_ic1, hr, calibrator, engineering
):
    open_cycle(engineering, [calibrator], hr)
    promotion(on_ic1, engineering, state="in_calibration")
    html = body(client_for(calibrator).get(url("home")))
    assert "Riya Report" in section(html, "To decide")
    assert "Riya Report" not in section(html, "To review")


def test_the_author_has_a_returned_proposal_to_act_on(client_for, on_ic1, manager, engineering):
    proposal = promotion(on_ic1, engineering, state="submitted")
    proposal_return(
        proposal=proposal, actor=manager, revision=proposal.revision, note="More.", comments={}
    )
    html = body(client_for(on_ic1).get(url("home")))
    assert "Returned to author" in section(html, "Your move")
    assert "Nothing waits for you" not in html
    assert "Nothing waits for you" in body(client_for(manager).get(url("home")))


# The calibration queue -----------------------------------------------------------


@pytest.fixture
def queue(director, manager, hr, calibrator, engineering):
    """Four proposals in the cycle, from two managers' teams, on two tracks."""
    mia = PersonFactory(name="Mia Manager", email="mia@example.com", manager=director)
    cycle = open_cycle(engineering, [calibrator], hr)

    def person(name, boss, code, since):
        someone = PersonFactory(name=name, manager=boss)
        return give_level(someone, engineering, code, at=timezone.make_aware(since))

    alice = person("Alice Ames", manager, "IC1", datetime(2020, 1, 1))
    bruno = person("Bruno Brandt", manager, "IC2", datetime(2023, 1, 1))
    carol = person("Carol Chen", mia, "IC2", datetime(2021, 1, 1))
    dev = person("Dev Dutta", mia, "M1", datetime(2022, 1, 1))
    promotion(alice, engineering, "IC2", state="in_calibration")
    decided = promotion(bruno, engineering, "IC3", state="in_calibration")
    proposal_decide(proposal=decided, actor=calibrator, revision=decided.revision, approve=True)
    promotion(carol, engineering, "M1", kind="lateral", state="in_calibration")
    promotion(dev, engineering, "M2", state="in_calibration")
    return {"cycle": cycle, "mia": mia}


@pytest.mark.parametrize(
    ("params", "names"),
    [
        ({}, ["Alice Ames", "Bruno Brandt", "Carol Chen", "Dev Dutta"]),
        ({"track": "ic"}, ["Alice Ames", "Bruno Brandt"]),
        ({"track": "management"}, ["Carol Chen", "Dev Dutta"]),
        ({"grade": "3"}, ["Bruno Brandt", "Dev Dutta"]),
        ({"manager": "mia"}, ["Carol Chen", "Dev Dutta"]),
        # A value that is no choice (an old link, a mangled URL) filters nothing.
        ({"manager": "not-a-uuid"}, ["Alice Ames", "Bruno Brandt", "Carol Chen", "Dev Dutta"]),
        ({"grade": "²", "q": "a\x00b"}, ["Alice Ames", "Bruno Brandt", "Carol Chen", "Dev Dutta"]),
        ({"state": "approved"}, ["Bruno Brandt"]),
        ({"state": "in_calibration"}, ["Alice Ames", "Carol Chen", "Dev Dutta"]),
        ({"q": "chen"}, ["Carol Chen"]),
        ({"track": "management", "grade": "3"}, ["Dev Dutta"]),
        ({"sort": "time"}, ["Alice Ames", "Carol Chen", "Dev Dutta", "Bruno Brandt"]),
        ({"sort": "grade"}, ["Bruno Brandt", "Dev Dutta", "Alice Ames", "Carol Chen"]),
    ],
    ids=lambda value: (
        ("&".join(f"{k}={v}" for k, v in value.items()) or "all")
        if isinstance(value, dict)
        else "names"
    ),
)
def test_the_queue_filters_and_sorts(client_for, calibrator, queue, params, names):
    if params.get("manager") == "mia":
        params = params | {"manager": str(queue["mia"].uid)}
    response = client_for(calibrator).get(url("cycle", queue["cycle"].uid), params)
    assert response.status_code == 200
    assert queue_names(body(response)) == names
    if not names:
        assert "No proposal matches these filters." in body(response)


def test_a_filtered_htmx_request_returns_only_the_queue(client_for, calibrator, queue):
    response = client_for(calibrator).get(url("cycle", queue["cycle"].uid), {"q": "ames"}, **HTMX)
    html = body(response)
    assert response.status_code == 200
    assert "HX-Request" in response["Vary"]
    assert html.lstrip().startswith('<section id="queue"')
    assert "<h1>" not in html and "<html" not in html and 'class="filters"' not in html
    assert queue_names(html) == ["Alice Ames"]
    assert re.search(r'<p id="queue-counters"[^>]* hx-swap-oob="[^"]+"', html)
    assert "<strong>4</strong> proposals" in html and "<strong>1</strong> approved" in html
    plain = client_for(calibrator).get(url("cycle", queue["cycle"].uid), {"q": "ames"})
    assert "HX-Request" in plain["Vary"]
    assert "<h1>Engineering H1</h1>" in body(plain)


def test_each_queue_row_shows_its_person_levels_track_manager_time_and_state(
    client_for, calibrator, queue
):
    dev = Proposal.objects.get(person__name="Dev Dutta")
    Proposal.objects.filter(pk=dev.pk).update(is_big_jump=True)
    Person.objects.filter(name="Carol Chen").update(manager=None)
    with time_machine.travel(datetime(2026, 6, 15, 12, tzinfo=UTC), tick=False):
        html = body(client_for(calibrator).get(url("cycle", queue["cycle"].uid)))

    def cells(name):
        row = html.split(f">{name}</a></th>")[1].split("</tr>")[0]
        found = dict(re.findall(r'<td data-label="([^"]+)"[^>]*>(.*?)</td>', row, re.S))
        text = {k: re.sub(r"<svg.*?</svg>|<[^>]+>", " ", v) for k, v in found.items()}
        return {k: " ".join(v.split()) for k, v in text.items()}

    alice = cells("Alice Ames")
    assert alice == {
        "Level": "IC1",
        "Target": "IC2",
        "Track": "Individual contributor",
        "Manager": "Max Manager",
        "In level": "6 years, 5 months",  # since 1 January 2020
        "State": "In calibration",
        "Decision": "Decide Alice Ames",
    }
    assert 'class="chip chip-ic"' in html.split(">Alice Ames</a></th>")[1].split("</tr>")[0]
    carol = cells("Carol Chen")
    assert (carol["Level"], carol["Target"], carol["Manager"]) == ("IC2", "M1 Lateral", "—")
    assert cells("Dev Dutta")["Target"] == "M2 Jump"
    bruno = cells("Bruno Brandt")
    assert (bruno["State"], bruno["Decision"]) == ("Approved", "by Cara Calibrator")


def test_queue_rows_offer_a_decide_button_that_loads_the_controls(client_for, calibrator, queue):
    alice = Proposal.objects.get(person__name="Alice Ames")
    page = body(client_for(calibrator).get(url("cycle", queue["cycle"].uid)))
    row = page.split(f'<tr id="row-{alice.uid}">')[1].split("</tr>")[0]
    decide = url("proposal_decide", alice.uid)
    # Light: no form in the row; without htmx the link opens the proposal's decision.
    assert "<form" not in row
    assert (
        f'href="{alice.get_absolute_url()}?from=queue#decide" hx-get="{decide}?from=queue"' in row
    )
    assert "Decide<span" in row
    response = client_for(calibrator).get(decide + "?from=queue", **HTMX)
    html = body(response)
    assert response.status_code == 200
    assert html.lstrip().startswith(f'<tr id="row-{alice.uid}">')
    assert 'name="decision" value="approve" data-focus-after-swap>Approve' in html
    assert f'hx-get="{decide}?from=queue&amp;step=reasons">Not approve…' in html
    assert Proposal.objects.get(pk=alice.pk).state == "in_calibration"


def test_inline_approve_asks_for_confirmation_first(client_for, calibrator, queue):
    alice = Proposal.objects.get(person__name="Alice Ames")
    before = state_of(alice)
    response = client_for(calibrator).post(
        url("proposal_decide", alice.uid) + "?from=queue",
        {"revision": alice.revision, "decision": "approve"},
        **HTMX,
    )
    html = body(response)
    assert response.status_code == 200
    assert html.lstrip().startswith(f'<tr id="row-{alice.uid}">')
    assert "Approve Alice Ames's promotion to IC2?</strong> This is final." in html
    assert '<input type="hidden" name="confirmed" value="yes">' in html
    assert f'name="revision" value="{alice.revision}"' in html
    assert "Confirm<span" in html and ">Cancel</a>" in html
    assert 'id="status"' not in html  # nothing happened to report
    assert state_of(alice) == before


def test_inline_approve_returns_the_row_and_the_counters(client_for, calibrator, queue):
    alice = Proposal.objects.get(person__name="Alice Ames")
    response = client_for(calibrator).post(
        url("proposal_decide", alice.uid) + "?from=queue",
        {"revision": alice.revision, "decision": "approve", "confirmed": "yes"},
        **HTMX,
    )
    html = body(response)
    assert response.status_code == 200
    assert html.lstrip().startswith(f'<tr id="row-{alice.uid}">')
    assert '<span class="state state-approved">Approved</span>' in html
    assert "by Cara Calibrator" in html
    assert 'value="approve"' not in html  # decided: no buttons left
    assert re.search(r'<p id="queue-counters"[^>]* hx-swap-oob="[^"]+"', html)
    assert "<strong>2</strong> undecided" in html and "<strong>2</strong> approved" in html
    assert "HX-Request" in response["Vary"]
    assert Proposal.objects.get(pk=alice.pk).state == "approved"


def test_approving_from_the_queue_without_javascript_confirms_on_a_page(
    client_for, calibrator, queue
):
    alice = Proposal.objects.get(person__name="Alice Ames")
    before = state_of(alice)
    client = client_for(calibrator)
    decide = url("proposal_decide", alice.uid) + "?from=queue"
    asked = client.post(decide, {"revision": alice.revision, "decision": "approve"})
    assert asked.status_code == 200
    html = body(asked)
    assert "<h1>Approve Alice Ames's promotion to IC2?</h1>" in html
    assert "This is final" in html
    assert f'action="{decide}"' in html
    assert '<input type="hidden" name="confirmed" value="yes">' in html
    assert f'<a href="{url("cycle", queue["cycle"].uid)}">Cancel, back to the queue</a>' in html
    assert state_of(alice) == before
    done = client.post(
        decide, {"revision": alice.revision, "decision": "approve", "confirmed": "yes"}, follow=True
    )
    assert done.redirect_chain == [(url("cycle", queue["cycle"].uid), 302)]
    assert "Decision recorded: approved." in body(done)
    assert Proposal.objects.get(pk=alice.pk).state == "approved"


def test_the_proposal_page_opened_from_the_queue_decides_for_the_queue(
    client_for, calibrator, queue
):
    """Without htmx the queue's Decide opens the proposal's page: its decision goes back
    through the queue, which confirms an approval on a page of its own."""
    alice = Proposal.objects.get(person__name="Alice Ames")
    client = client_for(calibrator)
    decide = url("proposal_decide", alice.uid)
    from_queue = body(client.get(alice.get_absolute_url(), {"from": "queue"}))
    assert f'action="{decide}?from=queue" novalidate id="decide-form"' in from_queue
    alone = body(client.get(alice.get_absolute_url()))
    assert f'action="{decide}" novalidate id="decide-form"' in alone
    # A refused "not approve" shows the page again, still deciding for the queue.
    refused = client.post(
        f"{decide}?from=queue", {"revision": alice.revision, "decision": "not_approve"}
    )
    assert refused.status_code == 409
    assert f'action="{decide}?from=queue" novalidate id="decide-form"' in body(refused)


def test_inline_not_approve_asks_a_reason_per_competency(client_for, calibrator, queue):
    alice = Proposal.objects.get(person__name="Alice Ames")
    response = client_for(calibrator).get(
        url("proposal_decide", alice.uid) + "?from=queue&step=reasons", **HTMX
    )
    html = body(response)
    assert response.status_code == 200
    assert html.lstrip().startswith(f'<tr id="row-{alice.uid}">')
    for n in (1, 2, 3):
        field = f"{alice.uid}-reason-comp-{n}"
        assertContains(response, f'<label for="{field}">Competency {n}</label>', html=True)
        assertContains(
            response,
            f'<textarea name="reason-comp-{n}" cols="40" rows="2" maxlength="5000" id="{field}"'
            f"{' data-focus-after-swap' if n == 1 else ''}></textarea>",
            html=True,
        )
    assertContains(
        response,
        '<button type="submit" class="compact" name="decision" value="not_approve">'
        "Not approve</button>",
        html=True,
    )


def test_inline_not_approve_without_reasons_records_nothing(client_for, calibrator, queue):
    alice = Proposal.objects.get(person__name="Alice Ames")
    before = state_of(alice)
    response = client_for(calibrator).post(
        url("proposal_decide", alice.uid) + "?from=queue",
        {"revision": alice.revision, "decision": "not_approve", "reason-comp-1": "  "},
        **HTMX,
    )
    html = body(response)
    assert response.status_code == 409
    assert html.lstrip().startswith(f'<tr id="row-{alice.uid}">')
    assert "Give a reason for each competency that fell short" in html
    assert 'name="reason-comp-1"' in html  # the form again, to fill in
    assert state_of(alice) == before


# Bigger queues: pagination and query counts ---------------------------------------


def bulk_queue(cycle, version, size, managers):
    """``size`` proposals in ``cycle`` at once, spread over ``managers``' teams,
    a third of them approved: rows for every column the queue shows."""
    ic1, ic2 = level(version, "IC1"), level(version, "IC2")
    users = get_user_model().objects.bulk_create(
        get_user_model()(username=f"queue{i}@example.com") for i in range(size)
    )
    people = Person.objects.bulk_create(
        Person(
            user=user,
            name=f"Queue Person {i:03}",
            email=user.username,
            manager=managers[i % len(managers)],
            level=ic1,
        )
        for i, user in enumerate(users)
    )
    LevelChange.objects.bulk_create(
        LevelChange(person=person, level=ic1, source="hr") for person in people
    )
    decider = cycle.calibrators.first()
    now = timezone.now()
    Proposal.objects.bulk_create(
        Proposal(
            person=person,
            author=person,
            kind="promotion",
            ladder=version.ladder,
            track_key="ic",
            current_level=ic1,
            target_level=ic2,
            pinned_version=version,
            state="approved" if i % 3 == 0 else "in_calibration",
            decided_at=now if i % 3 == 0 else None,
            decided_by=decider if i % 3 == 0 else None,
            cycle=cycle,
            submitted_at=now,
            level_since=now,
        )
        for i, person in enumerate(people)
    )


@pytest.fixture
def big_queue(director, hr, calibrator, engineering):
    managers = [
        PersonFactory(name=f"Manager {i}", email=f"manager{i}@example.com", manager=director)
        for i in range(5)
    ]
    cycle = open_cycle(engineering, [calibrator], hr)

    def fill_to(size):
        bulk_queue(cycle, engineering, size, managers)
        return cycle

    return fill_to


def test_the_queue_shows_50_proposals_a_page(client_for, calibrator, big_queue):
    cycle = big_queue(60)
    client = client_for(calibrator)
    first = body(client.get(url("cycle", cycle.uid)))
    assert len(queue_names(first)) == 50
    assert "Page 1 of 2" in first and 'rel="next"' in first
    second = body(client.get(url("cycle", cycle.uid), {"page": "2"}))
    assert len(queue_names(second)) == 10
    assert set(queue_names(first)).isdisjoint(queue_names(second))
    assert "60 shown." in second


# The cycle (whose query finds the viewer among its calibrators: "may decide" asks no
# more); the counters (whose total is the unfiltered page's count); which 50 proposals
# it shows, and those 50 (with person, manager and decider joined in) (4). A filtered
# queue counts what its filters keep (5). The whole page also names the calibrators
# and fills the track, target grade and manager filters (4 more); the htmx swap of
# the results renders neither and reads none of their choices. The rows' levels, the
# grades and the managers are read by the first page that shows them, and kept while
# they hold: the same page again reads none of them.
@pytest.mark.parametrize(
    ("htmx", "filters", "queries", "kept"),
    [(False, {}, 8, 2), (True, {}, 4, 0), (False, {"state": "in_calibration"}, 9, 2)],
    ids=["page", "htmx", "filtered"],
)
@pytest.mark.parametrize("size", [60, 2000])
def test_the_queue_runs_a_fixed_number_of_queries(
    client_for, calibrator, big_queue, django_assert_num_queries, size, htmx, filters, queries, kept
):
    cycle = big_queue(size)
    client = client_for(calibrator)

    def the_queue():
        return client.get(
            url("cycle", cycle.uid), {"sort": "time", **filters}, **(HTMX if htmx else {})
        )

    with django_assert_num_queries(SIGNED_IN + LEVELS_READ + queries):
        the_queue()
    with django_assert_num_queries(SIGNED_IN + queries - kept):
        response = the_queue()
    # A third of the queue (every third proposal built) is approved already.
    shown = {60: 40, 2000: 1333}[size] if filters else size
    html = body(response)
    assert f"{shown} shown." in html
    assert len(queue_names(html)) == min(shown, 50)
    # The calibrator may decide every undecided row shown, and only those.
    undecided = html.count('class="state state-in_calibration"')
    assert undecided and html.count("Decide<span") == undecided


# Closing a cycle -----------------------------------------------------------------


def test_closing_a_cycle_with_undecided_proposals_is_refused(
    client_for, on_ic1, hr, calibrator, engineering
):
    cycle = open_cycle(engineering, [calibrator], hr)
    promotion(on_ic1, engineering, state="in_calibration")
    response = client_for(hr).post(url("cycle_close", cycle.uid), follow=True)
    assert response.redirect_chain == [(url("cycle", cycle.uid), 302)]
    assert "1 proposal is still undecided: decide every proposal before closing the cycle." in body(
        response
    )
    assert CalibrationCycle.objects.get().status == "open"


def approved_in_cycle(person, engineering, calibrator, hr, effective_on):
    cycle = open_cycle(engineering, [calibrator], hr, effective_on=effective_on)
    proposal = promotion(person, engineering, state="in_calibration")
    proposal_decide(proposal=proposal, actor=calibrator, revision=proposal.revision, approve=True)
    return cycle


def test_closing_applies_approvals_whose_date_has_come(
    client_for, on_ic1, hr, calibrator, engineering
):
    cycle = approved_in_cycle(on_ic1, engineering, calibrator, hr, TODAY - timedelta(days=1))
    response = client_for(hr).post(url("cycle_close", cycle.uid), follow=True)
    assert f"{cycle.name} is closed. Level changes applied now: 1." in body(response)
    on_ic1.refresh_from_db()
    assert on_ic1.level.code == "IC2"
    change = LevelChange.objects.get(person=on_ic1, source="promotion")
    assert (change.level.code, change.previous_level.code) == ("IC2", "IC1")
    page = body(client_for(on_ic1).get(url("detail", on_ic1.uid)))
    assert "Promotion: Engineering H1" in page
    assert apply_due_levels() == 0


def test_closing_before_the_effective_date_applies_it_on_the_day(
    client_for, on_ic1, hr, calibrator, engineering
):
    effective = TODAY + timedelta(days=30)
    cycle = approved_in_cycle(on_ic1, engineering, calibrator, hr, effective)
    response = client_for(hr).post(url("cycle_close", cycle.uid), follow=True)
    assert f"Level changes applied now: 0. 1 more on {effective:%d %b %Y}." in body(response)
    on_ic1.refresh_from_db()
    assert on_ic1.level.code == "IC1"
    # The job runs on each day in turn (a level change is never dated ahead of it).
    for day, applied in ((-1, 0), (0, 1), (1, 0)):
        today = effective + timedelta(days=day)
        with time_machine.travel(datetime.combine(today, time(6), tzinfo=UTC), tick=False):
            assert apply_due_levels(today=today) == applied
    on_ic1.refresh_from_db()
    assert on_ic1.level.code == "IC2"
    assert LevelChange.objects.filter(person=on_ic1, source="promotion").count() == 1
    assert Proposal.objects.get().applied_at is not None


# Query counts of the proposal page and the home page --------------------------------

# The proposal (everything it shows joined in but its levels, read once and kept, and
# its decider, for a decided one); the subject's management chain; the events with
# their actors; a newer published version; the target level's expectations with
# their competencies; the evidence; the comments with their authors; for a reviewer,
# the subject's agreed check-ins. (A proposal in a cycle adds one: is the viewer a
# calibrator.)
PROPOSAL_PAGE = 8


@pytest.mark.parametrize("competencies", [3, 25])
def test_the_proposal_page_queries_do_not_grow_with_competencies(
    client_for, report, manager, django_assert_num_queries, competencies
):
    version = publish(ladder_data(competencies=competencies))
    give_level(report, version, "IC1")
    proposal = promotion(report, version, state="submitted")
    client = client_for(manager)
    with django_assert_num_queries(SIGNED_IN + LEVELS_READ + PROPOSAL_PAGE):
        response = client.get(proposal.get_absolute_url())
    assert body(response).count('<th scope="row">Competency ') == competencies


def test_reviewers_see_the_subjects_agreed_check_ins_on_the_proposal(
    client_for, report, manager, engineering, hr
):
    give_level(report, engineering, "IC1")
    for agreed in (["meets", "meets", "not_yet"], ["beyond", "meets", "beyond"]):
        agreed_check_in(report, manager, agreed)
    proposal = promotion(report, engineering, state="submitted")
    html = body(client_for(manager).get(proposal.get_absolute_url()))
    table = html.split("agreed check-ins</h2>")[1].split("<tbody>")[1]
    rows = table.split("</tbody>")[0].split("</tr>")[:-1]
    # Newest first: beyond, meets, not yet.
    assert [re.findall(r'data-label="(?:Beyond|Meets|Not yet)">(\d+)<', row) for row in rows] == [
        ["2", "1", "0"],
        ["0", "2", "1"],
    ]
    assert "agreed check-ins</h2>" not in body(client_for(report).get(proposal.get_absolute_url()))


def test_a_decided_proposals_page_reads_its_decider_once(
    client_for, on_ic1, manager, calibrator, hr, engineering, django_assert_num_queries
):
    approved_in_cycle(on_ic1, engineering, calibrator, hr, effective_on=date(2030, 1, 1))
    proposal = Proposal.objects.get(person=on_ic1)
    client = client_for(manager)
    # Beside the page's own: is the viewer a calibrator of its cycle, and who decided.
    with django_assert_num_queries(SIGNED_IN + LEVELS_READ + PROPOSAL_PAGE + 2):
        response = client.get(proposal.get_absolute_url())
    assert f"Approved by {calibrator.name}" in body(response)


@pytest.mark.parametrize("rounds", [1, 7])
def test_the_proposal_page_queries_do_not_grow_with_events_and_comments(
    client_for, on_ic1, manager, director, engineering, django_assert_num_queries, rounds
):
    """Each round: a return and a resubmission (two events) and two comments by
    different people; 2 events + 2 comments vs 14 events and 14 comments, and more."""
    proposal = promotion(on_ic1, engineering, state="submitted")
    for n in range(rounds):
        proposal = proposal_return(
            proposal=proposal,
            actor=manager,
            revision=proposal.revision,
            note=f"Round {n}.",
            comments={"comp-1": f"More on {n}."},
        )
        proposal = proposal_submit(proposal=proposal, actor=on_ic1, revision=proposal.revision)
        comment_add(proposal=proposal, author=on_ic1, text=f"Done {n}.", visibility="shared")
        comment_add(proposal=proposal, author=director, text=f"Hm {n}.", visibility="reviewers")
    client = client_for(manager)
    with django_assert_num_queries(SIGNED_IN + LEVELS_READ + PROPOSAL_PAGE):
        response = client.get(proposal.get_absolute_url())
    html = body(response)
    assert html.count("Max Manager returned it with comments on ") == rounds
    assert html.count('<article class="comment') == 2 * rounds


@pytest.mark.parametrize("reports", [2, 20])
def test_the_home_page_queries_do_not_grow_with_reports_proposals(
    client_for, manager, engineering, django_assert_num_queries, reports
):
    for i in range(reports):
        person = PersonFactory(name=f"Team Member {i:02}", manager=manager)
        give_level(person, engineering, "IC1")
        promotion(person, engineering, state="submitted")
    client = client_for(manager)
    # Their direct reports (with levels and time in level) and the size of their tree;
    # "your move", "to review" and "your proposals" ("to decide" needs no query: they
    # calibrate nothing): which ones, in one query, then them; the check-ins waiting (5;
    # their own manager comes with them). With no level, "where you stand" reads nothing
    # (tests/people/test_home.py counts it).
    with django_assert_num_queries(SIGNED_IN + LEVELS_READ + 5):
        response = client.get(url("home"))
    review = section(body(response), "To review")
    # The first ten, and a link to the rest when there are more.
    assert review.count("Team Member") == min(reports, 10)
    assert ("See every proposal waiting for review" in review) == (reports > 10)


def test_home_lists_the_longest_waiting_to_review_first_and_ones_own_newest_first(
    client_for, manager, engineering
):
    # Submitted in an order other than the one they were written in.
    submitted = [
        datetime(2026, 3, day, tzinfo=UTC) for day in (9, 2, 12, 5, 1, 11, 3, 8, 4, 10, 7, 6)
    ]
    for i, when in enumerate(submitted):
        person = PersonFactory(name=f"Team Member {i:02}", manager=manager)
        give_level(person, engineering, "IC1")
        p = promotion(person, engineering, state="submitted")
        Proposal.objects.filter(pk=p.pk).update(submitted_at=when)
    own = [
        promotion(
            give_level(PersonFactory(manager=manager), engineering, "IC1"),
            engineering,
            author=manager,
        )
        for _ in range(3)
    ]
    for days, p in zip((5, 1, 3), own, strict=True):
        Proposal.objects.filter(pk=p.pk).update(created_at=datetime(2026, 2, days, tzinfo=UTC))

    html = body(client_for(manager).get(url("home")))

    by_day = sorted(range(len(submitted)), key=lambda i: submitted[i])
    review = section(html, "To review")
    shown = re.findall(r"Team Member \d\d", review)
    assert shown == [f"Team Member {i:02}" for i in by_day[:10]]
    assert "See every proposal waiting for review" in review
    move = section(html, "Your move")
    newest_first = [own[0], own[2], own[1]]  # written on 5, 3 and 1 February
    positions = [move.index(str(p.uid)) for p in newest_first]
    assert positions == sorted(positions)


@pytest.mark.parametrize("reports", [2, 12])
def test_the_proposals_list_runs_a_fixed_number_of_queries(
    client_for, manager, engineering, django_assert_num_queries, reports
):
    for i in range(reports):
        person = PersonFactory(name=f"Team Member {i:02}", manager=manager)
        give_level(person, engineering, "IC1")
        promotion(person, engineering, state="submitted")
    client = client_for(manager)
    # The manager's reporting tree is a subquery of the page's count and rows (2).
    with django_assert_num_queries(SIGNED_IN + 2):
        response = client.get(url("proposals"))
    assert body(response).count("Team Member") == reports
    with django_assert_num_queries(SIGNED_IN + 2):
        response = client.get(url("proposals"), {"state": "submitted"}, **HTMX)
    assert body(response).count("Team Member") == reports


def test_the_proposals_list_filters_by_state_in_place_and_pages_keep_the_filter(
    client_for, manager, engineering
):
    for i in range(26):
        person = PersonFactory(name=f"Team Member {i:02}", manager=manager)
        give_level(person, engineering, "IC1")
        promotion(person, engineering, state="submitted")
    promotion(give_level(PersonFactory(manager=manager), engineering, "IC1"), engineering)
    client = client_for(manager)
    assert "27 proposals." in body(client.get(url("proposals")))
    response = client.get(url("proposals"), {"state": "submitted"}, **HTMX)
    html = body(response)
    assert "HX-Request" in response["Vary"]
    assert "<h1>" not in html and 'class="filters"' not in html
    # The count outside the results is refilled out of band, for screen readers.
    assert '<p id="proposal-count" hx-swap-oob="innerHTML">' in html
    assert "26 proposals in the state “Submitted”." in html
    assert html.count("Team Member") == 25
    assert 'href="?state=submitted&amp;page=2"' in html
    page_two = body(client.get(url("proposals"), {"state": "submitted", "page": 2}))
    assert page_two.count("Team Member") == 1 and "Page 2 of 2" in page_two
    assert "No proposal in this state." in body(
        client.get(url("proposals"), {"state": "withdrawn"})
    )


@pytest.mark.parametrize("cycles", [1, 6])
def test_the_cycle_list_runs_a_fixed_number_of_queries(
    client_for, hr, engineering, django_assert_num_queries, cycles
):
    for i in range(cycles):
        cycle = open_cycle(engineering, [hr], hr)
        cycle.name = f"Cycle {i}"
        cycle.status = "closed"
        cycle.save()
    client = client_for(hr)
    # The cycles with their ladder and counts (1).
    with django_assert_num_queries(SIGNED_IN + 1):
        response = client.get(url("cycles"))
    assert body(response).count("Engineering</td>") == cycles  # the name, not the slug


def test_the_new_page_shows_open_proposals_and_offers_only_free_tracks(
    client_for, report, four_levels
):
    version = four_levels
    promotion(report, version, "IC3")
    html = body(client_for(report).get(url("proposal_new")))
    assert "Open already" in html
    assert "Promotion to IC3 · IC title 3" in html  # in the list of open proposals
    assert 'value="' + str(level(version, "IC3").pk) + '"' not in html
    assert "Lateral move to M1" in html


# The navigation offers what opens ---------------------------------------------------


def nav_links(html):
    nav = html[html.index('<nav class="container" aria-label="Main">') :].split("</nav>")[0]
    return re.findall(r'<a href="[^"]*"[^>]*>([^<]+)</a>', nav)


def test_calibration_is_in_the_navigation_only_for_those_it_opens_for(
    client_for, hr, manager, calibrator, engineering
):
    # Max manages people but calibrates no cycle: /cycles/ is "not found" for him,
    # so the navigation does not offer it.
    assert client_for(manager).get(url("cycles")).status_code == 404
    assert "Calibration" not in nav_links(body(client_for(manager).get(url("home"))))
    open_cycle(engineering, [calibrator], hr)
    for person in (calibrator, hr):
        client = client_for(person)
        assert "Calibration" in nav_links(body(client.get(url("home"))))
        assert client.get(url("cycles")).status_code == 200


def test_hr_pages_are_in_the_navigation_only_for_hr(client_for, hr, manager):
    assert {"Parity", "Import people"} <= set(nav_links(body(client_for(hr).get(url("home")))))
    links = set(nav_links(body(client_for(manager).get(url("home")))))
    assert not links & {"Parity", "Import people", "Calibration"}


def test_cycles_name_their_ladder_instead_of_its_slug(client_for, hr, engineering):
    cycle = open_cycle(engineering, [hr], hr)
    client = client_for(hr)
    assert "<p>Engineering · " in body(client.get(url("cycle", cycle.uid)))
    cycle.status = "closed"
    cycle.save()
    assertContains(
        client.get(url("cycle_new")),
        f'<option value="{engineering.ladder.pk}">Engineering</option>',
        html=True,
    )
    assertContains(
        client.get(url("parity")), '<option value="engineering">Engineering</option>', html=True
    )


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("name", "H1\r\nBcc: everyone@example.com", "cannot hold line breaks, tabs"),
        ("name", "H1\x00", "Null characters are not allowed."),
        ("effective_on", "9999-12-31", "Choose a date from 1 Jan 2000 to 31 Dec 2100."),
        ("starts_on", "0001-01-01", "Choose a date from 1 Jan 2000 to 31 Dec 2100."),
    ],
)
def test_a_cycle_refuses_names_and_dates_it_cannot_carry(
    client_for, hr, engineering, field, value, message
):
    data = {
        "name": "2027 H1",
        "ladder": engineering.ladder.pk,
        "starts_on": "2027-01-04",
        "ends_on": "2027-02-26",
        "effective_on": "2027-04-01",
        "calibrators": [hr.uid],
    }
    response = client_for(hr).post(url("cycle_new"), data | {field: value})
    assert response.status_code == 422
    assert message in body(response)
    assert not CalibrationCycle.objects.exists()


def test_the_request_page_tells_someone_who_reports_to_nobody_whom_to_ask(
    client_for, top, engineering
):
    top.level = level(engineering, "IC1")
    top.save()
    html = body(client_for(top).get(url("proposal_new")))
    assert "You report to nobody in the app" in html
    assert "Ask HR to nominate you" in html
    assert 'name="target"' not in html
