"""The word diff (ladders/wording.py) on hand-written texts: words added, removed and
replaced are marked, whitespace and Markdown syntax are not changes, emphasis alone
is a change of formatting, a text with little in common is a rewrite, and every
word is escaped so the marks are the only HTML."""

from django.utils.html import escape

from ladders.markdown import reading
from ladders.wording import Wording, words

ADDED = '<ins><span class="visually-hidden">added: </span>'
REMOVED = '<del><span class="visually-hidden">removed: </span>'


def test_a_word_added_is_marked_in_the_later_text():
    wording = Wording("Writes clear code", "Writes clear tested code")
    assert not wording.same
    assert wording.after_marked == f"Writes clear {ADDED}tested</ins> code"
    assert wording.before_marked == "Writes clear code"
    assert wording.inline == f"Writes clear {ADDED}tested</ins> code"
    assert (wording.added.every, wording.removed.every) == (["tested"], [])


def test_a_word_removed_is_marked_in_the_earlier_text():
    wording = Wording("Writes clear tested code", "Writes clear code")
    assert wording.before_marked == f"Writes clear {REMOVED}tested</del> code"
    assert wording.after_marked == "Writes clear code"
    assert wording.inline == f"Writes clear {REMOVED}tested</del> code"
    assert (wording.added.every, wording.removed.every) == ([], ["tested"])


def test_a_word_replaced_is_marked_on_both_sides():
    wording = Wording("Writes clear code", "Writes clean code")
    assert wording.before_marked == f"Writes {REMOVED}clear</del> code"
    assert wording.after_marked == f"Writes {ADDED}clean</ins> code"
    assert wording.inline == f"Writes {REMOVED}clear</del> {ADDED}clean</ins> code"
    assert not wording.rewritten


def test_whitespace_and_line_wrapping_are_no_change():
    wording = Wording("Writes clear code\nfor the team.", "Writes  clear code for\n the team.  ")
    assert wording.same
    assert not wording.formatting_only
    assert wording.inline == "Writes clear code for the team."


def test_the_list_marker_is_no_change_and_items_stay_on_their_lines():
    before, after = "Owns:\n\n- tests\n- reviews", "Owns:\n\n* tests\n*  reviews\n"
    assert Wording(before, after).same
    assert reading(after) == [("", "Owns:"), ("• ", "tests"), ("• ", "reviews")]
    assert Wording(before, after).after_read == "Owns:\n• tests\n• reviews"


def test_markdown_syntax_is_not_a_word_but_emphasis_is_a_formatting_change():
    wording = Wording("Owns the roadmap", "**Owns** the roadmap")
    assert [w.text for w in words("**Owns** the [roadmap](https://example.com)")] == [
        "Owns",
        "the",
        "roadmap",
    ]
    assert wording.same_words
    assert not wording.same
    assert wording.formatting_only
    assert wording.inline == "Owns the roadmap"


def test_a_rewritten_text_is_told_apart_from_a_changed_one():
    assert Wording("Writes clear code with tests", "Leads the design of systems").rewritten
    assert not Wording(
        "Writes clear code with tests", "Writes clear code with good tests"
    ).rewritten
    # A text that is new or gone is not a rewrite: there is nothing to read beside it.
    assert not Wording("", "Leads the design of systems").rewritten
    assert Wording("", "New text").inline == f"{ADDED}New text</ins>"
    assert Wording("Old text", "").inline == f"{REMOVED}Old text</del>"


def test_every_word_is_escaped_so_the_marks_are_the_only_html():
    before = 'Uses `<b>bold</b>` & "quotes"'
    after = 'Uses <script>alert(1)</script> & "quotes"'
    wording = Wording(before, after)
    for html in (wording.inline, wording.before_marked, wording.after_marked):
        assert "<script>" not in html
        assert "<b>" not in html
    assert wording.after_marked == (
        f"Uses {ADDED}{escape('<script>alert(1)</script>')}</ins> {escape('&')} "
        f"{escape(chr(34) + 'quotes' + chr(34))}"
    )


def test_a_summary_lists_each_phrase_once_without_its_trailing_punctuation():
    wording = Wording("Works with the team, for the team.", "Works with teams, for teams.")
    assert wording.added.every == ["teams"]
    assert wording.removed.every == ["the team"]


def test_a_summary_lists_the_first_phrases_and_counts_the_rest():
    wording = Wording("a b c d e f g h i j", "a B c D e F g H i J")
    assert wording.added.shown == ["B", "D", "F", "H"]
    assert wording.added.more == 1
    assert wording.removed.every == ["b", "d", "f", "h", "j"]
