"""Check-ins: a person's list of them (and starting one), a check-in's page with the
form of whoever's turn it is, and its steps: rating, agreeing, cancelling."""

from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from config.access import person_required
from people.forms.checkins import AgreeForm, CancelForm, RatingsForm, RedactNotesForm
from people.models import CheckIn, LogEntry
from people.permissions.checkins import (
    get_check_in_for,
    may_redact_notes,
    may_start_check_in,
    require_turn,
    side_of,
    whose_turn,
)
from people.permissions.people import PersonRequest, get_growth_person_for
from people.selectors.cadence import next_check_in
from people.selectors.checkins import RatedRow, check_in_rows, team_growth
from people.services.check_in_mail import person_from_stop_token, reminders_set, stop_token
from people.services.checkins import (
    CheckInError,
    check_in_agree,
    check_in_cancel,
    check_in_notes_redact,
    check_in_rate,
    check_in_start,
)

PAGE_SIZE = 20
# Log entries offered to attach: those of the last year.
ATTACHABLE_DAYS = 365


def _list_page(request: PersonRequest, person, *, error="", status=200):
    check_ins = person.check_ins.select_related("manager", "level__track").order_by(
        "-started_at", "-pk"
    )
    page = Paginator(check_ins, PAGE_SIZE).get_page(request.GET.get("page"))
    open_one = person.check_ins.filter(state__in=CheckIn.OPEN_STATES).first()
    context = {
        "person": person,
        "page": page,
        "open_one": open_one,
        "next_check_in": next_check_in(person),
        "may_start": open_one is None and may_start_check_in(request.person, person),
        # One's own reminders are set from one's own list.
        "reminders_link": stop_token(person) if person.pk == request.person.pk else None,
        "error": error,
    }
    return render(request, "people/checkins/list.html", context, status=status)


@require_GET
@person_required
def team(request: PersonRequest):
    """A manager's team, competency by competency: each report's latest agreed ratings,
    when, who looks ready, and from there a check-in or a nomination."""
    if not request.person.is_manager:
        raise Http404("No team.")
    return render(request, "people/checkins/team.html", {"ladders": team_growth(request.person)})


@require_GET
@person_required
def check_ins(request: PersonRequest, uid):
    return _list_page(request, get_growth_person_for(request.person, uid))


@require_POST
@person_required
def start(request: PersonRequest, uid):
    person = get_growth_person_for(request.person, uid)
    if not may_start_check_in(request.person, person):
        raise PermissionDenied("Only the person and their manager start a check-in.")
    try:
        check_in = check_in_start(person=person, by=request.person)
    except CheckInError as error:
        return _list_page(request, person, error=str(error), status=409)
    first = "you" if person.pk == request.person.pk else person.name
    messages.success(
        request, f"Check-in started: {first} rate{'' if first == 'you' else 's'} first."
    )
    return redirect(check_in)


def _attachable(check_in: CheckIn):
    since = timezone.localdate() - timedelta(days=ATTACHABLE_DAYS)
    return LogEntry.objects.filter(
        person_id=check_in.person_id, redacted_at__isnull=True, happened_on__gte=since
    ).order_by("-happened_on", "-pk")


def _step_form(check_in: CheckIn, rows: list[RatedRow], data=None) -> RatingsForm | AgreeForm:
    """The form of the step it is at, for the side whose turn it is; bound to ``data``
    (what was sent) or fresh, at the check-in's current revision."""
    ratings = [row.rating for row in rows]
    args = () if data is None else (data,)
    initial = {"revision": check_in.revision} if data is None else None
    if check_in.state == CheckIn.State.AGREEING:
        return AgreeForm(*args, rows=ratings, initial=initial or {})
    entries = _attachable(check_in) if check_in.state == CheckIn.State.PERSON else None
    return RatingsForm(*args, rows=ratings, entries=entries, initial=initial)


def _page(
    request: PersonRequest,
    check_in: CheckIn,
    *,
    form=None,
    cancel_form=None,
    redacting=None,
    status=200,
):
    viewer = request.person
    following, rows = check_in_rows(check_in)
    side = side_of(viewer, check_in)
    my_turn = check_in.is_open and side is not None and whose_turn(check_in) == side
    if my_turn and form is None:
        form = _step_form(check_in, rows)
    if form is not None:
        placed = {rating.pk: (field, note) for rating, field, note in form.placed()}
        for row in rows:
            row.rating_field, row.note_field = placed[row.rating.pk]
    context = {
        "check_in": check_in,
        "following": following,
        "person": check_in.person,
        "rows": rows,
        "side": side,
        "my_turn": my_turn,
        "form": form if my_turn else None,
        "cancel_form": cancel_form
        or (
            CancelForm(initial={"revision": check_in.revision})
            if side and check_in.is_open
            else None
        ),
        "entries": check_in.entries.select_related("author").order_by("-happened_on", "-pk"),
        "events": check_in.events.select_related("actor").order_by("at", "pk"),
        "may_redact": may_redact_notes(viewer, check_in),
        # A refused redaction: (competency key, its form, with the reason typed).
        "redacting": redacting,
    }
    return render(request, "people/checkins/detail.html", context, status=status)


@require_GET
@person_required
def detail(request: PersonRequest, uid):
    return _page(request, get_check_in_for(request.person, uid))


def _refused(request, check_in, error, form_key, form):
    """The page again for the check-in as it is now, saying why; what was typed is
    kept while it is still this step."""
    step = check_in.state
    check_in.refresh_from_db()
    messages.error(request, str(error))
    kept = {}
    if check_in.state == step:
        form.data = form.data.copy()
        form.data["revision"] = check_in.revision
        kept[form_key] = form
    return _page(request, check_in, status=409, **kept)


@require_POST
@person_required
def rate(request: PersonRequest, uid):
    check_in = get_check_in_for(request.person, uid)
    side, posted = side_of(request.person, check_in), request.POST.get("revision", "")
    moved_on = check_in.is_open and side is not None and whose_turn(check_in) != side
    if moved_on and posted.isdigit() and int(posted) < check_in.revision:
        # One's own earlier step sent again (twice, or from another tab): the page as it
        # is now says where it went; what that step sent is saved already.
        messages.error(
            request,
            f"This check-in changed since you opened it: it is now "
            f"“{check_in.get_state_display()}”. Nothing was saved.",
        )
        return _page(request, check_in, status=409)
    require_turn(request.person, check_in)
    _, rows = check_in_rows(check_in)
    form = _step_form(check_in, rows, request.POST)
    if not form.is_valid():
        return _page(request, check_in, form=form, status=422)
    try:
        if isinstance(form, AgreeForm):
            check_in_agree(
                check_in=check_in,
                by=request.person,
                revision=form.cleaned_data["revision"],
                agreed=form.agreed(),
            )
            said = "Agreed: the check-in is closed and kept as it is."
        else:
            check_in_rate(
                check_in=check_in,
                by=request.person,
                revision=form.cleaned_data["revision"],
                ratings=form.ratings(),
                entries=list(form.cleaned_data.get("entries") or ()),
            )
            said = (
                "Your ratings are sent: it is your manager's turn."
                if check_in.state == CheckIn.State.PERSON
                else "Your ratings are saved: record what you agree together to close it."
            )
    except CheckInError as error:
        return _refused(request, check_in, error, "form", form)
    messages.success(request, said)
    return redirect(check_in)


@require_POST
@person_required
def cancel(request: PersonRequest, uid):
    check_in = get_check_in_for(request.person, uid)
    if side_of(request.person, check_in) is None:
        raise PermissionDenied("Only the person and their manager cancel a check-in.")
    form = CancelForm(request.POST)
    if not form.is_valid():
        return _page(request, check_in, cancel_form=form, status=422)
    try:
        check_in_cancel(
            check_in=check_in,
            by=request.person,
            revision=form.cleaned_data["revision"],
            reason=form.cleaned_data["reason"],
        )
    except CheckInError as error:
        return _refused(request, check_in, error, "cancel_form", form)
    messages.success(request, "Check-in cancelled.")
    return redirect(check_in)


@login_not_required
@require_http_methods(["GET", "POST"])
def reminders(request, token):
    """The link in every digest: stop them (or have them again), signed in or not.
    The signed token names the person; a link that is not one of ours is a 404."""
    person = person_from_stop_token(token)
    if person is None:
        raise Http404("This link is not one of ours, or it was cut short.")
    if request.method == "POST":
        on = request.POST.get("reminders") == "on"
        reminders_set(person=person, on=on)
        messages.success(request, "Check-in mail is on again." if on else "Check-in mail stopped.")
        return redirect("people:reminders", token=token)
    person.refresh_from_db(fields=["reminders_off"])
    return render(request, "people/checkins/reminders.html", {"who": person})


@require_POST
@person_required
def redact_notes(request: PersonRequest, uid, key):
    check_in = get_check_in_for(request.person, uid)
    if not may_redact_notes(request.person, check_in):
        raise PermissionDenied("Only HR redacts a check-in's notes, and never about themselves.")
    rating = check_in.ratings.filter(competency__key=key).first()
    if rating is None:
        raise Http404("No such competency in this check-in.")
    form = RedactNotesForm(request.POST, auto_id="redact-%s")
    if not form.is_valid():
        return _page(request, check_in, redacting=(key, form), status=422)
    try:
        check_in_notes_redact(rating=rating, by=request.person, reason=form.cleaned_data["reason"])
    except CheckInError as error:
        form.add_error(None, str(error))
        return _page(request, check_in, redacting=(key, form), status=409)
    messages.success(request, "Notes redacted: the reason stands in their place.")
    return redirect(check_in)
