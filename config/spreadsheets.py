"""Spreadsheet-safe CSV cells, for every download and the ladder file format alike.

A spreadsheet runs a cell that starts with =, +, -, @, a tab or a carriage return as a
formula. Such text is written with one extra ' in front (and so is text that starts
with ' itself, so that reading removes exactly one and the round trip is exact);
numbers stay numbers. A download's header row is made safe too: some are named after
what people chose (a track's name)."""

import csv

from django.http import HttpResponse

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


def csv_download(filename: str, header: list, rows) -> HttpResponse:
    """A table as a CSV file to download, every cell spreadsheet-safe. UTF-8 with a
    byte-order mark: without it Excel reads the file in the machine's code page and
    shows "ChloÃ©" for "Chloé"."""
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.write("\ufeff")
    writer = csv.writer(response)
    writer.writerow(safe_row(header))
    writer.writerows(safe_row(row) for row in rows)
    return response
