from functools import lru_cache

from django import template
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeString, mark_safe

from ladders.markdown import render_markdown
from ladders.models import Track

register = template.Library()


@register.filter
def markdown(text):
    return render_markdown(text)


# The chips of the two track kinds, in one place: wherever a level or a track is shown,
# its kind is seen by colour and shape together (DESIGN.md, "How it should feel"): a
# diamond for an individual contributor's craft, two people for management. The shape
# is decorative for screen readers: the text beside it names the level or track. They
# read ``track.kind``: pages that show many levels load ``level__track`` with them.
# Written in Python, not a template: a queue of fifty rows shows a hundred of them.
SHAPES = {
    Track.Kind.MANAGEMENT: mark_safe(
        '<circle cx="5" cy="5" r="2.6"/><circle cx="11.2" cy="5" r="2.6"/>'
        '<path d="M0.6 15c0-3.1 1.9-5.3 4.4-5.3S9.4 11.9 9.4 15zM10 15c0-1.9-.5-3.4-1.4-4.6'
        '.7-.5 1.6-.8 2.6-.8 2.5 0 4.2 2.2 4.2 5.4z"/>'
    ),
    Track.Kind.IC: mark_safe('<path d="M8 0.8 15.2 8 8 15.2 0.8 8z"/>'),
}


@register.simple_tag
def level_chip(level):
    """A level's code in its track kind's chip."""
    return _chip(level.track.kind, conditional_escape(level.code))


@register.simple_tag
def track_chip(track):
    """A track's own name in its kind's chip (a ladder may have several of one kind)."""
    return _chip(track.kind, conditional_escape(track.name))


@lru_cache(maxsize=1024)
def _chip(kind: Track.Kind, text: SafeString):
    # A page shows the same few chips over and over (a queue's hundred are a handful of
    # levels): each is written once per process. ``text`` comes escaped: text and HTML
    # that read alike ("<b>" and <b>) are equal keys, so the cache must only see one.
    return format_html(
        '<span class="chip chip-{}"><svg viewBox="0 0 16 16" aria-hidden="true" '
        'focusable="false">{}</svg>{}</span>',
        kind,
        SHAPES[kind],
        text,
    )
