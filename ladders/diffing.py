"""What changed between two versions of a ladder, field by field and cell by cell.
Texts are compared as read (``wording.py``): a cell whose words and layout stay is
no change, however its whitespace, wrapping or list markers moved."""

from dataclasses import dataclass, field
from functools import cached_property

from ladders.ladder_format import LadderData
from ladders.wording import Wording

# The fields written in Markdown; the others (names, titles, keys) are plain text.
MARKDOWN_FIELDS = {"description", "summary"}


@dataclass
class Change:
    kind: str  # added | removed | changed
    what: str  # e.g. "IC3 · Technical craft", "Level IC3: title"
    before: str = ""
    after: str = ""

    @cached_property
    def wording(self) -> Wording:
        return Wording(self.before, self.after)


def _differ(before: str, after: str, *, markdown: bool) -> bool:
    if markdown:
        return not Wording(before, after).same
    return before.split() != after.split()


@dataclass
class VersionDiff:
    ladder: list[Change] = field(default_factory=list)
    competencies: list[Change] = field(default_factory=list)
    tracks: list[Change] = field(default_factory=list)
    levels: list[Change] = field(default_factory=list)
    cells: list[Change] = field(default_factory=list)

    @property
    def sections(self):
        return [
            ("Ladder", self.ladder),
            ("Competencies", self.competencies),
            ("Tracks", self.tracks),
            ("Levels", self.levels),
            ("Expectations", self.cells),
        ]

    @property
    def is_empty(self) -> bool:
        return not any(changes for _, changes in self.sections)

    @property
    def counts(self) -> dict[str, int]:
        every = [c for _, changes in self.sections for c in changes]
        return {
            kind: sum(c.kind == kind for c in every) for kind in ("added", "removed", "changed")
        }


def diff_ladders(old: LadderData, new: LadderData) -> VersionDiff:
    result = VersionDiff()
    _fields(result.ladder, "Ladder", old, new, ["name", "description"])

    _items(
        result.competencies,
        {c.key: c for c in old.competencies},
        {c.key: c for c in new.competencies},
        lambda c: f"Competency “{c.name}”",
        ["name", "group", "description"],
    )
    _items(
        result.tracks,
        {t.key: t for t in old.tracks},
        {t.key: t for t in new.tracks},
        lambda t: f"Track “{t.name}”",
        ["name", "kind"],
    )
    old_levels = {lv.code: (lv, t.key) for t in old.tracks for lv in t.levels}
    new_levels = {lv.code: (lv, t.key) for t in new.tracks for lv in t.levels}
    _items(
        result.levels,
        {code: _LevelView(lv, track) for code, (lv, track) in old_levels.items()},
        {code: _LevelView(lv, track) for code, (lv, track) in new_levels.items()},
        lambda v: f"Level {v.code} {v.title}",
        ["title", "grade", "track", "summary"],
    )

    names = {c.key: c.name for c in old.competencies} | {c.key: c.name for c in new.competencies}
    old_cells = {
        (code, k): t for code, (lv, _) in old_levels.items() for k, t in lv.expectations.items()
    }
    new_cells = {
        (code, k): t for code, (lv, _) in new_levels.items() for k, t in lv.expectations.items()
    }
    for cell in _ordered_union(old_cells, new_cells):
        before, after = old_cells.get(cell, ""), new_cells.get(cell, "")
        if not _differ(before, after, markdown=True):
            continue
        what = f"{cell[0]} · {names.get(cell[1], cell[1])}"
        kind = "added" if not before else "removed" if not after else "changed"
        result.cells.append(Change(kind, what, before, after))
    return result


@dataclass
class _LevelView:
    level: object
    track: str

    def __getattr__(self, name):
        return getattr(self.level, name)


def _fields(changes, label, old, new, names):
    for name in names:
        before, after = str(getattr(old, name)), str(getattr(new, name))
        if _differ(before, after, markdown=name in MARKDOWN_FIELDS):
            changes.append(Change("changed", f"{label}: {name}", before, after))


def _items(changes, old, new, label, names):
    for key in _ordered_union(old, new):
        if key not in old:
            changes.append(Change("added", label(new[key])))
        elif key not in new:
            changes.append(Change("removed", label(old[key])))
        else:
            _fields(changes, label(new[key]), old[key], new[key], names)


def _ordered_union(first: dict, second: dict) -> list:
    return list(dict.fromkeys([*second, *first]))
