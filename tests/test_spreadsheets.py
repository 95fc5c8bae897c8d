"""Spreadsheet-safe cells: what a spreadsheet would run is written as text, the
round trip is exact, and numbers stay numbers."""

from hypothesis import given
from hypothesis import strategies as st

from config.spreadsheets import FORMULA_STARTS, read_cell, safe_cell, safe_row


@given(st.text())
def test_every_text_reads_back_as_it_was_written(text):
    assert read_cell(safe_cell(text)) == text


@given(st.text())
def test_no_written_text_starts_like_a_formula(text):
    assert not safe_cell(text).startswith(FORMULA_STARTS)


def test_formulas_are_written_as_text_and_numbers_stay_numbers():
    row = ["=1+1", "+33 6", "-x", "@SUM(A1)", "\tx", "\rx", "'=quoted", "Ada", -25, 0.5]
    assert safe_row(row) == [
        "'=1+1",
        "'+33 6",
        "'-x",
        "'@SUM(A1)",
        "'\tx",
        "'\rx",
        "''=quoted",
        "Ada",
        -25,
        0.5,
    ]
