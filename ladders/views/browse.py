"""Reading ladders: the list, a ladder's grid, a level, a competency across levels,
comparing two levels, version history and the difference between versions."""

from dataclasses import dataclass
from functools import cached_property

from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET
from django.views.decorators.vary import vary_on_headers

from config.access import person_required
from config.htmx import wants_fragment
from ladders.diffing import diff_ladders
from ladders.ladder_format import to_csv, to_yaml
from ladders.models import Ladder, LadderVersion
from ladders.permissions import get_version_for, is_hr
from ladders.rubric import load_rubric
from ladders.services.versions import ladder_data
from ladders.wording import Wording


@require_GET
@person_required
def ladder_list(request):
    current = {v.ladder_id: v for v in LadderVersion.objects.current()}
    drafts = {}
    hr = is_hr(request)
    if hr:
        drafts = {v.ladder_id: v for v in LadderVersion.objects.drafts()}
    ladders = [
        (ladder, current.get(ladder.pk), drafts.get(ladder.pk))
        for ladder in Ladder.objects.order_by("slug")
        if ladder.pk in current or ladder.pk in drafts
    ]
    ladders.sort(key=lambda row: (row[1] or row[2]).name.lower())
    return render(request, "ladders/ladder_list.html", {"ladders": ladders, "hr": hr})


def _version(request, slug):
    return get_version_for(request, slug, request.GET.get("version"))


def _page(request, template, version, **context):
    """Render with what every ladder page shows about the version it reads from.

    Runs one query: the ladder's newest published number, to say whether this
    version is current and to keep ``?version=N`` on links when it is not; for HR
    one more, for the draft in progress (the Edit link continues it)."""
    newest = version.ladder.versions.newest()
    is_current = newest is not None and newest.pk == version.pk
    hr = is_hr(request)
    context |= {
        "version": version,
        "ladder": version.ladder,
        "newest": newest,
        "is_current": is_current,
        "version_query": "" if is_current else f"version={version.number}",
        "hr": hr,
        "draft": version.ladder.versions.drafts().first() if hr else None,
    }
    return render(request, template, context)


def _my_level(request, rubric):
    """The viewer's level as it stands in this version of the ladder, if they have one."""
    level = getattr(request.person, "level", None)
    if level is None or level.version.ladder_id != rubric.version.ladder_id:
        return None
    return rubric.level(level.code)


@require_GET
@person_required
def ladder_detail(request, slug):
    version = _version(request, slug)
    rubric = load_rubric(version, texts=False)
    return _page(
        request,
        "ladders/ladder_detail.html",
        version,
        rubric=rubric,
        my_level=_my_level(request, rubric),
    )


@require_GET
@person_required
def level_detail(request, slug, code):
    version = _version(request, slug)
    rubric = load_rubric(version, texts=False)
    level = rubric.level(code)
    if level is None:
        raise Http404("No such level.")
    rubric.load_texts(levels=[level])
    rows = [(c, rubric.expectation(level, c)) for c in rubric.competencies]
    return _page(
        request,
        "ladders/level_detail.html",
        version,
        rubric=rubric,
        level=level,
        rows=rows,
        equivalents=rubric.equivalents(level),
        next=rubric.next_on_track(level),
        previous=rubric.previous_on_track(level),
        my_level=_my_level(request, rubric),
    )


@require_GET
@person_required
def competency_detail(request, slug, key):
    version = _version(request, slug)
    competency = version.competencies.filter(key=key).first()
    if competency is None:
        raise Http404("No such competency.")
    rubric = load_rubric(version, competency=competency)
    rows = [
        (
            row.grade,
            [
                (track, level, level and rubric.expectation(level, competency))
                for track, level in row.by_track
            ],
        )
        for row in rubric.grade_rows
    ]
    return _page(
        request,
        "ladders/competency_detail.html",
        version,
        rubric=rubric,
        competency=competency,
        rows=rows,
    )


@dataclass
class ComparedRow:
    competency: object
    before: str
    after: str

    @cached_property
    def wording(self) -> Wording:
        return Wording(self.before, self.after)

    @cached_property
    def status(self) -> str:
        if not self.before and not self.after:
            return "none"
        if not self.before:
            return "new"
        if not self.after:
            return "dropped"
        if self.wording.same:
            return "same"
        if self.wording.formatting_only:
            return "emphasis"
        return "rewritten" if self.wording.rewritten else "changed"


class Comparison:
    """Two levels' expectations, competency by competency, read and compared only when
    the page asks: a published version's comparison is kept once rendered
    (ladders/compare.html), and then neither their texts nor the word diff is needed."""

    def __init__(self, rubric, a, b):
        self.rubric, self.a, self.b = rubric, a, b

    @cached_property
    def rows(self) -> list[ComparedRow]:
        """Runs one query: the two levels' texts."""
        rubric = self.rubric
        rubric.load_texts(levels=[self.a, self.b])

        def text(level, competency):
            expectation = rubric.expectation(level, competency)
            return expectation.text if expectation else ""

        return [ComparedRow(c, text(self.a, c), text(self.b, c)) for c in self.rubric.competencies]

    @cached_property
    def changed(self) -> int:
        """How many competencies ask something different."""
        return sum(row.status not in ("same", "none", "emphasis") for row in self.rows)


@require_GET
@vary_on_headers("HX-Request")
@person_required
def compare(request, slug):
    version = _version(request, slug)
    rubric = load_rubric(version, texts=False)
    if not rubric.levels:
        raise Http404("This ladder has no levels yet.")
    default_a, default_b = _default_pair(request, rubric)
    a = rubric.level(request.GET.get("a") or default_a.code)
    b = rubric.level(request.GET.get("b") or default_b.code)
    if a is None or b is None:
        raise Http404("No such level.")
    template = "ladders/compare.html"
    if wants_fragment(request):
        template += "#comparison"
    return _page(
        request,
        template,
        version,
        rubric=rubric,
        a=a,
        b=b,
        comparison=Comparison(rubric, a, b),
        move=_describe_move(a, b),
        # One click to the same grade on another track: ``b``'s, or at a grade only one
        # track has, ``a``'s (then compared with ``a`` itself, a lateral move).
        laterals=[(a, other) for other in rubric.equivalents(b)]
        or [(a, other) for other in rubric.equivalents(a)],
    )


def _default_pair(request, rubric):
    """My level and the next on my track (or, at the top, the equivalent on another
    track); without a level here, the first two levels of the first track."""
    mine = _my_level(request, rubric) or rubric.levels[0]
    other = rubric.next_on_track(mine) or next(iter(rubric.equivalents(mine)), None)
    return mine, other or mine


def _describe_move(a, b) -> str:
    if a.pk == b.pk:
        return "the same level"
    if a.grade == b.grade:
        return "a lateral move: the same grade on another track"
    if a.grade < b.grade:
        steps = b.grade - a.grade
        return f"a promotion of {steps} grade{'s' if steps > 1 else ''}"
    return "a step down in grade"


@require_GET
@person_required
def history(request, slug):
    version = get_version_for(request, slug)
    versions = version.ladder.versions.select_related("published_by__person", "created_by__person")
    if not is_hr(request):
        versions = versions.published()
    return _page(request, "ladders/history.html", version, versions=versions.order_by("-number"))


@require_GET
@person_required
def diff(request, slug):
    newest = get_version_for(request, slug)
    new = get_version_for(request, slug, request.GET.get("to") or newest.number)
    old = get_version_for(request, slug, request.GET.get("from") or max(new.number - 1, 1))
    versions = newest.ladder.versions.order_by("-number")
    if not is_hr(request):
        versions = versions.published()
    return _page(
        request,
        "ladders/diff.html",
        newest,
        old=old,
        new=new,
        diff=diff_ladders(ladder_data(old), ladder_data(new)),
        versions=versions,
    )


EXPORTS = {
    "yaml": (to_yaml, "application/yaml; charset=utf-8", "yaml"),
    "csv": (to_csv, "text/csv; charset=utf-8", "csv"),
}


@require_GET
@person_required
def export(request, slug):
    version = _version(request, slug)
    kind = request.GET.get("format", "yaml")
    if kind not in EXPORTS:
        raise Http404("Unknown format: use yaml or csv.")
    write, content_type, extension = EXPORTS[kind]
    response = HttpResponse(write(ladder_data(version)), content_type=content_type)
    filename = f"{version.ladder.slug}-v{version.number}.{extension}"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
