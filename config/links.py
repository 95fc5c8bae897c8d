"""{% uid_url %}: the link of a route whose one argument is a uid, for pages that link
every row of a long list (a calibration queue's fifty rows link each proposal twice).

Django's ``reverse`` looks up the URLconf, the script prefix and the namespace, then
matches the route's pattern against the candidate, every time: about 60 µs a link. A
route's links differ only by the uid, so the route is reversed once (per script
prefix) with a stand-in uid, and each link puts its own uid in the stand-in's place.
"""

from functools import cache
from uuid import UUID

from django import template
from django.urls import get_script_prefix, reverse

register = template.Library()
STAND_IN = UUID(int=0)


@cache
def _route(name: str, prefix: str) -> str:
    # ``prefix`` is only the cache's key: reverse reads the script prefix itself.
    return reverse(name, args=[STAND_IN])


@register.simple_tag
def uid_url(name: str, uid) -> str:
    """What ``{% url name uid %}`` writes. A value that is not a uid is refused as
    ``reverse`` refuses it: the uid converter would not have matched it."""
    if not isinstance(uid, UUID):
        uid = UUID(str(uid))  # ValueError, as the page's own data is wrong
    return _route(name, get_script_prefix()).replace(str(STAND_IN), str(uid))
