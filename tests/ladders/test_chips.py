"""A level's or a track's chip: its kind seen by shape as well as colour, its text
escaped."""

from types import SimpleNamespace

from ladders.templatetags.ladders import level_chip, track_chip


def test_a_management_chip_shows_two_people_and_an_ic_chip_a_diamond():
    management = level_chip(SimpleNamespace(track=SimpleNamespace(kind="management"), code="M1"))
    ic = track_chip(SimpleNamespace(kind="ic", name="Individual contributor"))
    assert management.startswith('<span class="chip chip-management"><svg')
    assert management.count("<circle") == 2 and management.endswith("</svg>M1</span>")
    assert "<circle" not in ic and '<path d="M8 0.8 15.2 8 8 15.2 0.8 8z"/>' in ic
    assert 'aria-hidden="true"' in ic and ic.endswith("</svg>Individual contributor</span>")


def test_a_chips_text_is_escaped():
    chip = track_chip(SimpleNamespace(kind="ic", name="<script>x</script> & Co"))
    assert "<script>" not in chip and "&lt;script&gt;x&lt;/script&gt; &amp; Co" in chip


def test_text_that_reads_like_html_already_shown_is_still_escaped():
    """Chips are kept once written: a name that reads like HTML shown before as HTML
    (a SafeString equal to it) must not come back unescaped."""
    from django.utils.safestring import mark_safe

    track_chip(SimpleNamespace(kind="ic", name=mark_safe("<b>Bold</b>")))
    chip = track_chip(SimpleNamespace(kind="ic", name="<b>Bold</b>"))
    assert "<b>" not in chip and "&lt;b&gt;Bold&lt;/b&gt;" in chip
