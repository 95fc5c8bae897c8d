"""The proposal workflow's services: every transition and its audit event, the
transitions it refuses, pinning to a rubric version, the append-only trail, applying
approved levels, and races between real threads against PostgreSQL."""

import itertools
import threading
from datetime import UTC, date, datetime

import pytest
import time_machine
from django.db import ProgrammingError, transaction

from ladders.services.versions import draft_start, version_publish
from people.models import (
    CalibrationCycle,
    LevelChange,
    OutgoingEmail,
    Proposal,
    ProposalEvent,
)
from people.services import workflow
from people.services.workflow import (
    WorkflowError,
    apply_due_levels,
    comment_add,
    cycle_close,
    cycle_open,
    evidence_save,
    proposal_create,
    proposal_decide,
    proposal_endorse,
    proposal_return,
    proposal_submit,
    proposal_withdraw,
)
from tests.builders import at_once as run_at_once
from tests.builders import ladder_data, level, publish
from tests.factories import PersonFactory

COMPETENCIES = ("comp-1", "comp-2", "comp-3")


# Helpers -------------------------------------------------------------------------


@pytest.fixture
def engineering(db):
    """Engineering version 1: IC1-IC3 (grades 1-3), M1-M3 (grades 2-4)."""
    return publish(ladder_data())


def on_level(person, version, code):
    person.level = level(version, code)
    person.save(update_fields=["level"])
    return person


def fresh(proposal):
    return Proposal.objects.get(pk=proposal.pk)


def publish_next(version):
    """The ladder's next version, a copy of the newest, published."""
    return version_publish(
        version=draft_start(ladder=version.ladder, user=None), user=None, note="Next."
    )


def draft_for(person, version, code="IC2", *, author=None, kind="promotion"):
    """A draft with evidence for every competency, ready to submit."""
    proposal = proposal_create(
        person=person, author=author or person, kind=kind, target=level(version, code)
    )
    for key in COMPETENCIES:
        evidence_save(proposal=proposal, key=key, text=f"What I did for {key}.")
    return proposal


def submit(proposal, actor=None):
    return proposal_submit(
        proposal=proposal, actor=actor or proposal.author, revision=proposal.revision
    )


def endorse(proposal, manager, note="Ready for the next level."):
    return proposal_endorse(proposal=proposal, actor=manager, revision=proposal.revision, note=note)


def decide(proposal, calibrator, *, approve=True):
    reasons = {} if approve else {"comp-1": "Not yet at that scope."}
    return proposal_decide(
        proposal=proposal,
        actor=calibrator,
        revision=proposal.revision,
        approve=approve,
        reasons=reasons,
    )


def open_cycle(version, hr, *, name="H1 2026", effective_on=date(2026, 3, 1), calibrators=None):
    return cycle_open(
        ladder=version.ladder,
        name=name,
        starts_on=date(2026, 1, 1),
        ends_on=date(2026, 2, 1),
        effective_on=effective_on,
        calibrators=calibrators or [hr],
        by=hr,
    )


def last_event(proposal):
    return proposal.events.order_by("pk").last()


def snapshot(proposal):
    """Everything a refused action must leave as it was."""
    row = fresh(proposal)
    return {
        "state": row.state,
        "revision": row.revision,
        "cycle": row.cycle_id,
        "pinned_version": row.pinned_version_id,
        "target_level": row.target_level_id,
        "decided_by": row.decided_by_id,
        "decided_at": row.decided_at,
        "events": ProposalEvent.objects.filter(proposal=proposal).count(),
        "mail": OutgoingEmail.objects.count(),
    }


# Transitions and their events ------------------------------------------------------


def test_every_transition_writes_exactly_one_event(engineering, report, manager, hr):
    on_level(report, engineering, "IC1")

    def step(change, **fields):
        """Run ``change``; exactly one new event, with these fields, and one new revision."""
        before_events, before_revision = proposal.events.count(), fresh(proposal).revision
        moved = change()
        assert proposal.events.count() == before_events + 1
        assert fresh(proposal).revision == before_revision + 1
        event = last_event(proposal)
        assert {name: getattr(event, name) for name in fields} == fields
        return moved

    proposal = proposal_create(
        person=report, author=report, kind="promotion", target=level(engineering, "IC2")
    )
    assert list(proposal.events.values_list("action", "actor", "from_state", "to_state")) == [
        ("created", report.pk, "", "draft")
    ]
    for key in COMPETENCIES:
        evidence_save(proposal=proposal, key=key, text="Evidence.")
    assert proposal.events.count() == 1, "saving evidence is not a transition"

    proposal = step(
        lambda: submit(proposal),
        action="submitted",
        actor=report,
        from_state="draft",
        to_state="submitted",
        note="",
        details={},
    )
    proposal = step(
        lambda: proposal_return(
            proposal=proposal,
            actor=manager,
            revision=proposal.revision,
            note=" Almost there. ",
            comments={"comp-2": " Say more about design. ", "comp-3": "  "},
        ),
        action="returned",
        actor=manager,
        from_state="submitted",
        to_state="returned",
        note="Almost there.",
        details={"comp-2": "Say more about design."},
    )
    proposal = step(
        lambda: submit(proposal),
        action="submitted",
        actor=report,
        from_state="returned",
        to_state="submitted",
    )
    proposal = step(
        lambda: endorse(proposal, manager, note=" Ready. "),
        action="endorsed",
        actor=manager,
        from_state="submitted",
        to_state="endorsed",
        note="Ready.",
    )
    cycle = step(
        lambda: open_cycle(engineering, hr, name="H1 2026"),
        action="entered calibration",
        actor=hr,
        from_state="endorsed",
        to_state="in_calibration",
        note="H1 2026",
    )
    proposal = fresh(proposal)
    assert proposal.cycle == cycle
    proposal = step(
        lambda: proposal_decide(
            proposal=proposal,
            actor=hr,
            revision=proposal.revision,
            approve=False,
            note="Next cycle, likely.",
            reasons={"comp-1": "Scope was one team.", "comp-2": " "},
        ),
        action="not_approved",
        actor=hr,
        from_state="in_calibration",
        to_state="not_approved",
        note="Next cycle, likely.",
        details={"comp-1": "Scope was one team."},
    )
    assert (proposal.decided_by, proposal.decided_at is not None) == (hr, True)


def test_an_approval_and_a_withdrawal_are_events_too(engineering, report, outsider, manager, hr):
    on_level(report, engineering, "IC1")
    on_level(outsider, engineering, "IC1")
    open_cycle(engineering, hr)
    approved = endorse(submit(draft_for(report, engineering)), manager)
    approved = decide(approved, hr, approve=True)
    event = last_event(approved)
    assert (event.action, event.actor, event.from_state, event.to_state) == (
        "approved",
        hr,
        "in_calibration",
        "approved",
    )
    withdrawn = submit(draft_for(outsider, engineering))
    withdrawn = proposal_withdraw(proposal=withdrawn, actor=outsider, revision=withdrawn.revision)
    event = last_event(withdrawn)
    assert (event.action, event.actor, event.from_state, event.to_state) == (
        "withdrawn",
        outsider,
        "submitted",
        "withdrawn",
    )
    assert withdrawn.decided_by is None


def test_events_are_stamped_with_the_time_they_happen(engineering, report):
    on_level(report, engineering, "IC1")
    moment = datetime(2025, 6, 1, 9, 30, tzinfo=UTC)
    with time_machine.travel(moment, tick=False):
        proposal = submit(draft_for(report, engineering))
    assert proposal.submitted_at == moment
    assert set(proposal.events.values_list("at", flat=True)) == {moment}


def test_a_nomination_by_the_direct_manager_is_endorsed_at_once(engineering, report, manager):
    on_level(report, engineering, "IC1")
    proposal = submit(draft_for(report, engineering, author=manager), actor=manager)
    assert (proposal.state, proposal.cycle) == ("endorsed", None)
    assert list(
        proposal.events.order_by("pk").values_list("action", "actor", "from_state", "to_state")
    ) == [
        ("created", manager.pk, "", "draft"),
        ("submitted", manager.pk, "draft", "endorsed"),
    ]
    assert last_event(proposal).note == "Nominated by their manager."


def test_a_nomination_by_the_direct_manager_enters_the_open_cycle(engineering, report, manager, hr):
    on_level(report, engineering, "IC1")
    cycle = open_cycle(engineering, hr)
    proposal = submit(draft_for(report, engineering, author=manager), actor=manager)
    assert (proposal.state, proposal.cycle) == ("in_calibration", cycle)
    assert list(proposal.events.order_by("pk").values_list("action", "from_state", "to_state")) == [
        ("created", "", "draft"),
        ("submitted", "draft", "endorsed"),
        ("entered calibration", "endorsed", "in_calibration"),
    ]


def test_a_nomination_from_further_up_still_waits_for_the_direct_manager(
    engineering, report, director
):
    on_level(report, engineering, "IC1")
    proposal = submit(draft_for(report, engineering, author=director), actor=director)
    assert proposal.state == "submitted"


def test_endorsing_moves_into_the_ladders_open_cycle_at_once(engineering, report, manager, hr):
    on_level(report, engineering, "IC1")
    cycle = open_cycle(engineering, hr)
    proposal = submit(draft_for(report, engineering))
    revision = proposal.revision
    proposal = endorse(proposal, manager)
    assert (proposal.state, proposal.cycle, proposal.revision) == (
        "in_calibration",
        cycle,
        revision + 2,
    )
    assert list(
        proposal.events.order_by("pk").values_list("action", "actor", "from_state", "to_state")
    )[-2:] == [
        ("endorsed", manager.pk, "submitted", "endorsed"),
        ("entered calibration", manager.pk, "endorsed", "in_calibration"),
    ]


def test_opening_a_cycle_pulls_in_the_endorsed_proposals_of_its_ladder_only(
    engineering, manager, hr
):
    design = publish(ladder_data(slug="design", name="Design"))
    people = [on_level(PersonFactory(manager=manager), engineering, "IC1") for _ in range(3)]
    designer = on_level(PersonFactory(manager=manager), design, "IC1")
    endorsed = [endorse(submit(draft_for(person, engineering)), manager) for person in people[:2]]
    waiting = submit(draft_for(people[2], engineering))
    elsewhere = endorse(submit(draft_for(designer, design)), manager)

    cycle = open_cycle(engineering, hr)

    assert {(p.pk, p.state, p.cycle_id) for p in map(fresh, endorsed)} == {
        (p.pk, "in_calibration", cycle.pk) for p in endorsed
    }
    assert (fresh(waiting).state, fresh(waiting).cycle) == ("submitted", None)
    assert (fresh(elsewhere).state, fresh(elsewhere).cycle) == ("endorsed", None)
    assert set(cycle.proposals.all()) == set(endorsed)


def test_a_ladder_has_one_open_cycle_at_a_time(engineering, hr):
    design = publish(ladder_data(slug="design", name="Design"))
    first = open_cycle(engineering, hr, name="H1")
    with pytest.raises(WorkflowError, match="already has an open cycle: close it before"):
        open_cycle(engineering, hr, name="H1 again")
    assert list(CalibrationCycle.objects.values_list("name", flat=True)) == ["H1"]
    open_cycle(design, hr, name="Design H1")
    cycle_close(cycle=first, by=hr, today=date(2026, 1, 1))
    open_cycle(engineering, hr, name="H2")
    assert CalibrationCycle.objects.filter(status="open").count() == 2


def test_a_cycle_cannot_end_before_it_starts(engineering, hr):
    with pytest.raises(WorkflowError, match="end on or after the day it starts"):
        cycle_open(
            ladder=engineering.ladder,
            name="Backwards",
            starts_on=date(2026, 2, 1),
            ends_on=date(2026, 1, 1),
            effective_on=date(2026, 3, 1),
            calibrators=[hr],
            by=hr,
        )
    assert not CalibrationCycle.objects.exists()


def test_comments_are_not_transitions(engineering, report, manager):
    on_level(report, engineering, "IC1")
    proposal = submit(draft_for(report, engineering))
    comment = comment_add(proposal=proposal, author=manager, text=" Nice. ", visibility="reviewers")
    assert (comment.text, comment.visibility) == ("Nice.", "reviewers")
    with pytest.raises(WorkflowError, match="needs some text"):
        comment_add(proposal=proposal, author=manager, text="  ", visibility="shared")
    assert proposal.comments.count() == 1
    assert proposal.events.count() == 2


# Refusals --------------------------------------------------------------------------


@pytest.fixture
def in_state(engineering, report, manager, hr):
    """A proposal of ``report`` (IC1 to IC2), brought to the given state."""
    on_level(report, engineering, "IC1")

    def build(state):
        proposal = draft_for(report, engineering)
        if state == "draft":
            return proposal
        proposal = submit(proposal)
        if state == "submitted":
            return proposal
        if state == "withdrawn":
            return proposal_withdraw(proposal=proposal, actor=report, revision=proposal.revision)
        if state == "returned":
            return proposal_return(
                proposal=proposal,
                actor=manager,
                revision=proposal.revision,
                note="More.",
                comments={},
            )
        proposal = endorse(proposal, manager)
        if state == "endorsed":
            return proposal
        open_cycle(engineering, hr)
        proposal = fresh(proposal)
        if state == "in_calibration":
            return proposal
        return decide(proposal, hr, approve=state == "approved")

    return build


@pytest.fixture
def act(report, manager, director):
    """Do ``action`` on a proposal as the person who may, from ``revision``."""

    def run(action, proposal, revision, **options):
        if action == "submit":
            return proposal_submit(proposal=proposal, actor=report, revision=revision)
        if action == "withdraw":
            return proposal_withdraw(proposal=proposal, actor=report, revision=revision)
        if action == "endorse":
            return proposal_endorse(
                proposal=proposal, actor=manager, revision=revision, note=options.get("note", "Ok.")
            )
        if action == "return":
            return proposal_return(
                proposal=proposal,
                actor=manager,
                revision=revision,
                note=options.get("note", "Change it."),
                comments=options.get("comments", {}),
            )
        assert action in ("approve", "not approve")
        return proposal_decide(
            proposal=proposal,
            actor=director,
            revision=revision,
            approve=action == "approve",
            reasons=options.get("reasons", {"comp-1": "Short of it."}),
        )

    return run


@pytest.mark.parametrize(
    ("state", "action", "message"),
    [
        pytest.param(
            "submitted", "submit", "“Submitted”: it cannot be submitted", id="submit-twice"
        ),
        pytest.param(
            "endorsed", "submit", "“Endorsed”: it cannot be submitted", id="submit-endorsed"
        ),
        pytest.param("draft", "endorse", "“Draft”: it cannot be endorsed", id="endorse-a-draft"),
        pytest.param(
            "endorsed", "endorse", "“Endorsed”: it cannot be endorsed", id="endorse-twice"
        ),
        pytest.param(
            "in_calibration",
            "endorse",
            "“In calibration”: it cannot be endorsed",
            id="endorse-late",
        ),
        pytest.param("draft", "return", "“Draft”: it cannot be returned", id="return-a-draft"),
        pytest.param(
            "withdrawn", "return", "“Withdrawn”: it cannot be returned", id="return-withdrawn"
        ),
        pytest.param(
            "returned", "return", "“Returned to author”: it cannot be returned", id="return-twice"
        ),
        pytest.param(
            "withdrawn", "approve", "“Withdrawn”: it cannot be decided", id="decide-withdrawn"
        ),
        pytest.param(
            "endorsed",
            "not approve",
            "“Endorsed”: it cannot be decided",
            id="decide-endorsed-outside-calibration",
        ),
        pytest.param(
            "submitted", "approve", "“Submitted”: it cannot be decided", id="decide-submitted"
        ),
        pytest.param(
            "approved",
            "not approve",
            "Already decided by Hana People: approved. Your decision was not recorded.",
            id="decide-twice",
        ),
        pytest.param(
            "approved", "withdraw", "“Approved”: it cannot be withdrawn", id="withdraw-approved"
        ),
        pytest.param(
            "not_approved",
            "withdraw",
            "“Not approved”: it cannot be withdrawn",
            id="withdraw-not-approved",
        ),
        pytest.param(
            "withdrawn", "withdraw", "“Withdrawn”: it cannot be withdrawn", id="withdraw-twice"
        ),
    ],
)
def test_an_invalid_transition_is_refused_and_changes_nothing(
    in_state, act, state, action, message
):
    proposal = in_state(state)
    before = snapshot(proposal)
    with pytest.raises(WorkflowError) as refused:
        act(action, proposal, proposal.revision)
    assert message in str(refused.value)
    assert snapshot(proposal) == before


@pytest.mark.parametrize(
    ("state", "action"),
    [
        ("returned", "submit"),
        ("submitted", "withdraw"),
        ("in_calibration", "withdraw"),
        ("submitted", "endorse"),
        ("submitted", "return"),
        ("in_calibration", "approve"),
        ("in_calibration", "not approve"),
    ],
)
def test_a_stale_form_is_refused_and_changes_nothing(in_state, act, state, action):
    proposal = in_state(state)
    before = snapshot(proposal)
    with pytest.raises(WorkflowError, match="changed since you opened it") as refused:
        act(action, proposal, proposal.revision - 1)
    assert proposal.get_state_display() in str(refused.value)
    assert snapshot(proposal) == before
    act(action, proposal, proposal.revision)  # the same action from the current form works


@pytest.mark.parametrize(
    ("state", "action", "options", "message"),
    [
        ("in_calibration", "not approve", {"reasons": {}}, "Give a reason for each competency"),
        (
            "in_calibration",
            "not approve",
            {"reasons": {"comp-1": "  "}},
            "Give a reason for each competency",
        ),
        ("submitted", "endorse", {"note": "  "}, "Say why you endorse it"),
        ("submitted", "return", {"note": " ", "comments": {"comp-1": " "}}, "Tell the author"),
    ],
)
def test_a_decision_or_review_without_its_reasons_is_refused(
    in_state, act, state, action, options, message
):
    proposal = in_state(state)
    before = snapshot(proposal)
    with pytest.raises(WorkflowError, match=message):
        act(action, proposal, proposal.revision, **options)
    assert snapshot(proposal) == before


def test_evidence_cannot_change_once_submitted(in_state):
    proposal = in_state("submitted")
    with pytest.raises(WorkflowError, match="“Submitted”: it cannot be edited"):
        evidence_save(proposal=proposal, key="comp-1", text="Rewritten.")
    assert proposal.evidence.get(competency_key="comp-1").text == "What I did for comp-1."


def test_submitting_without_evidence_for_every_competency_is_refused(engineering, report):
    on_level(report, engineering, "IC1")
    proposal = proposal_create(
        person=report, author=report, kind="promotion", target=level(engineering, "IC2")
    )
    evidence_save(proposal=proposal, key="comp-2", text="Designed it.")
    evidence_save(proposal=proposal, key="comp-3", text="   ")
    before = snapshot(proposal)
    with pytest.raises(WorkflowError, match=r"Missing: Competency 1; Competency 3\.$"):
        submit(proposal)
    assert snapshot(proposal) == before


def refused_create(person, target, kind, message):
    with pytest.raises(WorkflowError, match=message):
        proposal_create(person=person, author=person, kind=kind, target=target)
    assert not Proposal.objects.exists()
    assert not ProposalEvent.objects.exists()


def test_a_promotion_skipping_a_level_is_refused_unless_the_ladder_allows_it(engineering, report):
    on_level(report, engineering, "IC1")
    ic3 = level(engineering, "IC3")
    refused_create(
        report, ic3, "promotion", "IC3 is not a promotion Riya Report can request from IC1"
    )
    refused_create(report, level(engineering, "IC1"), "promotion", "IC1 is not a promotion")
    refused_create(report, level(engineering, "M2"), "promotion", "M2 is not a promotion")

    engineering.ladder.allow_multi_level_jumps = True
    engineering.ladder.save()
    report.refresh_from_db()  # as a new request would load them
    big = proposal_create(person=report, author=report, kind="promotion", target=ic3)
    assert (big.target_level, big.is_big_jump) == (ic3, True)
    proposal_withdraw(proposal=big, actor=report, revision=big.revision)
    next_one = proposal_create(
        person=report, author=report, kind="promotion", target=level(engineering, "IC2")
    )
    assert next_one.is_big_jump is False


def test_a_lateral_move_keeps_the_grade(engineering, report):
    on_level(report, engineering, "IC2")
    refused_create(report, level(engineering, "M2"), "lateral", "M2 is not at grade 2")
    refused_create(report, level(engineering, "IC2"), "lateral", "IC2 is not at grade 2")
    move = proposal_create(
        person=report, author=report, kind="lateral", target=level(engineering, "M1")
    )
    assert (move.kind, move.track_key, move.is_big_jump) == ("lateral", "management", False)


def test_a_person_without_a_level_cannot_have_a_proposal(engineering, report):
    refused_create(
        report, level(engineering, "IC2"), "promotion", "Riya Report has no level yet: HR sets it"
    )


def test_a_target_from_an_old_version_is_refused(engineering, report):
    on_level(report, engineering, "IC1")
    publish_next(engineering)
    refused_create(
        report, level(engineering, "IC2"), "promotion", "a level of the ladder's current version"
    )


def test_an_unknown_kind_is_refused(engineering, report):
    on_level(report, engineering, "IC1")
    refused_create(report, level(engineering, "IC2"), "demotion", "Choose a promotion or a lateral")


# Pinning ---------------------------------------------------------------------------


def test_submitting_pins_the_newest_published_version(engineering, report):
    on_level(report, engineering, "IC1")
    proposal = draft_for(report, engineering)
    assert proposal.pinned_version is None
    # Version 2 asks for a fourth competency; a draft is judged by what is published
    # when it is submitted.
    v2 = publish(ladder_data(competencies=4), note="Adds competency 4.")
    with pytest.raises(WorkflowError, match=r"Missing: Competency 4\.$"):
        submit(proposal)
    assert fresh(proposal).pinned_version is None
    evidence_save(proposal=proposal, key="comp-4", text="Mentored two people.")
    proposal = submit(fresh(proposal))
    assert proposal.pinned_version == v2
    assert proposal.target_level == level(v2, "IC2")
    assert fresh(proposal).target_level == level(v2, "IC2")


def test_a_later_publication_changes_neither_pin_nor_target(engineering, report, manager):
    on_level(report, engineering, "IC1")
    proposal = submit(draft_for(report, engineering))
    publish(ladder_data(competencies=4), note="Adds competency 4.")
    proposal = endorse(fresh(proposal), manager)
    assert (proposal.pinned_version, proposal.target_level) == (
        engineering,
        level(engineering, "IC2"),
    )


def test_a_resubmission_after_return_keeps_the_first_pin(engineering, report, manager):
    on_level(report, engineering, "IC1")
    proposal = submit(draft_for(report, engineering))
    proposal = proposal_return(
        proposal=proposal, actor=manager, revision=proposal.revision, note="More.", comments={}
    )
    publish(ladder_data(competencies=4), note="Adds competency 4.")
    # Judged against version 1: competency 4 is not asked for.
    proposal = submit(fresh(proposal))
    assert proposal.state == "submitted"
    assert (proposal.pinned_version, proposal.target_level) == (
        engineering,
        level(engineering, "IC2"),
    )


# The audit trail -------------------------------------------------------------------


@pytest.fixture
def trail(engineering, report, manager):
    on_level(report, engineering, "IC1")
    proposal = endorse(submit(draft_for(report, engineering)), manager)
    return list(proposal.events.order_by("pk").values_list("pk", "action", "note", "to_state"))


def test_the_database_refuses_to_edit_an_event(trail):
    events = ProposalEvent.objects.filter(pk__in=[pk for pk, *_ in trail])
    with (
        pytest.raises(ProgrammingError, match="pgtrigger: Cannot update or delete rows"),
        transaction.atomic(),
    ):
        events.update(note="x")
    with (
        pytest.raises(ProgrammingError, match="pgtrigger: Cannot update or delete rows"),
        transaction.atomic(),
    ):
        event = events.get(action="endorsed")
        event.to_state = "approved"
        event.save()
    assert list(events.order_by("pk").values_list("pk", "action", "note", "to_state")) == trail


def test_the_database_refuses_to_delete_an_event(trail):
    events = ProposalEvent.objects.filter(pk__in=[pk for pk, *_ in trail])
    with (
        pytest.raises(ProgrammingError, match="pgtrigger: Cannot update or delete rows"),
        transaction.atomic(),
    ):
        events.delete()
    with (
        pytest.raises(ProgrammingError, match="pgtrigger: Cannot update or delete rows"),
        transaction.atomic(),
    ):
        events.first().delete()
    assert list(events.order_by("pk").values_list("pk", "action", "note", "to_state")) == trail


# Applying levels -------------------------------------------------------------------


def approved_in_cycle(person, version, manager, hr, *, cycle, code="IC2", kind="promotion"):
    proposal = fresh(endorse(submit(draft_for(person, version, code, kind=kind)), manager))
    assert (proposal.state, proposal.cycle) == ("in_calibration", cycle)
    return decide(proposal, hr, approve=True)


def test_closing_after_the_effective_date_applies_each_approval_once(
    engineering, report, outsider, manager, hr
):
    on_level(report, engineering, "IC1")
    on_level(outsider, engineering, "IC1")
    cycle = open_cycle(engineering, hr, effective_on=date(2026, 3, 1))
    approved = approved_in_cycle(report, engineering, manager, hr, cycle=cycle)
    declined = decide(
        fresh(endorse(submit(draft_for(outsider, engineering)), manager)), hr, approve=False
    )

    assert cycle_close(cycle=cycle, by=hr, today=date(2026, 3, 2)) == 1

    report.refresh_from_db()
    assert report.level == level(engineering, "IC2")
    change = LevelChange.objects.get(person=report)
    assert (change.source, change.level, change.previous_level, change.changed_by) == (
        "promotion",
        level(engineering, "IC2"),
        level(engineering, "IC1"),
        hr.user,
    )
    assert change.changed_at == datetime(2026, 3, 1, tzinfo=UTC)
    assert change.note == "H1 2026"
    approved = fresh(approved)
    assert approved.applied_at is not None
    assert last_event(approved).action == "level applied"
    outsider.refresh_from_db()
    assert outsider.level == level(engineering, "IC1")
    assert fresh(declined).applied_at is None
    cycle.refresh_from_db()
    assert (cycle.status, cycle.closed_by) == ("closed", hr)

    assert apply_due_levels(today=date(2026, 6, 1)) == 0
    assert LevelChange.objects.count() == 1
    assert approved.events.filter(action="level applied").count() == 1


def test_an_approved_lateral_move_is_recorded_as_lateral(engineering, report, manager, hr):
    on_level(report, engineering, "IC2")
    cycle = open_cycle(engineering, hr)
    approved_in_cycle(report, engineering, manager, hr, code="M1", kind="lateral", cycle=cycle)
    assert cycle_close(cycle=cycle, by=hr, today=date(2026, 3, 1)) == 1
    report.refresh_from_db()
    assert report.level == level(engineering, "M1")
    assert list(LevelChange.objects.values_list("source", "changed_at")) == [
        ("lateral", datetime(2026, 3, 1, tzinfo=UTC))
    ]


def test_a_future_effective_date_applies_nothing_until_it_comes(engineering, report, manager, hr):
    on_level(report, engineering, "IC1")
    cycle = open_cycle(engineering, hr, effective_on=date(2026, 3, 1))
    approved = approved_in_cycle(report, engineering, manager, hr, cycle=cycle)

    assert cycle_close(cycle=cycle, by=hr, today=date(2026, 2, 15)) == 0
    assert apply_due_levels(today=date(2026, 2, 28)) == 0
    report.refresh_from_db()
    assert report.level == level(engineering, "IC1")
    assert not LevelChange.objects.exists()
    assert fresh(approved).applied_at is None

    assert apply_due_levels(today=date(2026, 3, 1)) == 1
    assert apply_due_levels(today=date(2026, 3, 2)) == 0
    report.refresh_from_db()
    assert report.level == level(engineering, "IC2")
    assert LevelChange.objects.get().changed_at == datetime(2026, 3, 1, tzinfo=UTC)


def test_an_open_cycle_applies_nothing(engineering, report, manager, hr):
    on_level(report, engineering, "IC1")
    cycle = open_cycle(engineering, hr, effective_on=date(2026, 3, 1))
    approved_in_cycle(report, engineering, manager, hr, cycle=cycle)
    assert apply_due_levels(today=date(2026, 6, 1)) == 0
    assert not LevelChange.objects.exists()


def test_a_cycle_with_undecided_proposals_cannot_close(engineering, report, outsider, manager, hr):
    on_level(report, engineering, "IC1")
    on_level(outsider, engineering, "IC1")
    cycle = open_cycle(engineering, hr)
    approved_in_cycle(report, engineering, manager, hr, cycle=cycle)
    undecided = fresh(endorse(submit(draft_for(outsider, engineering)), manager))
    assert undecided.state == "in_calibration"

    with pytest.raises(WorkflowError, match="1 proposal is still undecided"):
        cycle_close(cycle=cycle, by=hr, today=date(2026, 6, 1))
    cycle.refresh_from_db()
    assert (cycle.status, cycle.closed_at) == ("open", None)
    assert not LevelChange.objects.exists()

    proposal_withdraw(proposal=undecided, actor=outsider, revision=undecided.revision)
    assert cycle_close(cycle=cycle, by=hr, today=date(2026, 6, 1)) == 1
    with pytest.raises(WorkflowError, match="H1 2026 is already closed"):
        cycle_close(cycle=cycle, by=hr, today=date(2026, 6, 1))
    assert LevelChange.objects.count() == 1


def test_an_approval_applies_the_same_level_of_the_newest_version(engineering, report, manager, hr):
    on_level(report, engineering, "IC1")
    cycle = open_cycle(engineering, hr)
    approved = approved_in_cycle(report, engineering, manager, hr, cycle=cycle)
    v2 = publish_next(engineering)

    assert cycle_close(cycle=cycle, by=hr, today=date(2026, 3, 1)) == 1

    report.refresh_from_db()
    assert report.level == level(v2, "IC2")
    change = LevelChange.objects.get(person=report)
    assert (change.level, change.previous_level) == (level(v2, "IC2"), level(v2, "IC1"))
    assert fresh(approved).target_level == level(engineering, "IC2"), "the pin stays"


# Races: real threads against PostgreSQL --------------------------------------------


def at_once(*calls):
    """``tests.builders.at_once``, a WorkflowError counting as a refusal."""
    return run_at_once(calls, refusal=WorkflowError)


@pytest.mark.django_db(transaction=True)
def test_two_calibrators_deciding_at_once_record_one_decision(engineering, manager, hr):
    other = PersonFactory(name="Cleo Calibrator", email="cleo@example.com", is_hr=True)
    cycle = open_cycle(engineering, hr, calibrators=[hr, other])
    rounds = 6
    people = [on_level(PersonFactory(manager=manager), engineering, "IC1") for _ in range(rounds)]
    for person in people:
        proposal = fresh(endorse(submit(draft_for(person, engineering)), manager))
        assert proposal.cycle == cycle
        revision = proposal.revision
        outcomes = at_once(
            lambda proposal=proposal, revision=revision: proposal_decide(
                proposal=proposal, actor=hr, revision=revision, approve=True
            ),
            lambda proposal=proposal, revision=revision: proposal_decide(
                proposal=proposal,
                actor=other,
                revision=revision,
                approve=False,
                reasons={"comp-1": "Not yet."},
            ),
        )
        assert sorted(kind for kind, _ in outcomes) == ["ok", "refused"]
        proposal = fresh(proposal)
        winner = proposal.decided_by
        assert (winner, proposal.state) in ((hr, "approved"), (other, "not_approved"))
        assert proposal.revision == revision + 1
        [message] = [text for kind, text in outcomes if kind == "refused"]
        verdict = proposal.get_state_display().lower()
        assert message == (
            f"Already decided by {winner.name}: {verdict}. Your decision was not recorded."
        )
        decisions = proposal.events.filter(action__in=["approved", "not_approved"])
        assert list(decisions.values_list("actor", "to_state")) == [(winner.pk, proposal.state)]


@pytest.mark.django_db(transaction=True)
def test_many_people_acting_at_once_leave_every_proposal_in_one_valid_state(
    engineering, manager, hr
):
    calibrators = [PersonFactory(is_hr=True) for _ in range(4)]
    cycle = open_cycle(engineering, hr, calibrators=calibrators)
    people = [on_level(PersonFactory(manager=manager), engineering, "IC1") for _ in range(10)]
    proposals = [submit(draft_for(person, engineering)) for person in people]
    proposals[:5] = [fresh(endorse(p, manager)) for p in proposals[:5]]  # in calibration
    start = {p.pk: (fresh(p).revision, p.events.count()) for p in proposals}

    # An event per transition: endorsing in an open cycle is two (endorsed, entered
    # calibration); everything else one.
    events_per_success = {"endorse": 2, "approve": 1, "not approve": 1, "withdraw": 1}

    def worker(action, actor, seed):
        def run():
            done = []
            # Each thread starts somewhere else and half go backwards: they collide.
            order = proposals[seed:] + proposals[:seed]
            order = order[::-1] if seed % 2 else order
            for proposal in order:
                revision = fresh(proposal).revision  # the form as it is now
                try:
                    if action == "withdraw":
                        proposal_withdraw(proposal=proposal, actor=actor, revision=revision)
                    elif action == "endorse":
                        proposal_endorse(
                            proposal=proposal, actor=actor, revision=revision, note="Go."
                        )
                    else:
                        proposal_decide(
                            proposal=proposal,
                            actor=actor,
                            revision=revision,
                            approve=action == "approve",
                            reasons={"comp-1": "Short."},
                        )
                except WorkflowError:
                    continue
                done.append((proposal.pk, action))
            return done

        return run

    outcomes = at_once(
        worker("approve", calibrators[0], 1),
        worker("not approve", calibrators[1], 2),
        worker("approve", calibrators[2], 3),
        worker("not approve", calibrators[3], 4),
        worker("withdraw", people[0], 5),  # the actor does not matter to the service
        worker("withdraw", people[1], 6),
        worker("endorse", manager, 7),
        worker("endorse", manager, 8),
    )
    successes = [item for _, done in outcomes for item in done]
    assert successes, "nothing happened at all"

    total_expected = 0
    for proposal in map(fresh, proposals):
        revision, events_before = start[proposal.pk]
        mine = [action for pk, action in successes if pk == proposal.pk]
        expected = sum(events_per_success[action] for action in mine)
        total_expected += expected
        events = list(proposal.events.order_by("pk"))
        new = events[events_before:]
        assert len(new) == expected, (proposal.state, mine, [e.action for e in new])
        assert proposal.revision == revision + expected
        # The trail is one unbroken chain ending in the proposal's state.
        for before, after in itertools.pairwise(events):
            assert after.from_state == before.to_state
        assert events[-1].to_state == proposal.state
        assert proposal.state in ("approved", "not_approved", "withdrawn", "in_calibration")
        finals = [e for e in new if e.action in ("approved", "not_approved", "withdrawn")]
        assert len(finals) <= 1
        assert sum(action != "endorse" for action in mine) == len(finals)
        if proposal.is_decided:
            assert (proposal.decided_by_id, proposal.decided_at is not None) == (
                finals[0].actor_id,
                True,
            )
            assert proposal.cycle == cycle
        else:
            assert proposal.decided_by is None
    assert ProposalEvent.objects.count() == sum(b for _, b in start.values()) + total_expected


def close_race_setup(engineering, manager, hr, count):
    cycle = open_cycle(engineering, hr, effective_on=date(2026, 3, 1))
    people = [on_level(PersonFactory(manager=manager), engineering, "IC1") for _ in range(count)]
    proposals = [approved_in_cycle(p, engineering, manager, hr, cycle=cycle) for p in people]
    return cycle, people, proposals


def assert_applied_once(engineering, people, proposals):
    for person, proposal in zip(people, proposals, strict=True):
        person.refresh_from_db()
        assert person.level == level(engineering, "IC2")
        assert LevelChange.objects.filter(person=person).count() == 1
        assert fresh(proposal).applied_at is not None
        assert proposal.events.filter(action="level applied").count() == 1
    assert LevelChange.objects.filter(source="promotion").count() == len(people)


@pytest.mark.django_db(transaction=True)
def test_closing_and_applying_at_once_changes_each_level_once(engineering, manager, hr):
    cycle, people, proposals = close_race_setup(engineering, manager, hr, count=6)
    today = date(2026, 3, 2)
    outcomes = at_once(
        lambda: cycle_close(cycle=cycle, by=hr, today=today),
        lambda: cycle_close(cycle=cycle, by=hr, today=today),
        lambda: apply_due_levels(today=today),
        lambda: apply_due_levels(today=today),
    )
    closes, applies = outcomes[:2], outcomes[2:]
    assert sorted(kind for kind, _ in closes) == ["ok", "refused"]
    assert [text for kind, text in closes if kind == "refused"] == ["H1 2026 is already closed."]
    assert sum(n for kind, n in outcomes if kind == "ok") == len(people)
    assert all(kind == "ok" for kind, _ in applies)
    assert_applied_once(engineering, people, proposals)


@pytest.mark.django_db(transaction=True)
def test_applying_at_once_on_the_effective_date_changes_each_level_once(engineering, manager, hr):
    cycle, people, proposals = close_race_setup(engineering, manager, hr, count=8)
    assert cycle_close(cycle=cycle, by=hr, today=date(2026, 2, 1)) == 0
    outcomes = at_once(*[lambda: apply_due_levels(today=date(2026, 3, 1)) for _ in range(6)])
    assert sum(n for _, n in outcomes) == len(people)
    assert_applied_once(engineering, people, proposals)


def pause_in_notify(monkeypatch, *, paused, resume):
    """Hold the endorsing transaction open just before it commits: it signals
    ``paused`` and waits (at most a second) for ``resume``."""
    real_notify = workflow.notify

    def notify(*args, **kwargs):
        paused.set()
        resume.wait(timeout=1)
        real_notify(*args, **kwargs)

    monkeypatch.setattr(workflow, "notify", notify)


@pytest.mark.django_db(transaction=True)
def test_a_proposal_endorsed_while_a_cycle_opens_enters_it(
    engineering, report, manager, hr, monkeypatch
):
    on_level(report, engineering, "IC1")
    proposal = submit(draft_for(report, engineering))
    paused, opened = threading.Event(), threading.Event()
    pause_in_notify(monkeypatch, paused=paused, resume=opened)

    def open_while_endorsing():
        assert paused.wait(timeout=10)
        cycle = open_cycle(engineering, hr)
        opened.set()
        return cycle

    _, (_, cycle) = at_once(lambda: endorse(proposal, manager), open_while_endorsing)

    proposal = fresh(proposal)
    assert (proposal.state, proposal.cycle) == ("in_calibration", cycle)
    assert list(proposal.events.order_by("pk").values_list("action", flat=True))[-2:] == [
        "endorsed",
        "entered calibration",
    ]


@pytest.mark.django_db(transaction=True)
def test_a_proposal_endorsed_while_its_cycle_closes_waits_for_the_next(
    engineering, report, manager, hr, monkeypatch
):
    on_level(report, engineering, "IC1")
    cycle = open_cycle(engineering, hr)
    proposal = submit(draft_for(report, engineering))
    closing, endorsed = threading.Event(), threading.Event()
    real_save = CalibrationCycle.save

    def save(self, *args, **kwargs):
        """Hold the closing transaction open once the cycle is marked closed."""
        real_save(self, *args, **kwargs)
        if self.status == "closed":
            closing.set()
            endorsed.wait(timeout=1)

    monkeypatch.setattr(CalibrationCycle, "save", save)

    def endorse_while_closing():
        assert closing.wait(timeout=10)
        try:
            return endorse(proposal, manager)
        finally:
            endorsed.set()

    at_once(lambda: cycle_close(cycle=cycle, by=hr, today=date(2026, 1, 1)), endorse_while_closing)

    cycle.refresh_from_db()
    proposal = fresh(proposal)
    assert cycle.status == "closed"
    assert (proposal.state, proposal.cycle) == ("endorsed", None)


def test_someone_who_reports_to_nobody_cannot_ask_for_themselves(engineering, top):
    """Nobody would ever endorse it: it would wait for ever."""
    on_level(top, engineering, "IC1")
    with pytest.raises(WorkflowError, match="Nobody could endorse this request"):
        draft_for(top, engineering)
    assert not Proposal.objects.exists()


def test_hr_nominating_someone_who_reports_to_nobody_endorses_it(engineering, top, hr):
    on_level(top, engineering, "IC1")
    proposal = submit(draft_for(top, engineering, author=hr), actor=hr)
    assert proposal.state == "endorsed"
    assert proposal.events.get(action="submitted").note == "Nominated by HR."
