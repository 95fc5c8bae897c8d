"""What changed: between two levels' expectations, and between two versions of a
ladder, cell by cell. Texts are compared word by word and shown with <del> and
<ins>, escaped, so the marks are the only HTML in them."""

import difflib
import re
from dataclasses import dataclass, field

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from ladders.ladder_format import LadderData

_TOKENS = re.compile(r"\s+|[^\s]+")


# Below this share of words in common, marking changes word by word is noise:
# the text was rewritten, and reads best as before and after.
REWRITE_BELOW = 0.5


def is_rewrite(before: str, after: str) -> bool:
    old, new = _TOKENS.findall(before or ""), _TOKENS.findall(after or "")
    return difflib.SequenceMatcher(None, old, new, autojunk=False).ratio() < REWRITE_BELOW


def word_diff(before: str, after: str) -> SafeString:
    old, new = _TOKENS.findall(before or ""), _TOKENS.findall(after or "")
    parts: list[str] = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, old, new, autojunk=False).get_opcodes():
        if op == "equal":
            parts.append(escape("".join(old[i1:i2])))
            continue
        if i2 > i1:
            parts.append(f"<del>{escape(''.join(old[i1:i2]))}</del>")
        if j2 > j1:
            parts.append(f"<ins>{escape(''.join(new[j1:j2]))}</ins>")
    return mark_safe("".join(parts))  # noqa: S308 (every piece escaped above)


@dataclass
class Change:
    kind: str  # added | removed | changed
    what: str  # e.g. "IC3 · Technical craft", "Level IC3: title"
    before: str = ""
    after: str = ""

    @property
    def diff(self) -> SafeString:
        return word_diff(self.before, self.after)

    @property
    def rewritten(self) -> bool:
        return self.kind == "changed" and is_rewrite(self.before, self.after)


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
        if before == after:
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
        if before != after:
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
