"""Who may see and do what with a proposal: the one place that decides.

Roles are relative to a proposal: its subject (the person it would move), its
author (the subject, or the manager who nominated them), managers above the
subject (the direct manager endorses or returns), the calibrators of its cycle,
and HR. Anyone else cannot see it at all (404); someone who sees it but may not
act gets a 403. Nobody decides or endorses a proposal about themselves."""

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404

from ladders.published import with_levels
from people.models import Person, Proposal


@dataclass(frozen=True)
class Roles:
    subject: bool
    author: bool
    direct_manager: bool
    # HR, when the subject has no manager to review them (none, or one who left):
    # HR takes the manager's part, so that no request waits for ever.
    hr_reviews: bool
    manager: bool  # anywhere above the subject
    calibrator: bool
    hr: bool
    # Someone else's nomination of the subject, not submitted yet: the subject learns
    # who prepares it (home, the new-proposal page) but reads it only once submitted.
    in_preparation: bool = False

    @property
    def can_view(self) -> bool:
        if self.subject and self.in_preparation:
            return False
        return any((self.subject, self.author, self.manager, self.calibrator, self.hr))

    @property
    def sees_cycle(self) -> bool:
        """Opens the proposal's cycle and its queue: its calibrators and HR."""
        return self.calibrator or self.hr

    @property
    def reviewer(self) -> bool:
        """Sees reviewer-only comments: everyone entitled to look, except the subject."""
        return self.can_view and not self.subject


# action -> the roles allowed to take it (the workflow then checks the state).
RULES = {
    "edit": lambda r: r.author,
    "submit": lambda r: r.author,
    "withdraw": lambda r: r.author,
    "endorse": lambda r: (r.direct_manager or r.hr_reviews) and not r.subject,
    "return": lambda r: (r.direct_manager or r.hr_reviews) and not r.subject,
    "decide": lambda r: (r.calibrator or r.hr) and not r.subject,
    "comment": lambda r: r.can_view,
}
ENDORSE_REFUSAL = (
    "Only the person's direct manager (or HR, when they have none or theirs left) endorses "
    "or returns a proposal, never their own."
)
REFUSALS = {
    "edit": "Only the proposal's author edits its evidence.",
    "submit": "Only the proposal's author submits it.",
    "withdraw": "Only the proposal's author withdraws it.",
    "endorse": ENDORSE_REFUSAL,
    "return": ENDORSE_REFUSAL,
    "decide": "Only the cycle's calibrators and HR decide, and never about themselves.",
    "comment": "You cannot comment on this proposal.",
}


def visible_proposals(viewer: Person):
    """Proposals ``viewer`` may open: their own and the ones they authored, those of
    everyone below them, those in cycles they calibrate; HR sees all. Nobody sees a
    nomination of themselves still in preparation."""
    proposals = Proposal.objects.hiding_preparations_from(viewer)
    if viewer.is_hr:
        return proposals
    below = Person.objects.reporting_tree_of(viewer).values("pk")
    return proposals.filter(
        Q(person=viewer) | Q(author=viewer) | Q(person__in=below) | Q(cycle__calibrators=viewer)
    ).distinct()


def roles_for(viewer: Person, proposal: Proposal) -> Roles:
    """Runs two queries (three unless the subject's manager was selected): the
    subject's management chain and the cycle's calibrators."""
    chain = set(Person.objects.management_chain_of(proposal.person).values_list("pk", flat=True))
    cycle = proposal.cycle
    reviewer = proposal.person.reviewing_manager
    calibrator = cycle is not None and cycle.calibrators.filter(pk=viewer.pk).exists()
    return Roles(
        subject=proposal.person_id == viewer.pk,
        author=proposal.author_id == viewer.pk,
        direct_manager=reviewer is not None and reviewer.pk == viewer.pk,
        hr_reviews=viewer.is_hr and reviewer is None,
        manager=viewer.pk in chain,
        calibrator=calibrator,
        hr=viewer.is_hr,
        in_preparation=proposal.is_in_preparation,
    )


def get_proposal_for(viewer: Person, uid) -> tuple[Proposal, Roles]:
    """The proposal and the viewer's roles; 404 if they may not see it."""
    # The uid is unique, so the query asks for no order and no limit: with either,
    # PostgreSQL weighs plans that stop early. Each table joined costs more planning
    # than the last: the levels (published ones, kept by the process) and whoever
    # decided (only a decided proposal has one) are read apart, and the query's
    # planning fell from 6.3 ms to 2.0 ms at 10,000 people (it runs in 0.2 ms).
    found = Proposal.objects.select_related(
        "person__manager", "author", "ladder", "cycle", "pinned_version"
    ).filter(uid=uid)
    proposal = next(iter(found), None)
    if proposal is None:
        raise Http404("No such proposal.")
    with_levels([proposal], "current_level", "target_level", also=[(proposal.person, "level")])
    roles = roles_for(viewer, proposal)
    if not roles.can_view:
        raise Http404("No such proposal.")
    return proposal, roles


def require(roles: Roles, action: str) -> None:
    if not RULES[action](roles):
        raise PermissionDenied(REFUSALS[action])


def may(roles: Roles, action: str) -> bool:
    return RULES[action](roles)


# The states in which each action makes sense; the workflow enforces them again.
ACTION_STATES = {
    "edit": (Proposal.State.DRAFT, Proposal.State.RETURNED),
    "withdraw": Proposal.OPEN_STATES,
    "endorse": (Proposal.State.SUBMITTED,),
    "decide": (Proposal.State.IN_CALIBRATION,),
}


def available_actions(proposal: Proposal, roles: Roles) -> dict[str, bool]:
    """What this viewer may do to the proposal now: their role allows it and its
    state admits it. Pages offer exactly these."""
    return {action: allowed(action, roles, proposal.state) for action in ACTION_STATES} | {
        "comment": may(roles, "comment")
    }


def allowed(action: str, roles: Roles, state: str) -> bool:
    """Whether a viewer of ``roles`` may take ``action`` on a proposal in ``state``."""
    return may(roles, action) and state in ACTION_STATES[action]


def decidable_in_queue(viewer: Person, cycle, rows) -> set[int]:
    """Runs one query (none for HR, nor for a cycle ``get_cycle_for`` gave ``viewer``):
    the proposals among one cycle's queue ``rows`` (``queue_rows``) that the viewer may
    decide now, by the rule of a proposal's own page. In a queue the viewer is a
    calibrator or HR; the rule still keeps their own proposal from them."""
    if not cycle.is_open:
        return set()
    calibrator = not viewer.is_hr and (
        getattr(cycle, "viewer_calibrates", False)
        or cycle.calibrators.filter(pk=viewer.pk).exists()
    )
    decidable = set()
    for row in rows:
        roles = Roles(
            subject=row["person_id"] == viewer.pk,
            author=row["author_id"] == viewer.pk,
            direct_manager=False,
            hr_reviews=False,
            manager=False,
            calibrator=calibrator,
            hr=viewer.is_hr,
        )
        if allowed("decide", roles, row["state"]):
            decidable.add(row["pk"])
    return decidable
