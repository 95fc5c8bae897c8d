"""The journey of a proposal: draft -> submitted -> endorsed (or returned to the
author, then resubmitted) -> in calibration -> approved or not approved; the
author may withdraw until a decision. Cycles gather endorsed proposals and, once
closed, apply approvals to people's levels on the effective date, exactly once.

Every function locks the proposal row, checks its state and the revision the
person's form was made from, writes the change and its event in one transaction,
and raises WorkflowError with a message for the person when it refuses."""

from datetime import date, datetime, time

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from ladders.models import Competency, Ladder, LadderVersion, Level
from people.models import (
    CalibrationCycle,
    Comment,
    Evidence,
    LevelChange,
    Person,
    Proposal,
    ProposalEvent,
)
from people.selectors.targets import (
    current_level_of,
    lateral_targets,
    level_since,
    newest_equivalent,
    promotion_targets,
)
from people.services.levels import person_set_level
from people.services.notifications import notify
from people.services.prefill import evidence_prefill
from people.services.tallies import cycle_tally

State = Proposal.State
Action = ProposalEvent.Action


class WorkflowError(Exception):
    """A change refused for a reason the person can act on; nothing was written."""


NO_REVIEWER = (
    "Nobody could endorse this request: the person reports to nobody in the app (or "
    "their manager has left). HR nominates them instead (their nomination counts as "
    "the endorsement), or sets their manager first."
)


# Proposals -----------------------------------------------------------------------


def _event(proposal, actor, action, from_state, note="", details=None):
    ProposalEvent.objects.create(
        proposal=proposal,
        actor=actor,
        action=action,
        from_state=from_state,
        to_state=proposal.state,
        note=note,
        details=details or {},
    )


def _locked(proposal: Proposal, revision: int | None) -> Proposal:
    """The proposal's row, locked until the transaction ends, checked for staleness."""
    locked = Proposal.objects.select_for_update().get(pk=proposal.pk)
    _check_revision(locked, revision)
    return locked


def _check_revision(proposal: Proposal, revision: int | None) -> None:
    if revision is not None and proposal.revision != revision:
        raise WorkflowError(
            f"This proposal changed since you opened it: it is now "
            f"“{proposal.get_state_display()}”. Nothing was changed; reload to see the latest."
        )


def _move(proposal: Proposal, to_state: str, **fields) -> str:
    from_state = proposal.state
    proposal.state = to_state
    proposal.revision += 1
    for name, value in fields.items():
        setattr(proposal, name, value)
    proposal.save(update_fields=["state", "revision", *fields])
    return from_state


def _refuse_nul(text: str, what: str) -> None:
    """PostgreSQL text cannot hold a NUL character (it comes with text pasted from
    binary files): refuse it with a message rather than fail while saving."""
    if "\0" in text:
        raise WorkflowError(
            f"{what} contains a NUL character (\\0), which cannot be stored; nothing was "
            "saved. Remove it and try again."
        )


def _expect(proposal: Proposal, *states: str, doing: str) -> None:
    if proposal.state not in states:
        raise WorkflowError(
            f"This proposal is “{proposal.get_state_display()}”: it cannot be {doing} now."
        )


def proposal_create(*, person: Person, author: Person, kind: str, target: Level) -> Proposal:
    """A draft promotion or lateral move for ``person`` to ``target``."""
    level = current_level_of(person)
    if level is None:
        raise WorkflowError(f"{person.name} has no level yet: HR sets it first.")
    if person.has_left:
        raise WorkflowError(f"{person.name} has left the company: HR reactivates them first.")
    if person.reviewing_manager is None and author.pk == person.pk:
        raise WorkflowError(NO_REVIEWER)
    if target.version_id != level.version_id:
        raise WorkflowError("The target must be a level of the ladder's current version.")
    is_big_jump = False
    if kind == Proposal.Kind.PROMOTION:
        allowed = {t.pk: big for t, big in promotion_targets(level)}
        if target.pk not in allowed:
            raise WorkflowError(
                f"{target.code} is not a promotion {person.name} can request from {level.code}: "
                "the target is the next level on the same track."
            )
        is_big_jump = allowed[target.pk]
    elif kind == Proposal.Kind.LATERAL:
        if target.pk not in {t.pk for t in lateral_targets(level)}:
            raise WorkflowError(
                f"{target.code} is not at grade {level.grade} on another track: a lateral move "
                "keeps the grade and changes the track."
            )
    else:
        raise WorkflowError("Choose a promotion or a lateral move.")
    try:
        with transaction.atomic():
            proposal = Proposal.objects.create(
                person=person,
                author=author,
                kind=kind,
                ladder_id=level.version.ladder_id,
                track_key=target.track.key,
                current_level=level,
                target_level=target,
                is_big_jump=is_big_jump,
            )
            _event(proposal, author, Action.CREATED, "")
            evidence_prefill(proposal=proposal)
    except IntegrityError:
        raise WorkflowError(
            f"{person.name} already has an open proposal on the {target.track.name} track: "
            "finish or withdraw it first."
        ) from None
    return proposal


def evidence_save(*, proposal: Proposal, key: str, text: str) -> Evidence:
    """Save the author's evidence for one competency (drafts and returned proposals)."""
    _refuse_nul(text, f"The evidence for {key}")
    with transaction.atomic():
        locked = _locked(proposal, None)
        _expect(locked, State.DRAFT, State.RETURNED, doing="edited")
        evidence, _ = Evidence.objects.update_or_create(
            proposal=locked, competency_key=key, defaults={"text": text}
        )
    return evidence


def evidence_save_all(*, proposal: Proposal, texts: dict[str, str]) -> None:
    """Save the evidence for several competencies (key -> text): all of it, or none."""
    with transaction.atomic():
        for key, text in texts.items():
            evidence_save(proposal=proposal, key=key, text=text)


def proposal_submit(*, proposal: Proposal, actor: Person, revision: int) -> Proposal:
    with transaction.atomic():
        proposal = _locked(proposal, revision)
        _expect(proposal, State.DRAFT, State.RETURNED, doing="submitted")
        fields = {}
        if proposal.pinned_version_id is None:
            # No moving goalposts: judged from now on against what is published now.
            fields = _pin(proposal)
        missing = _missing_evidence(proposal, fields.get("target_level", proposal.target_level))
        if missing:
            raise WorkflowError(
                "Add evidence for every competency the target level states. Missing: "
                + "; ".join(missing)
                + "."
            )
        fields["submitted_at"] = timezone.now()
        fields["level_since"] = level_since(proposal.person, at=fields["submitted_at"])
        manager = proposal.person.reviewing_manager
        nominated = actor.pk != proposal.person_id
        if nominated and (
            (manager is not None and manager.pk == actor.pk) or (manager is None and actor.is_hr)
        ):
            # A nomination by the direct manager carries their endorsement; for someone
            # who reports to nobody (the CTO, the head of HR), HR's does.
            note = "Nominated by their manager." if manager else "Nominated by HR."
            from_state = _move(proposal, State.ENDORSED, **fields)
            _event(proposal, actor, Action.SUBMITTED, from_state, note=note)
            _enter_open_cycle(proposal, actor)
            notify(
                [proposal.person],
                template="proposal_nominated",
                context={"actor": actor},
                proposal=proposal,
            )
            return proposal
        if manager is None:
            # Nobody would ever endorse it: it would wait for ever.
            raise WorkflowError(NO_REVIEWER)
        from_state = _move(proposal, State.SUBMITTED, **fields)
        _event(proposal, actor, Action.SUBMITTED, from_state)
        notify(
            [manager],
            template="proposal_submitted",
            context={},
            proposal=proposal,
        )
    return proposal


def _pin(proposal: Proposal) -> dict:
    version = LadderVersion.objects.newest_for(proposal.ladder_id)
    target = (
        Level.objects.select_related("track", "version")
        .filter(version=version, code=proposal.target_level.code, track__key=proposal.track_key)
        .first()
    )
    if target is None:
        raise WorkflowError(
            f"The ladder's current version no longer has {proposal.target_level.code}: "
            "withdraw this proposal and start a new one."
        )
    return {"pinned_version": version, "target_level": target}


def _missing_evidence(proposal: Proposal, target: Level) -> list[str]:
    stated = Competency.objects.filter(version_id=target.version_id, expectations__level=target)
    given = {
        e.competency_key
        for e in Evidence.objects.filter(proposal=proposal)
        if Evidence.says_something(e.text)
    }
    return [f"{c.name}" for c in stated.order_by("position") if c.key not in given]


def proposal_withdraw(*, proposal: Proposal, actor: Person, revision: int) -> Proposal:
    with transaction.atomic():
        proposal = _locked(proposal, revision)
        _expect(proposal, *Proposal.OPEN_STATES, doing="withdrawn")
        _withdraw(proposal, actor)
    return proposal


def _withdraw(proposal: Proposal, actor: Person | None, note: str = "") -> None:
    from_state = _move(proposal, State.WITHDRAWN)
    _event(proposal, actor, Action.WITHDRAWN, from_state, note=note)


def proposals_withdraw_left(*, person: Person, actor: Person | None, reason: str) -> int:
    """Withdraw what ``person``, who left, leaves open: the proposals about them, and
    the drafts they were writing for others (only their author could finish one, and
    it would hold the track for ever). Each is an event like any withdrawal. Returns
    how many were withdrawn."""
    with transaction.atomic():
        stranded = (
            Proposal.objects.select_for_update()
            .filter(
                Q(person=person, state__in=Proposal.OPEN_STATES)
                | Q(author=person, state__in=(State.DRAFT, State.RETURNED))
            )
            .order_by("pk")
        )
        count = 0
        for proposal in stranded:
            who = person.name if proposal.person_id == person.pk else f"Its author, {person.name},"
            _withdraw(proposal, actor, note=f"{who} left: {reason}")
            count += 1
    return count


def proposal_endorse(*, proposal: Proposal, actor: Person, revision: int, note: str) -> Proposal:
    if not note.strip():
        raise WorkflowError("Say why you endorse it: calibrators read your endorsement.")
    _refuse_nul(note, "Your endorsement")
    with transaction.atomic():
        proposal = _locked(proposal, revision)
        _expect(proposal, State.SUBMITTED, doing="endorsed")
        from_state = _move(proposal, State.ENDORSED)
        _event(proposal, actor, Action.ENDORSED, from_state, note=note.strip())
        _enter_open_cycle(proposal, actor)
        notify(
            [proposal.person, proposal.author],
            template="proposal_endorsed",
            context={"actor": actor, "note": note.strip()},
            proposal=proposal,
        )
    return proposal


def proposal_return(
    *, proposal: Proposal, actor: Person, revision: int, note: str, comments: dict[str, str]
) -> Proposal:
    comments = {key: text.strip() for key, text in comments.items() if text.strip()}
    if not note.strip() and not comments:
        raise WorkflowError("Tell the author what to change: a comment, overall or per competency.")
    _refuse_nul(note, "Your comment")
    for key, text in comments.items():
        _refuse_nul(text, f"Your comment on {key}")
    with transaction.atomic():
        proposal = _locked(proposal, revision)
        _expect(proposal, State.SUBMITTED, doing="returned")
        from_state = _move(proposal, State.RETURNED)
        _event(proposal, actor, Action.RETURNED, from_state, note=note.strip(), details=comments)
        notify(
            [proposal.author],
            template="proposal_returned",
            context={"actor": actor, "note": note.strip()},
            proposal=proposal,
        )
    return proposal


def proposal_decide(
    *,
    proposal: Proposal,
    actor: Person,
    revision: int,
    approve: bool,
    note: str = "",
    reasons: dict[str, str] | None = None,
) -> Proposal:
    reasons = {key: text.strip() for key, text in (reasons or {}).items() if text.strip()}
    if not approve and not reasons:
        raise WorkflowError(
            "Give a reason for each competency that fell short of the target level."
        )
    _refuse_nul(note, "Your note")
    for key, text in reasons.items():
        _refuse_nul(text, f"Your reason for {key}")
    with transaction.atomic():
        proposal = _locked(proposal, None)
        if proposal.is_decided:
            who = proposal.decided_by.name if proposal.decided_by else "someone"
            raise WorkflowError(
                f"Already decided by {who}: {proposal.get_state_display().lower()}. "
                "Your decision was not recorded."
            )
        _check_revision(proposal, revision)
        _expect(proposal, State.IN_CALIBRATION, doing="decided")
        to_state, action = (
            (State.APPROVED, Action.APPROVED)
            if approve
            else (State.NOT_APPROVED, Action.NOT_APPROVED)
        )
        from_state = _move(proposal, to_state, decided_at=timezone.now(), decided_by=actor)
        _event(proposal, actor, action, from_state, note=note.strip(), details=reasons)
        notify(
            [proposal.person, proposal.author, proposal.person.manager],
            template="proposal_decided",
            context={"note": note.strip()},
            proposal=proposal,
        )
    return proposal


def comment_add(*, proposal: Proposal, author: Person, text: str, visibility: str) -> Comment:
    if not text.strip():
        raise WorkflowError("A comment needs some text.")
    _refuse_nul(text, "The comment")
    return Comment.objects.create(
        proposal=proposal, author=author, text=text.strip(), visibility=visibility
    )


# Cycles --------------------------------------------------------------------------


def _lock_ladder(ladder_id: int) -> None:
    """Endorsing, opening a cycle and closing one take turns per ladder: a proposal
    endorsed meanwhile neither misses a cycle that opens nor enters one that closes."""
    Ladder.objects.select_for_update(no_key=True).only("pk").get(pk=ladder_id)


def _enter_open_cycle(proposal: Proposal, actor: Person | None) -> None:
    _lock_ladder(proposal.ladder_id)
    cycle = CalibrationCycle.objects.filter(
        ladder_id=proposal.ladder_id, status=CalibrationCycle.Status.OPEN
    ).first()
    if cycle is not None:
        from_state = _move(proposal, State.IN_CALIBRATION, cycle=cycle)
        _event(proposal, actor, Action.ENTERED_CALIBRATION, from_state, note=cycle.name)


def cycle_open(*, ladder, name, starts_on, ends_on, effective_on, calibrators, by: Person):
    """Open a cycle; every endorsed proposal of the ladder enters its queue."""
    if ends_on < starts_on:
        raise WorkflowError("The cycle must end on or after the day it starts.")
    try:
        with transaction.atomic():
            _lock_ladder(ladder.pk)
            cycle = CalibrationCycle.objects.create(
                ladder=ladder,
                name=name,
                starts_on=starts_on,
                ends_on=ends_on,
                effective_on=effective_on,
                opened_by=by,
            )
            cycle.calibrators.set(calibrators)
            waiting = Proposal.objects.select_for_update().filter(
                ladder=ladder, state=State.ENDORSED
            )
            for proposal in waiting:
                _enter_open_cycle(proposal, by)
    except IntegrityError:
        raise WorkflowError(
            "This ladder already has an open cycle: close it before opening another."
        ) from None
    return cycle


def cycle_close(*, cycle: CalibrationCycle, by: Person, today: date | None = None) -> int:
    """Close the cycle (every proposal must be decided), count its proposals for the
    insights (``cycle_tally``) and apply approvals that are due. Returns how many levels
    changed now."""
    with transaction.atomic():
        _lock_ladder(cycle.ladder_id)
        cycle = CalibrationCycle.objects.select_for_update().get(pk=cycle.pk)
        if not cycle.is_open:
            raise WorkflowError(f"{cycle.name} is already closed.")
        undecided = cycle.proposals.filter(state=State.IN_CALIBRATION).count()
        if undecided:
            raise WorkflowError(
                f"{undecided} proposal{'s are' if undecided > 1 else ' is'} still undecided: "
                "decide every proposal before closing the cycle."
            )
        cycle.status = CalibrationCycle.Status.CLOSED
        cycle.closed_by, cycle.closed_at = by, timezone.now()
        cycle.save(update_fields=["status", "closed_by", "closed_at"])
        cycle_tally(cycle=cycle)
    return apply_due_levels(today=today)


def apply_due_levels(*, today: date | None = None) -> int:
    """Give approved people their new level, once, when their closed cycle's effective
    date has come. Safe to run again and concurrently (``manage.py apply_due_levels``)."""
    today = today or timezone.localdate()
    applied = 0
    with transaction.atomic():
        due = (
            Proposal.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("person", "target_level__track", "target_level__version", "cycle")
            .filter(
                state=State.APPROVED,
                applied_at__isnull=True,
                cycle__status=CalibrationCycle.Status.CLOSED,
                cycle__effective_on__lte=today,
            )
            .order_by("pk")
        )
        for proposal in due:
            effective = timezone.make_aware(datetime.combine(proposal.cycle.effective_on, time()))
            source = (
                LevelChange.Source.LATERAL
                if proposal.kind == Proposal.Kind.LATERAL
                else LevelChange.Source.PROMOTION
            )
            person_set_level(
                person=proposal.person,
                # The same level in the newest version, should one have been published since.
                level=newest_equivalent(proposal.target_level),
                by=proposal.decided_by.user if proposal.decided_by else None,
                source=source,
                note=f"{proposal.cycle.name}",
                at=effective,
            )
            proposal.applied_at = timezone.now()
            proposal.save(update_fields=["applied_at"])
            ProposalEvent.objects.create(
                proposal=proposal,
                actor=None,
                action=Action.LEVEL_APPLIED,
                from_state=proposal.state,
                to_state=proposal.state,
                note=f"{proposal.person.name} is {proposal.target_level.code} from "
                f"{proposal.cycle.effective_on:%d %b %Y}.",
            )
            applied += 1
    return applied
