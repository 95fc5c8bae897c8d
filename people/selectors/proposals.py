"""Reads about proposals that several pages share: the rubric beside the
evidence, and what waits for a person."""

from django.utils.formats import date_format

from ladders.models import Expectation
from people.models import Evidence, Person, Proposal


def rubric_rows(proposal, *, details=None):
    """Runs two queries. Per competency of the target level: its expectation, the
    evidence, and any per-competency note (a return's comment, a decision's reason)."""
    expectations = {
        e.competency_id: e
        for e in Expectation.objects.filter(level=proposal.target_level).select_related(
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
        }
        for c in competencies
    ]


def notes_by_competency(events) -> dict[str, list]:
    """(event, text) per competency key: a return's comments, a decision's reasons."""
    notes: dict[str, list] = {}
    for event in events:
        for key, text in event.details.items():
            notes.setdefault(key, []).append((event, text))
    return notes


WAITING_SHOWN = 10


def waiting_for(person):
    """Runs four queries. What this person must act on, for their home page: the first
    few of each list (one more is fetched to know whether to point to the rest), with
    what ``who_holds`` reads."""
    proposals = Proposal.objects.select_related(
        "person__manager",
        "author",
        "target_level__track",
        "current_level__track",
        "cycle",
        "decided_by",
    )
    lists = {
        "to_review": proposals.to_review_by(person).order_by("submitted_at"),
        "to_decide": proposals.to_decide_by(person).order_by("submitted_at"),
        "to_act": proposals.to_write_by(person).order_by("-created_at"),
        "mine": proposals.about_or_by(person).order_by("-created_at"),
    }
    context = {}
    for name, queryset in lists.items():
        items = list(queryset[: WAITING_SHOWN + 1])
        context[name] = items[:WAITING_SHOWN]
        context[f"{name}_more"] = len(items) > WAITING_SHOWN
    return context


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
            return f"With the calibrators of {cycle.name}"
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
