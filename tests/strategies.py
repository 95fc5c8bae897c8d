"""Hypothesis strategies shared by the property tests of the file imports."""

import codecs
import csv
import io

from hypothesis import strategies as st

# Text a person could paste anywhere: empty, blank, NUL, half a surrogate pair,
# astral and right-to-left characters, Unicode line breaks, markup, too long.
NASTY_TEXT = st.sampled_from(
    [
        "",
        " ",
        "\0",
        "a\x00b",
        "\ud83d",
        "🚀 ünïcödé",
        "\u202eevil",
        "\x85\u2028\u2029",
        "<script>alert(1)</script>",
        "x" * 121,
        "y" * 10_001,
        "Upper-Case",
        "with space",
        "0",
        "-1",
        "1.5",
        "true",
        "~",
        "*alias",
        "!!python/object/apply:os.system [id]",
        '"quoted"',
        "a,b",
        "line\nbreak",
    ]
)


@st.composite
def csv_text(draw, rows: list[list[str]]) -> str:
    """``rows`` written as CSV with any quoting and line ending a spreadsheet uses."""
    buffer = io.StringIO()
    quoting = draw(st.sampled_from([csv.QUOTE_MINIMAL, csv.QUOTE_ALL]))
    ending = draw(st.sampled_from(["\r\n", "\n"]))
    csv.writer(buffer, quoting=quoting, lineterminator=ending).writerows(rows)
    return buffer.getvalue()


@st.composite
def damaged_bytes(draw, data: bytes) -> bytes:
    """``data`` as it is, half the time; otherwise damaged below the format: a byte
    order mark, a stray quote, NUL, bytes that are not UTF-8, a cut, one byte
    changed, UTF-16 instead of UTF-8, or nothing at all."""
    if not draw(st.booleans()):
        return data
    action = draw(st.sampled_from(["insert", "bom", "cut", "flip", "utf-16", "empty"]))
    at = draw(st.integers(0, len(data)))
    if action == "bom":
        return codecs.BOM_UTF8 + data
    if action == "insert":
        junk = draw(st.sampled_from([b'"', b"\0", b"\xff", b"\r", b"\xc3", b"\xed\xa0\x80"]))
        return data[:at] + junk + data[at:]
    if action == "cut":
        return data[:at]
    if action == "flip" and data:
        at = min(at, len(data) - 1)
        return data[:at] + bytes([draw(st.integers(0, 255))]) + data[at + 1 :]
    if action == "utf-16":
        return data.decode("utf-8", "surrogatepass").encode("utf-16", "surrogatepass")
    return b""
