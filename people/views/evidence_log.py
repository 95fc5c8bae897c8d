"""The evidence log: a person's work noted as it happens, by them and their managers;
editing an entry while it is its author's; HR's redaction. Who may do what is asked
of people.permissions.growth."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods
from django.views.decorators.vary import vary_on_headers

from config.access import person_required
from config.htmx import wants_fragment
from people.forms.growth import LogEditForm, LogEntryForm, LogFilterForm, RedactForm
from people.permissions.growth import (
    LogRights,
    get_entry_for,
    get_log_for,
    require_edit,
    require_redact,
    require_write,
)
from people.permissions.people import PersonRequest
from people.selectors.growth import log_competencies, log_of, shown
from people.services.evidence_log import (
    LogError,
    StaleEntry,
    log_entry_add,
    log_entry_edit,
    log_entry_redact,
)

PAGE_SIZE = 20


def _entry_form(form_class, rights: LogRights, competencies, data=None, **kwargs):
    """The form of an entry about the person, worded for who writes it."""
    about = None if rights.viewer.pk == rights.person.pk else rights.person.name
    return form_class(data, competencies=competencies, writing_about=about, **kwargs)


def _log_url(person, entry=None) -> str:
    url = reverse("people:log", args=[person.uid])
    return f"{url}#entry-{entry.uid}" if entry is not None else url


@require_http_methods(["GET", "POST"])
@vary_on_headers("HX-Request")
@person_required
def log(request: PersonRequest, uid):
    """The person's log, newest first, filtered by competency, a page at a time; and
    the form to add to it (a plain POST here), which keeps what was typed if refused."""
    person, rights = get_log_for(request.person, uid)
    competencies = log_competencies(person)
    form = None
    if request.method == "POST":
        require_write(rights)
        form = _entry_form(LogEntryForm, rights, competencies, request.POST)
        if form.is_valid():
            try:
                entry = log_entry_add(person=person, author=request.person, **form.entry())
            except LogError as error:
                form.add_error(None, str(error))
            else:
                whose = "your log" if rights.viewer.pk == person.pk else f"{person.name}'s log"
                messages.success(request, f"Added to {whose}.")
                return redirect(_log_url(person, entry))
    elif rights.writes and competencies:
        form = _entry_form(
            LogEntryForm, rights, competencies, initial={"happened_on": timezone.localdate()}
        )
    return _log_page(request, person, rights, competencies, form)


def _log_page(request, person, rights, competencies, form):
    """Runs two queries: the entries counted, and a page of them with their authors."""
    names = {c.key: c.name for c in competencies}
    filters = LogFilterForm(request.GET, competencies=competencies, auto_id="filter-%s")
    chosen = filters.chosen()
    page = Paginator(log_of(person, competency=chosen), PAGE_SIZE).get_page(request.GET.get("page"))
    entries = [
        shown(
            entry,
            competencies,
            can_edit=rights.may_edit(entry),
            can_redact=rights.may_redact(entry),
        )
        for entry in page.object_list
    ]
    context = {
        "person": person,
        "own": rights.viewer.pk == person.pk,
        "rights": rights,
        "form": form,
        "filters": filters,
        "chosen": names.get(chosen, ""),
        "query": filters.query_string(),
        "page": page,
        "entries": entries,
    }
    status = 422 if form is not None and form.errors else 200
    template = "people/growth/log.html"
    if request.method == "GET" and wants_fragment(request):
        template += "#entries"  # the filters, changed in place
    return render(request, template, context, status=status)


@require_http_methods(["GET", "POST"])
@person_required
def edit_entry(request: PersonRequest, uid, entry_uid):
    """Its author edits an entry until it is used or redacted. A form made from an older
    revision, or sent once the entry froze, changes nothing and shows what was typed
    beside the entry as it is now (409)."""
    person, rights = get_log_for(request.person, uid)
    entry = get_entry_for(rights, entry_uid)
    require_edit(rights, entry)
    competencies = log_competencies(person)
    if request.method == "GET":
        if not rights.may_edit(entry):
            messages.info(request, "This entry is kept as it was: it can no longer be edited.")
            return redirect(_log_url(person, entry))
        initial = {
            "happened_on": entry.happened_on,
            "text": entry.text,
            "competencies": entry.competencies,
            "revision": entry.revision,
        }
        form = _entry_form(LogEditForm, rights, competencies, initial=initial)
        return _edit_page(request, person, rights, entry, competencies, form)
    form = _entry_form(LogEditForm, rights, competencies, request.POST)
    if not form.is_valid():
        return _edit_page(request, person, rights, entry, competencies, form, status=422)
    try:
        entry = log_entry_edit(
            entry=entry,
            editor=request.person,
            revision=form.cleaned_data["revision"],
            **form.entry(),
        )
    except LogError as error:
        entry = get_entry_for(rights, entry_uid)
        if isinstance(error, StaleEntry):
            # What was typed, to send again over the entry as it is now, deliberately.
            data = form.data.copy()
            data["revision"] = entry.revision
            form = _entry_form(LogEditForm, rights, competencies, data)
        return _edit_page(
            request, person, rights, entry, competencies, form, conflict=str(error), status=409
        )
    messages.success(request, "Entry saved.")
    return redirect(_log_url(person, entry))


def _edit_page(request, person, rights, entry, competencies, form, *, conflict=None, status=200):
    context = {
        "person": person,
        "own": rights.viewer.pk == person.pk,
        "entry": entry,
        "shown": shown(entry, competencies),
        "form": form,
        "conflict": conflict,
        # Kept for good meanwhile: what was typed may still become a new entry. Not once
        # HR redacted it: what HR removed is not offered back with one click.
        "as_new": entry.is_frozen and not entry.is_redacted and rights.writes,
        "redacted": entry.is_redacted,
    }
    return render(request, "people/growth/edit.html", context, status=status)


@require_http_methods(["GET", "POST"])
@person_required
def redact_entry(request: PersonRequest, uid, entry_uid):
    """HR empties an entry and says why; who, when and why stay in its place."""
    person, rights = get_log_for(request.person, uid)
    entry = get_entry_for(rights, entry_uid)
    require_redact(rights, entry)
    if entry.is_redacted and request.method == "GET":
        messages.info(request, "This entry is already redacted.")
        return redirect(_log_url(person, entry))
    form = RedactForm(request.POST if request.method == "POST" else None)
    status = 200
    if form.is_bound:
        status = 422
        if form.is_valid():
            try:
                entry = log_entry_redact(
                    entry=entry, by=request.person, reason=form.cleaned_data["reason"]
                )
            except LogError as error:
                form.add_error(None, str(error))
                entry = get_entry_for(rights, entry_uid)
                status = 409
            else:
                messages.success(
                    request, "Entry redacted: its text is gone, who, when and why are kept."
                )
                return redirect(_log_url(person, entry))
    context = {
        "person": person,
        "entry": entry,
        "shown": shown(entry, log_competencies(person)),
        "form": form,
    }
    return render(request, "people/growth/redact.html", context, status=status)
