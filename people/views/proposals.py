"""Proposals: asking for a promotion or a lateral move, writing the evidence, and
every step of review, each checked in people.permissions.proposals."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import prefetch_related_objects
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django.views.decorators.vary import vary_on_headers

from config.access import person_required
from config.htmx import wants_fragment
from ladders.models import LadderVersion
from people.forms.proposals import (
    CommentForm,
    DecisionForm,
    EndorseForm,
    EvidenceForm,
    EvidenceSubmitForm,
    NewProposalForm,
    PerCompetencyForm,
    ProposalFilterForm,
    QueueStepForm,
    ReturnForm,
    RevisionForm,
)
from people.models import Comment, Proposal, ProposalEvent
from people.permissions.people import PersonRequest, get_person_for, may_propose_for
from people.permissions.proposals import (
    allowed,
    available_actions,
    get_proposal_for,
    require,
    visible_proposals,
)
from people.selectors.checkins import agreed_history
from people.selectors.proposals import (
    CALIBRATORS,
    journey,
    notes_by_competency,
    rubric_rows,
    to_revise,
    written_keys,
)
from people.selectors.queue import queue_counters, queue_rows
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
@vary_on_headers("HX-Request")
@person_required
def proposal_list(request: PersonRequest):
    proposals = (
        visible_proposals(request.person)
        .select_related("person", "target_level__track", "current_level__track", "cycle")
        .order_by("-created_at", "-pk")
    )
    form = ProposalFilterForm(request.GET)
    state = form.chosen_state()
    if state:
        proposals = proposals.filter(state=state)
    page = Paginator(proposals, PAGE_SIZE).get_page(request.GET.get("page"))
    template = "people/proposals/list.html"
    if wants_fragment(request):
        template += "#results"
    context = {"page": page, "state": state, "form": form, "query": form.query_string()}
    return render(request, template, context)


@require_http_methods(["GET", "POST"])
@person_required
def proposal_new(request: PersonRequest):
    """Request for oneself, or (``?person=<uid>``) nominate someone in one's reporting tree."""
    me = request.person
    person = me
    if request.GET.get("person"):
        person = get_person_for(me, request.GET["person"])
        if not may_propose_for(me, person):
            raise Http404("No such person.")
    level, targets = targets_for(person)
    # Someone who reports to nobody cannot ask for themselves: nobody would endorse it.
    no_reviewer = person.reviewing_manager is None and person.pk == me.pk
    if no_reviewer:
        targets = []
    # A track with an open proposal takes no second one: offer only the others.
    open_proposals = list(person.proposals.open().select_related("target_level__track", "author"))
    busy = {(p.ladder_id, p.track_key) for p in open_proposals}
    # Someone's nomination of me in preparation is theirs to show: who and for what, not a link.
    in_preparation = [p for p in open_proposals if p.is_in_preparation and person.pk == me.pk]
    open_proposals = [p for p in open_proposals if p not in in_preparation]
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
            "in_preparation": in_preparation,
            "no_reviewer": no_reviewer,
        },
        status=422 if form.is_bound else 200,
    )


@require_GET
@person_required
def proposal_detail(request: PersonRequest, uid):
    proposal, roles = get_proposal_for(request.person, uid)
    return detail_page(request, proposal, roles)


def _form(form_class, proposal, rows, data=None, **kwargs):
    """A proposal form for the page as it is now: unbound with the current revision,
    or bound to what the person sent. Per-competency forms get the rubric's rows."""
    if issubclass(form_class, PerCompetencyForm):
        kwargs["competencies"] = [row["competency"] for row in rows]
    if data is None:
        return form_class(initial={"revision": proposal.revision}, **kwargs)
    return form_class(data, **kwargs)


def _kept(form, proposal, rows):
    """The refused form again, everything typed kept, for the proposal as it is now:
    the page shows its latest state, so the next try is made from that."""
    data = form.data.copy()
    data["revision"] = proposal.revision
    return _form(type(form), proposal, rows, data, auto_id=form.auto_id)


def detail_page(request, proposal, roles, *, status=200, forms=None):
    events = list(proposal.events.select_related("actor").order_by("at", "pk"))
    if proposal.state == Proposal.State.IN_CALIBRATION:
        prefetch_related_objects([proposal], CALIBRATORS)  # the tracker names them
    elif proposal.decided_by_id:
        prefetch_related_objects([proposal], "decided_by")  # the tracker names them too
    notes = notes_by_competency(events)
    comments = proposal.comments.select_related("author").order_by("created_at", "pk")
    if not roles.reviewer:
        comments = comments.filter(visibility=Comment.Visibility.SHARED)
    newer = None
    if proposal.pinned_version_id:
        newest = LadderVersion.objects.newest_for(proposal.ladder_id)
        if newest is not None and newest.number > proposal.pinned_version.number:
            newer = newest
    forms = forms or {}
    rows = rubric_rows(proposal, details=notes)
    # Each per-competency field stands on its competency's row, in its form still.
    return_form = (forms.get("return") or _form(ReturnForm, proposal, rows)).placed_in("return")
    decision_form = (forms.get("decide") or _form(DecisionForm, proposal, rows)).placed_in(
        "decide-form"
    )
    can = available_actions(proposal, roles)
    comments_on = dict(return_form.competency_fields) if can["endorse"] else {}
    reasons_on = dict(decision_form.competency_fields) if can["decide"] else {}
    for row in rows:
        row["comment"] = comments_on.get(row["competency"])
        row["reason"] = reasons_on.get(row["competency"])
    returned, revise = to_revise(proposal, events, rows)
    context = {
        "proposal": proposal,
        "roles": roles,
        "rows": rows,
        "events": events,
        "steps": journey(proposal, events),
        "returned": returned,
        "revise": revise,
        "endorsement": next(
            (e for e in reversed(events) if e.action == ProposalEvent.Action.ENDORSED), None
        ),
        "decision": next((e for e in reversed(events) if e.is_decision), None),
        "comments": comments,
        "newer_version": newer,
        "can": can,
        "endorse_form": forms.get("endorse") or _form(EndorseForm, proposal, rows),
        "return_form": return_form,
        "decision_form": decision_form,
        "comment_form": forms.get("comment") or CommentForm(),
        "error": forms.get("error"),
        # The subject knows their own check-ins; reviewers see them here, and
        # calibrators only here.
        "check_ins": agreed_history(proposal.person) if roles.reviewer else [],
        # Opened from the queue's Decide without htmx: the decision goes back there.
        "from_queue": request.GET.get("from") == "queue",
    }
    return render(request, "people/proposals/detail.html", context, status=status)


@require_http_methods(["GET", "POST"])
@person_required
def proposal_evidence(request: PersonRequest, uid):
    """The evidence form: per competency, what the current level and the target level
    say, a prompt and a field. Fields save themselves as the author types (htmx);
    "Save all" saves them all; Submit saves them and submits, or says on this page,
    with everything typed, which competencies still lack evidence."""
    proposal, roles = get_proposal_for(request.person, uid)
    require(roles, "edit")
    if proposal.state not in (Proposal.State.DRAFT, Proposal.State.RETURNED):
        messages.info(request, "The evidence is settled once submitted; it is shown here.")
        return redirect("people:proposal", uid=proposal.uid)
    # The manager's comments of a return stand beside the fields they are about.
    returns = (
        proposal.events.filter(action=ProposalEvent.Action.RETURNED)
        .select_related("actor")
        .order_by("at")
    )
    rows = rubric_rows(proposal, details=notes_by_competency(returns), with_current=True)
    competencies = [row["competency"] for row in rows]
    refusal = None
    if request.method == "GET":
        initial = {
            f"evidence-{row['competency'].key}": row["evidence"].text
            for row in rows
            if row["evidence"]
        }
        form = EvidenceForm(initial=initial, competencies=competencies, auto_id="%s")
    else:
        form = EvidenceForm(request.POST, competencies=competencies, auto_id="%s")
        if form.is_valid():
            done, refusal = _save_evidence(request, proposal, form)
            if done:
                return done
    return _evidence_page(request, proposal, rows, form, refusal)


def _save_evidence(request, proposal, form):
    """Save every field, then submit if asked: (the response when done, or None and
    why the submission was refused)."""
    try:
        evidence_save_all(proposal=proposal, texts=form.texts())
    except WorkflowError as error:
        messages.error(request, str(error))
        return redirect("people:proposal", uid=proposal.uid), None
    intent = EvidenceSubmitForm(request.POST)
    if not intent.submits:
        messages.success(request, "Evidence saved.")
        return redirect("people:proposal_evidence", uid=proposal.uid), None
    try:
        proposal = proposal_submit(
            proposal=proposal, actor=request.person, revision=intent.cleaned_data["revision"]
        )
    except WorkflowError as error:
        return None, str(error)
    messages.success(request, f"Submitted: {proposal.get_state_display().lower()}.")
    return redirect("people:proposal", uid=proposal.uid), None


def _evidence_page(request, proposal, rows, form, refusal):
    form.autosaving(lambda key: reverse("people:evidence_autosave", args=[proposal.uid, key]))
    written = written_keys(rows, form.typed() if form.is_bound else None)
    fields = dict(form.competency_fields)
    for row in rows:
        row["field"] = fields[row["competency"]]
        row["written"] = row["competency"].key in written
    return render(
        request,
        "people/proposals/evidence.html",
        {
            "proposal": proposal,
            "rows": rows,
            "form": form,
            "written": len(written),
            "refusal": refusal,
            # After a refused submission: each competency still without evidence.
            "missing": [row for row in rows if not row["written"]] if refusal else [],
        },
        status=422 if form.errors else 409 if refusal else 200,
    )


@require_POST
@person_required
def evidence_autosave(request: PersonRequest, uid, key):
    """One field, saved as the author types; answers with the field's status line."""
    proposal, roles = get_proposal_for(request.person, uid)
    require(roles, "edit")
    rows = rubric_rows(proposal)
    competency = next((row["competency"] for row in rows if row["competency"].key == key), None)
    if competency is None:
        raise Http404("No such competency at the target level.")
    form = EvidenceForm(request.POST, competencies=[competency])
    if not form.is_valid():
        return render(
            request,
            "people/proposals/_save_status.html",
            {"key": key, "error": " ".join(map(str, form.errors[f"evidence-{key}"]))},
            status=422,
        )
    try:
        evidence_save(proposal=proposal, key=key, text=form.texts()[key])
    except WorkflowError as error:
        return render(
            request,
            "people/proposals/_save_status.html",
            {"key": key, "error": str(error)},
            status=409,
        )
    # The page's progress count follows (out of band): it counts what is saved.
    written = len(written_keys(rows, form.texts()))
    return render(
        request,
        "people/proposals/_save_status.html",
        {"key": key, "saved_at": timezone.localtime(), "written": written, "stated": len(rows)},
    )


INCOMPLETE = "The form was incomplete: reload the page and try again."
CORRECT_BELOW = "Nothing was changed: correct what is marked below and send it again."


def _refused_form_message(form) -> str:
    return INCOMPLETE if "revision" in form.errors else CORRECT_BELOW


def _act(request, uid, action, perform, form_class=RevisionForm):
    """Shared shape of every action: check the role (403), read the form (422 with
    what was typed, errors beside their fields), run the transition, say what
    happened; a refused transition re-shows the page with its reason (409), and
    with what was typed."""
    proposal, roles = get_proposal_for(request.person, uid)
    require(roles, action)
    rows = rubric_rows(proposal)
    form = _form(form_class, proposal, rows, request.POST)
    if not form.is_valid():
        forms = {action: form, "error": _refused_form_message(form)}
        return detail_page(request, proposal, roles, status=422, forms=forms)
    try:
        message = perform(proposal, form)
    except WorkflowError as error:
        proposal, roles = get_proposal_for(request.person, uid)
        forms = {action: _kept(form, proposal, rows), "error": str(error)}
        return detail_page(request, proposal, roles, status=409, forms=forms)
    messages.success(request, message)
    return redirect("people:proposal", uid=proposal.uid)


@require_POST
@person_required
def submit(request: PersonRequest, uid):
    def perform(proposal, form):
        proposal = proposal_submit(
            proposal=proposal, actor=request.person, revision=form.cleaned_data["revision"]
        )
        return f"Submitted: {proposal.get_state_display().lower()}."

    return _act(request, uid, "submit", perform)


@require_POST
@person_required
def withdraw(request: PersonRequest, uid):
    def perform(proposal, form):
        proposal_withdraw(
            proposal=proposal, actor=request.person, revision=form.cleaned_data["revision"]
        )
        return "Withdrawn."

    return _act(request, uid, "withdraw", perform)


@require_POST
@person_required
def endorse(request: PersonRequest, uid):
    def perform(proposal, form):
        proposal = proposal_endorse(
            proposal=proposal,
            actor=request.person,
            revision=form.cleaned_data["revision"],
            note=form.cleaned_data["note"],
        )
        return f"Endorsed: {proposal.get_state_display().lower()}."

    return _act(request, uid, "endorse", perform, EndorseForm)


@require_POST
@person_required
def return_to_author(request: PersonRequest, uid):
    def perform(proposal, form):
        proposal_return(
            proposal=proposal,
            actor=request.person,
            revision=form.cleaned_data["revision"],
            note=form.cleaned_data["note"],
            comments=form.texts(),
        )
        return "Returned to the author with your comments."

    return _act(request, uid, "return", perform, ReturnForm)


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
    GET there fetches the row's decision controls (``step=reasons``: the inline "not
    approve" form). An Approve from the queue is only recorded once confirmed: the
    first one asks, in the row (htmx) or on a page of its own. From the proposal
    page, a redirect."""
    proposal, roles = get_proposal_for(request.person, uid)
    require(roles, "decide")
    rows = rubric_rows(proposal)
    from_queue = request.GET.get("from") == "queue"
    in_queue = bool(request.htmx) and from_queue
    if request.method == "GET":
        if not in_queue:
            return redirect(f"{proposal.get_absolute_url()}#decide")
        return _queue_controls(request, proposal, roles, rows)
    auto_id = f"{proposal.uid}-%s" if in_queue else "decide-%s"
    competencies = [row["competency"] for row in rows]
    form = DecisionForm(request.POST, competencies=competencies, auto_id=auto_id)
    if from_queue and form.is_valid() and form.asks_confirmation:
        if in_queue:
            return _queue_row(request, proposal, roles, step="confirm", form=form)
        return render(request, "people/cycles/confirm.html", {"proposal": proposal, "form": form})
    proposal, status, error = _record(request, proposal, form)
    if error:
        proposal, roles = get_proposal_for(request.person, uid)
        form = _kept(form, proposal, rows)
    if in_queue:
        asking = error and proposal.state == Proposal.State.IN_CALIBRATION
        return _queue_row(
            request,
            proposal,
            roles,
            step="reasons" if asking else None,
            form=form.focus_first() if asking else None,
            error=error,
            status=status,
        )
    if error:
        return detail_page(
            request, proposal, roles, status=status, forms={"decide": form, "error": error}
        )
    messages.success(request, f"Decision recorded: {proposal.get_state_display().lower()}.")
    if from_queue:
        return redirect("people:cycle", uid=proposal.cycle.uid)
    return redirect("people:proposal", uid=proposal.uid)


def _record(request, proposal, form) -> tuple[Proposal, int, str | None]:
    """Record the decision ``form`` carries: (the proposal, status, the refusal if any)."""
    if not form.is_valid():
        return proposal, 422, _refused_form_message(form)
    try:
        decided = proposal_decide(
            proposal=proposal,
            actor=request.person,
            revision=form.cleaned_data["revision"],
            approve=form.approves,
            note=form.cleaned_data["note"],
            reasons=form.texts(),
        )
    except WorkflowError as refused:
        return proposal, 409, str(refused)
    return decided, 200, None


def _queue_controls(request, proposal, roles, rows):
    """A queue row's decision controls, fetched where they are used: Approve and
    Not approve…, or the reasons of a "not approve"."""
    if QueueStepForm(request.GET).chosen == QueueStepForm.REASONS:
        form = _form(DecisionForm, proposal, rows, auto_id=f"{proposal.uid}-%s").focus_first()
        return _queue_row(request, proposal, roles, step="reasons", form=form)
    return _queue_row(request, proposal, roles, step="choose")


def _queue_row(request, proposal, roles, *, step=None, form=None, error=None, status=200):
    """The queue's row for ``proposal``, swapped in place, with the counters refreshed.
    ``step``: which decision controls it shows (none: a Decide button; "choose";
    "confirm" an approval, with the ``form`` sent; "reasons" of the ``form``)."""
    (row,) = queue_rows([proposal.pk])
    context = {
        "cycle": proposal.cycle,
        "p": row,
        "form": form,
        "step": step,
        "error": error,
        # Read afresh with the row: another calibrator may have decided it meanwhile.
        "decidable": {row["pk"]} if allowed("decide", roles, row["state"]) else set(),
        "counters": queue_counters(proposal.cycle),
        "oob": True,
    }
    return render(request, "people/cycles/queue.html#row", context, status=status)
