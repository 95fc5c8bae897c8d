"""Reads about proposals that several pages share: the rubric beside the
evidence, and what waits for a person."""

from dataclasses import dataclass
from datetime import datetime
from operator import attrgetter

from django.db.models import Prefetch, Value, prefetch_related_objects
from django.utils.formats import date_format

from ladders.models import Expectation
from ladders.published import with_levels
from people.models import Evidence, Person, Proposal, ProposalEvent

Action, State = ProposalEvent.Action, Proposal.State


def rubric_rows(proposal, *, details=None, with_current=False):
    """Runs two queries (three ``with_current``). Per competency of the target level:
    its expectation, the evidence, and any per-competency note (a return's comment, a
    decision's reason); ``with_current``, also what the person's current level says
    of the same competency ("current", None where it says nothing)."""
    expectations = {
        e.competency_id: e
        for e in Expectation.objects.filter(level=proposal.target_level).select_related(
            "competency"
        )
    }
    current = {}
    if with_current:
        current = {
            e.competency.key: e
            for e in Expectation.objects.filter(level=proposal.current_level).select_related(
                "competency"
            )
        }
    evidence = {e.competency_key: e for e in Evidence.objects.filter(proposal=proposal)}
    competencies = sorted(
        (e.competency for e in expectations.values()), key=lambda c: (c.position, c.pk)
    )
    return [
        {
            "competency": c,
            "expectation": expectations[c.pk],
            "evidence": evidence.get(c.key),
            "notes": (details or {}).get(c.key, []),
            "current": current.get(c.key),
        }
        for c in competencies
    ]


def written_keys(rows, typed=None) -> set[str]:
    """Runs no query. The keys of the rows' competencies whose evidence says
    something, ``typed`` (key -> text) counting over what is saved."""
    typed = typed or {}
    return {
        row["competency"].key
        for row in rows
        if Evidence.says_something(
            typed.get(row["competency"].key, row["evidence"].text if row["evidence"] else "")
        )
    }


def notes_by_competency(events) -> dict[str, list]:
    """(event, text) per competency key: a return's comments, a decision's reasons."""
    notes: dict[str, list] = {}
    for event in events:
        for key, text in event.details.items():
            notes.setdefault(key, []).append((event, text))
    return notes


@dataclass(frozen=True)
class Step:
    """One step of the status tracker: ``status`` is "done", "current" or "next";
    ``at`` when the proposal reached it; ``said`` who holds it or what came of it."""

    name: str
    status: str
    at: datetime | None = None
    said: str = ""


STEPS = ("Draft", "Manager review", "Calibration", "Decision")
# The step a proposal in each state stands at (a withdrawn one: where it was).
STEP_OF = {
    State.DRAFT: 0,
    State.RETURNED: 0,
    State.SUBMITTED: 1,
    State.ENDORSED: 2,
    State.IN_CALIBRATION: 2,
    State.APPROVED: 3,
    State.NOT_APPROVED: 3,
}
# The event that brings a proposal to each step (the latest one counts: a returned
# proposal goes through review again).
REACHED_BY = (
    (Action.CREATED, Action.RETURNED),
    (Action.SUBMITTED,),
    (Action.ENTERED_CALIBRATION, Action.ENDORSED),
    (Action.APPROVED, Action.NOT_APPROVED),
)


def journey(proposal, events) -> list[Step]:
    """Runs no query (``events`` in order, with their actors; the proposal with its
    person's manager and cycle, whose calibrators ``CALIBRATORS`` prefetched when it is
    in calibration, and its decider once decided): the status tracker, draft -> manager
    review -> calibration -> decision, with when each step was reached and who holds it
    now."""
    latest = {}
    for event in events:
        latest[event.action] = event
    withdrawn = latest.get(Action.WITHDRAWN) if proposal.state == State.WITHDRAWN else None
    current = STEP_OF[withdrawn.from_state if withdrawn else proposal.state]
    steps = []
    for index, name in enumerate(STEPS):
        reached = [latest[a] for a in REACHED_BY[index] if a in latest]
        at = max((e.at for e in reached), default=None) if index <= current else None
        if index < current:
            steps.append(Step(name, "done", at))
        elif index == current:
            said = _withdrawn(withdrawn) if withdrawn else _holder(proposal, latest)
            steps.append(Step(name, "current", at, said))
        else:
            steps.append(Step(name, "next"))
    return steps


def _withdrawn(event) -> str:
    return f"Withdrawn by {event.actor.name}" if event.actor else "Withdrawn"


def _holder(proposal, latest) -> str:
    """Who holds the proposal now, or what came of it."""
    state = proposal.state
    if state == State.RETURNED:
        returned = latest[Action.RETURNED]
        return f"Returned by {returned.actor.name}: with {proposal.author.name} to revise"
    if state == State.DRAFT:
        return f"With {proposal.author.name}, to finish and submit"
    if state == State.SUBMITTED:
        manager = proposal.person.reviewing_manager
        who = manager.name if manager else "HR (no manager to review it)"
        return f"With {who}, to endorse or return"
    if state == State.ENDORSED:
        return "Endorsed: waiting for the next calibration cycle to open"
    if state == State.IN_CALIBRATION:
        return f"With the calibrators of {proposal.cycle.name}: {calibrator_names(proposal.cycle)}"
    decided_by = proposal.decided_by.name if proposal.decided_by else "the calibrators"
    return f"{proposal.get_state_display()} by {decided_by}"


def to_revise(proposal, events, rows):
    """Runs no query. A returned proposal's return (the latest) and the rows of the
    competencies it comments on, in rubric order; (None, []) for any other."""
    if proposal.state != State.RETURNED:
        return None, []
    returned = next(e for e in reversed(events) if e.action == Action.RETURNED)
    return returned, [row for row in rows if row["competency"].key in returned.details]


WAITING_SHOWN = 10
# A cycle's calibrators by name, for saying who holds a proposal in calibration.
CALIBRATORS = Prefetch("cycle__calibrators", queryset=Person.objects.order_by("name", "pk"))
NAMED_CALIBRATORS = 3


def calibrator_names(cycle) -> str:
    """No query once ``CALIBRATORS`` was prefetched: "Cleo Calibrator and Hana People",
    the first three and how many more beyond them."""
    people = [person.name for person in cycle.calibrators.all()]
    if not people:
        return "nobody named yet"
    if len(people) > NAMED_CALIBRATORS:
        more = len(people) - NAMED_CALIBRATORS
        people = [*people[:NAMED_CALIBRATORS], f"{more} more"]
    return " and ".join([", ".join(people[:-1]), people[-1]]) if len(people) > 1 else people[0]


# What Home's lists show: the compact table of people and their move, or for one's own
# proposals, who holds each (``who_holds``; their cycles and deciders are fetched
# apart, as few have them). Read together: a few joins more for the tables' rows cost
# less than a query of their own. Their levels are published ones, which the process
# keeps (``with_levels``): joined in as well, they tripled the query's planning.
RELATED = ("person__manager", "author")


def waiting_for(person):
    """Runs one query for every list's first proposals, a second for those proposals when
    there are any, and up to three more for the cycles, calibrators and deciders of
    one's own: no list of proposals to review unless they manage someone or are HR,
    none of decisions unless they calibrate (``person`` from ``current_person`` knows
    both). What this person must act on, for their home page: the first few of each
    list (one more is fetched to know whether to point to the rest), with what
    ``who_holds`` reads."""
    proposals = Proposal.objects.all()
    reviews = person.is_hr or person.is_manager
    # At company size each of these reads a large table (10 ms and more): skipped for
    # the many who can have nothing in them.
    lists = {
        "to_review": (proposals.to_review_by(person) if reviews else None, "submitted_at"),
        "to_decide": (
            proposals.to_decide_by(person) if getattr(person, "calibrates", True) else None,
            "submitted_at",
        ),
        "to_act": (proposals.to_write_by(person), "-created_at"),
        "mine": (proposals.about_or_by(person), "-created_at"),
    }
    firsts = _firsts({name: entry for name, entry in lists.items() if entry[0] is not None})
    context = {}
    for name in lists:
        items = firsts.get(name, [])
        context[name] = items[:WAITING_SHOWN]
        context[f"{name}_more"] = len(items) > WAITING_SHOWN
    prefetch_related_objects(context["mine"], "decided_by", CALIBRATORS)
    return context


def _firsts(lists: dict) -> dict[str, list[Proposal]]:
    """Runs two queries (none without lists, one when all are empty). The first
    ``WAITING_SHOWN`` + 1 proposals of each of ``lists`` (name: (queryset, ordering)),
    in that ordering, with their ``RELATED`` rows: every list's keys picked from the
    proposals alone in one UNION ALL, then read by key. Asked with their joins, the
    planner joins every row that matches (a whole open cycle's queue) before it sorts
    and keeps a few, and spends longer planning the joins than it reads; by key it
    plans a join of a few known rows."""
    if not lists:
        return {}
    heads = [
        queryset.order_by(ordering)
        .annotate(list=Value(name))
        .values_list("list", "pk")[: WAITING_SHOWN + 1]
        for name, (queryset, ordering) in lists.items()
    ]
    picked = list(heads[0].union(*heads[1:], all=True))
    if not picked:
        return {}
    found = Proposal.objects.select_related(*RELATED).in_bulk({pk for _, pk in picked})
    with_levels(found.values(), "current_level", "target_level")
    firsts: dict[str, list[Proposal]] = {}
    for name, pk in picked:
        firsts.setdefault(name, []).append(found[pk])
    # A UNION ALL promises no order: each list is put back in its own, an empty date
    # where PostgreSQL puts it (last going up, first going down).
    for name, items in firsts.items():
        ordering = lists[name][1]
        value = attrgetter(ordering.lstrip("-"))
        items.sort(key=lambda p: (value(p) is None, value(p)), reverse=ordering.startswith("-"))
    return firsts


def who_holds(proposal: Proposal, viewer: Person) -> str:
    """No query once ``waiting_for`` loaded ``proposal``. Who holds it now, in words
    for ``viewer``: whose move it is, or how it ended."""
    State = Proposal.State
    cycle = proposal.cycle  # set once in calibration, and so for every decision

    def name(someone) -> str:
        return "you" if someone.pk == viewer.pk else someone.name

    match proposal.state:
        case State.DRAFT:
            return f"With {name(proposal.author)}, writing the evidence"
        case State.RETURNED:
            return f"Back with {name(proposal.author)}, to revise"
        case State.SUBMITTED:
            reviewer = proposal.person.reviewing_manager
            return f"With {name(reviewer)}, to review" if reviewer else "With HR, to review"
        case State.ENDORSED:
            return "With HR, to open the next calibration cycle"
        case State.IN_CALIBRATION if cycle:
            return f"With the calibrators of {cycle.name}: {calibrator_names(cycle)}"
        case State.APPROVED if proposal.applied_at:
            return f"Done: the level changed on {date_format(proposal.applied_at, 'j M Y')}"
        case State.APPROVED if cycle:
            effective = date_format(cycle.effective_on, "j M Y")
            return f"Done: the level changes on {effective}"
        case State.NOT_APPROVED if proposal.decided_by:
            return f"Done: decided by {name(proposal.decided_by)}, the reasons are on its page"
        case State.WITHDRAWN:
            return "Nobody: withdrawn"
    return proposal.get_state_display()
