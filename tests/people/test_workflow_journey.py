"""The journey end to end through the services: request, return, resubmit, endorse,
calibrate, approve, close, level applied once."""

from datetime import date

import pytest

from ladders.models import Level
from people.models import LevelChange, Proposal
from people.services.workflow import (
    WorkflowError,
    apply_due_levels,
    cycle_close,
    cycle_open,
    evidence_save,
    proposal_create,
    proposal_decide,
    proposal_endorse,
    proposal_return,
    proposal_submit,
)
from tests.builders import ladder_data, publish


@pytest.fixture
def engineering(db):
    return publish(ladder_data())


@pytest.fixture
def on_ic1(report, engineering):
    report.level = Level.objects.get(version=engineering, code="IC1")
    report.save()
    return report


def fill_evidence(proposal):
    for key in ("comp-1", "comp-2", "comp-3"):
        evidence_save(proposal=proposal, key=key, text=f"I did {key}.")


def test_the_whole_journey_changes_the_level_once(on_ic1, manager, hr, engineering):
    ic2 = Level.objects.get(version=engineering, code="IC2")
    proposal = proposal_create(person=on_ic1, author=on_ic1, kind="promotion", target=ic2)
    evidence_save(proposal=proposal, key="comp-1", text="Shipped things.")
    with pytest.raises(WorkflowError, match="Missing: Competency 2; Competency 3"):
        proposal_submit(proposal=proposal, actor=on_ic1, revision=proposal.revision)
    fill_evidence(proposal)
    proposal = proposal_submit(proposal=proposal, actor=on_ic1, revision=1)
    assert proposal.state == "submitted"
    assert proposal.pinned_version == engineering
    proposal = proposal_return(
        proposal=proposal,
        actor=manager,
        revision=proposal.revision,
        note="",
        comments={"comp-2": "Say more about design."},
    )
    assert proposal.state == "returned"
    proposal = proposal_submit(proposal=proposal, actor=on_ic1, revision=proposal.revision)
    proposal = proposal_endorse(
        proposal=proposal, actor=manager, revision=proposal.revision, note="Ready."
    )
    assert proposal.state == "endorsed"
    cycle = cycle_open(
        ladder=engineering.ladder,
        name="H1",
        starts_on=date(2026, 1, 1),
        ends_on=date(2026, 2, 1),
        effective_on=date(2026, 3, 1),
        calibrators=[hr],
        by=hr,
    )
    proposal.refresh_from_db()
    assert (proposal.state, proposal.cycle) == ("in_calibration", cycle)
    proposal = proposal_decide(
        proposal=proposal, actor=hr, revision=proposal.revision, approve=True
    )
    with pytest.raises(WorkflowError, match="Already decided by Hana People: approved"):
        proposal_decide(
            proposal=proposal,
            actor=hr,
            revision=proposal.revision - 1,
            approve=False,
            reasons={"comp-1": "no"},
        )
    assert cycle_close(cycle=cycle, by=hr, today=date(2026, 3, 2)) == 1
    on_ic1.refresh_from_db()
    assert on_ic1.level == ic2
    assert apply_due_levels(today=date(2026, 4, 1)) == 0
    assert LevelChange.objects.filter(person=on_ic1, source="promotion").count() == 1
    assert list(proposal.events.values_list("action", flat=True)) == [
        "created",
        "submitted",
        "returned",
        "submitted",
        "endorsed",
        "entered calibration",
        "approved",
        "level applied",
    ]


def test_one_open_proposal_per_person_and_track(on_ic1, engineering):
    ic2 = Level.objects.get(version=engineering, code="IC2")
    proposal_create(person=on_ic1, author=on_ic1, kind="promotion", target=ic2)
    with pytest.raises(WorkflowError, match="already has an open proposal"):
        proposal_create(person=on_ic1, author=on_ic1, kind="promotion", target=ic2)
    assert Proposal.objects.count() == 1
