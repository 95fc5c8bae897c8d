"""HR's side of ladders: creating, importing, editing a draft (cell by cell in
place with htmx, or with plain forms), previewing and publishing it."""

from dataclasses import dataclass
from functools import wraps

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django.views.decorators.vary import vary_on_headers
from django_htmx.http import HttpResponseClientRedirect

from config.access import hr_required
from ladders.diffing import diff_ladders
from ladders.forms import (
    CellForm,
    CompetencyForm,
    DetailsForm,
    DiscardForm,
    LadderCreateForm,
    LadderImportForm,
    LevelForm,
    PublishForm,
    TrackForm,
)
from ladders.ladder_format import LadderFormatError, read_file
from ladders.models import Competency, Ladder, Level, Track
from ladders.permissions import get_draft_for
from ladders.rubric import load_rubric
from ladders.services.editing import (
    AlreadyExists,
    CellConflict,
    competency_add,
    details_update,
    expectation_save,
    item_move,
    item_remove,
    item_save,
    ladder_create,
    level_add,
    track_add,
)
from ladders.services.versions import (
    DraftChanged,
    DraftGone,
    LadderError,
    draft_discard,
    draft_start,
    ladder_data,
    ladder_import,
    publish_blockers,
    version_publish,
)


def _told_when_draft_gone(view):
    """A page or change of a draft that was published or discarded since the person
    opened it: tell them so on the page they land on, never a 404 or a 500. An htmx
    request is sent there as a whole page, as its fragment has nowhere to go."""

    @wraps(view)
    def wrapper(request, slug, *args, **kwargs):
        try:
            return view(request, slug, *args, **kwargs)
        except DraftGone as error:
            messages.error(request, str(error))
            where = _where_now(slug)
            return HttpResponseClientRedirect(where) if request.htmx else redirect(where)

    return wrapper


def _where_now(slug) -> str:
    """Runs two queries at most. The ladder's draft, else its page, else the list."""
    ladder = Ladder.objects.filter(slug=slug).first()
    if ladder is None:
        return reverse("ladders:list")
    if ladder.versions.drafts().exists():
        return reverse("ladders:editor", args=[slug])
    return reverse("ladders:detail", args=[slug])


@require_http_methods(["GET", "POST"])
@hr_required
def ladder_new(request):
    form = LadderCreateForm(request.POST if request.method == "POST" else None)
    if form.is_bound and form.is_valid():
        try:
            draft = ladder_create(user=request.user, **form.cleaned_data)
        except AlreadyExists as error:
            form.add_error(error.field, str(error))
        else:
            messages.success(request, f"{draft.name} created. Add competencies, tracks and levels.")
            return redirect("ladders:editor", slug=draft.ladder.slug)
    status = 422 if form.is_bound else 200
    return render(request, "ladders/ladder_new.html", {"form": form}, status=status)


@require_http_methods(["GET", "POST"])
@hr_required
def ladder_upload(request):
    form = LadderImportForm(request.POST, request.FILES) if request.method == "POST" else None
    form = form or LadderImportForm()
    problems = []
    if form.is_bound and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            draft = ladder_import(data=read_file(upload.read(), upload.name), user=request.user)
        except LadderFormatError as error:
            problems = [str(problem) for problem in error.problems]
        except LadderError as error:
            problems = [str(error)]
        else:
            messages.success(
                request,
                f"Imported as draft version {draft.number} of {draft.name}. Review it, then "
                "preview and publish.",
            )
            return redirect("ladders:editor", slug=draft.ladder.slug)
    status = 422 if form.is_bound else 200
    return render(
        request, "ladders/import.html", {"form": form, "problems": problems}, status=status
    )


@require_POST
@hr_required
def start_draft(request, slug):
    ladder = get_object_or_404(Ladder, slug=slug)
    try:
        draft = draft_start(ladder=ladder, user=request.user)
    except LadderError as error:
        messages.error(request, str(error))
        return redirect("ladders:detail", slug=slug)
    return redirect("ladders:editor", slug=draft.ladder.slug)


def _editor_page(request, draft, status=200, **forms):
    """The editor: the rubric grid of one track, the structure and the draft's details."""
    rubric = load_rubric(draft)
    track = next((t for t in rubric.tracks if t.key == request.GET.get("track")), None)
    track = track or (rubric.tracks[0] if rubric.tracks else None)
    levels = rubric.levels_of(track) if track else []
    grid = [
        (competency, [(level, rubric.expectation(level, competency)) for level in levels])
        for competency in rubric.competencies
    ]
    context = {
        "draft": draft,
        "ladder": draft.ladder,
        "rubric": rubric,
        "track": track,
        "levels": levels,
        "grid": grid,
        "details_form": forms.get("details_form")
        or DetailsForm(initial={"name": draft.name, "description": draft.description}),
        "competency_form": forms.get("competency_form") or CompetencyForm(version=draft),
        "track_form": forms.get("track_form") or TrackForm(version=draft),
        "level_form": forms.get("level_form") or LevelForm(version=draft, initial={"track": track}),
    }
    return render(request, "ladders/editor.html", context, status=status)


@require_GET
@hr_required
@_told_when_draft_gone
def editor(request, slug):
    return _editor_page(request, get_draft_for(request, slug))


@require_POST
@hr_required
@_told_when_draft_gone
def details(request, slug):
    draft = get_draft_for(request, slug)
    form = DetailsForm(request.POST)
    if not form.is_valid():
        return _editor_page(request, draft, status=422, details_form=form)
    details_update(version=draft, **form.cleaned_data)
    messages.success(request, "Name and description saved.")
    return redirect(reverse("ladders:editor", args=[slug]) + "#details")


# Cells ----------------------------------------------------------------------------


def _cell(draft, code, key):
    level = get_object_or_404(
        Level.objects.select_related("track", "version"), version=draft, code=code
    )
    competency = get_object_or_404(Competency, version=draft, key=key)
    expectation = (
        level.expectations.select_related("updated_by__person")
        .filter(competency=competency)
        .first()
    )
    return level, competency, expectation


def _render_cell(
    request, template, *, level, competency, expectation, form=None, status=200, **extra
):
    context = {
        "ladder": level.version.ladder,
        "draft": level.version,
        "level": level,
        "competency": competency,
        "expectation": expectation,
        "form": form,
        **extra,
    }
    return render(request, template, context, status=status)


@require_GET
@vary_on_headers("HX-Request")
@hr_required
@_told_when_draft_gone
def cell_edit(request, slug, code, key):
    """The cell's edit form: swapped into the grid by htmx, or a page of its own."""
    draft = get_draft_for(request, slug)
    level, competency, expectation = _cell(draft, code, key)
    form = CellForm(
        initial={
            "text": expectation.text if expectation else "",
            "revision": expectation.revision if expectation else 0,
        }
    )
    template = "ladders/cell_edit.html" + ("#cell-form" if request.htmx else "")
    return _render_cell(
        request, template, level=level, competency=competency, expectation=expectation, form=form
    )


@require_http_methods(["GET", "POST"])
@vary_on_headers("HX-Request")
@hr_required
@_told_when_draft_gone
def cell(request, slug, code, key):
    """GET: the cell as shown in the grid (Cancel). POST: save it."""
    draft = get_draft_for(request, slug)
    level, competency, expectation = _cell(draft, code, key)
    anchor = (
        reverse("ladders:editor", args=[slug])
        + f"?track={level.track.key}#cell-{level.pk}-{competency.pk}"
    )
    if request.method == "GET":
        if not request.htmx:
            return redirect(anchor)
        return _render_cell(
            request,
            "ladders/editor.html#cell",
            level=level,
            competency=competency,
            expectation=expectation,
        )
    form = CellForm(request.POST)
    conflict = False
    if form.is_valid():
        try:
            expectation = expectation_save(
                level=level,
                competency=competency,
                text=form.cleaned_data["text"],
                seen_revision=form.cleaned_data["revision"],
                user=request.user,
            )
        except CellConflict as error:
            conflict, expectation = True, error.current
            form = _conflict_form(form, error.current)
        except LadderError as error:  # published meanwhile
            conflict = True
            form.add_error(None, str(error))
        else:
            saved = f"Saved {level.code} · {competency.name}."
            if not request.htmx:
                messages.success(request, saved)
                return redirect(anchor)
            return _render_cell(
                request,
                "ladders/editor.html#cell",
                level=level,
                competency=competency,
                expectation=expectation,
                saved=saved,
            )
    template = "ladders/cell_edit.html" + ("#cell-form" if request.htmx else "")
    return _render_cell(
        request,
        template,
        level=level,
        competency=competency,
        expectation=expectation,
        form=form,
        status=409 if conflict else 422,
    )


def _conflict_form(form, current):
    """Keep the editor's text, move them onto the current revision, and say so."""
    rebound = CellForm(
        initial={"text": form.cleaned_data["text"], "revision": current.revision if current else 0}
    )
    who = getattr(getattr(current, "updated_by", None), "person", None) if current else None
    when = current.updated_at.strftime("%H:%M") if current else None
    if current is None:
        message = "Someone cleared this cell since you opened it."
    else:
        message = (
            f"{who.name if who else 'Someone'} changed this cell at {when}, since you opened it."
        )
    rebound.conflict_message = (
        f"{message} Their text is shown above; yours is still in the box. Save again to "
        "replace theirs, or cancel to keep it."
    )
    return rebound


# Structure: competencies, tracks, levels --------------------------------------------


@dataclass(frozen=True)
class Kind:
    model: type
    form: type
    identifier: str
    label: str
    add: object

    def get(self, draft, ident):
        return get_object_or_404(self.model, version=draft, **{self.identifier: ident})


KINDS = {
    "competencies": Kind(Competency, CompetencyForm, "key", "competency", competency_add),
    "tracks": Kind(Track, TrackForm, "key", "track", track_add),
    "levels": Kind(Level, LevelForm, "code", "level", None),
}


def _kind(name) -> Kind:
    if name not in KINDS:
        raise Http404("No such part of a ladder.")
    return KINDS[name]


@require_POST
@hr_required
@_told_when_draft_gone
def item_add(request, slug, kind):
    draft = get_draft_for(request, slug)
    spec = _kind(kind)
    form = spec.form(request.POST, version=draft)
    if not form.is_valid():
        return _editor_page(request, draft, status=422, **{f"{spec.label}_form": form})
    try:
        if spec.model is Level:
            fields = {k: v for k, v in form.cleaned_data.items() if k != "track"}
            item = level_add(track=form.cleaned_data["track"], **fields)
        else:
            item = spec.add(version=draft, **form.cleaned_data)
    except AlreadyExists as error:
        form.add_error(error.field, str(error))
        return _editor_page(request, draft, status=409, **{f"{spec.label}_form": form})
    messages.success(request, f"Added the {spec.label} “{item}”.")
    return redirect(reverse("ladders:editor", args=[slug]) + f"#{kind}")


@require_http_methods(["GET", "POST"])
@hr_required
@_told_when_draft_gone
def item_edit(request, slug, kind, ident):
    draft = get_draft_for(request, slug)
    spec = _kind(kind)
    item = spec.get(draft, ident)
    form = spec.form(
        request.POST if request.method == "POST" else None, instance=item, version=draft
    )
    status = 422 if form.is_bound else 200
    if form.is_bound and form.is_valid():
        item = form.save(commit=False)
        try:
            item_save(item, [f for f in form.changed_data if not form.fields[f].disabled])
        except AlreadyExists as error:
            form.add_error(error.field, str(error))
            status = 409
        else:
            messages.success(request, f"Saved the {spec.label} “{item}”.")
            return redirect(reverse("ladders:editor", args=[slug]) + f"#{kind}")
    return render(
        request,
        "ladders/item_edit.html",
        {
            "draft": draft,
            "ladder": draft.ladder,
            "item": item,
            "label": spec.label,
            "form": form,
            "kind": kind,
        },
        status=status,
    )


def _draft_item(request, slug, kind, ident):
    spec = _kind(kind)
    return spec, spec.get(get_draft_for(request, slug), ident)


@require_POST
@hr_required
@_told_when_draft_gone
def item_delete(request, slug, kind, ident):
    spec, item = _draft_item(request, slug, kind, ident)
    item_remove(item)
    messages.success(request, f"Removed the {spec.label} “{item}”.")
    return redirect(reverse("ladders:editor", args=[slug]) + f"#{kind}")


@require_POST
@hr_required
@_told_when_draft_gone
def item_reorder(request, slug, kind, ident):
    spec, item = _draft_item(request, slug, kind, ident)
    if spec.model is Level:
        raise Http404("Levels are ordered by grade: change the grade to move a level.")
    item_move(item, up=request.POST.get("direction") == "up")
    return redirect(reverse("ladders:editor", args=[slug]) + f"#{kind}")


# Preview, publish, discard ----------------------------------------------------------


def _preview_page(request, draft, form, status=200):
    base = draft.based_on
    diff = diff_ladders(ladder_data(base), ladder_data(draft)) if base else None
    return render(
        request,
        "ladders/preview.html",
        {
            "draft": draft,
            "ladder": draft.ladder,
            "base": base,
            "diff": diff,
            "blockers": publish_blockers(draft),
            "form": form,
        },
        status=status,
    )


@require_GET
@hr_required
@_told_when_draft_gone
def preview(request, slug):
    draft = get_draft_for(request, slug)
    return _preview_page(request, draft, PublishForm.showing(draft))


def _draft_of(request, slug, form):
    """The draft the posted ``form`` was opened on; DraftGone when that version is not
    the draft any more (published or discarded since)."""
    form.is_valid()
    return get_draft_for(request, slug, number=form.cleaned_data.get("version"))


@require_POST
@hr_required
@_told_when_draft_gone
def publish(request, slug):
    form = PublishForm(request.POST)
    draft = _draft_of(request, slug, form)
    if form.is_valid():
        try:
            version = version_publish(
                version=draft,
                seen=form.cleaned_data["stamp"],
                user=request.user,
                note=form.cleaned_data["note"],
            )
        except DraftGone:
            raise  # published or discarded by someone else meanwhile: told on the ladder's page
        except DraftChanged as error:
            # The preview again, as the draft is now, with the note as typed.
            draft.refresh_from_db()
            form = PublishForm.showing(draft, str(error), note=form.cleaned_data["note"])
            return _preview_page(request, draft, form, status=409)
        except LadderError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, f"Version {version.number} of {version.name} is published.")
            return redirect("ladders:detail", slug=slug)
    return _preview_page(request, draft, form, status=422)


@require_POST
@hr_required
@_told_when_draft_gone
def discard(request, slug):
    form = DiscardForm(request.POST)
    draft = _draft_of(request, slug, form)
    if not form.is_valid():
        for error in form.non_field_errors():
            messages.error(request, error)
        return redirect("ladders:editor", slug=slug)
    try:
        draft_discard(version=draft, seen=form.cleaned_data["stamp"])
    except DraftChanged as error:
        messages.error(request, str(error))
        return redirect("ladders:editor", slug=slug)
    messages.success(request, f"Draft version {draft.number} discarded.")
    return redirect(_where_now(slug))
