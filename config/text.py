"""Rules for text every app shares: names that end up in mail headers, subjects and
file names are one line; Markdown texts may break lines, and hold nothing stranger."""

import unicodedata

# Cc: NUL, tab, CR, LF, escape and the rest of C0/C1; Zl and Zp: the Unicode line
# and paragraph separators, which mail clients and spreadsheets also break lines on.
_LINE_BREAKING = {"Cc", "Zl", "Zp"}


def has_control_characters(text: str, *, allowing: str = "") -> bool:
    """Whether ``text`` holds a character that has no place in one line of text, other
    than those ``allowing`` names (a text of several lines allows ``LINE_BREAKS``)."""
    return any(
        unicodedata.category(character) in _LINE_BREAKING and character not in allowing
        for character in text
    )


# What a text of several lines (Markdown) may hold of the characters above.
LINE_BREAKS = "\n\r\t"
