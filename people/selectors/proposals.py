"""Reads about proposals that several pages share: the rubric beside the
evidence, and what waits for a person."""

from ladders.models import Expectation
from people.models import Evidence, Proposal


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
    few of each list (one more is fetched to know whether to point to the rest)."""
    proposals = Proposal.objects.select_related(
        "person", "target_level__track", "current_level__track", "cycle"
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
