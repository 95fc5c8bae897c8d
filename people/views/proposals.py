"""Proposals: asking for a promotion or a lateral move, writing the evidence, and
every step of review, each checked in people.permissions.proposals."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django.views.decorators.vary import vary_on_headers

from config.access import person_required
from ladders.models import LadderVersion
from people.forms.proposals import (
    CommentForm,
    EndorseForm,
    NewProposalForm,
    RevisionForm,
    per_competency,
)
from people.models import Comment, Proposal
from people.permissions.people import PersonRequest, get_person_for, manages
from people.permissions.proposals import (
    available_actions,
    get_proposal_for,
    require,
    visible_proposals,
)
from people.selectors.proposals import notes_by_competency, rubric_rows
from people.selectors.queue import queue_counters
from people.selectors.targets import (
    targets_for,
)
from people.services.workflow import (
    WorkflowError,
    comment_add,
    evidence_save,
    evidence_save_all,
    proposal_create,
    proposal_decide,
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
    level, targets = targets_for(person)
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


@require_GET
@person_required
def proposal_detail(request: PersonRequest, uid):
    proposal, roles = get_proposal_for(request.person, uid)
    return detail_page(request, proposal, roles)


def detail_page(request, proposal, roles, *, status=200, forms=None):
    events = list(proposal.events.select_related("actor").order_by("at", "pk"))
    notes = notes_by_competency(events)
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
    rows = rubric_rows(proposal, details=notes_by_competency(returns))
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


@require_http_methods(["GET", "POST"])
@vary_on_headers("HX-Request")
@person_required
def decide(request, uid):
    """Approve, or not approve with a reason per competency that fell short.

    From the queue (htmx), the row is swapped in place and the counters refreshed;
    GET there gives the inline "not approve" form. From the proposal page, a redirect."""
    proposal, roles = get_proposal_for(request.person, uid)
    require(roles, "decide")
    rows = rubric_rows(proposal)
    in_queue = bool(request.htmx) and request.GET.get("from") == "queue"
    if request.method == "GET":
        if not in_queue:
            return redirect(f"{proposal.get_absolute_url()}#decide")
        return _queue_row(request, proposal, roles, rows=rows, editing=True)
    form = RevisionForm(request.POST)
    error = None
    if not form.is_valid():
        error = "The form was incomplete: reload the page and try again."
    else:
        try:
            proposal = proposal_decide(
                proposal=proposal,
                actor=request.person,
                revision=form.cleaned_data["revision"],
                approve=request.POST.get("decision") == "approve",
                note=request.POST.get("note", ""),
                reasons=per_competency(request.POST, "reason", [r["competency"].key for r in rows]),
            )
        except WorkflowError as refused:
            error = str(refused)
    if in_queue:
        proposal, roles = get_proposal_for(request.person, uid)
        return _queue_row(
            request,
            proposal,
            roles,
            rows=rows,
            error=error,
            editing=bool(error and proposal.state == "in_calibration"),
            status=409 if error else 200,
        )
    if error:
        return detail_page(request, proposal, roles, status=409, forms={"error": error})
    messages.success(request, f"Decision recorded: {proposal.get_state_display().lower()}.")
    return redirect("people:proposal", uid=proposal.uid)


def _queue_row(request, proposal, roles, *, rows, editing=False, error=None, status=200):
    proposal = (
        proposal.cycle.proposals.select_related(
            "person__manager", "current_level", "target_level__track"
        )
        .with_level_since()
        .get(pk=proposal.pk)
    )
    context = {
        "cycle": proposal.cycle,
        "p": proposal,
        "rows": rows,
        "editing": editing,
        "error": error,
        "decidable": {proposal.pk} if available_actions(proposal, roles)["decide"] else set(),
        "counters": queue_counters(proposal.cycle),
        "oob": True,
    }
    return render(request, "people/cycles/queue.html#row", context, status=status)
