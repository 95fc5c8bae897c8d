"""Two texts compared word by word, as people read them: the one home of the word
diff, used by Compare (two levels) and by the difference between two versions.

Texts are Markdown. They are compared on the words a reader sees (``reading``), so
whitespace, line wrapping and the list marker ("-" or "*") never show as changes.
Emphasis is not a word: a text whose words stay while its bold, links or paragraphs
change is ``formatting_only``, said as such rather than marked word by word.

Marked words are escaped; ``<ins>`` and ``<del>`` carry a visually hidden "added" or
"removed", as screen readers do not announce the elements themselves."""

import difflib
from dataclasses import dataclass
from functools import cached_property

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from ladders.markdown import reading, same_layout

# Below this share of words in common, marking changes word by word is noise:
# the text was rewritten, and reads best as before and after, each whole.
REWRITE_BELOW = 0.5
# A phrase list in a summary stops here; the texts beside it have every word.
PHRASES_SHOWN = 4


@dataclass(frozen=True)
class Word:
    lead: str  # what comes before it: "", " ", or a new line with its list marker
    text: str


def words(text: str) -> list[Word]:
    result: list[Word] = []
    for marker, line in reading(text):
        for i, word in enumerate(line.split(" ")):
            lead = ("\n" if result else "") + marker if i == 0 else " "
            result.append(Word(lead, word))
    return result


def _mark(tag: str, label: str, run: list[Word]) -> str:
    """``run`` in one ``<tag>``, its first word's lead (a space, a new line) outside."""
    inner = escape(run[0].text) + "".join(escape(w.lead + w.text) for w in run[1:])
    return (
        f'{escape(run[0].lead)}<{tag}><span class="visually-hidden">{label}: </span>{inner}</{tag}>'
    )


def _plain(run: list[Word]) -> str:
    return "".join(escape(w.lead + w.text) for w in run)


@dataclass
class Wording:
    before: str
    after: str

    @cached_property
    def _old(self) -> list[Word]:
        return words(self.before)

    @cached_property
    def _new(self) -> list[Word]:
        return words(self.after)

    @cached_property
    def _opcodes(self):
        old, new = [w.text for w in self._old], [w.text for w in self._new]
        return difflib.SequenceMatcher(None, old, new, autojunk=False).get_opcodes()

    @property
    def same_words(self) -> bool:
        return [w.text for w in self._old] == [w.text for w in self._new]

    @property
    def same(self) -> bool:
        """Nothing a reader would see: the same words laid out the same way."""
        return self.same_words and same_layout(self.before, self.after)

    @property
    def formatting_only(self) -> bool:
        return self.same_words and not same_layout(self.before, self.after)

    @property
    def rewritten(self) -> bool:
        """Both have words, and too few in common to mark them one by one."""
        if not self._old or not self._new:
            return False
        old, new = [w.text for w in self._old], [w.text for w in self._new]
        return difflib.SequenceMatcher(None, old, new, autojunk=False).ratio() < REWRITE_BELOW

    def _side(self, keep: str) -> SafeString:
        """One side's words, those the other lacks marked: ``keep`` is "before" or "after"."""
        parts = []
        for op, i1, i2, j1, j2 in self._opcodes:
            run = self._old[i1:i2] if keep == "before" else self._new[j1:j2]
            if not run:
                continue
            if op == "equal":
                parts.append(_plain(run))
            else:
                parts.append(
                    _mark(*(("del", "removed") if keep == "before" else ("ins", "added")), run)
                )
        return mark_safe("".join(parts))  # noqa: S308 (every piece escaped above)

    @property
    def before_read(self) -> SafeString:
        """The earlier text as read, unmarked: one side of a rewrite."""
        return mark_safe(_plain(self._old))  # noqa: S308 (escaped by _plain)

    @property
    def after_read(self) -> SafeString:
        """The later text as read, unmarked."""
        return mark_safe(_plain(self._new))  # noqa: S308 (escaped by _plain)

    @property
    def before_marked(self) -> SafeString:
        """The earlier text as read, its removed words in ``<del>``."""
        return self._side("before")

    @property
    def after_marked(self) -> SafeString:
        """The later text as read, its added words in ``<ins>``."""
        return self._side("after")

    @property
    def inline(self) -> SafeString:
        """One text: the later one as read, each removed run in ``<del>`` before what
        replaced it in ``<ins>``."""
        parts = []
        for op, i1, i2, j1, j2 in self._opcodes:
            if op == "equal":
                parts.append(_plain(self._new[j1:j2]))
                continue
            if i2 > i1:
                parts.append(_mark("del", "removed", self._old[i1:i2]))
            if j2 > j1:
                parts.append(_mark("ins", "added", self._new[j1:j2]))
        return mark_safe("".join(parts))  # noqa: S308 (every piece escaped above)

    def _phrases(self, side: str) -> list[str]:
        runs = [
            self._old[i1:i2] if side == "before" else self._new[j1:j2]
            for op, i1, i2, j1, j2 in self._opcodes
            if op != "equal"
        ]
        # A summary lists each phrase once, between commas: its own trailing
        # punctuation goes.
        phrases = [" ".join(w.text for w in run).rstrip(",.;:") for run in runs if run]
        return list(dict.fromkeys(phrases))

    @property
    def added(self) -> "Phrases":
        """The phrases only the later text has, in order."""
        return Phrases(self._phrases("after"))

    @property
    def removed(self) -> "Phrases":
        """The phrases only the earlier text has, in order."""
        return Phrases(self._phrases("before"))


@dataclass
class Phrases:
    every: list[str]

    @property
    def shown(self) -> list[str]:
        return self.every[:PHRASES_SHOWN]

    @property
    def more(self) -> int:
        return max(len(self.every) - PHRASES_SHOWN, 0)
