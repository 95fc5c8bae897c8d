"""Markdown as readers see it: CommonMark with raw HTML switched off, so text is
stored as written and rendered without ever executing what someone typed."""

from functools import lru_cache

from django.utils.safestring import SafeString, mark_safe
from markdown_it import MarkdownIt

# "html": False escapes raw HTML; markdown-it's link validation already refuses
# javascript:, vbscript:, file: and data: (other than images) URLs.
_renderer = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})


@lru_cache(maxsize=4096)
def render_markdown(text: str) -> SafeString:
    return mark_safe(_renderer.render(text or ""))  # noqa: S308 (escaped by markdown-it)


def reading(text: str) -> list[tuple[str, str]]:
    """The text as a reader meets it: one ``(marker, words)`` per line, where a line is
    a paragraph, a heading, a list item (marker "• ", or its number) or a hard break.
    Markdown syntax, line wrapping and runs of spaces are gone; so is emphasis (see
    ``same_layout`` for that)."""
    lines: list[tuple[str, str]] = []
    pending = ""
    for token in _renderer.parse(text or ""):
        if token.type == "list_item_open":
            pending = f"{token.info}. " if token.info else "• "
        elif token.type in ("fence", "code_block"):
            lines.extend((pending, line) for line in token.content.splitlines())
            pending = ""
        elif token.type == "inline":
            parts = [pending]
            for child in token.children or []:
                if child.type == "hardbreak":
                    lines.append((parts[0], "".join(parts[1:])))
                    parts = [""]
                else:
                    parts.append(" " if child.type == "softbreak" else child.content)
            lines.append((parts[0], "".join(parts[1:])))
            pending = ""
    return [(marker, " ".join(words.split())) for marker, words in lines if words.strip()]


def same_layout(first: str, second: str) -> bool:
    """Whether two texts render to the same HTML once whitespace is set aside: true
    for a rewrapped paragraph or a list written with "*" instead of "-", false when
    emphasis, a link or the split into paragraphs changed."""
    return " ".join(render_markdown(first).split()) == " ".join(render_markdown(second).split())
