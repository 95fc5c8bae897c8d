"""The demo's life: two closed calibration cycles with their decisions, an open
cycle with a queue, and proposals at every other step, all made through the
workflow at past dates (time-machine moves the clock) so history reads as real use
would write it."""

from datetime import datetime, time, timedelta

import time_machine
from django.utils import timezone

from ladders.models import Competency, Ladder
from people.models import CalibrationCycle, Person, Proposal
from people.selectors.targets import current_level_of, lateral_targets, promotion_targets
from people.services.workflow import (
    cycle_close,
    cycle_open,
    evidence_save,
    proposal_create,
    proposal_decide,
    proposal_endorse,
    proposal_return,
    proposal_submit,
)

PROMOTION, LATERAL = Proposal.Kind.PROMOTION, Proposal.Kind.LATERAL
CALIBRATORS = ["Helen Brooks", "Priya Raman", "Marcus Lindqvist", "Tomás Herrera"]
# (name, move, outcome): outcome is "approve", "not approve", or for the open cycle
# "queue" (waiting in calibration), "submitted", "returned" or "draft".
PAST_CYCLES = [
    (
        "Engineering promotions, spring",
        300,
        [
            ("Hannah Schmidt", PROMOTION, "approve"),
            ("Noah Fischer", PROMOTION, "approve"),
            ("Julia Nowak", PROMOTION, "approve"),
            ("Ingrid Halvorsen", PROMOTION, "approve"),
            ("Victor Huang", PROMOTION, "not approve"),
        ],
    ),
    (
        "Engineering promotions, summer",
        120,
        [
            ("Grace Kim", PROMOTION, "approve"),
            ("Erik Johansson", PROMOTION, "approve"),
            ("Mateo García", PROMOTION, "approve"),
            ("Victor Huang", PROMOTION, "approve"),
            ("Ben Carter", PROMOTION, "not approve"),
        ],
    ),
]
OPEN_CYCLE = [
    ("Diego Alvarez", PROMOTION, "queue"),
    ("Aisha Bello", PROMOTION, "queue"),
    ("Kofi Asante", PROMOTION, "approve"),
    ("Isabella Costa", PROMOTION, "queue"),
    ("Marco Bianchi", PROMOTION, "not approve"),
    ("Sara Lindgren", PROMOTION, "queue"),
    ("Adaeze Obi", PROMOTION, "queue"),
    ("Pavel Novak", PROMOTION, "queue"),
    ("Arjun Mehta", LATERAL, "queue"),
    ("Omar Farouk", PROMOTION, "queue"),
    ("Jakub Kowalski", PROMOTION, "queue"),
    ("Noah Fischer", PROMOTION, "queue"),
    ("Sam Patel", PROMOTION, "submitted"),
    ("Yusuf Demir", PROMOTION, "returned"),
    ("Oliver Bennett", PROMOTION, "draft"),
]
EVIDENCE = [
    "Led {topic} for the payments migration: scoped it with product, split it into three "
    "milestones and shipped each on the agreed date. Design doc and retro linked in the "
    "project page.",
    "Took {topic} beyond my own tickets this half: I ran the weekly review, and the team now "
    "catches the problems I used to catch alone. See the review notes of March to June.",
    "For {topic}, the clearest example is the search outage in May: I coordinated the fix, "
    "wrote the postmortem and followed its actions to done.",
    "Colleagues from two other teams asked for my help on {topic}; I paired with them for "
    "a month and they now own the work themselves.",
]


def _on(day):
    """Everything inside the block happens at 10:00 on ``day``: the workflow, the
    database defaults and the mail all read that clock."""
    return time_machine.travel(timezone.make_aware(datetime.combine(day, time(10))), tick=False)


def _by_name(name: str) -> Person:
    return Person.objects.select_related("manager", "level__track", "level__version__ladder").get(
        name=name
    )


def _write_evidence(proposal: Proposal) -> None:
    competencies = Competency.objects.filter(expectations__level=proposal.target_level)
    for i, competency in enumerate(competencies.order_by("position")):
        text = EVIDENCE[(i + proposal.person_id) % len(EVIDENCE)].format(
            topic=competency.name.lower()
        )
        evidence_save(proposal=proposal, key=competency.key, text=text)


def _start(name: str, kind: str, day) -> Proposal:
    person = _by_name(name)
    level = current_level_of(person)
    assert level is not None, f"{name} has a level in the demo organisation"
    target = lateral_targets(level)[0] if kind == LATERAL else promotion_targets(level)[0][0]
    with _on(day):
        proposal = proposal_create(person=person, author=person, kind=kind, target=target)
        _write_evidence(proposal)
    return proposal


def _manager_of(proposal: Proposal) -> Person:
    manager = proposal.person.manager
    assert manager is not None, f"{proposal.person} has a manager in the demo organisation"
    return manager


def _submit_and_endorse(proposal: Proposal, day) -> Proposal:
    with _on(day):
        proposal = proposal_submit(proposal=proposal, actor=proposal.person, revision=1)
    with _on(day + timedelta(days=3)):
        return proposal_endorse(
            proposal=proposal,
            actor=_manager_of(proposal),
            revision=proposal.revision,
            note=f"{proposal.person.name} has worked at {proposal.target_level.code} scope "
            "for two quarters; the evidence matches what I see every week.",
        )


def _decide(proposal: Proposal, outcome: str, decider: Person, day) -> None:
    proposal.refresh_from_db()
    competencies = Competency.objects.filter(expectations__level=proposal.target_level)
    first = competencies.order_by("position")[0]
    with _on(day):
        proposal_decide(
            proposal=proposal,
            actor=decider,
            revision=proposal.revision,
            approve=outcome == "approve",
            note="Clear evidence across the rubric." if outcome == "approve" else "",
            reasons={}
            if outcome == "approve"
            else {
                first.key: "The examples are within the team; "
                f"{proposal.target_level.code} asks for this across several teams."
            },
        )


def seed_progressions(*, today) -> int:
    """Write the demo's cycles once; a second run finds them and changes nothing."""
    if CalibrationCycle.objects.exists():
        return 0
    ladder = Ladder.objects.get(slug="engineering")
    calibrators = [_by_name(name) for name in CALIBRATORS]
    hr = calibrators[0]
    created = 0
    for name, days_ago, moves in PAST_CYCLES:
        effective = today - timedelta(days=days_ago)
        opened = effective - timedelta(days=45)
        proposals = []
        for person_name, kind, outcome in moves:
            proposal = _submit_and_endorse(
                _start(person_name, kind, opened - timedelta(days=20)), opened - timedelta(days=15)
            )
            proposals.append((proposal, outcome))
        with _on(opened):
            cycle = cycle_open(
                ladder=ladder,
                name=f"{name} {effective.year}",
                starts_on=opened,
                ends_on=opened + timedelta(days=30),
                effective_on=effective,
                calibrators=calibrators,
                by=hr,
            )
        for i, (proposal, outcome) in enumerate(proposals):
            _decide(
                proposal, outcome, calibrators[i % len(calibrators)], opened + timedelta(days=20)
            )
        with _on(effective):
            cycle_close(cycle=cycle, by=hr, today=effective)
        created += len(proposals)

    opened = today - timedelta(days=20)
    with _on(opened):
        cycle = cycle_open(
            ladder=ladder,
            name=f"Engineering promotions, autumn {today.year}",
            starts_on=opened,
            ends_on=today + timedelta(days=25),
            effective_on=today + timedelta(days=60),
            calibrators=calibrators,
            by=hr,
        )
    for i, (person_name, kind, outcome) in enumerate(OPEN_CYCLE):
        day = today - timedelta(days=18 - i)
        proposal = _start(person_name, kind, day)
        created += 1
        if outcome == "draft":
            continue
        if outcome in ("submitted", "returned"):
            with _on(day):
                proposal = proposal_submit(proposal=proposal, actor=proposal.person, revision=1)
            if outcome == "returned":
                key = proposal.target_level.expectations.order_by("competency__position")[0]
                with _on(day + timedelta(days=1)):
                    proposal_return(
                        proposal=proposal,
                        actor=_manager_of(proposal),
                        revision=proposal.revision,
                        note="Nearly there: make the impact beyond our team concrete.",
                        comments={key.competency.key: "Which other team relied on this, and how?"},
                    )
            continue
        _submit_and_endorse(proposal, day)
        if outcome != "queue":
            _decide(proposal, outcome, calibrators[i % len(calibrators)], today - timedelta(days=2))
    return created
