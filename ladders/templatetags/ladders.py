from django import template

from ladders.markdown import render_markdown
from ladders.models import Track

register = template.Library()


@register.filter
def markdown(text):
    return render_markdown(text)


# The chips of the two track kinds, in one template: wherever a level or a track is
# shown, its kind is seen by colour and shape together (DESIGN.md, "How it should feel").
# They read ``track.kind``: pages that show many levels load ``level__track`` with them.


@register.inclusion_tag("ladders/_chip.html")
def level_chip(level):
    """A level's code in its track kind's chip."""
    return _chip(level.track.kind, level.code)


@register.inclusion_tag("ladders/_chip.html")
def track_chip(track):
    """A track's own name in its kind's chip (a ladder may have several of one kind)."""
    return _chip(track.kind, track.name)


def _chip(kind, text):
    return {"kind": kind, "management": kind == Track.Kind.MANAGEMENT, "text": text}
