"""Spreadsheet-safe CSV cells, for every download and the ladder file format alike.

A spreadsheet runs a cell that starts with =, +, -, @, a tab or a carriage return as a
formula. Such text is written with one extra ' in front (and so is text that starts
with ' itself, so that reading removes exactly one and the round trip is exact);
numbers stay numbers. A header row is made safe too where it holds names people chose
(a track's, on the insights' downloads); fixed column names need nothing."""

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
ESCAPE = "'"


def safe_cell(value):
    """``value`` as a spreadsheet will show it and never run it."""
    if isinstance(value, str) and value.startswith((*FORMULA_STARTS, ESCAPE)):
        return ESCAPE + value
    return value


def safe_row(row) -> list:
    return [safe_cell(value) for value in row]


def read_cell(text: str) -> str:
    """The text a ``safe_cell`` was written from: one leading ' removed."""
    return text[1:] if text.startswith(ESCAPE) else text
