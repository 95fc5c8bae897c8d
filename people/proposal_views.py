"""Proposals: asking for a promotion or a lateral move, writing the evidence, and
every step of review, each checked in people.proposal_access."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from config.access import person_required
from ladders.models import Expectation, LadderVersion
from people.access import PersonRequest, get_person_for, manages
from people.models import Comment, Evidence, Proposal
from people.proposal_access import available_actions, get_proposal_for, require, visible_proposals
from people.proposal_forms import (
    CommentForm,
    EndorseForm,
    NewProposalForm,
    RevisionForm,
    per_competency,
)
from people.workflow import (
    WorkflowError,
    comment_add,
    current_level_of,
    evidence_save,
    evidence_save_all,
    lateral_targets,
    promotion_targets,
    proposal_create,
    proposal_endorse,
    proposal_return,
    proposal_submit,
    proposal_withdraw,
)

PAGE_SIZE = 25


@require_GET
@person_required
def proposal_list(request: PersonRequest):
    proposals = (
        visible_proposals(request.person)
        .select_related("person", "target_level", "current_level", "cycle")
        .order_by("-created_at", "-pk")
    )
    state = request.GET.get("state", "")
    if state in Proposal.State.values:
        proposals = proposals.filter(state=state)
    page = Paginator(proposals, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "people/proposals/list.html",
        {"page": page, "state": state, "states": Proposal.State.choices},
    )


def _targets(person):
    """(level, kind, label) for every move ``person`` may propose."""
    level = current_level_of(person)
    if level is None:
        return None, []
    targets = [
        (
            target,
            "promotion",
            f"Promotion to {target.code} · {target.title} (grade {target.grade})"
            + (": more than one level up, flagged for calibrators" if big else ""),
        )
        for target, big in promotion_targets(level)
    ]
    targets += [
        (
            target,
            "lateral",
            f"Lateral move to {target.code} · {target.title} on {target.track.name} "
            f"(same grade {target.grade})",
        )
        for target in lateral_targets(level)
    ]
    return level, targets


@require_http_methods(["GET", "POST"])
@person_required
def proposal_new(request: PersonRequest):
    """Request for oneself, or (``?person=<uid>``) nominate someone in one's reporting tree."""
    me = request.person
    person = me
    if request.GET.get("person"):
        person = get_person_for(me, request.GET["person"])
        if person.pk != me.pk and not me.is_hr and not manages(me, person):
            raise Http404("No such person.")
    level, targets = _targets(person)
    # A track with an open proposal takes no second one: offer only the others.
    open_proposals = list(person.proposals.open().select_related("target_level__track"))
    busy = {(p.ladder_id, p.track_key) for p in open_proposals}
    targets = [t for t in targets if (t[0].version.ladder_id, t[0].track.key) not in busy]
    form = NewProposalForm(request.POST if request.method == "POST" else None, targets=targets)
    if form.is_bound and form.is_valid():
        target, kind = form.cleaned_data["target"]
        try:
            proposal = proposal_create(person=person, author=me, kind=kind, target=target)
        except WorkflowError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, "Draft saved. Add your evidence, then submit it.")
            return redirect("people:proposal_evidence", uid=proposal.uid)
    return render(
        request,
        "people/proposals/new.html",
        {
            "person": person,
            "level": level,
            "form": form,
            "targets": targets,
            "open_proposals": open_proposals,
        },
        status=422 if form.is_bound else 200,
    )


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


@require_GET
@person_required
def proposal_detail(request: PersonRequest, uid):
    proposal, roles = get_proposal_for(request.person, uid)
    return detail_page(request, proposal, roles)


def _notes_by_competency(events) -> dict[str, list]:
    """(event, text) per competency key: a return's comments, a decision's reasons."""
    notes = {}
    for event in events:
        for key, text in event.details.items():
            notes.setdefault(key, []).append((event, text))
    return notes


def detail_page(request, proposal, roles, *, status=200, forms=None):
    events = list(proposal.events.select_related("actor").order_by("at", "pk"))
    notes = _notes_by_competency(events)
    comments = proposal.comments.select_related("author").order_by("created_at", "pk")
    if not roles.reviewer:
        comments = comments.filter(visibility=Comment.Visibility.SHARED)
    newer = None
    if proposal.pinned_version_id:
        newer = (
            LadderVersion.objects.published()
            .filter(ladder_id=proposal.ladder_id, number__gt=proposal.pinned_version.number)
            .order_by("-number")
            .first()
        )
    forms = forms or {}
    context = {
        "proposal": proposal,
        "roles": roles,
        "rows": rubric_rows(proposal, details=notes),
        "events": events,
        "endorsement": next((e for e in reversed(events) if e.action == "endorsed"), None),
        "decision": next(
            (
                e
                for e in reversed(events)
                if e.to_state in Proposal.DECIDED_STATES and e.action in Proposal.DECIDED_STATES
            ),
            None,
        ),
        "comments": comments,
        "newer_version": newer,
        "can": available_actions(proposal, roles),
        "endorse_form": forms.get("endorse")
        or EndorseForm(initial={"revision": proposal.revision}),
        "comment_form": forms.get("comment") or CommentForm(),
        "error": forms.get("error"),
    }
    return render(request, "people/proposals/detail.html", context, status=status)


@require_http_methods(["GET", "POST"])
@person_required
def proposal_evidence(request: PersonRequest, uid):
    """The evidence form: the target level's rubric, a field beside each expectation.
    Fields save themselves as the author types (htmx); the button saves them all."""
    proposal, roles = get_proposal_for(request.person, uid)
    require(roles, "edit")
    if proposal.state not in (Proposal.State.DRAFT, Proposal.State.RETURNED):
        messages.info(request, "The evidence is settled once submitted; it is shown here.")
        return redirect("people:proposal", uid=proposal.uid)
    # The manager's comments of a return stand beside the fields they are about.
    returns = proposal.events.filter(action="returned").select_related("actor").order_by("at")
    rows = rubric_rows(proposal, details=_notes_by_competency(returns))
    if request.method == "POST":
        keys = [row["competency"].key for row in rows]
        texts = {key: request.POST.get(f"evidence-{key}", "") for key in keys}
        try:
            evidence_save_all(proposal=proposal, texts=texts)
        except WorkflowError as error:
            messages.error(request, str(error))
            return redirect("people:proposal", uid=proposal.uid)
        messages.success(request, "Evidence saved.")
        return redirect("people:proposal_evidence", uid=proposal.uid)
    return render(request, "people/proposals/evidence.html", {"proposal": proposal, "rows": rows})


@require_POST
@person_required
def evidence_autosave(request: PersonRequest, uid, key):
    """One field, saved as the author types; answers with the field's status line."""
    proposal, roles = get_proposal_for(request.person, uid)
    require(roles, "edit")
    if key not in {row["competency"].key for row in rubric_rows(proposal)}:
        raise Http404("No such competency at the target level.")
    try:
        evidence_save(proposal=proposal, key=key, text=request.POST.get(f"evidence-{key}", ""))
    except WorkflowError as error:
        return render(
            request,
            "people/proposals/_save_status.html",
            {"key": key, "error": str(error)},
            status=409,
        )
    return render(
        request,
        "people/proposals/_save_status.html",
        {"key": key, "saved_at": timezone.localtime()},
    )


def _act(request, uid, action, perform):
    """Shared shape of every action: check the role (403), run the transition, say
    what happened; a refused transition re-shows the page with its reason (409)."""
    proposal, roles = get_proposal_for(request.person, uid)
    require(roles, action)
    form = RevisionForm(request.POST)
    if not form.is_valid():
        return detail_page(
            request,
            proposal,
            roles,
            status=422,
            forms={"error": "The form was incomplete: reload the page and try again."},
        )
    try:
        message = perform(proposal, form.cleaned_data["revision"])
    except WorkflowError as error:
        proposal, roles = get_proposal_for(request.person, uid)
        return detail_page(request, proposal, roles, status=409, forms={"error": str(error)})
    messages.success(request, message)
    return redirect("people:proposal", uid=proposal.uid)


@require_POST
@person_required
def submit(request: PersonRequest, uid):
    def perform(proposal, revision):
        proposal = proposal_submit(proposal=proposal, actor=request.person, revision=revision)
        return f"Submitted: {proposal.get_state_display().lower()}."

    return _act(request, uid, "submit", perform)


@require_POST
@person_required
def withdraw(request: PersonRequest, uid):
    def perform(proposal, revision):
        proposal_withdraw(proposal=proposal, actor=request.person, revision=revision)
        return "Withdrawn."

    return _act(request, uid, "withdraw", perform)


@require_POST
@person_required
def endorse(request: PersonRequest, uid):
    def perform(proposal, revision):
        proposal = proposal_endorse(
            proposal=proposal,
            actor=request.person,
            revision=revision,
            note=request.POST.get("note", ""),
        )
        return f"Endorsed: {proposal.get_state_display().lower()}."

    return _act(request, uid, "endorse", perform)


@require_POST
@person_required
def return_to_author(request: PersonRequest, uid):
    def perform(proposal, revision):
        keys = [row["competency"].key for row in rubric_rows(proposal)]
        proposal_return(
            proposal=proposal,
            actor=request.person,
            revision=revision,
            note=request.POST.get("note", ""),
            comments=per_competency(request.POST, "comment", keys),
        )
        return "Returned to the author with your comments."

    return _act(request, uid, "return", perform)


@require_POST
@person_required
def comment(request: PersonRequest, uid):
    proposal, roles = get_proposal_for(request.person, uid)
    require(roles, "comment")
    form = CommentForm(request.POST)
    if not form.is_valid():
        return detail_page(request, proposal, roles, status=422, forms={"comment": form})
    visibility = form.cleaned_data["visibility"]
    if roles.subject and visibility == Comment.Visibility.REVIEWERS:
        visibility = Comment.Visibility.SHARED  # the subject sees all they write
    comment_add(
        proposal=proposal,
        author=request.person,
        text=form.cleaned_data["text"],
        visibility=visibility,
    )
    messages.success(request, "Comment added.")
    return redirect(f"{proposal.get_absolute_url()}#comments")


WAITING_SHOWN = 10


def waiting_for(person):
    """Runs four queries. What this person must act on, for their home page: the first
    few of each list (one more is fetched to know whether to point to the rest)."""
    related = ("person", "target_level", "current_level", "cycle")
    lists = {
        "to_review": Proposal.objects.filter(state=Proposal.State.SUBMITTED, person__manager=person)
        .select_related(*related)
        .order_by("submitted_at"),
        "to_decide": Proposal.objects.filter(
            state=Proposal.State.IN_CALIBRATION,
            cycle__calibrators=person,
            cycle__status="open",
        )
        .exclude(person=person)
        .select_related(*related)
        .order_by("submitted_at"),
        "to_act": Proposal.objects.filter(
            author=person, state__in=[Proposal.State.DRAFT, Proposal.State.RETURNED]
        )
        .select_related(*related)
        .order_by("-created_at"),
        "mine": Proposal.objects.filter(Q(person=person) | Q(author=person))
        .select_related(*related)
        .order_by("-created_at"),
    }
    context = {}
    for name, queryset in lists.items():
        items = list(queryset[: WAITING_SHOWN + 1])
        context[name] = items[:WAITING_SHOWN]
        context[f"{name}_more"] = len(items) > WAITING_SHOWN
    return context
