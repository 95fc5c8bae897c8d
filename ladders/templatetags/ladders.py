from django import template
from django.utils.html import format_html
from django.utils.safestring import mark_safe

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
    return _chip(level.track.kind, level.code)


@register.simple_tag
def track_chip(track):
    """A track's own name in its kind's chip (a ladder may have several of one kind)."""
    return _chip(track.kind, track.name)


def _chip(kind, text):
    return format_html(
        '<span class="chip chip-{}"><svg viewBox="0 0 16 16" aria-hidden="true" '
        'focusable="false">{}</svg>{}</span>',
        kind,
        SHAPES[kind],
        text,
    )
