"""Rules for single-line text every app shares: names that end up in mail headers,
subjects and file names."""

import unicodedata

# Cc: NUL, tab, CR, LF, escape and the rest of C0/C1; Zl and Zp: the Unicode line
# and paragraph separators, which mail clients and spreadsheets also break lines on.
_LINE_BREAKING = {"Cc", "Zl", "Zp"}


def has_control_characters(text: str) -> bool:
    """Whether ``text`` holds a character that has no place in one line of text."""
    return any(unicodedata.category(character) in _LINE_BREAKING for character in text)
