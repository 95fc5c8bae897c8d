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
